// The quantised Jordan layer (docs/quantization.md section 5, "Jordan"): its type, validation and
// integer bounds. Kept apart from quant-model.ts, which hooks these in with one case each.
//
//   pre[j] = sat_s16(requantize(acc_x[j], mx[j], sx[j]) + requantize(acc_y[j], my[j], sy[j]))   Q3.12
//   h16[j] = tanh_s16(pre[j])                                                                      Q0.15
//   y      = the dense-layer arithmetic (section 5, "Dense") on h16 with wo, bo, mo, so and the out* fields
//
// acc_x = bx + wx x (x16 for the first layer, else the previous layer's int8 output),
// acc_y = by + wy y_prev (y_prev: this layer's previous output, int8 with zero point outZp, or
// int16 when the layer is last). Legend: I layer input, H hidden, U units (output, fed back).

import type { QDenseLayer, QJordanLayer } from './quant-types';
export type { QJordanLayer } from './quant-types';
import { Checker, checkOutputStage, rowAbsSum, requantBound } from './quant-check';
import { joinPath } from './errors';
import { JORDAN_OUT_ACTIVATIONS } from './model';
import { INT32_MAX, MULT_MAX, SHIFT_MAX } from '../spec/spec';

/** The output projection as a dense layer on h16: the kernels run it with the dense arithmetic. */
export function jordanProjection(l: QJordanLayer): QDenseLayer {
  return {
    kind: 'dense',
    inputSize: l.hidden,
    units: l.units,
    w: l.wo,
    b: l.bo,
    m: l.mo,
    s: l.so,
    activation: l.outActivation,
    outType: l.outType,
    outZp: l.outZp,
    oM: l.oM,
    oS: l.oS,
  };
}

/** Largest |y| of the fed-back output: 32768 for int16, 128 for int8. */
export function jordanFeedbackMax(l: QJordanLayer): number {
  return l.outType === 's16' ? 32768 : 128;
}

/** Section 6 bounds of a Jordan layer: both accumulators, their requantised sum, and the projection (an int16 input). */
export function jordanBoundProblems(l: QJordanLayer, path: string, xMax: number, check: (path: string, what: string, v: number, limit: number) => void): void {
  for (let r = 0; r < l.hidden; r++) {
    const ax = Math.abs(l.bx[r]) + xMax * rowAbsSum(l.wx, r, l.inputSize);
    const ay = Math.abs(l.by[r]) + jordanFeedbackMax(l) * rowAbsSum(l.wy, r, l.units);
    check(`${path}.wx[${r}]`, `input accumulator of row ${r}`, ax, INT32_MAX);
    check(`${path}.wy[${r}]`, `feedback accumulator of row ${r}`, ay, INT32_MAX);
    if (ax <= INT32_MAX && ay <= INT32_MAX) {
      check(`${path}.mx[${r}]`, `pre-activation sum of row ${r}`, requantBound(ax, l.mx[r], l.sx[r]) + requantBound(ay, l.my[r], l.sy[r]), INT32_MAX - 32768);
    }
  }
  for (let u = 0; u < l.units; u++) {
    const a = Math.abs(l.bo[u]) + 32768 * rowAbsSum(l.wo, u, l.hidden);
    check(`${path}.wo[${u}]`, `output accumulator of unit ${u}`, a, INT32_MAX);
    if (a <= INT32_MAX) check(`${path}.mo[${u}]`, `requantised output of unit ${u}`, requantBound(a, l.mo[u], l.so[u]), INT32_MAX - 32768);
  }
}

/** Validates a decoded Jordan layer (TNN2xx); returns its output width (U) when known. */
export function checkJordan(c: Checker, l: Record<string, unknown>, path: string, inputSize: number | undefined, isLast: boolean): number | undefined {
  const I = c.size(l, 'inputSize', path);
  if (I !== undefined && inputSize !== undefined && I !== inputSize)
    c.add('TNN208', joinPath(path, 'inputSize'), 'does not match the previous layer output', I, String(inputSize));
  const H = c.size(l, 'hidden', path);
  const U = c.size(l, 'units', path);
  const mul = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined ? a * b : undefined);
  c.arr(l, 'wx', path, Int8Array, mul(H, I), '(H, I)', -127, 127);
  c.arr(l, 'wy', path, Int8Array, mul(H, U), '(H, U)', -127, 127);
  c.arr(l, 'wo', path, Int8Array, mul(U, H), '(U, H)', -127, 127);
  for (const k of ['bx', 'by']) c.arr(l, k, path, Int32Array, H, '(H)', -INT32_MAX, INT32_MAX);
  for (const k of ['mx', 'my']) c.arr(l, k, path, Int32Array, H, '(H)', 0, MULT_MAX);
  for (const k of ['sx', 'sy']) c.arr(l, k, path, Int32Array, H, '(H)', 0, SHIFT_MAX);
  c.arr(l, 'bo', path, Int32Array, U, '(U)', -INT32_MAX, INT32_MAX);
  c.arr(l, 'mo', path, Int32Array, U, '(U)', 0, MULT_MAX);
  c.arr(l, 'so', path, Int32Array, U, '(U)', 0, SHIFT_MAX);
  c.oneOf(l, 'outActivation', path, JORDAN_OUT_ACTIVATIONS);
  checkOutputStage(c, l, path, isLast);
  return U;
}
