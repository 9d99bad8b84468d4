// The row-wise quantisation every layer kind shares (docs/quantization.md section 7): int8
// parameters of a range, per-row weight scales, folded biases, per-row multipliers and the problem
// collector. A leaf below quantize.ts (the model driver) and the kinds' quant.ts.
import { Diagnostic, DiagnosticCode, TinyrnnError } from '../core/ir/errors';
import { quantizeMultiplier } from './scale';
import { INT32_MAX, PRE_FRAC_BITS } from '../core/spec/spec';

/** int8 tensor parameters. */
export interface QParams {
  scale: number;
  zp: number;
}

/** Per-column view of a layer's int8 input: scale and zero point of each input element. */
export interface Cols {
  scale: Float64Array; // (I)
  zp: Int32Array; // (I)
}

export const uniform = (q: QParams, n: number): Cols => ({ scale: new Float64Array(n).fill(q.scale), zp: new Int32Array(n).fill(q.zp) });

export const PRE_SCALE = 2 ** -PRE_FRAC_BITS;
/** The int16 model input covers this many times the calibrated input range (section 7.2). */
export const INPUT_HEADROOM = 2;
/**
 * Output and state ranges (the model output, int8 outputs between layers, hidden state, LSTM
 * cell) cover this many times their calibrated range by default (`--headroom`), so a series that
 * grows past anything seen in calibration is followed instead of clipped flat; ranges of bounded
 * activations (tanh, sigmoid) never go beyond what the activation can produce.
 */
export const DEFAULT_HEADROOM = 1.5;
export const MAX_HEADROOM = 16;

/** Asymmetric int8 parameters for a range that contains 0 (section 7.2). */
export function int8Params(lo: number, hi: number): QParams {
  if (!(hi > lo)) return { scale: 2 ** -7, zp: 0 };
  const scale = (hi - lo) / 255;
  const zp = Math.min(127, Math.max(-128, Math.round(-128 - lo / scale)));
  return { scale, zp: zp === 0 ? 0 : zp }; // never -0 (a symmetric range rounds -0.5 to -0)
}

export class Problems {
  readonly list: Diagnostic[] = [];
  add(code: DiagnosticCode, path: string, message: string, extra: Partial<Diagnostic> = {}): void {
    this.list.push({ code, path, message, ...extra });
  }
  throwIfAny(): void {
    if (this.list.length) throw new TinyrnnError(this.list);
  }
  /** Encodes a real multiplier; records QNT004 when it cannot be encoded. */
  mult(q: number, path: string, what: string): { m: number; s: number } {
    const r = quantizeMultiplier(q);
    if (r) return r;
    this.add('QNT004', path, `${what}: real multiplier ${q.toPrecision(6)} cannot be encoded as m / 2^s with m <= 32767`, {
      value: q,
      expected: 'a multiplier below 32767.5',
      hint: 'a scale ratio this large means a tensor range is (nearly) empty while its inputs are large: calibrate on more varied data, or check the weights',
    });
    return { m: 0, s: 0 };
  }
  /** Rounds to an int32 value; records QNT003 when it does not fit. */
  int32(v: number, path: string, what: string): number {
    const r = Math.round(v);
    if (Math.abs(r) > INT32_MAX || !Number.isFinite(r)) {
      this.add(
        'QNT003',
        path,
        `${what} is ${r}, beyond the int32 range; integer accumulators would overflow and products would leave the range where JavaScript numbers are exact (2^53)`,
        {
          value: r,
          expected: `|value| <= ${INT32_MAX}`,
          hint: 'the bias is enormous compared with the weights and inputs: retrain with weight decay, or check the model',
        },
      );
      return 0;
    }
    return r;
  }
}

/** Per-row multipliers (section 7.3): row r's accumulator unit sa[r] to the unit outScale; QNT004 at `path[r]` when one cannot be encoded. */
export function rowMultipliers(p: Problems, sa: Float64Array, outScale: number, path: string, what: string): { m: Int32Array; s: Int32Array } {
  const m = new Int32Array(sa.length);
  const s = new Int32Array(sa.length);
  for (let r = 0; r < sa.length; r++) {
    const q = p.mult(sa[r] / outScale, `${path}[${r}]`, `${what} of row ${r}`);
    m[r] = q.m;
    s[r] = q.s;
  }
  return { m, s };
}

export function nonFinite(p: Problems, a: Float32Array | undefined, path: string): void {
  if (!a) return;
  let n = 0;
  let first = -1;
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) {
      n++;
      if (first < 0) first = i;
    }
  }
  if (n) {
    p.add('QNT001', `${path}[${first}]`, `${n} of ${a.length} values are not finite (first: ${a[first]} at index ${first})`, {
      value: a[first],
      expected: 'finite numbers',
      hint: 'the model diverged in training (NaN/Inf weights cannot be quantised): retrain with a smaller learning rate or gradient clipping',
    });
  }
}

/**
 * Per-row symmetric int8 weights (section 7.3). The input's scale is folded in first
 * (w' = w * s_in[c], per column), so `sa[r]` is the real value of one accumulator unit of row r
 * (s_in * s_w for a uniform input). A row of tiny weights with a large bias gets a coarser scale
 * so that its bias stays below 2^29 accumulator units.
 */
export function quantRows(w: Float32Array, b: Float32Array, rows: number, cols: number, inp: Cols): { w8: Int8Array; sa: Float64Array } {
  const w8 = new Int8Array(rows * cols); // (R, C)
  const sa = new Float64Array(rows); // (R)
  let minIn = Infinity;
  for (let c = 0; c < cols; c++) minIn = Math.min(minIn, inp.scale[c]);
  for (let r = 0; r < rows; r++) {
    let mx = 0;
    for (let c = 0; c < cols; c++) mx = Math.max(mx, Math.abs(w[r * cols + c] * inp.scale[c]));
    const s = Math.max(mx / 127, Math.abs(b[r]) / 2 ** 29, 2 ** -27 * minIn);
    sa[r] = s;
    for (let c = 0; c < cols; c++) w8[r * cols + c] = Math.max(-127, Math.min(127, Math.round((w[r * cols + c] * inp.scale[c]) / s)));
  }
  return { w8, sa };
}

/** Folded int32 bias of each row: round(b / sa) - sum_c w8[r, c] * zp_in[c] (section 7.4). */
export function foldBias(p: Problems, b: Float32Array, w8: Int8Array, sa: Float64Array, cols: number, inp: Cols, path: string): Int32Array {
  const out = new Int32Array(sa.length);
  for (let r = 0; r < sa.length; r++) {
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += w8[r * cols + c] * inp.zp[c];
    out[r] = p.int32(Math.round(b[r] / sa[r]) - sum, `${path}[${r}]`, `folded bias of row ${r}`);
  }
  return out;
}
