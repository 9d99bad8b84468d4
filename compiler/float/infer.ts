// Float reference inference (float64 arithmetic on the model's float32 parameters).
// Each layer kind's step (compiler/layers/<kind>/float.ts, looked up in compiler/layers/float.ts)
// serves both the streaming API (stepFloat) and whole-sequence runs
// (runFloat), so the two give identical numbers by construction; tests check it anyway.
//
// Legend: T steps, F features, I layer input, H hidden, G gates, U dense units, O outputs.

import { TinyrnnError } from '../core/ir/errors';
import { CellLayer, FloatModel, Layer } from '../core/ir/model';
import { assembleFinal, finalOutputSize, finalSegments, hasExtraFinal } from '../core/ir/final';
import { floatHooks } from '../layers/float';
import { CellState, JordanState, PoolState, StepObserver } from './hooks';
import type { QLsmState } from '../layers/lsm/reference';

export { applyActivation, sigmoid } from './activation';
export type { CellState, JordanState } from './hooks';
export { denseForward } from '../layers/dense/float';
export { jordanStep } from '../layers/jordan/float';

/** Optional observer of every intermediate, used by calibration and the error report. */
export type FloatObserver = (layer: number, t: number, key: string, values: Float64Array) => void;

/** Streaming state: one entry per layer (null for dense and bidirectional layers). */
export interface FloatState {
  layers: (CellState | JordanState | PoolState | QLsmState | null)[];
}

export function createFloatState(m: FloatModel): FloatState {
  return { layers: m.layers.map((l: Layer) => floatHooks(l.kind).newState(l)) };
}

export function resetFloatState(s: FloatState): void {
  for (const st of s.layers) {
    if (st && 'y' in st) st.y.fill(0);
    else if (st && 'sum' in st) {
      st.t = 0;
      st.sum.fill(0);
      st.count.fill(0);
    } else if (st && 'spikes' in st) {
      for (const a of [st.v, st.tr, st.refr, st.spikes]) a.fill(0);
    } else if (st) {
      st.h.fill(0);
      st.c.fill(0);
    }
  }
}

/** One step of a recurrent cell; updates st in place and returns the new h (a fresh array). */
export function cellStep(l: CellLayer, x: ArrayLike<number>, st: CellState, obs?: StepObserver): Float64Array {
  return floatHooks(l.kind).step(l, x, st, obs, '');
}

export function normalizeInput(m: FloatModel, x: ArrayLike<number>): Float64Array {
  const F = m.inputSize;
  if (x.length !== F) {
    throw new TinyrnnError({ code: 'RUN001', path: 'x', message: `input step has ${x.length} features`, expected: `${F} (${m.meta.features.join(', ')})` });
  }
  const out = new Float64Array(F);
  const n = m.normalization;
  for (let i = 0; i < F; i++) out[i] = n ? (x[i] - n.mean[i]) / n.std[i] : x[i];
  return out;
}

function observerFor(obs: FloatObserver | undefined, layer: number, t: number, prefix = ''): StepObserver | undefined {
  return obs ? (key, v) => obs(layer, t, prefix + key, v) : undefined;
}

/**
 * One streaming step: consumes one input sample (F raw feature values) and returns the model's
 * output at this step (O). Bidirectional models cannot stream (the backward half needs the future).
 */
export function stepFloat(m: FloatModel, s: FloatState, x: ArrayLike<number>, obs?: FloatObserver, t = 0): Float64Array {
  let v: Float64Array = normalizeInput(m, x);
  obs?.(-1, t, 'x', v);
  m.layers.forEach((l, i) => {
    v = floatHooks(l.kind).step(l, v, s.layers[i], observerFor(obs, i, t), `layers[${i}]`);
  });
  return v;
}

export interface FloatRun {
  /** Model output at every step (T)(O): for output mode "last" only the final entry is the model's answer. */
  steps: Float64Array[];
  /** The model's answer: all steps for output "sequence", the last step for "last", the final states for "final". */
  output: Float64Array[];
  /** Final hidden state of each recurrent layer ([fwd] or [fwd, bwd]; a Jordan layer's last output y); [] for dense layers. */
  hn: Float64Array[][];
  /** Final LSTM cell state per layer, as hn. */
  cn: Float64Array[][];
  /** A model with final states beside its main output (output 'sequence' or 'last' and a `final` field): the final-state vector. */
  final?: Float64Array;
}

/** Runs a whole sequence x (T)(F) from zero state. */
export function runFloat(m: FloatModel, x: ArrayLike<ArrayLike<number>>, obs?: FloatObserver): FloatRun {
  const T = x.length;
  if (T === 0) throw new TinyrnnError({ code: 'RUN003', path: 'x', message: 'sequence has no time steps', expected: 'at least one step' });
  let seq: Float64Array[] = [];
  for (let t = 0; t < T; t++) {
    const v = normalizeInput(m, x[t]);
    obs?.(-1, t, 'x', v);
    seq.push(v);
  }
  const hn: Float64Array[][] = [];
  const cn: Float64Array[][] = [];
  m.layers.forEach((l, i) => {
    const run = floatHooks(l.kind).run(l, seq, (t, prefix) => observerFor(obs, i, t, prefix));
    seq = run.seq;
    hn.push(run.hn);
    cn.push(run.cn);
  });
  const output = m.output === 'sequence' ? seq : m.output === 'last' ? [seq[T - 1]] : [finalOutput(m, hn, cn)];
  return { steps: seq, output, hn, cn, ...(hasExtraFinal(m) ? { final: finalOutput(m, hn, cn) } : {}) };
}

/** The last layer's final states, laid out by compiler/core/ir/final.ts (the output in mode 'final', else the extra output). */
function finalOutput(m: FloatModel, hn: Float64Array[][], cn: Float64Array[][]): Float64Array {
  const L = m.layers.length - 1;
  const segments = finalSegments(m.layers[L], m.final ?? []) ?? [];
  return assembleFinal(segments, hn[L], cn[L], new Float64Array(finalOutputSize(segments)));
}

/** Index of the largest value (first on ties). */
export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}
