// Fitting a liquid state machine classifier: the liquid is fixed by its seed and integers, only
// the linear readout is fitted, in closed form, by the echo state network's ridge machinery
// (compiler/esn/esn.ts: the same splits, normalisation, pooled readout features, ridge choice on
// the validation split). The liquid's outputs the readout is fitted on are computed by the integer
// kernel (reference.ts), so they are the device's bit for bit.
//
// Legend: F input features (= I), N neurons, K classes.
import { TinyrnnError } from '../../core/ir/errors';
import { Dataset } from '../../data/dataset';
import { SplitFractions } from '../../data/prep';
import { FloatModel, emptyDense } from '../../core/ir/model';
import { quantizeMultiplier } from '../../quant/scale';
import {
  Prepared,
  Readout,
  ReadoutFit,
  RidgeChoice,
  accuracy,
  checkReadout,
  chooseRidge,
  classDesign,
  parseReadout,
  predict,
  prepare,
  readoutFit,
  readoutName,
  readoutPool,
  readoutWidth,
} from '../../esn/esn';
import { LSM_MAX_FANOUT, LSM_MAX_REFRACTORY, LSM_MAX_UNITS, LsmLayer } from './ir';
import { liquidSequence } from './float';

export interface LsmOptions {
  units: number; // N
  /** Outgoing synapses per neuron. */
  fanOut: number;
  /** Share of inhibitory neurons, in [0, 1). */
  inhibitory: number;
  seed: number;
  /** Membrane time constant in steps (leak 1 / tauMem per step). */
  tauMem: number;
  /** Trace time constant in steps. */
  tauTrace: number;
  /** Input current of a unit input through a weight of 127, in thresholds. */
  inputScaling: number;
  /** Synaptic current of one spike through a weight of 127, in thresholds. */
  synScaling: number;
  threshold: number;
  refractory: number;
  ridgeGrid: number[];
  readout: Readout;
}

export const DEFAULT_LSM_OPTIONS: LsmOptions = {
  units: 128,
  fanOut: 16,
  inhibitory: 0.2,
  seed: 1,
  tauMem: 8,
  tauTrace: 4,
  inputScaling: 8,
  synScaling: 0.25,
  threshold: 4096,
  refractory: 2,
  ridgeGrid: [1e-2, 1e-1, 1, 10, 100, 1000],
  readout: parseReadout('seg3')!,
};

/** The settings `train --cell lsm` tries when they are not given: every combination, chosen on validation. */
export const DEFAULT_LSM_GRID: { tauMem: number[]; tauTrace: number[]; inputScaling: number[]; readout: Readout[]; ridge: number[] } = {
  tauMem: [2, 8],
  tauTrace: [4, 8],
  inputScaling: [4, 8, 16],
  readout: [parseReadout('seg3')!],
  ridge: [1e-2, 1e-1, 1, 10, 100, 1000],
};

function bad(path: string, value: number, expected: string): never {
  throw new TinyrnnError({ code: 'LSM001', path, message: 'liquid state machine option out of range', value, expected });
}

/** The multiplier m / 2^s nearest a positive real gain (LSM001 when it cannot be encoded). */
function gain(g: number, path: string): { m: number; s: number } {
  const q = quantizeMultiplier(g);
  if (!q || q.m === 0) bad(path, g, 'a gain m / 2^s with m in 1..32767, s in 0..46');
  return q;
}

/** The liquid layer of a set of options over I inputs: the integers of the spec, from time constants and scalings. */
export function buildLiquid(I: number, o: Omit<LsmOptions, 'ridgeGrid' | 'readout'>): LsmLayer {
  const int = (v: number, lo: number, hi: number) => Number.isInteger(v) && v >= lo && v <= hi;
  if (!int(o.units, 1, LSM_MAX_UNITS)) bad('units', o.units, `an integer in 1..${LSM_MAX_UNITS}`);
  if (!int(o.fanOut, 1, LSM_MAX_FANOUT)) bad('fanOut', o.fanOut, `an integer in 1..${LSM_MAX_FANOUT}`);
  if (!(o.inhibitory >= 0 && o.inhibitory < 1)) bad('inhibitory', o.inhibitory, 'a share in [0, 1)');
  if (!int(o.seed, 0, 0x7fffffff)) bad('seed', o.seed, 'an integer in 0..2^31-1');
  if (!(o.tauMem >= 1 && o.tauMem <= 65536)) bad('tauMem', o.tauMem, 'in [1, 65536] steps');
  if (!(o.tauTrace >= 1 && o.tauTrace <= 65536)) bad('tauTrace', o.tauTrace, 'in [1, 65536] steps');
  if (!int(o.threshold, 1, 32767)) bad('threshold', o.threshold, 'an integer in 1..32767');
  if (!int(o.refractory, 0, LSM_MAX_REFRACTORY)) bad('refractory', o.refractory, `an integer in 0..${LSM_MAX_REFRACTORY}`);
  if (!(o.inputScaling > 0) || !(o.synScaling > 0))
    bad(o.inputScaling > 0 ? 'synScaling' : 'inputScaling', Math.min(o.inputScaling, o.synScaling), 'a positive number');
  const inG = gain((o.inputScaling * o.threshold) / (127 * 4096), 'inputScaling');
  const synG = gain((o.synScaling * o.threshold) / 127, 'synScaling');
  const decayQ16 = Math.round(65536 / o.tauTrace);
  return {
    kind: 'lsm',
    name: 'liquid',
    inputSize: I,
    units: o.units,
    fanOut: o.fanOut,
    inhibitory: Math.round(o.inhibitory * o.units),
    seed: o.seed,
    inM: inG.m,
    inS: inG.s,
    synM: synG.m,
    synS: synG.s,
    leakQ16: Math.round(65536 / o.tauMem),
    threshold: o.threshold,
    refractory: o.refractory,
    decayQ16,
    // a neuron firing as fast as its refractory period allows keeps its trace near 32767
    traceInc: Math.max(1, Math.min(32767, Math.round((32767 * decayQ16 * (o.refractory + 1)) / 65536))),
  };
}

/** One setting tried, with its validation accuracy (float features and int8-rounded). */
export interface LsmTrial {
  tauMem: number;
  tauTrace: number;
  inputScaling: number;
  readout: Readout;
  lambda: number;
  accuracy: number;
  int8Accuracy: number;
  /** Mean share of neurons firing per step on the validation split. */
  rate: number;
}

export interface LsmFit extends ReadoutFit {
  layer: LsmLayer;
  options: LsmOptions;
  test: { accuracy?: number };
  /** Mean share of neurons firing per step (validation split). */
  rate: number;
  grid: LsmTrial[];
}

/** The liquid's outputs (T, N) of every sequence of a part, and its mean firing rate. */
function liquidStates(l: LsmLayer, xs: Float64Array[]): { states: Float64Array[]; rate: number } {
  let spikes = 0;
  let steps = 0;
  const states = xs.map((x) => liquidSequence(l, x, (n) => (spikes += n)));
  for (const x of xs) steps += x.length / l.inputSize;
  return { states, rate: steps ? spikes / (steps * l.units) : 0 };
}

function labelsOf(p: Prepared, part: 'train' | 'val' | 'test'): number[] {
  return Array.from(p.split[part], (n) => p.d.y![n]);
}

function fitReadout(p: Prepared, l: LsmLayer, states: Record<'train' | 'val', Float64Array[]>, readout: Readout, ridgeGrid: number[]): RidgeChoice {
  checkReadout(p, readout);
  const N = l.units;
  const P = readoutWidth(readout, N) + 1;
  const design = (part: 'train' | 'val') => classDesign(states[part], N, labelsOf(p, part), p.K, readout, p.window);
  return chooseRidge(design('train'), design('val'), P, p.K, ridgeGrid, true);
}

function testAccuracy(p: Prepared, l: LsmLayer, readout: Readout, wOut: Float64Array): number | undefined {
  if (!p.split.test.length) return undefined;
  const d = classDesign(liquidStates(l, p.xs.test).states, l.units, labelsOf(p, 'test'), p.K, readout, p.window);
  return accuracy(predict(d, wOut, wOut.length / p.K, p.K), d.y, p.K);
}

/**
 * A liquid classifier with the settings `options` leaves open chosen on the validation split
 * (never the test split): every combination of the grid's membrane and trace time constants,
 * input scaling and readout, each with its ridge choice (validation accuracy with int8-rounded
 * features, then mse; ties keep the earlier setting). The liquid runs once per setting of its own.
 */
export function searchLsm(
  d: Dataset,
  options: Partial<LsmOptions>,
  fractions: SplitFractions = { val: 0.15, test: 0.15 },
  splitSeed = 1,
  grid = DEFAULT_LSM_GRID,
): LsmFit {
  const base: LsmOptions = { ...DEFAULT_LSM_OPTIONS, ridgeGrid: grid.ridge, ...options };
  const p = prepare(d, { washout: 0 }, fractions, splitSeed);
  if (!p.classification) {
    throw new TinyrnnError(
      {
        code: 'LSM002',
        path: 'targets',
        message: 'a liquid state machine classifies whole sequences (one label per sequence)',
        hint: 'for per-step targets use --cell esn or a trained cell',
      },
      d.source,
    );
  }
  const pick = <T>(given: T | undefined, all: T[]): T[] => (given !== undefined ? [given] : all);
  let best: { fit: LsmFit; score: [number, number] } | undefined;
  const trials: LsmTrial[] = [];
  for (const tauMem of pick(options.tauMem, grid.tauMem)) {
    for (const tauTrace of pick(options.tauTrace, grid.tauTrace)) {
      for (const inputScaling of pick(options.inputScaling, grid.inputScaling)) {
        const o = { ...base, tauMem, tauTrace, inputScaling };
        const l = buildLiquid(d.features.length, o);
        const tr = liquidStates(l, p.xs.train);
        const va = liquidStates(l, p.xs.val);
        for (const readout of pick(options.readout, grid.readout)) {
          const ridge = fitReadout(p, l, { train: tr.states, val: va.states }, readout, o.ridgeGrid);
          const s = ridge.scores.find((x) => x.lambda === ridge.lambda)!;
          const score: [number, number] = [s.int8.accuracy ?? 0, s.int8.mse];
          trials.push({ tauMem, tauTrace, inputScaling, readout, lambda: ridge.lambda, accuracy: s.accuracy ?? 0, int8Accuracy: score[0], rate: va.rate });
          if (!best || score[0] > best.score[0] || (score[0] === best.score[0] && score[1] < best.score[1])) {
            const fit: LsmFit = {
              ...readoutFit(p, readout, ridge),
              layer: l,
              options: { ...o, readout },
              test: {},
              rate: va.rate,
              grid: [],
            };
            best = { fit, score };
          }
        }
      }
    }
  }
  const b = best!.fit;
  return { ...b, test: { accuracy: testAccuracy(p, b.layer, b.readout, b.wOut) }, grid: trials };
}

/** A fitted liquid as a FloatModel: the liquid, a pool layer for the readout features, a dense softmax readout. */
export function lsmFloatModel(fit: LsmFit, data: Dataset, name: string): FloatModel {
  const N = fit.layer.units;
  const K = fit.outputs;
  const P = readoutWidth(fit.readout, N);
  const head = emptyDense(P, K, 'softmax');
  head.name = 'readout';
  for (let k = 0; k < K; k++) {
    for (let j = 0; j < P; j++) head.w[k * P + j] = fit.wOut[j * K + k];
    head.b[k] = fit.wOut[P * K + k];
  }
  const pooled = fit.readout.segments > 0 ? [readoutPool(N, fit.readout, fit.window)] : [];
  const o = fit.options;
  return {
    format: 'float',
    meta: {
      name,
      features: data.features.slice(),
      labels: (data.labels ?? []).slice(),
      ...(data.sampleRate !== undefined ? { sampleRate: data.sampleRate } : {}),
      extra: {
        trainer: 'lsm (ridge readout in closed form)',
        'lsm.tauMem': String(o.tauMem),
        'lsm.tauTrace': String(o.tauTrace),
        'lsm.inputScaling': String(o.inputScaling),
        'lsm.synScaling': String(o.synScaling),
        'lsm.ridge': String(fit.ridge.lambda),
        'lsm.readout': readoutName(fit.readout),
        'lsm.rate': fit.rate.toFixed(4),
        source: data.source,
      },
    },
    task: 'classification',
    output: 'last',
    inputSize: fit.layer.inputSize,
    normalization: { mean: Float32Array.from(fit.mean), std: Float32Array.from(fit.std) },
    layers: [fit.layer, ...pooled, head],
  };
}
