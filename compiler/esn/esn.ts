// Echo state network in float64: a seeded leaky reservoir and a linear readout fitted in closed
// form by ridge regression, with the regularisation chosen on the validation split.
//
// Legend: N sequences, T steps, F input features (= I), H reservoir units, K outputs,
//         P = H + 1 readout features (the reservoir state and a constant 1 for the bias).
//
//   h_t = (1 - a) h_{t-1} + a tanh(sIn * Win8 x_t + sW * W8 h_{t-1}),   h_{-1} = 0
//   y_t = Wout [h_t; 1]
// with a = leakQ15 / 32768 (the leak rate as the Q0.15 integer a device would use), W8 and Win8
// the int8 reservoir of reservoir.ts, sW = spectralRadius / rho(W8) and sIn = inputScaling / 127.

import { TinyrnnError } from '../core/ir/errors';
import { Dataset, seqLength } from '../data/dataset';
import { SplitFractions, checkDataset, normalizationStats, splitIndices } from '../data/prep';
import { Reservoir8, densityToQ16, esn_generate, spectralRadius } from '../core/spec/reservoir';
import type { PoolLayer } from '../core/ir/model';
import { poolSequence } from '../layers/pool/float';

export interface EsnOptions {
  units: number; // H
  spectralRadius: number;
  inputScaling: number;
  /** Leak rate in (0, 1]; stored as a Q0.15 integer. */
  leak: number;
  /** Share of zero recurrent weights, in [0, 1). */
  sparsity: number;
  seed: number;
  /** Steps at the start of each sequence left out of a per-step fit (the reservoir warms up). */
  washout: number;
  /** Candidate ridge regularisations; the one with the best validation score is kept. */
  ridgeGrid: number[];
  /** Classification readout features (the last state by default). */
  readout: Readout;
}

export const DEFAULT_ESN_OPTIONS: EsnOptions = {
  units: 64,
  spectralRadius: 0.9,
  inputScaling: 0.5,
  leak: 1,
  sparsity: 0.9,
  seed: 1,
  washout: 10,
  ridgeGrid: [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10],
  readout: { segments: 0, abs: false },
};

/** The settings `train` tries for a classifier when they are not given: every combination, chosen on validation. */
export const DEFAULT_ESN_GRID: { leak: number[]; spectralRadius: number[]; readout: Readout[]; ridge: number[] } = {
  leak: [1, 0.3, 0.1],
  spectralRadius: [0.9, 0.5],
  ridge: [1e-4, 1e-3, 1e-2, 1e-1, 1, 10],
  readout: ['last', 'mean', 'seg3', 'seg3+abs'].map((n) => parseReadout(n)!),
};

/**
 * Readout features of a classifier: segments 0 the last state; S >= 1 the means of the states over
 * S equal segments of the sequence (1: the mean over time), with abs also their mean absolute
 * values (a pool layer, compiler/layers/pool, before the readout).
 */
export interface Readout {
  segments: number;
  abs: boolean;
}

/** last, mean, segN (N in 1..64), mean+abs or segN+abs; undefined for anything else. */
export function parseReadout(name: string): Readout | undefined {
  const m = /^(last|mean|seg([1-9][0-9]?))(\+abs)?$/.exec(name);
  if (!m || (m[1] === 'last' && m[3]) || Number(m[2] ?? 1) > 64) return undefined;
  return { segments: m[1] === 'last' ? 0 : Number(m[2] ?? 1), abs: m[3] !== undefined };
}

export function readoutName(r: Readout): string {
  return (r.segments === 0 ? 'last' : r.segments === 1 ? 'mean' : `seg${r.segments}`) + (r.abs ? '+abs' : '');
}

/** Features per sequence of a readout over H units. */
export function readoutWidth(r: Readout, H: number): number {
  return H * Math.max(1, r.segments) * (r.abs ? 2 : 1);
}

export interface EsnReservoir {
  inputSize: number; // F
  units: number; // H
  seed: number;
  densityQ16: number;
  leakQ15: number; // [1, 32768]
  int8: Reservoir8;
  /** Real value of one unit of W8 and of Win8. */
  wScale: number;
  winScale: number;
}

export function buildReservoir(
  inputSize: number,
  o: Pick<EsnOptions, 'units' | 'spectralRadius' | 'inputScaling' | 'leak' | 'sparsity' | 'seed'>,
): EsnReservoir {
  const bad = (path: string, value: number, expected: string): never => {
    throw new TinyrnnError({ code: 'ESN001', path, message: 'echo state network option out of range', value, expected });
  };
  if (!Number.isInteger(o.units) || o.units < 1 || o.units > 4096) bad('units', o.units, 'an integer in 1..4096');
  if (!(o.spectralRadius > 0 && o.spectralRadius < 4)) bad('spectralRadius', o.spectralRadius, 'in (0, 4), usually just below 1');
  if (!(o.inputScaling > 0 && o.inputScaling <= 100)) bad('inputScaling', o.inputScaling, 'in (0, 100]');
  if (!(o.leak > 0 && o.leak <= 1)) bad('leak', o.leak, 'in (0, 1]');
  if (!(o.sparsity >= 0 && o.sparsity < 1)) bad('sparsity', o.sparsity, 'in [0, 1)');
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0x7fffffff) bad('seed', o.seed, 'an integer in 0..2^31-1 (an int32 on every device)');
  const densityQ16 = densityToQ16(1 - o.sparsity);
  const int8 = esn_generate({ inputSize, units: o.units, densityQ16, seed: o.seed });
  const rho8 = spectralRadius(int8.w, o.units);
  if (rho8 === 0) {
    throw new TinyrnnError({
      code: 'ESN002',
      path: 'sparsity',
      message: 'the generated reservoir has no recurrent dynamics (spectral radius 0)',
      value: o.sparsity,
      hint: 'lower the sparsity, add units or change the seed',
    });
  }
  return {
    inputSize,
    units: o.units,
    seed: o.seed,
    densityQ16,
    leakQ15: Math.max(1, Math.min(32768, Math.round(o.leak * 32768))),
    int8,
    wScale: o.spectralRadius / rho8,
    winScale: o.inputScaling / 127,
  };
}

/** The nonzero entries of W8 by row: column indices and values (the reservoir is sparse). */
function sparseRows(w: Int8Array, H: number): { col: Int32Array[]; val: Int8Array[] } {
  const col: Int32Array[] = [];
  const val: Int8Array[] = [];
  for (let j = 0; j < H; j++) {
    const row = w.subarray(j * H, (j + 1) * H);
    const idx = Int32Array.from(Array.from(row.keys()).filter((k) => row[k] !== 0));
    col.push(idx);
    val.push(Int8Array.from(idx, (k) => row[k]));
  }
  return { col, val };
}

/** Reservoir states of one sequence x (T, F): returns (T, H), float64 (the zero weights skipped: the same sums). */
export function reservoirStates(r: EsnReservoir, x: ArrayLike<number>): Float64Array {
  const H = r.units;
  const F = r.inputSize;
  const T = Math.floor(x.length / F);
  const a = r.leakQ15 / 32768;
  const sp = sparseRows(r.int8.w, H);
  const out = new Float64Array(T * H); // (T, H)
  let h = new Float64Array(H); // (H)
  for (let t = 0; t < T; t++) {
    const hn = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      let si = 0;
      for (let f = 0; f < F; f++) si += r.int8.win[j * F + f] * x[t * F + f];
      let sh = 0;
      const c = sp.col[j];
      const v = sp.val[j];
      for (let k = 0; k < c.length; k++) sh += v[k] * h[c[k]];
      hn[j] = (1 - a) * h[j] + a * Math.tanh(r.winScale * si + r.wScale * sh);
    }
    h = hn;
    out.set(h, t * H);
  }
  return out;
}

/**
 * Ridge regression with an unpenalised bias: solves (Phi'Phi + lambda D) W = Phi'Y for W (P, K),
 * where Phi (M, P) has a constant 1 in its last column and D is the identity with 0 for that
 * column. gram = Phi'Phi (P, P) and cross = Phi'Y (P, K) are passed in (accumulated once for the
 * whole lambda grid). Cholesky factorisation; the matrix is positive definite for lambda > 0.
 */
export function ridgeSolve(gram: Float64Array, cross: Float64Array, P: number, K: number, lambda: number): Float64Array {
  const a = Float64Array.from(gram); // (P, P)
  for (let i = 0; i < P - 1; i++) a[i * P + i] += lambda;
  // a = L L', L stored in the lower triangle of a
  for (let j = 0; j < P; j++) {
    let d = a[j * P + j];
    for (let k = 0; k < j; k++) d -= a[j * P + k] * a[j * P + k];
    if (!(d > 0)) {
      throw new TinyrnnError({
        code: 'ESN003',
        path: 'ridge',
        message: 'the ridge system is not positive definite',
        value: lambda,
        hint: 'use a larger regularisation (the readout features are linearly dependent)',
      });
    }
    const l = Math.sqrt(d);
    a[j * P + j] = l;
    for (let i = j + 1; i < P; i++) {
      let s = a[i * P + j];
      for (let k = 0; k < j; k++) s -= a[i * P + k] * a[j * P + k];
      a[i * P + j] = s / l;
    }
  }
  const wOut = new Float64Array(P * K); // (P, K)
  const z = new Float64Array(P);
  for (let c = 0; c < K; c++) {
    for (let i = 0; i < P; i++) {
      let s = cross[i * K + c];
      for (let k = 0; k < i; k++) s -= a[i * P + k] * z[k];
      z[i] = s / a[i * P + i];
    }
    for (let i = P - 1; i >= 0; i--) {
      let s = z[i];
      for (let k = i + 1; k < P; k++) s -= a[k * P + i] * wOut[k * K + c];
      wOut[i * K + c] = s / a[i * P + i];
    }
  }
  return wOut;
}

/** Readout design rows of a task: features (M, P) and targets (M, K). */
export interface Design {
  phi: Float64Array; // (M, P)
  y: Float64Array; // (M, K)
  rows: number; // M
}

/** Per-step regression rows: every step after the washout, targets (T, K) per sequence. */
export function sequenceDesign(r: EsnReservoir, xs: ArrayLike<number>[], targets: ArrayLike<number>[], K: number, washout: number): Design {
  const H = r.units;
  const P = H + 1;
  const phi: number[] = [];
  const y: number[] = [];
  xs.forEach((x, n) => {
    const st = reservoirStates(r, x);
    const T = st.length / H;
    for (let t = Math.min(washout, T - 1); t < T; t++) {
      for (let j = 0; j < H; j++) phi.push(st[t * H + j]);
      phi.push(1);
      for (let k = 0; k < K; k++) y.push(targets[n][t * K + k]);
    }
  });
  return { phi: Float64Array.from(phi), y: Float64Array.from(y), rows: phi.length / P };
}

/** The pool layer of a pooled readout over H units and a W-step window. */
export function readoutPool(H: number, r: Readout, window: number): PoolLayer {
  return { kind: 'pool', name: 'pool', inputSize: H, segments: r.segments, window, abs: r.abs };
}

/** Readout features of one sequence's states (T, H): the last state, or what its pool layer gives after the last step (pool/float.ts, as the device pools). */
export function readoutFeatures(states: Float64Array, H: number, readout: Readout, window: number): Float64Array {
  return readout.segments === 0 ? states.slice(states.length - H) : poolSequence(readoutPool(H, readout, window), states);
}

/** Classification rows: the readout features of each sequence's states (T, H) (readoutFeatures), one-hot targets over K classes. */
export function classDesign(states: Float64Array[], H: number, labels: ArrayLike<number>, K: number, readout: Readout, window: number): Design {
  const P = readoutWidth(readout, H) + 1;
  const phi = new Float64Array(states.length * P);
  const y = new Float64Array(states.length * K);
  states.forEach((st, n) => {
    phi.set(readoutFeatures(st, H, readout, window), n * P);
    phi[n * P + P - 1] = 1;
    y[n * K + labels[n]] = 1;
  });
  return { phi, y, rows: states.length };
}

/** Phi'Phi (P, P) and Phi'Y (P, K) of a design. */
export function normalEquations(d: Design, P: number, K: number): { gram: Float64Array; cross: Float64Array } {
  const gram = new Float64Array(P * P);
  const cross = new Float64Array(P * K);
  for (let m = 0; m < d.rows; m++) {
    const o = m * P;
    for (let i = 0; i < P; i++) {
      const pi = d.phi[o + i];
      if (pi === 0) continue;
      for (let j = 0; j < P; j++) gram[i * P + j] += pi * d.phi[o + j];
      for (let k = 0; k < K; k++) cross[i * K + k] += pi * d.y[m * K + k];
    }
  }
  return { gram, cross };
}

/** Predictions (M, K) of a readout (P, K) on a design. */
export function predict(d: Design, wOut: Float64Array, P: number, K: number): Float64Array {
  const out = new Float64Array(d.rows * K);
  for (let m = 0; m < d.rows; m++) {
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let i = 0; i < P; i++) s += d.phi[m * P + i] * wOut[i * K + k];
      out[m * K + k] = s;
    }
  }
  return out;
}

export function mse(pred: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (pred[i] - y[i]) ** 2;
  return y.length ? s / y.length : 0;
}

/** Share of rows whose largest prediction is at the target's 1 (ties: lowest index). */
export function accuracy(pred: Float64Array, y: Float64Array, K: number): number {
  const M = y.length / K;
  let ok = 0;
  for (let m = 0; m < M; m++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (pred[m * K + k] > pred[m * K + best]) best = k;
    if (y[m * K + best] === 1) ok++;
  }
  return M ? ok / M : 0;
}

export interface RidgeChoice {
  lambda: number;
  wOut: Float64Array; // (P, K)
  /**
   * Validation score of every candidate: mse (classification: and accuracy) with the float
   * reservoir states, and the same with the states rounded to the int8 grid the device's readout
   * reads (`int8`). The choice is made on the int8 scores.
   */
  scores: { lambda: number; mse: number; accuracy?: number; int8: { mse: number; accuracy?: number } }[];
}

/**
 * The validation design with its reservoir states rounded as the device will see them: the
 * reservoir's output is int8 with one scale and zero point for all units, calibrated on the
 * range of the training states (widened to contain 0), so each state moves to the nearest of 256
 * levels. The bias column (index H) is left alone.
 */
export function int8StateDesign(train: Design, val: Design, P: number): Design {
  const H = P - 1;
  let lo = 0;
  let hi = 0;
  for (let m = 0; m < train.rows; m++) {
    for (let j = 0; j < H; j++) {
      const v = train.phi[m * P + j];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  const step = (hi - lo) / 255;
  const phi = Float64Array.from(val.phi);
  if (step > 0) {
    for (let m = 0; m < val.rows; m++) {
      for (let j = 0; j < H; j++) {
        const q = Math.min(255, Math.max(0, Math.round((phi[m * P + j] - lo) / step)));
        phi[m * P + j] = lo + q * step;
      }
    }
  }
  return { phi, y: val.y, rows: val.rows };
}

/**
 * Fits the readout for every lambda of the grid on the training design and keeps the one with
 * the lowest validation mse (classification: the highest validation accuracy, then the lowest
 * mse; ties keep the larger lambda, the smoother readout), scored on the validation states
 * rounded to the device's int8 grid: a readout with large weights magnifies that rounding, and
 * the device, not the float model, is what ships. Without a validation split the training
 * design is scored instead.
 */
export function chooseRidge(train: Design, val: Design, P: number, K: number, grid: number[], classification: boolean): RidgeChoice {
  if (grid.length === 0 || grid.some((l) => !(l > 0))) {
    throw new TinyrnnError({
      code: 'ESN001',
      path: 'ridgeGrid',
      message: 'ridge candidates must be positive numbers',
      value: grid.join(','),
      expected: 'e.g. 1e-6,1e-4,1e-2,1',
    });
  }
  const { gram, cross } = normalEquations(train, P, K);
  const evalOn = val.rows > 0 ? val : train;
  const evalQ = int8StateDesign(train, evalOn, P);
  const scores: RidgeChoice['scores'] = [];
  let best: { lambda: number; wOut: Float64Array; mse: number; acc: number } | undefined;
  for (const lambda of [...grid].sort((a, b) => b - a)) {
    const wOut = ridgeSolve(gram, cross, P, K, lambda);
    const pred = predict(evalOn, wOut, P, K);
    const predQ = predict(evalQ, wOut, P, K);
    const e = mse(pred, evalOn.y);
    const eQ = mse(predQ, evalOn.y);
    const acc = classification ? accuracy(pred, evalOn.y, K) : 0;
    const accQ = classification ? accuracy(predQ, evalOn.y, K) : 0;
    scores.push(classification ? { lambda, mse: e, accuracy: acc, int8: { mse: eQ, accuracy: accQ } } : { lambda, mse: e, int8: { mse: eQ } });
    const better = !best || (classification ? accQ > best.acc || (accQ === best.acc && eQ < best.mse) : eQ < best.mse);
    if (better) best = { lambda, wOut, mse: eQ, acc: accQ };
  }
  const b = best as NonNullable<typeof best>;
  return { lambda: b.lambda, wOut: b.wOut, scores: scores.reverse() };
}

// ---------------------------------------------------------------------------------------------
// Fitting on a Dataset: the same splits and normalisation as the gradient trainer.

/** One setting of the default grid tried by searchEsn, with its validation scores (float and int8-rounded states). */
export interface EsnTrial {
  leak: number;
  spectralRadius: number;
  readout: Readout;
  lambda: number;
  accuracy: number;
  int8Accuracy: number;
}

/** What every closed-form readout fit records (echo state networks, liquids): the readout, the data preparation and the ridge choice. */
export interface ReadoutFit {
  /** Readout features (classification), pooled over `window` steps. */
  readout: Readout;
  window: number;
  /** Input normalisation applied before the reservoir, from the training split. */
  mean: Float64Array; // (F)
  std: Float64Array; // (F)
  /** Readout (P, K): rows 0..P-2 weigh the features, row P-1 is the bias. */
  wOut: Float64Array;
  outputs: number; // K
  ridge: RidgeChoice;
  split: { train: number; val: number; test: number };
}

/** The ReadoutFit of a readout and its ridge choice on prepared data. */
export function readoutFit(p: Prepared, readout: Readout, ridge: RidgeChoice): ReadoutFit {
  const split = { train: p.split.train.length, val: p.split.val.length, test: p.split.test.length };
  return { readout, window: p.window, mean: p.mean, std: p.std, wOut: ridge.wOut, outputs: p.K, ridge, split };
}

export interface EsnFit extends ReadoutFit {
  reservoir: EsnReservoir;
  task: 'classification' | 'regression';
  output: 'sequence' | 'last';
  spectralRadius: number;
  /** Test-split score: mse (regression) or accuracy (classification); NaN without a test split. */
  test: { mse: number; accuracy?: number };
  /** The settings tried (searchEsn), in grid order; empty for a single fit. */
  grid: EsnTrial[];
}

function normalized(x: ArrayLike<number>, mean: ArrayLike<number>, std: ArrayLike<number>): Float64Array {
  const F = mean.length;
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = (x[i] - mean[i % F]) / std[i % F];
  return out;
}

function optionError(path: string, message: string, value: unknown, expected: string): never {
  throw new TinyrnnError({ code: 'ESN001', path, message, value: value as number, expected });
}

/** A dataset split and normalised once, shared by every setting a search tries (and by the liquid's, compiler/layers/lsm/fit.ts). */
export interface Prepared {
  d: Dataset;
  classification: boolean;
  K: number;
  window: number;
  mean: Float64Array;
  std: Float64Array;
  split: { train: Int32Array; val: Int32Array; test: Int32Array };
  xs: { train: Float64Array[]; val: Float64Array[]; test: Float64Array[] };
}

export function prepare(d: Dataset, o: Pick<EsnOptions, 'washout'>, fractions: SplitFractions, splitSeed: number): Prepared {
  checkDataset(d);
  if (!Number.isInteger(o.washout) || o.washout < 0) optionError('washout', 'washout must be a whole number of steps', o.washout, 'an integer >= 0');
  const classification = !d.targets;
  if (classification && !d.y) {
    throw new TinyrnnError(
      {
        code: 'ESN004',
        path: 'y',
        message: 'an echo state network classifies whole sequences (one label per sequence) or forecasts per-step targets',
        hint: 'per-step class labels are not supported by the ESN readout: use --cell lstm/gru/elman',
      },
      d.source,
    );
  }
  const split = splitIndices(d, fractions, splitSeed);
  const stats = normalizationStats(d, split.train);
  const mean = Float64Array.from(stats.mean);
  const std = Float64Array.from(stats.std);
  const xs = (idx: Int32Array): Float64Array[] => Array.from(idx, (n) => normalized(d.x[n], mean, std));
  const window = d.x.reduce((w, _x, n) => Math.max(w, seqLength(d, n)), 1);
  const K = classification ? (d.labels as string[]).length : d.targets![0].length / seqLength(d, 0);
  return { d, classification, K, window, mean, std, split, xs: { train: xs(split.train), val: xs(split.val), test: xs(split.test) } };
}

export function checkReadout(p: Prepared, r: Readout): void {
  const n = r.segments;
  if (!Number.isInteger(n) || n < 0 || n > 64 || (n === 0 && r.abs))
    optionError('readout', 'readout features out of range', n, 'the last state, or means over 1..64 segments');
  if (n > 0 && !p.classification) optionError('readout', 'pooled readouts classify whole sequences', n, 'the last state (every step) for per-step targets');
  if (n > p.window) optionError('readout', 'more readout segments than steps in a sequence', n, `at most ${p.window}`);
}

type Part = 'train' | 'val' | 'test';

/** The readout design of one part of the split for a reservoir; states: the reservoir states of that part (classification). */
function designOf(p: Prepared, r: EsnReservoir, o: EsnOptions, part: Part, states?: Float64Array[]): Design {
  const idx = p.split[part];
  if (!p.classification)
    return sequenceDesign(
      r,
      p.xs[part],
      Array.from(idx, (n) => p.d.targets![n]),
      p.K,
      o.washout,
    );
  const st = states ?? p.xs[part].map((x) => reservoirStates(r, x));
  return classDesign(
    st,
    r.units,
    Array.from(idx, (n) => p.d.y![n]),
    p.K,
    o.readout,
    p.window,
  );
}

/** The test-split score of a fitted readout (NaN without a test split). */
function testScore(p: Prepared, o: EsnOptions, r: EsnReservoir, wOut: Float64Array): EsnFit['test'] {
  if (!p.split.test.length) return { mse: NaN };
  const P = wOut.length / p.K;
  const te = designOf(p, r, o, 'test');
  const pred = predict(te, wOut, P, p.K);
  return p.classification ? { mse: mse(pred, te.y), accuracy: accuracy(pred, te.y, p.K) } : { mse: mse(pred, te.y) };
}

/** The readout of one setting; states: the reservoir states of train and val when already computed; withTest: score the test split too. */
function fitPrepared(p: Prepared, o: EsnOptions, states?: Record<'train' | 'val', Float64Array[]>, withTest = true): EsnFit {
  checkReadout(p, o.readout);
  const r = buildReservoir(p.d.features.length, o);
  const P = readoutWidth(o.readout, r.units) + 1;
  const ridge = chooseRidge(designOf(p, r, o, 'train', states?.train), designOf(p, r, o, 'val', states?.val), P, p.K, o.ridgeGrid, p.classification);
  const test = withTest ? testScore(p, o, r, ridge.wOut) : { mse: NaN };
  return {
    ...readoutFit(p, o.readout, ridge),
    reservoir: r,
    task: p.classification ? 'classification' : 'regression',
    output: p.classification ? 'last' : 'sequence',
    spectralRadius: o.spectralRadius,
    test,
    grid: [],
  };
}

/**
 * Fits an echo state network: per-step regression/forecasting (targets) or classification of
 * whole sequences (one label each). The reservoir is fixed by the options; only the readout is
 * fitted, in closed form, with the ridge regularisation chosen on the validation split.
 */
export function fitEsn(d: Dataset, options: Partial<EsnOptions> = {}, fractions: SplitFractions = { val: 0.15, test: 0.15 }, splitSeed = 1): EsnFit {
  const o: EsnOptions = { ...DEFAULT_ESN_OPTIONS, ...options };
  return fitPrepared(prepare(d, o, fractions, splitSeed), o);
}

/** The chosen ridge's validation scores of a fit: [float accuracy, int8-rounded accuracy, int8 mse]. */
function scoreOf(f: EsnFit): [number, number, number] {
  const s = f.ridge.scores.find((x) => x.lambda === f.ridge.lambda)!;
  return [s.accuracy ?? 0, s.int8.accuracy ?? 0, s.int8.mse];
}

/**
 * A classifier's settings chosen on the validation split (never the test split): every
 * combination of the grid's leak, spectral radius and readout that `options` leaves open, each
 * with its ridge choice, scored like chooseRidge (validation accuracy with int8-rounded states,
 * then mse; ties keep the earlier setting). Reservoir states are computed once per reservoir.
 * Regression (per-step targets) has no readout choice: it is one fitEsn.
 */
export function searchEsn(
  d: Dataset,
  options: Partial<EsnOptions>,
  fractions: SplitFractions = { val: 0.15, test: 0.15 },
  splitSeed = 1,
  grid: typeof DEFAULT_ESN_GRID = DEFAULT_ESN_GRID,
): EsnFit {
  const base: EsnOptions = { ...DEFAULT_ESN_OPTIONS, ridgeGrid: grid.ridge, ...options };
  const p = prepare(d, base, fractions, splitSeed);
  if (!p.classification) return fitPrepared(p, { ...DEFAULT_ESN_OPTIONS, ...options });
  const pick = <T>(given: T | undefined, all: T[]): T[] => (given !== undefined ? [given] : all);
  let best: { fit: EsnFit; o: EsnOptions; score: [number, number, number] } | undefined;
  const trials: EsnTrial[] = [];
  for (const leak of pick(options.leak, grid.leak)) {
    for (const spectralRadius of pick(options.spectralRadius, grid.spectralRadius)) {
      const r = buildReservoir(d.features.length, { ...base, leak, spectralRadius });
      const states = { train: p.xs.train.map((x) => reservoirStates(r, x)), val: p.xs.val.map((x) => reservoirStates(r, x)) };
      for (const readout of pick(options.readout, grid.readout)) {
        const o = { ...base, leak, spectralRadius, readout };
        const fit = fitPrepared(p, o, states, false);
        const score = scoreOf(fit);
        trials.push({ leak, spectralRadius, readout, lambda: fit.ridge.lambda, accuracy: score[0], int8Accuracy: score[1] });
        if (!best || score[1] > best.score[1] || (score[1] === best.score[1] && score[2] < best.score[2])) best = { fit, o, score };
      }
    }
  }
  const b = best!;
  return { ...b.fit, test: testScore(p, b.o, b.fit.reservoir, b.fit.wOut), grid: trials };
}
