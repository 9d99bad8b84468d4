// The reference integer kernels: THE executable definition of tinyrnn's int8 arithmetic
// (docs/quantization.md, spec version QUANT_SPEC_VERSION). The C and Espruino targets are
// tested against these integers (through test/vectors) for exact equality.
//
// Integer-exact operations only: every value is a JS number holding an integer below 2^47 in
// magnitude (the quantiser proves the bounds), so doubles represent them exactly; no value is
// ever rounded by floating point. One cell-step function serves the streaming API
// (stepQuant) and whole-sequence runs (runQuant), and the tests check they agree anyway.
//
// Legend: T steps, F features, I layer input, H hidden, G gates, U dense units, O outputs.

import { endsInSoftmax } from '../ir/kinds';
import { TinyrnnError } from '../ir/errors';
import { QuantModel, assertSpecVersion } from '../ir/quant-model';
import { rshift_round, sat_s16 } from '../spec/fixed';
import { RAW_INPUT_MAX } from '../spec/spec';
import { Obs, QLayerRun } from './kernel';
import { assembleFinal, finalOutputSize, finalSegments, hasExtraFinal } from '../ir/final';
import { RefState, referenceOf } from '../../layers/reference';

export { lut_s16, requantize, rshift_round, sat_s16, sat_s8, sigmoid_s16, tanh_s16 } from '../spec/fixed';
export { dot } from './kernel';
export { denseQ } from '../../layers/dense/reference';
export { jordanStepQ, newJordanState } from '../../layers/jordan/reference';
export type { QJordanState } from '../../layers/jordan/reference';
export { newCellState } from '../../layers/cell/reference';
export type { QCellState } from '../../layers/cell/reference';
export { cellStepQ } from '../../layers/bidirectional/reference';

/**
 * Observer of every intermediate: layer -1 is the input stage (key "x"); keys are those of
 * test/vectors/README.md ("pre", "gates", "c", "tc", "h16", "rh", "h", "out"), with
 * "fwd." / "bwd." prefixes inside a bidirectional layer. values is a fresh copy.
 */
export type QuantObserver = (layer: number, t: number, key: string, values: Int32Array) => void;

/** Streaming state: one entry per layer (null for dense and bidirectional layers; a Jordan layer's previous output y). */
export interface QuantState {
  layers: RefState[keyof RefState][];
}

export function createQuantState(m: QuantModel): QuantState {
  assertSpecVersion(m);
  return { layers: m.layers.map((l) => referenceOf(l).newState(l)) };
}

/** Puts every state back to its reset value (h8 = hZp, h16 = 0, c = 0; Jordan y = outZp). */
export function resetQuantState(m: QuantModel, s: QuantState): void {
  m.layers.forEach((l, i) => referenceOf(l).reset(l, s.layers[i]));
}

/** The input stage: raw integers (F) -> x16 = sat_s16(rshift_round((r - offset) * m + bias, s)), int16 (F). Raw values must be integers with |r| <= 2^30. */
export function quantizeInput(m: QuantModel, raw: ArrayLike<number>): Int16Array {
  const F = m.inputSize;
  if (raw.length !== F) {
    throw new TinyrnnError({ code: 'RUN001', path: 'x', message: `input step has ${raw.length} features`, expected: `${F} (${m.meta.features.join(', ')})` });
  }
  const x16 = new Int16Array(F);
  const q = m.input;
  for (let f = 0; f < F; f++) {
    const r = raw[f];
    if (!Number.isInteger(r) || r > RAW_INPUT_MAX || r < -RAW_INPUT_MAX) {
      throw new TinyrnnError({
        code: 'RUN004',
        path: `x[${f}]`,
        message: 'raw input is not an integer in range',
        value: r,
        expected: `an integer in [-2^30, 2^30]`,
        hint: 'feed round(x * rawPerUnit) (see rawInput), or the sensor integers the model was quantised for',
      });
    }
    x16[f] = sat_s16(rshift_round((r - q.offset[f]) * q.m[f] + (q.bias ? q.bias[f] : 0), q.s[f]));
  }
  return x16;
}

function observerFor(obs: QuantObserver | undefined, layer: number, t: number, prefix = ''): Obs {
  return obs ? (key, v) => obs(layer, t, prefix + key, Int32Array.from(v)) : undefined;
}

/**
 * One streaming step: consumes one raw input vector (F integers), returns the model output at
 * this step (O integers: int8, or int16 when outputType is s16). Bidirectional models cannot stream.
 */
export function stepQuant(m: QuantModel, s: QuantState, raw: ArrayLike<number>, obs?: QuantObserver, t = 0): Int32Array {
  assertSpecVersion(m);
  if (m.output === 'final') {
    throw new TinyrnnError({
      code: 'RUN005',
      path: 'output',
      message: "a model that outputs its final states (output mode 'final') cannot run step by step",
      value: m.final,
      expected: 'a whole-sequence run',
      hint: 'it answers once, after the whole sequence: use runQuant',
    });
  }
  let v: ArrayLike<number> = quantizeInput(m, raw);
  obs?.(-1, t, 'x', Int32Array.from(v));
  m.layers.forEach((l, i) => {
    v = referenceOf(l).step(l, m.tables, v, s.layers[i], observerFor(obs, i, t), `layers[${i}]`);
  });
  return Int32Array.from(v);
}

export interface QuantRun {
  /** Model output after every step (T)(O). */
  steps: Int32Array[];
  /** The model's answer: all steps for output "sequence", the last step for "last", the final states (one vector) for "final". */
  output: Int32Array[];
  /** A model with final states beside its main output (output 'sequence' or 'last' and a `final` field): the final-state vector. */
  final?: Int32Array;
}

/** Runs a whole sequence of raw inputs (T)(F) from reset state, layer by layer. */
export function runQuant(m: QuantModel, raw: ArrayLike<ArrayLike<number>>, obs?: QuantObserver): QuantRun {
  assertSpecVersion(m);
  const T = raw.length;
  if (T === 0) throw new TinyrnnError({ code: 'RUN003', path: 'x', message: 'sequence has no time steps', expected: 'at least one step' });
  let seq: ArrayLike<number>[] = [];
  for (let t = 0; t < T; t++) {
    const v = quantizeInput(m, raw[t]);
    obs?.(-1, t, 'x', Int32Array.from(v));
    seq.push(v);
  }
  let last: QLayerRun = { seq, hn: [], cn: [] };
  m.layers.forEach((l, i) => {
    last = referenceOf(l).run(l, m.tables, seq, (t, prefix) => observerFor(obs, i, t, prefix));
    seq = last.seq;
  });
  const steps = seq.map((v) => Int32Array.from(v));
  const output = m.output === 'sequence' ? steps : m.output === 'last' ? [steps[T - 1]] : [finalOutput(m, last)];
  return { steps, output, ...(hasExtraFinal(m) ? { final: finalOutput(m, last) } : {}) };
}

/**
 * The rows a device's whole-sequence run writes (the C target's `<prefix>_run`, the Espruino run()):
 * the output of every step, or one row of final states for output mode 'final'.
 */
export function runRows(m: QuantModel, run: QuantRun): Int32Array[] {
  return m.output === 'final' ? run.output : run.steps;
}

/** The last layer's final integer states, laid out by compiler/core/ir/final.ts (the output in mode 'final', else the extra output). */
function finalOutput(m: QuantModel, last: QLayerRun): Int32Array {
  const segments = finalSegments(m.layers[m.layers.length - 1], m.final ?? []) ?? [];
  return assembleFinal(segments, last.hn, last.cn, new Int32Array(finalOutputSize(segments)));
}

// ---------------------------------------------------------------------------------------------
// Host helpers (floating point allowed: these run on the host, never on the device)

/** Raw integers the device is fed for a model-unit input vector x: round(x[f] * rawPerUnit[f]). */
export function rawInput(m: QuantModel, x: ArrayLike<number>): number[] {
  const out: number[] = new Array(x.length);
  for (let f = 0; f < x.length; f++) out[f] = Math.round(x[f] * m.input.rawPerUnit[f]);
  return out;
}

/** Raw integer sequence (T)(F) for a float sequence stored row-major (T*F). */
export function rawSequence(m: QuantModel, x: ArrayLike<number>): number[][] {
  const F = m.inputSize;
  const T = Math.floor(x.length / F);
  const out: number[][] = [];
  for (let t = 0; t < T; t++) {
    const row: number[] = new Array(F);
    for (let f = 0; f < F; f++) row[f] = Math.round(x[t * F + f] * m.input.rawPerUnit[f]);
    out.push(row);
  }
  return out;
}

/**
 * Real output values from the device's integers: (y - outputZp) * outputScale, then softmax
 * when the model's last layer is softmax (the device outputs logits). Final states: each segment
 * (doc.outputSegments) in its own scale.
 */
export function dequantizeOutput(m: QuantModel, y: ArrayLike<number>): Float64Array {
  const main = [{ offset: 0, size: y.length, scale: m.doc.outputScale, zp: m.doc.outputZp }];
  const out = dequantizeSegments(m.output === 'final' ? (m.doc.outputSegments ?? main) : main, y);
  if (m.output !== 'final' && endsInSoftmax(m.layers)) {
    let mx = -Infinity;
    for (let i = 0; i < out.length; i++) if (out[i] > mx) mx = out[i];
    let s = 0;
    for (let i = 0; i < out.length; i++) s += out[i] = Math.exp(out[i] - mx);
    for (let i = 0; i < out.length; i++) out[i] /= s;
  }
  return out;
}

/** Real values of a final-state vector (a model with final states beside its main output: QuantRun.final), each segment in its own scale. */
export function dequantizeFinal(m: QuantModel, y: ArrayLike<number>): Float64Array {
  return dequantizeSegments(m.doc.outputSegments ?? [], y);
}

function dequantizeSegments(segments: readonly { offset: number; size: number; scale: number; zp: number }[], y: ArrayLike<number>): Float64Array {
  const out = new Float64Array(y.length);
  for (const s of segments) for (let i = s.offset; i < s.offset + s.size && i < y.length; i++) out[i] = (y[i] - s.zp) * s.scale;
  return out;
}

/** Collects a run's trace as { key: (T)(width) } with keys "x", "L<n>.<name>" (the golden-vector layout). */
export function traceCollector(): { obs: QuantObserver; trace: Record<string, number[][]> } {
  const trace: Record<string, number[][]> = {};
  const obs: QuantObserver = (layer, t, key, values) => {
    const k = layer < 0 ? key : `L${layer}.${key}`;
    (trace[k] ??= [])[t] = Array.from(values);
  };
  return { obs, trace };
}
