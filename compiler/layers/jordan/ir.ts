// The Jordan layer in the IR (docs/quantization.md section 5, "Jordan"): its float and quantised
// layer types, their validation, its integer bounds and its facts. The recurrence runs from the
// layer's previous OUTPUT, not from a hidden state:
//
//   h_t = tanh(wx x_t + bx + wy y_{t-1})        (H)   y_{-1} = 0
//   y_t = outActivation(wo h_t + bo)            (U)   the layer's output
//
// Quantised: pre[j] = sat_s16(requantize(acc_x[j], mx[j], sx[j]) + requantize(acc_y[j], my[j], sy[j]))
// (Q3.12), h16[j] = tanh_s16(pre[j]) (Q0.15), y = the dense arithmetic on h16 with wo, bo, mo, so
// and the out* fields. acc_x = bx + wx x (x16 for the first layer, else the previous layer's int8
// output), acc_y = by + wy y_prev (int8 with zero point outZp, or int16 when the layer is last).
//
// Legend: I layer input, H hidden, U units (output, fed back).
import { FloatChecker, mulSizes } from '../../core/ir/float-check';
import { BoundCheck, Checker, QOutputType, checkOutputStage, requantBound, rowAbsSum } from '../../core/ir/quant-check';
import type { IrHooks, LayerArray } from '../../core/ir/kind-hooks';
import { INT32_MAX, MULT_MAX, SHIFT_MAX } from '../../core/spec/spec';
import { QDenseLayer, denseBounds, outputStageTables } from '../dense/ir';

/** Output activations of a Jordan layer: its output is fed back, so it must be computable on the device (no softmax). */
export const JORDAN_OUT_ACTIVATIONS = ['none', 'relu', 'tanh', 'sigmoid'] as const;
export type JordanOutActivation = (typeof JORDAN_OUT_ACTIVATIONS)[number];

/**
 * A Jordan network layer. It owns its output projection, and that projection's output y is both
 * what the layer passes on and what is fed back at the next step. Placed last, the projection is
 * the model's output layer (the classic Jordan network, the model's output fed back); placed
 * before further layers, it is a chosen intermediate layer whose output is fed back.
 */
export interface JordanLayer {
  kind: 'jordan';
  name?: string;
  inputSize: number; // I
  hidden: number; // H
  units: number; // U (output width, fed back)
  wx: Float32Array; // (H, I) input weights
  wy: Float32Array; // (H, U) feedback weights, applied to y_{t-1}
  bx: Float32Array; // (H) hidden bias
  wo: Float32Array; // (U, H) output projection
  bo: Float32Array; // (U) output bias
  outActivation: JordanOutActivation;
}

/** The quantised Jordan layer (docs/quantization.md section 5, "Jordan"). */
export interface QJordanLayer {
  kind: 'jordan';
  name?: string;
  inputSize: number; // I
  hidden: number; // H
  units: number; // U
  wx: Int8Array; // (H, I) per-row symmetric, [-127, 127]; applied to x16 (first layer) or x8
  bx: Int32Array; // (H) with the input zero point folded in
  mx: Int32Array; // (H) acc_x -> Q3.12
  sx: Int32Array; // (H)
  wy: Int8Array; // (H, U) applied to the fed-back output y (int8, or int16 when last)
  by: Int32Array; // (H) the feedback zero point folded in (-sum wy * outZp)
  my: Int32Array; // (H) acc_y -> Q3.12
  sy: Int32Array; // (H)
  wo: Int8Array; // (U, H) output projection, applied to h16 (Q0.15)
  bo: Int32Array; // (U)
  mo: Int32Array; // (U) acc -> output units (none/relu) or Q3.12 (tanh/sigmoid)
  so: Int32Array; // (U)
  outActivation: JordanOutActivation;
  /** s16 when the layer is last (outZp 0), s8 otherwise. */
  outType: QOutputType;
  outZp: number;
  /** tanh/sigmoid with s8 output: Q15 -> output requantisation; 0 otherwise. */
  oM: number;
  oS: number;
}

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
export function jordanBoundProblems(l: QJordanLayer, path: string, xMax: number, check: BoundCheck): void {
  for (let r = 0; r < l.hidden; r++) {
    const ax = Math.abs(l.bx[r]) + xMax * rowAbsSum(l.wx, r, l.inputSize);
    const ay = Math.abs(l.by[r]) + jordanFeedbackMax(l) * rowAbsSum(l.wy, r, l.units);
    check(`${path}.wx[${r}]`, `input accumulator of row ${r}`, ax, INT32_MAX);
    check(`${path}.wy[${r}]`, `feedback accumulator of row ${r}`, ay, INT32_MAX);
    if (ax <= INT32_MAX && ay <= INT32_MAX) {
      check(`${path}.mx[${r}]`, `pre-activation sum of row ${r}`, requantBound(ax, l.mx[r], l.sx[r]) + requantBound(ay, l.my[r], l.sy[r]), INT32_MAX - 32768);
    }
  }
  denseBounds(jordanProjection(l), path, 32768, check, { w: 'wo', m: 'mo', what: 'output accumulator' });
}

function validate(c: FloatChecker, o: Record<string, unknown>, path: string, width: number | undefined): number | undefined {
  const I = c.posInt(o, 'inputSize', path);
  const H = c.posInt(o, 'hidden', path);
  const U = c.posInt(o, 'units', path);
  c.chain(I, width, path);
  const dims = `H = ${H ?? '?'}, I = ${I ?? '?'}, U = ${U ?? '?'}`;
  c.f32(o, 'wx', path, mulSizes(H, I), `(H, I) with ${dims}`);
  c.f32(o, 'wy', path, mulSizes(H, U), `(H, U) with ${dims}`);
  c.f32(o, 'bx', path, H, `(H) with ${dims}`);
  c.f32(o, 'wo', path, mulSizes(U, H), `(U, H) with ${dims}`);
  c.f32(o, 'bo', path, U, `(U) with ${dims}`);
  if (!(JORDAN_OUT_ACTIVATIONS as readonly unknown[]).includes(o.outActivation)) {
    c.add(
      'TNN104',
      `${path}.outActivation`,
      'unknown Jordan output activation',
      o.outActivation,
      JORDAN_OUT_ACTIVATIONS.join(', '),
      o.outActivation === 'softmax'
        ? 'the fed-back output must be computable on the device: use none (logits) and put a dense softmax layer after the Jordan layer'
        : undefined,
    );
  }
  c.name(o, path);
  return U;
}

/** Validates a decoded Jordan layer (TNN2xx); returns its output width (U) when known. */
function validateQuant(c: Checker, l: Record<string, unknown>, path: string, width: number | undefined, isLast: boolean): number | undefined {
  const I = c.size(l, 'inputSize', path);
  c.chain(I, width, path);
  const H = c.size(l, 'hidden', path);
  const U = c.size(l, 'units', path);
  c.arr(l, 'wx', path, Int8Array, mulSizes(H, I), '(H, I)', -127, 127);
  c.arr(l, 'wy', path, Int8Array, mulSizes(H, U), '(H, U)', -127, 127);
  c.arr(l, 'wo', path, Int8Array, mulSizes(U, H), '(U, H)', -127, 127);
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

export const ir: IrHooks<JordanLayer, QJordanLayer> = {
  validate,
  validateQuant,
  bounds: jordanBoundProblems,
  inputSize: (l) => l.inputSize,
  outputSize: (l) => l.units,
  paramCount: (l) => l.wx.length + l.wy.length + l.bx.length + l.wo.length + l.bo.length,
  paramBytes: (l) =>
    l.wx.length +
    l.wy.length +
    l.wo.length +
    4 * (l.bx.length + l.by.length + l.bo.length) +
    2 * (l.mx.length + l.my.length + l.mo.length) +
    (l.sx.length + l.sy.length + l.so.length),
  // y, the fed-back output (int8, or int16 when last)
  stateBytes: (l) => l.units * (l.outType === 's16' ? 2 : 1),
  // pre-activations and h16, int16
  scratchBytes: (l) => 4 * l.hidden,
  macs: (l) => l.hidden * (l.inputSize + l.units) + l.units * l.hidden,
  tables: (l) => ({ ...outputStageTables(l.outActivation), tanh: true }),
  outType: (l) => l.outType,
  streams: true,
  arrays: (l) => {
    const H = l.hidden;
    const U = l.units;
    const a = (field: string, type: LayerArray['type'], values: ArrayLike<number>, shape: string, role: LayerArray['role']): LayerArray => ({
      part: '',
      field,
      type,
      values,
      shape,
      role,
    });
    return [
      a('wx', 's8', l.wx, `(H, I) = (${H}, ${l.inputSize})`, 'weights'),
      a('wy', 's8', l.wy, `(H, U) = (${H}, ${U})`, 'weights'),
      a('wo', 's8', l.wo, `(U, H) = (${U}, ${H})`, 'weights'),
      a('bx', 's32', l.bx, `(H) = (${H})`, 'biases'),
      a('by', 's32', l.by, `(H) = (${H})`, 'biases'),
      a('bo', 's32', l.bo, `(U) = (${U})`, 'biases'),
      a('mx', 's16', l.mx, `(H) = (${H})`, 'requant'),
      a('my', 's16', l.my, `(H) = (${H})`, 'requant'),
      a('sx', 'u8', l.sx, `(H) = (${H})`, 'requant'),
      a('sy', 'u8', l.sy, `(H) = (${H})`, 'requant'),
      a('mo', 's16', l.mo, `(U) = (${U})`, 'requant'),
      a('so', 'u8', l.so, `(U) = (${U})`, 'requant'),
    ];
  },
  title: (l) => `jordan ${l.inputSize}->${l.hidden}->${l.units} ${l.outActivation}`,
};
