// Unrolled kernels: for models of gesture size, each layer's step is generated as straight-line
// code with every per-row constant written as an integer literal. Espruino interprets the source
// text, so what costs is the number of syntax nodes evaluated per step (cost.ts): no loop
// counters, no array lookups for multipliers, shifts and biases, one statement per row stage.
// The arithmetic is exactly that of templates/_kernels.hbs (see emit.ts for the identities):
//   a = dot_x * mx + CX;  b = dot_h * mh + CH;           (dot products by E.convolve, via CV)
//   p = (a - a % DX) / DX + (b - b % DH) / DH - KQ;       (two exact floors, one constant)
//   p = clamp(p, lo, hi); k = (p >> 7) + 256; g = (A[k] + D[k] * (p & 127)) >> 7
// Large models use the loop kernels instead (UNROLL_MAX_ROWS), to keep code size in check.
import { QCellLayer, QDenseLayer, QuantModel, qGateCount } from '../../compiler/core/ir/quant-model';
import { P47, half } from './emit';

/** Unroll when the model has at most this many weight rows in all (gate rows + dense units). */
export const UNROLL_MAX_ROWS = 160;

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
    if (k !== 0) terms.push(`${v}${i}*${lit(k)}`);
  }
  return terms.length ? terms.join('+') : '0';
}

/** Inline the input weights as literals: narrow inputs, except a regenerated reservoir (its weights are not in the code). */
function inlineInput(l: QCellLayer): boolean {
  return l.inputSize <= INLINE_INPUT_MAX && !(l.kind === 'elman' && l.reservoir);
}

function inlineLocals(I: number): string {
  return `var ${Array.from({ length: I }, (_, i) => `x${i}=x[${i}]`).join(',')};`;
}

export function rowSum(w: Int8Array, r: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += w[r * n + i];
  return s;
}

export function rowAbs(w: Int8Array, r: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.abs(w[r * n + i]);
  return s;
}

export function lit(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`internal: constant ${n} is not a safe integer`);
  return n < 0 ? `(${n})` : String(n);
}

/** `- n` / `+ n` with the sign folded. */
export function plus(n: number): string {
  return n < 0 ? `-${-n}` : `+${n}`;
}

export function modelRows(m: QuantModel): number {
  let n = 0;
  for (const l of m.layers) {
    if (l.kind === 'dense') n += l.units;
    else if (l.kind === 'bidirectional') n += qGateCount(l.forward.kind) * (l.forward.hidden + l.backward.hidden);
    else if (l.kind === 'jordan') n += l.hidden + l.units;
    else if (l.kind === 'pool') continue;
    else n += qGateCount(l.kind) * l.hidden;
  }
  return n;
}

export interface UnrollNames {
  /** Variable names of the weight views (module level). */
  wx: string;
  wh: string;
  /** Layer object name (state arrays are read from it once per step). */
  obj: string;
}

/** Floor of (x*m + half(s))/2^s as code, with x*m+c already in variable v: `(v - v % D) / D`. */
function floorDiv(v: string, s: number): string {
  const d = 2 ** s;
  return d === 1 ? v : `(${v}-${v}%${d})/${d}`;
}

/**
 * requantize(acc, m, s) + c as code, for |acc| <= A, where dot is code for acc * m - bias0 * m
 * (the bias folded into c0 = bias * m + half(s)). When the result is known to stay below 2^30
 * (P = floor(A m / 2^s) + 1 < 2^30), a power of two c > P makes the numerator positive and the
 * quotient below 2^31, so `numerator / 2^s | 0` is the exact floor (truncation of a positive
 * double below 2^31): returns [code, c]. Otherwise the numerator is offset by 2^47 and floored
 * with % through the variable v: returns [code, 2^(47-s)].
 */
export function requantExpr(dot: string, c0: number, s: number, A: number, m: number, v: string): [string, number] {
  const D = 2 ** s;
  const P = Math.floor((A * m) / D) + 1;
  if (P < 2 ** 30) {
    const c = 2 ** Math.ceil(Math.log2(P + 1));
    const C = c0 + c * D;
    if (A * m + Math.abs(c0) + c * D < 2 ** 52) return [D === 1 ? `(${dot}${plus(C)}|0)` : `((${dot}${plus(C)})/${D}|0)`, c];
  }
  const C = c0 + P47;
  return [D === 1 ? `(${dot}${plus(C)})` : `(((${v}=${dot}${plus(C)})-${v}%${D})/${D})`, 2 ** (47 - s)];
}

/** Statements computing pre-activation p (+ bias) of cell row r from input x and recurrent vector h. */
function preRow(l: QCellLayer, r: number, xv: string, hv: string, n: UnrollNames, inBiased: boolean, recBiased: boolean, bias = 0): string[] {
  const I = l.inputSize;
  const H = l.hidden;
  const bxf = l.bx[r] - (inBiased ? 128 * rowSum(l.wx, r, I) : 0);
  const bhf = l.bh[r] - (recBiased ? 128 * rowSum(l.wh, r, H) : 0);
  const inMax = inBiased ? 255 : 32768;
  const recMax = recBiased ? 255 : 32768;
  const ax = Math.abs(bxf) + inMax * rowAbs(l.wx, r, I);
  const ah = Math.abs(bhf) + recMax * rowAbs(l.wh, r, H);
  const mx = l.mx[r];
  const mh = l.mh[r];
  const dotX = inlineInput(l) ? inlineDot(l.wx, r, I, mx) : `cv(${xv},${n.wx},${r * I})*${mx}`;
  const dotH = `cv(${hv},${n.wh},${r * H})*${mh}`;
  const [ex, ox] = requantExpr(dotX, bxf * mx + half(l.sx[r]), l.sx[r], ax, mx, 'a');
  const [eh, oh] = requantExpr(dotH, bhf * mh + half(l.sh[r]), l.sh[r], ah, mh, 'b');
  return [`p=${ex}+${eh}${plus(bias - ox - oh)};`];
}

function clampTo(v: string, lo: number, hi: number): string {
  return `${v}=${v}>${hi}?${hi}:${v}<${lit(lo)}?${lit(lo)}:${v};`;
}

/**
 * Saturation to [lo, lo + 65535] for |v| < 2^31 + 2^16, as one test that is false in the common
 * case: (v - lo) >>> 16 is 0 exactly when v is in range (ToUint32 cannot wrap a value this small
 * back into it).
 */
function clampRange(v: string, lo: number): string {
  return `if((${v}${plus(-lo)})>>>16)${v}=${v}<${lit(lo)}?${lit(lo)}:${lo + 65535};`;
}

/**
 * Clamp of u = p + 32768 before a table activation: [1, 65536] without a clip (u = 65536, i.e.
 * p = 32768, reads the tables' extra entry, equal to p = 32767), the clip's bounds otherwise.
 */
export function clampU(v: string, lo: number, hi: number): string {
  return lo === 1 && hi === 65535 ? clampRange(v, 1) : clampTo(v, lo, hi);
}

/** Table activation of p (already in [-32767, 32767]) into target. */
function act(target: string, v: string, A: string, D: string): string {
  return `k=(${v}>>7)+256;${target}=(${A}[k]+${D}[k]*(${v}&127))>>7;`;
}

/** The same for u = p + 32768 (in [1, 65535]): k = u >> 7 directly, and u & 127 = p & 127. */
export function actU(target: string, u: string, A: string, D: string): string {
  return `k=${u}>>7;${target}=(${A}[k]+${D}[k]*(${u}&127))>>7;`;
}

/** Clamp bounds of a gate pre-activation, shifted by +32768 (the kernels work on u = p + 32768). */
function bounds(l: QCellLayer): [number, number] {
  return [(l.clip > 0 ? Math.max(-32767, -l.clip) : -32767) + 32768, (l.clip > 0 ? Math.min(32767, l.clip) : 32767) + 32768];
}

/** h8 + 128 from an int16 value v: sat_s8(hZp + requantize(v, hM, hS)) + 128 (the clamped store saturates). */
function toHb(l: QCellLayer, v: string, j: number): string {
  // |v| <= 32768 and hM <= 32767: v * hM + half < 2^31, so for hS <= 30 an arithmetic shift is the exact floor.
  if (l.hS <= 30) return `hb[${j}]=((${v}*${l.hM}+${half(l.hS)})>>${l.hS})+${l.hZp + 128};`;
  const c = half(l.hS) + P47;
  const k = l.hZp + 128 - 2 ** (47 - l.hS);
  return `n=${v}*${l.hM}+${c};hb[${j}]=${floorDiv('n', l.hS)}${plus(k)};`;
}

/** The step function of one cell layer: `function NAME(x) {...; return hb; }`. */
export function unrollCell(l: QCellLayer, name: string, n: UnrollNames, inBiased: boolean): string {
  const H = l.hidden;
  const [lo, hi] = bounds(l);
  const body: string[] = [];
  const relu = l.kind === 'elman' && l.activation === 'relu';
  body.push(`var G=${n.obj}.g,h=${n.obj}.h16,hb=${n.obj}.hb,a,b,p,k,n,c,t,z;`);
  if (inlineInput(l)) body.push(inlineLocals(l.inputSize));
  switch (l.kind) {
    case 'elman':
      if (relu) {
        const rlo = -1;
        const rhi = l.clip > 0 ? Math.min(l.clip, 512) : 512;
        const zz = l.hZp + 128;
        for (let r = 0; r < H; r++) body.push(...preRow(l, r, 'x', 'hb', n, inBiased, true), clampTo('p', rlo, rhi), `G[${r}]=p>0?p+${zz}:${zz};`);
        for (let j = 0; j < H; j++) body.push(`hb[${j}]=G[${j}];`);
      } else {
        for (let r = 0; r < H; r++) body.push(...preRow(l, r, 'x', 'h', n, inBiased, false, 32768), clampU('p', lo, hi), actU(`G[${r}]`, 'p', 'TS', 'TD'));
        if (l.leakQ15 !== undefined) {
          // leaky: h16 += rshift_round(leakQ15 * (g - h16), 15) (|product| < 2^31: >> is exact)
          for (let j = 0; j < H; j++) body.push(`t=h[${j}];t+=(${l.leakQ15}*(G[${j}]-t)+16384)>>15;h[${j}]=t;`, toHb(l, 't', j));
        } else {
          body.push('h.set(G);');
          for (let j = 0; j < H; j++) body.push(toHb(l, `G[${j}]`, j));
        }
      }
      break;
    case 'lstm': {
      for (let r = 0; r < 4 * H; r++) {
        const tanh = r >= 2 * H && r < 3 * H;
        body.push(...preRow(l, r, 'x', 'h', n, inBiased, false, 32768), clampU('p', lo, hi), actU(`G[${r}]`, 'p', tanh ? 'TS' : 'SS', tanh ? 'TD' : 'SD'));
      }
      const cf = l.cellFrac;
      body.push(`var C=${n.obj}.c;`);
      for (let j = 0; j < H; j++) {
        body.push(`c=((G[${H + j}]*C[${j}]+16384)>>15)+((G[${j}]*G[${2 * H + j}]+${2 ** (29 - cf)})>>${30 - cf});`, clampRange('c', -32768), `C[${j}]=c;`);
        // tanh input cq12: for cellFrac > 12 it is within +-16384 (no saturation); for 12 only
        // -32768 needs moving to -32767 (same activation); below 12, sat_s16.
        if (cf === 12) body.push('t=c<-32767?-32767:c;');
        else if (cf > 12) body.push(`t=(c+${2 ** (cf - 13)})>>${cf - 12};`);
        else body.push(`t=c*${2 ** (12 - cf)};`, clampRange('t', -32767));
        body.push(act('t', 't', 'TS', 'TD'), `t=(G[${3 * H + j}]*t+16384)>>15;h[${j}]=t;`, toHb(l, 't', j));
      }
      break;
    }
    case 'gru': {
      for (let r = 0; r < 2 * H; r++) body.push(...preRow(l, r, 'x', 'h', n, inBiased, false, 32768), clampU('p', lo, hi), actU(`G[${r}]`, 'p', 'SS', 'SD'));
      if (l.resetAfter) {
        for (let j = 0; j < H; j++) {
          const r = 2 * H + j;
          const I = l.inputSize;
          const bxf = l.bx[r] - (inBiased ? 128 * rowSum(l.wx, r, I) : 0);
          // xn + rshift_round(r * hn, 15): hn = requantize(acc_h) into b, then r * hn floored by 2^15.
          const ax = Math.abs(bxf) + (inBiased ? 255 : 32768) * rowAbs(l.wx, r, I);
          const ah = Math.abs(l.bh[r]) + 32768 * rowAbs(l.wh, r, H);
          const dotX = I <= INLINE_INPUT_MAX ? inlineDot(l.wx, r, I, l.mx[r]) : `cv(x,${n.wx},${r * I})*${l.mx[r]}`;
          const [ex, ox] = requantExpr(dotX, bxf * l.mx[r] + half(l.sx[r]), l.sx[r], ax, l.mx[r], 'a');
          const [eh, oh] = requantExpr(`cv(h,${n.wh},${r * H})*${l.mh[r]}`, l.bh[r] * l.mh[r] + half(l.sh[r]), l.sh[r], ah, l.mh[r], 'b');
          const ph = Math.floor((ah * l.mh[r]) / 2 ** l.sh[r]) + 1; // |hn| < ph
          const [er, or] = requantExpr(`G[${j}]*b`, 16384, 15, ph, 32768, 'n');
          body.push(`b=${eh}${plus(-oh)};`, `p=${ex}+${er}${plus(32768 - ox - or)};`, clampU('p', lo, hi), actU(`G[${r}]`, 'p', 'TS', 'TD'));
        }
      } else {
        body.push(`var rb=${n.obj}.rb;`);
        for (let j = 0; j < H; j++) body.push(`rb[${j}]=(G[${j}]*h[${j}]+16384)>>15;`);
        for (let r = 2 * H; r < 3 * H; r++)
          body.push(...preRow(l, r, 'x', 'rb', n, inBiased, false, 32768), clampU('p', lo, hi), actU(`G[${r}]`, 'p', 'TS', 'TD'));
      }
      for (let j = 0; j < H; j++) body.push(`z=G[${H + j}];t=(z*h[${j}]+(32768-z)*G[${2 * H + j}]+16384)>>15;h[${j}]=t;`, toHb(l, 't', j));
      break;
    }
  }
  body.push('return hb;');
  return `function ${name}(x) {\n  ${body.join('\n  ')}\n}`;
}

/** The step function of a dense layer: `function NAME(x) {...; return o; }`. */
export function unrollDense(l: QDenseLayer, name: string, w: string, obj: string, inBiased: boolean): string {
  const body = [`var o=${obj}.o,a,v,k,n;`, ...denseLines(l, w, inBiased, 'x')];
  body.push('return o;');
  return `function ${name}(x) {\n  ${body.join('\n  ')}\n}`;
}

/**
 * The statements of a dense layer on the input vector xv, writing o (the caller declares
 * o, a, v, k, n): shared by dense layers and the Jordan layer's output projection.
 */
export function denseLines(l: QDenseLayer, w: string, inBiased: boolean, xv: string): string[] {
  const I = l.inputSize;
  const wide = l.outType === 's16';
  const z = wide ? 0 : l.outZp + 128;
  const body: string[] = [];
  for (let u = 0; u < l.units; u++) {
    const bf = l.b[u] - (inBiased ? 128 * rowSum(l.w, u, I) : 0);
    const A = Math.abs(bf) + (inBiased ? 255 : 32768) * rowAbs(l.w, u, I);
    const [e, o] = requantExpr(`cv(${xv},${w},${u * I})*${l.m[u]}`, bf * l.m[u] + half(l.s[u]), l.s[u], A, l.m[u], 'a');
    body.push(`v=${e}${plus(-o)};`);
    switch (l.activation) {
      case 'relu':
      case 'none':
      case 'softmax':
        if (l.activation === 'relu') body.push('v=v>0?v:0;');
        body.push(wide ? `o[${u}]=v>32767?32767:v<-32768?-32768:v;` : `o[${u}]=v+${z};`);
        break;
      case 'tanh':
      case 'sigmoid': {
        const A = l.activation === 'tanh' ? 'TS' : 'SS';
        const D = l.activation === 'tanh' ? 'TD' : 'SD';
        body.push(clampRange('v', -32767), act('v', 'v', A, D));
        if (wide) body.push(`o[${u}]=v;`);
        // |v| <= 32768 and oM <= 32767: v * oM + half < 2^31, so for oS <= 30 an arithmetic shift is the exact floor (as toHb).
        else if (l.oS <= 30) body.push(`o[${u}]=((v*${l.oM}+${half(l.oS)})>>${l.oS})+${z};`);
        else body.push(`n=v*${l.oM}+${half(l.oS) + P47};o[${u}]=${floorDiv('n', l.oS)}${plus(z - 2 ** (47 - l.oS))};`);
        break;
      }
    }
  }
  return body;
}

/** The input stage: raw -> X16, one statement group per feature. */
export function unrollInput(m: QuantModel): string {
  const body: string[] = ['var n;'];
  for (let f = 0; f < m.inputSize; f++) {
    const mm = m.input.m[f];
    const s = m.input.s[f];
    body.push(`n=raw[${f}]*${mm}+${-m.input.offset[f] * mm + half(s) + P47};n=${floorDiv('n', s)}-${2 ** (47 - s)};X16[${f}]=n>32767?32767:n<-32768?-32768:n;`);
  }
  body.push('return X16;');
  return `function input(raw) {\n  ${body.join('\n  ')}\n}`;
}
