// The statements unrolled kernels are made of: for models of gesture size, each layer's step is
// generated as straight-line code with every per-row constant written as an integer literal.
// Espruino interprets the source text, so what costs is the number of syntax nodes evaluated per
// step (cost.ts): no loop counters, no array lookups for multipliers, shifts and biases, one
// statement per row stage. The arithmetic is exactly that of templates/_kernels.hbs, through the
// identities of arith.ts:
//   a = dot_x * mx + CX;  b = dot_h * mh + CH;           (dot products by E.convolve, via cv)
//   p = (a - a % DX) / DX + (b - b % DH) / DH - KQ;       (two exact floors, one constant)
//   p = clamp(p, lo, hi); k = (p >> 7) + 256; g = (A[k] + D[k] * (p & 127)) >> 7
// Each kind's compiler/layers/<kind>/espruino.ts writes its step from these.
import { exprLit, plus } from './arith';
import { UnrolledLayer } from './hooks';

/**
 * Inputs this narrow (accelerometers: 3) are read into locals once per step and their dot
 * products written out with the weights premultiplied by the row multiplier as literals: cheaper
 * than a native call for 3 multiply-adds, and the input weights need no array at all.
 */
export const INLINE_INPUT_MAX = 4;

/** `x0*W0+x1*W1+...` for row r with weights premultiplied by m (zero weights dropped). */
export function inlineDot(w: Int8Array, r: number, I: number, m: number, v = 'x'): string {
  const terms: string[] = [];
  for (let i = 0; i < I; i++) {
    const k = w[r * I + i] * m;
    if (k !== 0) terms.push(`${v}${i}*${exprLit(k)}`);
  }
  return terms.length ? terms.join('+') : '0';
}

/** `var x0=x[0],x1=x[1],...;`: the n values of src in locals v0, v1, ... */
export function locals(v: string, src: string, n: number): string {
  return `var ${Array.from({ length: n }, (_, i) => `${v}${i}=${src}[${i}]`).join(',')};`;
}

export function clampTo(v: string, lo: number, hi: number): string {
  return `${v}=${v}>${hi}?${hi}:${v}<${exprLit(lo)}?${exprLit(lo)}:${v};`;
}

/**
 * Saturation to [lo, lo + 65535] for |v| < 2^31 + 2^16, as one test that is false in the common
 * case: (v - lo) >>> 16 is 0 exactly when v is in range (ToUint32 cannot wrap a value this small
 * back into it).
 */
export function clampRange(v: string, lo: number): string {
  return `if((${v}${plus(-lo)})>>>16)${v}=${v}<${exprLit(lo)}?${exprLit(lo)}:${lo + 65535};`;
}

/**
 * Clamp of u = p + 32768 before a table activation: [1, 65536] without a clip (u = 65536, i.e.
 * p = 32768, reads the tables' extra entry, equal to p = 32767), the clip's bounds otherwise.
 */
export function clampU(v: string, lo: number, hi: number): string {
  return lo === 1 && hi === 65535 ? clampRange(v, 1) : clampTo(v, lo, hi);
}

/** Table activation of p (already in [-32767, 32767]) into target. */
export function act(target: string, v: string, A: string, D: string): string {
  return `k=(${v}>>7)+256;${target}=(${A}[k]+${D}[k]*(${v}&127))>>7;`;
}

/** The same for u = p + 32768 (in [1, 65535]): k = u >> 7 directly, and u & 127 = p & 127. */
export function actU(target: string, u: string, A: string, D: string): string {
  return `k=${u}>>7;${target}=(${A}[k]+${D}[k]*(${u}&127))>>7;`;
}

/** The step function `f_ID(x)` of layer object ID with the given statements, and its attachment to the object. */
export function unrolledStep(id: string, body: string[]): UnrolledLayer {
  return { fns: [`function f_${id}(x) {\n  ${body.join('\n  ')}\n}`], attach: [`${id}.fn = f_${id};`] };
}
