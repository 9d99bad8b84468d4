// The one matrix kernel the trainer's hot loops use, and a transpose.
//
// gemmNT: C (M, N) = [bias] + A (M, K) times B (N, K) transposed, i.e. every entry is a dot product
// of a row of A with a row of B, both contiguous in memory. Each entry is accumulated in k order
// 0..K-1 starting from its bias (or 0), exactly like the float reference's loops, so forward
// results are bit-identical to compiler/float/infer.ts. Register blocking of 4 rows of A by 2 rows
// of B: 6 loads feed 8 multiply-adds (measured here: 4x2 beats 2x2 and 4x4, which spills).

import { GEMM_WASM_BASE64 } from './gemm-wasm';

// The few WebAssembly declarations needed (the project's type libraries do not include them).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

interface WasmGemm {
  memory: WasmMemory;
  gemm: (M: number, N: number, K: number, a: number, b: number, c: number, bias: number, useBias: number) => void;
  f64: Float64Array;
}

function loadWasm(): WasmGemm | null {
  try {
    const wa = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    if (!wa) return null;
    const mod = new wa.Module(Buffer.from(GEMM_WASM_BASE64, 'base64'));
    const inst = new wa.Instance(mod, {});
    const memory = inst.exports.memory as WasmMemory;
    return { memory, gemm: inst.exports.gemm as WasmGemm['gemm'], f64: new Float64Array(memory.buffer) };
  } catch {
    return null; // no WebAssembly SIMD here: the JavaScript kernel does the work
  }
}

const WASM = process.env.TINYRNN_NO_WASM ? null : loadWasm();
/** Products smaller than this many multiply-adds stay in JavaScript (packing costs more). */
const WASM_MIN_MACS = 2048;

/** Whether the WebAssembly SIMD kernel is in use. */
export const wasmKernelAvailable = (): boolean => WASM !== null;

/** Bt (K, Np) at dst[dOff..]: B (N, K) transposed, columns padded with zeros to Np = N rounded up to 4. */
function packInto(N: number, K: number, B: Float64Array, bOff: number, ldb: number, dst: Float64Array, dOff: number): void {
  const Np = (N + 3) & ~3;
  for (let n = 0; n < N; n++) {
    const src = bOff + n * ldb;
    for (let k = 0; k < K; k++) dst[dOff + k * Np + n] = B[src + k];
  }
  for (let n = N; n < Np; n++) for (let k = 0; k < K; k++) dst[dOff + k * Np + n] = 0;
}

/** Size of a packed B operand (N, K) for gemmNT's `packed` argument. */
export const packedSize = (N: number, K: number): number => K * ((N + 3) & ~3);

/**
 * Packs B (N, K) once for many products with the same B (a weight matrix over the steps of a
 * window): pass the result as gemmNT's `packed` argument (with B, bOff, ldb unchanged).
 */
export function packB(N: number, K: number, B: Float64Array, bOff: number, ldb: number, dst: Float64Array): void {
  if (WASM) packInto(N, K, B, bOff, ldb, dst, 0);
}

/**
 * C (M, N) (=|+=) [bias] + A (M, K) B (N, K)^T: the one product the trainer uses. Large products run
 * in the WebAssembly SIMD kernel (gemm.wat) on packed copies, small ones in gemmNTScalar; both
 * give the same bits.
 */
export function gemmNT(
  M: number,
  N: number,
  K: number,
  A: Float64Array,
  aOff: number,
  lda: number,
  B: Float64Array,
  bOff: number,
  ldb: number,
  C: Float64Array,
  cOff: number,
  ldc: number,
  accumulate: boolean,
  bias: Float64Array | null = null,
  biasOff = 0,
  packed: Float64Array | null = null,
): void {
  const w = WASM;
  if (w === null || M * N * K < WASM_MIN_MACS || K === 0) {
    gemmNTScalar(M, N, K, A, aOff, lda, B, bOff, ldb, C, cOff, ldc, accumulate, bias, biasOff);
    return;
  }
  const Mp = (M + 3) & ~3;
  const Np = (N + 3) & ~3;
  // layout in f64 units: A (Mp, K) | Bt (K, Np) | bias (Np) | C (Mp, Np)
  const ao = 0;
  const bo = ao + Mp * K;
  const io = bo + K * Np;
  const co = io + Np;
  const need = (co + Mp * Np) * 8;
  if (need > w.memory.buffer.byteLength) {
    w.memory.grow(Math.ceil((need - w.memory.buffer.byteLength) / 65536));
    w.f64 = new Float64Array(w.memory.buffer);
  }
  const f = w.f64;
  for (let m = 0; m < M; m++) {
    const src = aOff + m * lda;
    f.set(A.subarray(src, src + K), ao + m * K);
  }
  if (Mp > M) f.fill(0, ao + M * K, ao + Mp * K);
  if (packed) f.set(packed.subarray(0, K * Np), bo);
  else packInto(N, K, B, bOff, ldb, f, bo);
  if (bias) {
    for (let n = 0; n < N; n++) f[io + n] = bias[biasOff + n];
    for (let n = N; n < Np; n++) f[io + n] = 0;
  }
  w.gemm(Mp, Np, K, ao * 8, bo * 8, co * 8, io * 8, bias ? 1 : 0);
  for (let m = 0; m < M; m++) {
    const dst = cOff + m * ldc;
    const src = co + m * Np;
    if (accumulate) for (let n = 0; n < N; n++) C[dst + n] += f[src + n];
    else for (let n = 0; n < N; n++) C[dst + n] = f[src + n];
  }
}

/**
 * C[cOff + m*ldc + n] (=|+=) (bias ? bias[biasOff + n] : 0) + sum_k A[aOff + m*lda + k] * B[bOff + n*ldb + k]
 * accumulate: add the result to C instead of overwriting it.
 */
export function gemmNTScalar(
  M: number,
  N: number,
  K: number,
  A: Float64Array,
  aOff: number,
  lda: number,
  B: Float64Array,
  bOff: number,
  ldb: number,
  C: Float64Array,
  cOff: number,
  ldc: number,
  accumulate: boolean,
  bias: Float64Array | null = null,
  biasOff = 0,
): void {
  let m = 0;
  // 4 rows of A x 2 rows of B: 8 accumulators and 6 operands stay in registers
  for (; m + 3 < M; m += 4) {
    const a0 = aOff + m * lda;
    const a1 = a0 + lda;
    const a2 = a1 + lda;
    const a3 = a2 + lda;
    const c0 = cOff + m * ldc;
    const c1 = c0 + ldc;
    const c2 = c1 + ldc;
    const c3 = c2 + ldc;
    let n = 0;
    for (; n + 1 < N; n += 2) {
      const b0 = bOff + n * ldb;
      const b1 = b0 + ldb;
      const i0 = bias ? bias[biasOff + n] : 0;
      const i1 = bias ? bias[biasOff + n + 1] : 0;
      let s00 = i0;
      let s01 = i1;
      let s10 = i0;
      let s11 = i1;
      let s20 = i0;
      let s21 = i1;
      let s30 = i0;
      let s31 = i1;
      for (let k = 0; k < K; k++) {
        const y0 = B[b0 + k];
        const y1 = B[b1 + k];
        const x0 = A[a0 + k];
        const x1 = A[a1 + k];
        const x2 = A[a2 + k];
        const x3 = A[a3 + k];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s20 += x2 * y0;
        s21 += x2 * y1;
        s30 += x3 * y0;
        s31 += x3 * y1;
      }
      if (accumulate) {
        C[c0 + n] += s00;
        C[c0 + n + 1] += s01;
        C[c1 + n] += s10;
        C[c1 + n + 1] += s11;
        C[c2 + n] += s20;
        C[c2 + n + 1] += s21;
        C[c3 + n] += s30;
        C[c3 + n + 1] += s31;
      } else {
        C[c0 + n] = s00;
        C[c0 + n + 1] = s01;
        C[c1 + n] = s10;
        C[c1 + n + 1] = s11;
        C[c2 + n] = s20;
        C[c2 + n + 1] = s21;
        C[c3 + n] = s30;
        C[c3 + n + 1] = s31;
      }
    }
    if (n < N) {
      const b0 = bOff + n * ldb;
      const i0 = bias ? bias[biasOff + n] : 0;
      let s0 = i0;
      let s1 = i0;
      let s2 = i0;
      let s3 = i0;
      for (let k = 0; k < K; k++) {
        const y = B[b0 + k];
        s0 += A[a0 + k] * y;
        s1 += A[a1 + k] * y;
        s2 += A[a2 + k] * y;
        s3 += A[a3 + k] * y;
      }
      if (accumulate) {
        C[c0 + n] += s0;
        C[c1 + n] += s1;
        C[c2 + n] += s2;
        C[c3 + n] += s3;
      } else {
        C[c0 + n] = s0;
        C[c1 + n] = s1;
        C[c2 + n] = s2;
        C[c3 + n] = s3;
      }
    }
  }
  // remaining rows one at a time
  for (; m < M; m++) {
    const a0 = aOff + m * lda;
    const c0 = cOff + m * ldc;
    for (let n = 0; n < N; n++) {
      const b0 = bOff + n * ldb;
      let s = bias ? bias[biasOff + n] : 0;
      for (let k = 0; k < K; k++) s += A[a0 + k] * B[b0 + k];
      if (accumulate) C[c0 + n] += s;
      else C[c0 + n] = s;
    }
  }
}

/** dst[dOff + c*ldd + r] = src[sOff + r*lds + c] for r < R, c < C. */
export function transpose(R: number, C: number, src: Float64Array, sOff: number, lds: number, dst: Float64Array, dOff: number, ldd: number): void {
  for (let r = 0; r < R; r++) {
    const so = sOff + r * lds;
    for (let c = 0; c < C; c++) dst[dOff + c * ldd + r] = src[so + c];
  }
}
