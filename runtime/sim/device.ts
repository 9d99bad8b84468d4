// One simulated device: a sensor stream (with faults) fed sample by sample through the device
// code of an engine, checked step by step against the reference kernels, timed against the sample
// clock, and summarised.
//
// Legend: T steps, F features, O outputs, W windows.

import { QuantModel } from '../../compiler/core/ir/quant-model';
import { BoardProfile } from '../../targets/boards';
import { EngineProvider, EngineSession, PreparedEngine } from './engine';
import { FaultSpec, applyFaults, formatFault } from './faults';
import { DeviceStream } from './stream';
import { energy, simulateTiming } from './timing';
import { Accuracy, DeviceResult, FaultSummary, Parity, RegressionError } from './types';
import { dequantizeOutput } from '../../compiler/core/reference';
import { samplesToRaw } from './sensor';
import { TinyrnnError } from '../../compiler/core/ir/errors';

export interface DeviceRunOptions {
  model: QuantModel;
  board: BoardProfile;
  prepared: PreparedEngine;
  provider: EngineProvider;
  /** The reference engine (the oracle) and its prepared form. */
  oracle: { provider: EngineProvider; prepared: PreparedEngine };
  rateHz: number;
  faults: FaultSpec[];
  /** Seed of this device's fault pattern (a fleet gives device d the seed S + d). */
  seed: number;
  keepTraces: boolean;
}

/** Most fault events listed per device (the counts have the totals). */
export const MAX_EVENTS = 500;

/**
 * Steps at which the model state is cleared: the start of every recording (each recording is a
 * session of its own, as in training and evaluation; a single long recording streams without a
 * break), plus the device resets of the fault plan.
 */
function resetPoints(s: DeviceStream, faultResets: number[]): number[] {
  const set = new Set<number>(faultResets);
  for (const w of s.windowStart) if (w > 0) set.add(w);
  return [...set].filter((t) => t > 0 && t < s.T).sort((a, b) => a - b);
}

/** Runs a session over the whole stream, resetting at the given steps. */
async function runSession(
  session: EngineSession,
  raw: Int32Array,
  F: number,
  T: number,
  resets: number[],
): Promise<{ out: Int32Array; cycles: Float64Array | null; O: number }> {
  const chunks: Int32Array[] = [];
  const cyc: (Float64Array | null)[] = [];
  const bounds = [0, ...resets, T];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const a = bounds[k];
    const b = bounds[k + 1];
    if (k > 0) await session.reset();
    if (b <= a) continue;
    const r = await session.run(raw.subarray(a * F, b * F), b - a);
    chunks.push(r.out);
    cyc.push(r.cycles);
  }
  const total = chunks.reduce((s, c) => s + c.length, 0);
  const out = new Int32Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  let cycles: Float64Array | null = null;
  if (cyc.length && cyc.every((c) => c !== null)) {
    cycles = new Float64Array(T);
    let t = 0;
    for (const c of cyc as Float64Array[]) {
      cycles.set(c, t);
      t += c.length;
    }
  }
  return { out, cycles, O: T ? total / T : 0 };
}

function argmaxRow(out: Int32Array, t: number, O: number): number {
  let best = 0;
  for (let o = 1; o < O; o++) if (out[t * O + o] > out[t * O + best]) best = o;
  return best;
}

/** Prediction per step: class index (classification) or the first output in real units (regression). */
export function predictions(model: QuantModel, out: Int32Array, T: number): Float64Array {
  const O = model.outputSize;
  const p = new Float64Array(T);
  for (let t = 0; t < T; t++) p[t] = model.task === 'classification' ? argmaxRow(out, t, O) : (out[t * O] - model.doc.outputZp) * model.doc.outputScale;
  return p;
}

/** Accuracy: at each window's last step for whole-sequence classifiers, at every labelled step for per-step classifiers. */
export function accuracyOf(model: QuantModel, s: DeviceStream, pred: Float64Array): Accuracy {
  let correct = 0;
  let total = 0;
  if (model.task === 'classification') {
    if (model.output === 'last' && s.windowLabel) {
      s.windowStart.forEach((start, w) => {
        const end = (w + 1 < s.windowStart.length ? s.windowStart[w + 1] : s.T) - 1;
        const want = s.windowLabel![w];
        if (end < start || want < 0) return;
        total++;
        if (pred[end] === want) correct++;
      });
    } else if (s.stepLabel) {
      for (let t = 0; t < s.T; t++) {
        if (s.stepLabel[t] < 0) continue;
        total++;
        if (pred[t] === s.stepLabel[t]) correct++;
      }
    }
  }
  return { correct, total, rate: total ? correct / total : null };
}

/** Regression error of the answers (every step, or window ends for whole-sequence models) against the targets. */
export function regressionError(model: QuantModel, s: DeviceStream, out: Int32Array): RegressionError | undefined {
  if (model.task !== 'regression' || !s.targets) return undefined;
  const O = model.outputSize;
  const K = Math.min(O, s.K);
  let n = 0;
  let abs = 0;
  let sq = 0;
  for (const t of scoredSteps(model, s)) {
    const y = dequantizeOutput(model, out.subarray(t * O, (t + 1) * O));
    for (let k = 0; k < K; k++) {
      const want = s.targets[t * s.K + k];
      if (!Number.isFinite(want)) continue;
      const e = y[k] - want;
      n++;
      abs += Math.abs(e);
      sq += e * e;
    }
  }
  return n ? { n, mae: abs / n, rmse: Math.sqrt(sq / n) } : undefined;
}

function compare(got: Int32Array, want: Int32Array, O: number): Parity {
  let mismatches = 0;
  let first: Parity['first'];
  const n = Math.min(got.length, want.length);
  for (let i = 0; i < n; i++) {
    if (got[i] !== want[i]) {
      mismatches++;
      if (!first) first = { step: Math.floor(i / O), index: i % O, got: got[i], want: want[i] };
    }
  }
  mismatches += Math.abs(got.length - want.length);
  if (!first && got.length !== want.length) first = { step: Math.floor(n / O), index: 0, got: got.length, want: want.length };
  return { compared: want.length, mismatches, ...(first ? { first } : {}) };
}

/** The steps whose prediction is checked for "the same as without faults": window ends for whole-sequence models. */
function scoredSteps(model: QuantModel, s: DeviceStream): number[] {
  if (model.output === 'last') return s.windowStart.map((_, w) => (w + 1 < s.windowStart.length ? s.windowStart[w + 1] : s.T) - 1);
  return Array.from({ length: s.T }, (_, t) => t);
}

export async function simulateDevice(s: DeviceStream, o: DeviceRunOptions): Promise<DeviceResult> {
  const { model, board } = o;
  const F = s.F;
  const T = s.T;
  const period = 1 / o.rateHz;
  const fs = applyFaults(s.x, F, period, o.faults, o.seed >>> 0);
  const raw = samplesToRaw(model, fs.delivered, T);
  const resets = resetPoints(s, fs.resets);

  // The device code.
  const session = await o.provider.open(o.prepared, model, board);
  let dev: Awaited<ReturnType<typeof runSession>>;
  try {
    dev = await runSession(session, raw, F, T, resets);
  } catch (e) {
    throw new TinyrnnError({
      code: 'SIM020',
      path: `device ${s.device}`,
      message: `the ${o.prepared.engine} device code stopped: ${(e as Error).message}`,
      value: s.source,
      hint: 'the device code must run every sample, faulty or not: this is a bug in the generated code or the engine',
    });
  } finally {
    await session.close();
  }
  const survived = dev.out.length === T * model.outputSize;

  // The oracle on the same delivered samples, and on the clean stream.
  const oracle = await o.oracle.provider.open(o.oracle.prepared, model, board);
  let want: Int32Array;
  let clean: Int32Array | null = null;
  // The same delivered samples without the device resets: what the reset alone changed.
  let noReset: Int32Array | null = null;
  try {
    want = o.provider === o.oracle.provider ? dev.out : (await runSession(oracle, raw, F, T, resets)).out;
    if (o.faults.length) {
      await oracle.reset();
      clean = (await runSession(oracle, samplesToRaw(model, s.x, T), F, T, resetPoints(s, []))).out;
    }
    if (fs.resets.length) {
      await oracle.reset();
      noReset = (await runSession(oracle, raw, F, T, resetPoints(s, []))).out;
    }
  } finally {
    await oracle.close();
  }
  const O = model.outputSize;
  const parity = compare(dev.out, want, O);
  const pred = predictions(model, dev.out, T);
  const accuracy = accuracyOf(model, s, pred);
  const error = regressionError(model, s, dev.out);

  let faults: FaultSummary | null = null;
  if (o.faults.length && clean) {
    const cleanPred = predictions(model, clean, T);
    const scored = scoredSteps(model, s);
    let changed = 0;
    for (const t of scored) if (pred[t] !== cleanPred[t]) changed++;
    const base = noReset ? predictions(model, noReset, T) : pred;
    const recovery = fs.resets.map((r) => {
      // Steps after the reset until the prediction equals the one the device would have made on
      // the same samples without the reset, and stays equal up to the next reset (null: still
      // different at the next reset or the end of the stream).
      const next = fs.resets.find((x) => x > r) ?? T;
      let k = next;
      while (k > r && pred[k - 1] === base[k - 1]) k--;
      return { reset: r, steps: k === next && next > r ? null : k - r };
    });
    faults = {
      specs: o.faults.map(formatFault),
      counts: fs.counts,
      events: fs.events.slice(0, MAX_EVENTS),
      eventsTruncated: fs.events.length > MAX_EVENTS,
      changedPredictions: changed,
      cleanAccuracy: accuracyOf(model, s, cleanPred),
      maxJitter: fs.maxJitter,
      recovery,
      survived,
    };
  }

  let timing = null;
  let traceExec: Float64Array = new Float64Array(0);
  let traceBudget: Float64Array = new Float64Array(0);
  let cyclesPerStep: number | null = null;
  let en = null;
  if (dev.cycles) {
    const tm = simulateTiming({ cycles: dev.cycles, arrival: fs.arrival, period, clockHz: board.clockMHz * 1e6 });
    timing = tm.summary;
    traceExec = tm.trace.exec;
    traceBudget = tm.trace.budget;
    cyclesPerStep = T ? dev.cycles.reduce((a, b) => a + b, 0) / T : 0;
    const b = board as BoardProfile & { supplyV?: number };
    if (board.activeCurrentmA && b.supplyV)
      en = energy({ activeCurrentmA: board.activeCurrentmA, supplyV: b.supplyV, stepSeconds: tm.summary.stepMean, period });
  }

  let predicted: Record<string, number> | undefined;
  if (model.task === 'classification') {
    predicted = {};
    const labels = model.meta.labels ?? Array.from({ length: O }, (_, i) => String(i));
    for (const t of scoredSteps(model, s)) {
      const name = labels[pred[t]] ?? String(pred[t]);
      predicted[name] = (predicted[name] ?? 0) + 1;
    }
  }

  const result: DeviceResult = {
    device: s.device,
    source: s.source,
    steps: T,
    windows: s.windowStart.length,
    engine: o.prepared.engine,
    parity,
    accuracy,
    ...(error ? { error } : {}),
    ...(predicted ? { predicted } : {}),
    timing,
    costSource: dev.cycles ? o.prepared.costSource : 'none',
    cyclesPerStep,
    energy: en,
    faults,
  };
  if (o.keepTraces) {
    const truth = new Float64Array(T).fill(NaN);
    if (s.stepLabel) for (let t = 0; t < T; t++) truth[t] = s.stepLabel[t] < 0 ? NaN : s.stepLabel[t];
    else if (s.targets) for (let t = 0; t < T; t++) truth[t] = s.targets[t * s.K];
    const faultSteps = Int32Array.from(new Set(fs.events.map((e) => e.step)));
    const answerSteps = model.output === 'last' ? Int32Array.from(scoredSteps(model, s)) : new Int32Array(0);
    result.traces = { input: fs.delivered, prediction: pred, truth, exec: traceExec, budget: traceBudget, faultSteps, answerSteps };
  }
  return result;
}
