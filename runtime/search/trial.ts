// One trial of `tinyrnn search`: train the drawn model (seeded), quantise it on the training
// split, score the int8 model on the validation split, and measure what the board needs by
// simulating the device code on a few validation recordings at the sample rate (the same
// simulator `tinyrnn simulate` runs: memory, fits, time per step, deadlines). A model whose size
// or speed rules it out is known before training (an untrained model of the same shape has the
// same size and step time) and is pruned without training.
//
// A trial depends only on its job (data, settings, drawn values): it gives the same result on any
// worker, thread or machine.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TinyrnnError } from '../../compiler/core/ir/errors';
import { FloatModel, paramCount } from '../../compiler/core/ir/model';
import { QuantModel } from '../../compiler/core/ir/quant-model';
import { encodeFloatModel, encodeQuantModel, saveQuantModel } from '../../compiler/core/ir/format';
import { Dataset } from '../../compiler/data/dataset';
import { loadData } from '../../compiler/data/load';
import { Trainer, dataFingerprint, trainingSplits } from '../../compiler/train/trainer';
import { TrainConfig } from '../../compiler/train/config';
import { evaluateFloat } from '../../compiler/train/metrics';
import { quantizeModel } from '../../compiler/quant/quantize';
import { datasetSequences } from '../../compiler/quant/calibrate';
import { evaluateQuant } from '../../compiler/quant/report';
import { DEFAULT_ESN_OPTIONS, fitEsn, parseReadout } from '../../compiler/esn/esn';
import { esnFloatModel } from '../../compiler/esn/model';
import { EvalReport } from '../../compiler/train/metrics';
import { simulate } from '../sim/simulate';
import { Trial } from './space';

export type SearchTarget = 'c' | 'espruino';

/** What every trial of one search shares. Plain data: it crosses threads and the queue. */
export interface SearchSettings {
  /** FILE or builtin:NAME, as the user gave it, and the folder it is relative to. */
  data: string;
  cwd: string;
  /** CRC-32 of the loaded data: a worker with other data refuses the trial (SRCH005). */
  dataCrc: number;
  board: string;
  rateHz: number;
  target: SearchTarget;
  seed: number;
  val: number;
  test: number;
}

export interface TrialJob {
  settings: SearchSettings;
  trial: Trial;
}

/** What the board needs for a model, from the simulator. */
export interface Measure {
  fits: boolean;
  flashBytes: number;
  ramBytes: number;
  /** Worst time of a step, ms (null: no cost source for this board). */
  stepMs: number | null;
  /** Steps that missed their deadline in the simulated stream. */
  misses: number;
  meetsRate: boolean;
  engine: string;
  /** Why it does not fit (the simulator's message). */
  why?: string;
}

export interface TrialResult {
  index: number;
  status: 'ok' | 'pruned' | 'failed';
  /** pruned or failed: why, in words. */
  reason?: string;
  metric: 'accuracy' | 'rmse';
  /** Validation split: int8 and float (accuracy, or RMSE). Null when pruned. */
  int8Val: number | null;
  floatVal: number | null;
  params: number;
  epochs: number;
  measure: Measure;
  /** The models, base64 (.tnn and .q.tnn bytes), for ok trials. */
  model?: string;
  qmodel?: string;
  /** Wall-clock seconds of the trial (not part of the deterministic result). */
  seconds: number;
}

interface LoadedData {
  data: Dataset;
  crc: number;
  train: Dataset;
  val: Dataset;
  test: Dataset | null;
}

const cache = new Map<string, LoadedData>();

/** The data of a search and its splits (the ones training uses), loaded once per thread. */
export function searchData(s: SearchSettings, window = 0, stride = 0): LoadedData {
  const key = JSON.stringify([s.data, s.cwd, s.seed, s.val, s.test, window, stride]);
  let d = cache.get(key);
  if (!d) {
    const data = loadData(s.data, s.cwd);
    const [train, val, test] = trainingSplits(data, { val: s.val, test: s.test, seed: s.seed, window, stride });
    if (!val)
      throw new TinyrnnError({ code: 'SRCH003', path: '--val', message: 'the search needs a validation split', value: s.val, expected: 'a fraction > 0' });
    d = { data, crc: dataFingerprint(data), train, val, test };
    cache.set(key, d);
  }
  if (s.dataCrc !== 0 && d.crc !== s.dataCrc)
    throw new TinyrnnError({
      code: 'SRCH005',
      path: s.data,
      message: `the data here differ from the search's (CRC-32 ${d.crc >>> 0} against ${s.dataCrc >>> 0})`,
      hint: 'every worker needs the same data file at the same path (or a builtin: data set)',
    });
  return d;
}

function trainConfig(t: Trial, s: SearchSettings): Partial<TrainConfig> {
  return {
    cell: t.cell as TrainConfig['cell'],
    hidden: t.hidden,
    layers: t.layers,
    dense: t.dense,
    lr: t.lr,
    epochs: t.epochs,
    patience: t.patience,
    window: t.window,
    stride: t.stride,
    seed: s.seed,
    val: s.val,
    test: s.test,
    name: `trial-${t.index}`,
  };
}

/** The score of an evaluation: accuracy (classification) or RMSE (regression). */
export function scoreOf(r: EvalReport): number {
  return r.classification ? r.classification.accuracy : r.regression!.rmse;
}

function quantize(m: FloatModel, d: LoadedData, t: Trial): QuantModel {
  return quantizeModel(m, datasetSequences(d.train, m.inputSize), { source: 'training split', percentile: t.percentile });
}

/** A short stream of validation recordings for the simulator, as a data file in `dir`. */
function measureStream(d: LoadedData, dir: string): string {
  const file = path.join(dir, 'stream.json');
  const n = Math.min(4, d.val.x.length);
  const F = d.data.features.length;
  const x = d.val.x.slice(0, n).map((seq) => Array.from({ length: seq.length / F }, (_, t) => Array.from(seq.subarray(t * F, (t + 1) * F))));
  fs.writeFileSync(file, JSON.stringify({ x, features: d.data.features, ...(d.data.sampleRate ? { sampleRate: d.data.sampleRate } : {}) }));
  return file;
}

/** Simulates the device code of `q` on the board at the search's rate. */
export async function measure(q: QuantModel, s: SearchSettings, d: LoadedData): Promise<Measure> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-trial-'));
  const engine = s.target === 'c' ? 'c' : 'js';
  try {
    const modelFile = path.join(dir, 'm.q.tnn');
    saveQuantModel(modelFile, q);
    const r = await simulate({ modelFile, board: s.board, data: measureStream(d, dir), rateHz: s.rateHz, engine, workers: 0, workDir: path.join(dir, 'work') });
    const t = r.devices[0].timing;
    const misses = r.devices.reduce((n, dev) => n + (dev.timing?.misses ?? 0), 0);
    return {
      fits: r.fits,
      flashBytes: r.memory.flashBytes,
      ramBytes: r.memory.ramBytes,
      stepMs: t ? t.stepMax * 1000 : null,
      misses,
      meetsRate: !!t && misses === 0,
      engine,
    };
  } catch (e) {
    if (e instanceof TinyrnnError && e.code === 'SIM001') {
      return { fits: false, flashBytes: 0, ramBytes: 0, stepMs: null, misses: 0, meetsRate: false, engine, why: e.diagnostics[0].message };
    }
    throw e;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function pruned(t: Trial, m: FloatModel, metric: TrialResult['metric'], mm: Measure, t0: number): TrialResult {
  const reason = !mm.fits
    ? `does not fit: ${mm.why}`
    : mm.stepMs === null
      ? 'no time estimate for this board'
      : `misses ${mm.misses} deadlines at the rate (step ${mm.stepMs.toFixed(2)} ms)`;
  return {
    index: t.index,
    status: 'pruned',
    reason,
    metric,
    int8Val: null,
    floatVal: null,
    params: paramCount(m),
    epochs: 0,
    measure: mm,
    seconds: (Date.now() - t0) / 1000,
  };
}

async function trainTrial(t: Trial, s: SearchSettings, d: LoadedData): Promise<{ model: FloatModel; epochs: number } | { untrained: FloatModel }> {
  if (t.cell === 'esn') {
    const readout = parseReadout(t.readout ?? 'last')!;
    const fit = fitEsn(d.data, { ...DEFAULT_ESN_OPTIONS, units: t.hidden, leak: t.leak ?? 1, seed: s.seed, readout }, { val: s.val, test: s.test }, s.seed);
    return { model: esnFloatModel(fit, d.data, `trial-${t.index}`, { regenerate: true }), epochs: 0 };
  }
  return { untrained: new Trainer(d.data, trainConfig(t, s)).model0 };
}

/**
 * Runs one trial to its result. A model that cannot be trained or quantised (the loss diverged,
 * weights beyond the integer bounds) is a failed trial, not a failed search.
 */
export async function runTrial(job: TrialJob): Promise<TrialResult> {
  const t0 = Date.now();
  try {
    return await runTrialUnguarded(job, t0);
  } catch (e) {
    // a model this target cannot build (EMIT: e.g. a reservoir readout without an Espruino kernel) fails the trial too
    if (!(e instanceof TinyrnnError) || !/^(TRN|QNT|ESN|EMIT)/.test(e.code)) throw e;
    const t = job.trial;
    const metric = searchData(job.settings, t.window, t.stride).data.targets ? 'rmse' : 'accuracy';
    const none: Measure = { fits: false, flashBytes: 0, ramBytes: 0, stepMs: null, misses: 0, meetsRate: false, engine: '' };
    return {
      index: t.index,
      status: 'failed',
      reason: e.message.split('\n')[0],
      metric,
      int8Val: null,
      floatVal: null,
      params: 0,
      epochs: 0,
      measure: none,
      seconds: (Date.now() - t0) / 1000,
    };
  }
}

async function runTrialUnguarded(job: TrialJob, t0: number): Promise<TrialResult> {
  const { trial: t, settings: s } = job;
  const d = searchData(s, t.window, t.stride);
  const metric = d.data.targets ? 'rmse' : 'accuracy';
  const first = await trainTrial(t, s, d);
  if ('untrained' in first) {
    // Size and step time are known before training: prune what cannot fit or keep up.
    const pre = await measure(quantize(first.untrained, d, t), s, d);
    if (!pre.fits || !pre.meetsRate) return pruned(t, first.untrained, metric, pre, t0);
  }
  const trained = 'untrained' in first ? await trainOnce(t, s, d) : first;
  const q = quantize(trained.model, d, t);
  const mm = await measure(q, s, d);
  if (!mm.fits || !mm.meetsRate) return pruned(t, trained.model, metric, mm, t0);
  return {
    index: t.index,
    status: 'ok',
    metric,
    int8Val: scoreOf(evaluateQuant(q, d.val)),
    floatVal: scoreOf(evaluateFloat(trained.model, d.val)),
    params: paramCount(trained.model),
    epochs: trained.epochs,
    measure: mm,
    model: Buffer.from(encodeFloatModel(trained.model)).toString('base64'),
    qmodel: Buffer.from(encodeQuantModel(q)).toString('base64'),
    seconds: (Date.now() - t0) / 1000,
  };
}

async function trainOnce(t: Trial, s: SearchSettings, d: LoadedData): Promise<{ model: FloatModel; epochs: number }> {
  const r = await new Trainer(d.data, trainConfig(t, s)).run();
  return { model: r.model, epochs: r.history.length };
}
