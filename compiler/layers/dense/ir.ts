// The dense layer in the IR: its float and quantised layer types, their validation, and its facts.
//   y = act(w x + b)
// Legend: I layer input, U units.
import { FloatChecker, mulSizes } from '../../core/ir/float-check';
import { BoundCheck, Checker, QOutputType, checkOutputStage, requantBound, rowAbsSum } from '../../core/ir/quant-check';
import { joinPath } from '../../core/ir/errors';
import type { IrHooks, TablesUsed } from '../../core/ir/kind-hooks';
import { INT32_MAX, MULT_MAX, SHIFT_MAX } from '../../core/spec/spec';

export const DENSE_ACTIVATIONS = ['none', 'relu', 'tanh', 'sigmoid', 'softmax'] as const;
export type DenseActivation = (typeof DENSE_ACTIVATIONS)[number];
export const QDENSE_ACTIVATIONS = DENSE_ACTIVATIONS;
export type QDenseActivation = (typeof QDENSE_ACTIVATIONS)[number];

export interface DenseLayer {
  kind: 'dense';
  name?: string;
  inputSize: number; // I
  units: number; // U
  w: Float32Array; // (U, I)
  b: Float32Array; // (U)
  activation: DenseActivation;
}

export interface QDenseLayer {
  kind: 'dense';
  name?: string;
  inputSize: number; // I
  units: number; // U
  w: Int8Array; // (U, I) per-row symmetric, [-127, 127]; applied to x16 (first layer) or x8
  b: Int32Array; // (U) with the input zero point folded in
  m: Int32Array; // (U) acc -> output units (none/relu/softmax) or Q3.12 (tanh/sigmoid)
  s: Int32Array; // (U)
  /** softmax: the device outputs the logits (as 'none'); the host applies softmax after dequantising. */
  activation: QDenseActivation;
  outType: QOutputType;
  outZp: number; // [-128, 127] for s8; 0 for s16
  /** tanh/sigmoid with s8 output: Q15 -> output requantisation; 0 otherwise. */
  oM: number;
  oS: number;
}

function validate(c: FloatChecker, l: Record<string, unknown>, path: string, width: number | undefined): number | undefined {
  const I = c.posInt(l, 'inputSize', path);
  const U = c.posInt(l, 'units', path);
  c.chain(I, width, path);
  c.f32(l, 'w', path, mulSizes(I, U), `(U, I) with U = ${U ?? '?'}, I = ${I ?? '?'}`);
  c.f32(l, 'b', path, U, `(U) with U = ${U ?? '?'}`);
  if (!(DENSE_ACTIVATIONS as readonly unknown[]).includes(l.activation)) {
    c.add('TNN104', `${path}.activation`, 'unknown dense activation', l.activation, DENSE_ACTIVATIONS.join(', '));
  }
  return U;
}

function validateQuant(c: Checker, l: Record<string, unknown>, path: string, width: number | undefined, isLast: boolean): number | undefined {
  const I = c.size(l, 'inputSize', path);
  c.chain(I, width, path);
  const U = c.size(l, 'units', path);
  c.arr(l, 'w', path, Int8Array, mulSizes(U, I), '(U, I)', -127, 127);
  c.arr(l, 'b', path, Int32Array, U, '(U)', -INT32_MAX, INT32_MAX);
  c.arr(l, 'm', path, Int32Array, U, '(U)', 0, MULT_MAX);
  c.arr(l, 's', path, Int32Array, U, '(U)', 0, SHIFT_MAX);
  c.oneOf(l, 'activation', path, QDENSE_ACTIVATIONS);
  checkOutputStage(c, l, path, isLast);
  if (l.activation === 'softmax' && !isLast)
    c.add('TNN204', joinPath(path, 'activation'), 'softmax is only allowed on the last layer', 'softmax', 'none, relu, tanh or sigmoid');
  return U;
}

/** Section 6 bounds of a dense layer on inputs |x| <= xMax: every unit's accumulator and its requantised output. */
export function denseBounds(l: QDenseLayer, path: string, xMax: number, check: BoundCheck, names = { w: 'w', m: 'm', what: 'accumulator' }): void {
  for (let u = 0; u < l.units; u++) {
    const a = Math.abs(l.b[u]) + xMax * rowAbsSum(l.w, u, l.inputSize);
    check(`${path}.${names.w}[${u}]`, `${names.what} of unit ${u}`, a, INT32_MAX);
    if (a <= INT32_MAX) check(`${path}.${names.m}[${u}]`, `requantised output of unit ${u}`, requantBound(a, l.m[u], l.s[u]), INT32_MAX - 32768);
  }
}

/** The tables an output stage (a dense layer, a Jordan projection) reads for its activation. */
export function outputStageTables(activation: string): TablesUsed {
  return { sigmoid: activation === 'sigmoid', tanh: activation === 'tanh' };
}

export const ir: IrHooks<DenseLayer, QDenseLayer> = {
  validate,
  validateQuant,
  bounds: (l, path, xMax, check) => denseBounds(l, path, xMax, check),
  inputSize: (l) => l.inputSize,
  outputSize: (l) => l.units,
  paramCount: (l) => l.w.length + l.b.length,
  paramBytes: (l) => l.w.length + 4 * l.b.length + 2 * l.m.length + l.s.length,
  stateBytes: () => 0,
  scratchBytes: () => 0,
  macs: (l) => l.units * l.inputSize,
  tables: (l) => outputStageTables(l.activation),
  outType: (l) => l.outType,
  streams: true,
  arrays: (l) => [
    { part: '', field: 'w', type: 's8', values: l.w, shape: `(U, I) = (${l.units}, ${l.inputSize})`, role: 'weights' },
    { part: '', field: 'b', type: 's32', values: l.b, shape: `(U) = (${l.units})`, role: 'biases' },
    { part: '', field: 'm', type: 's16', values: l.m, shape: `(U) = (${l.units})`, role: 'requant' },
    { part: '', field: 's', type: 'u8', values: l.s, shape: `(U) = (${l.units})`, role: 'requant' },
  ],
  title: (l) => `dense ${l.inputSize}->${l.units} ${l.activation}`,
};
