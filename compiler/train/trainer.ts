// The trainer: data preparation (windows, split, normalisation), mini-batch training by
// backpropagation through time (full or truncated), evaluation, early stopping, checkpoints.
//
// Legend: N sequences, T steps, B batch, F features, K classes or targets, W BPTT window.
// Determinism: every random choice comes from seeded generators (split, initialisation,
// shuffling, dropout) and all arithmetic is float64 in a fixed order, so the same data and
// settings give bit-identical parameters, and a resumed run continues exactly.

import { crc32 } from 'node:zlib';
import { Dataset } from '../data/dataset';
import { withTask } from '../data/task';
import { checkDataset, normalizationStats, splitIndices, subset, windowDataset } from '../data/prep';
import { TinyrnnError } from '../core/ir/errors';
import { FloatModel, StepOutputMode } from '../core/ir/model';
import { Rng } from '../core/util/rng';
import { VERSION } from '../core/util/version';
import { TrainConfig, resolveTrainConfig } from './config';
import { buildModel } from './init';
import { EvalReport, evaluateFloat } from './metrics';
import { LossKind, Net } from './net';
import { DEFAULT_OPTIMIZER, Optimizer, OptimizerConfig, learningRate } from './optim';

export interface EpochRecord {
  epoch: number; // 1-based
  lr: number;
  trainLoss: number;
  /** accuracy (classification) or RMSE (regression) on the training batches. */
  trainMetric: number;
  valLoss: number | null;
  valMetric: number | null;
  /** Mean global gradient norm before clipping over the epoch's updates (absent in runs from before it was recorded). */
  gradNorm?: number;
  /** Largest global gradient norm before clipping. */
  gradNormMax?: number;
  /** Parameter updates in the epoch, and how many of them were clipped. */
  updates?: number;
  clipped?: number;
  /** Wall-clock seconds (reporting only; never enters the model). */
  seconds: number;
}

export interface BatchInfo {
  epoch: number; // 1-based
  epochs: number;
  batch: number; // 1-based
  batches: number;
  loss: number; // running mean over the epoch
  metric: number;
  /** Sequences processed so far in this epoch. */
  samples: number;
}

export interface TrainHooks {
  onBatch?(info: BatchInfo): void;
  onEpoch?(rec: EpochRecord, trainer: Trainer): void | Promise<void>;
  /** Polled between batches; true stops training at once (the state stays resumable). */
  shouldStop?(): boolean;
}

/** A split of the prepared data, normalised to float64 once. */
interface Part {
  data: Dataset;
  xn: Float64Array[]; // (N)(T, F) normalised inputs
  buckets: [number, number[]][]; // sequences grouped by length, by ascending length
}

export type StopReason = 'completed' | 'early-stopping' | 'interrupted';

export interface TrainResult {
  model: FloatModel;
  history: EpochRecord[];
  stopped: StopReason;
  bestEpoch: number;
  sizes: { train: number; val: number; test: number };
  val: EvalReport | null;
  test: EvalReport | null;
}

/** The mutable training state a checkpoint captures. */
export interface TrainState {
  epoch: number; // 0-based epoch in progress (or next to start)
  batchPos: number; // next batch of that epoch
  planned: boolean; // the epoch's batch order is drawn (order/bounds are valid)
  order: Int32Array; // this epoch's batches: sequence indices, concatenated
  bounds: Int32Array; // batch k is order[bounds[k] .. bounds[k+1])
  running: Float64Array; // RUNNING slots: [loss sum, loss terms, correct, count, sqErr, grad norm sum, updates, clipped, grad norm max]
  P: Float64Array;
  m: Float64Array;
  v: Float64Array;
  step: number;
  shuffleRng: number[];
  dropRng: number[];
  best: Float64Array | null;
  bestLoss: number;
  bestEpoch: number;
  bad: number;
  history: EpochRecord[];
  stopped: StopReason | null;
  /** CRC-32 of the training data (values, labels, names): a resume must see the same data. */
  dataCrc: number;
}

/** Slots of TrainState.running (checkpoints from before the gradient figures hold the first 5). */
const RUNNING = 9;

/** The running sums padded to RUNNING slots (a checkpoint written before the gradient figures). */
function runningSlots(r: Float64Array): Float64Array {
  const out = new Float64Array(RUNNING);
  out.set(r.subarray(0, RUNNING));
  return out;
}

const yieldToEventLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

export class Trainer {
  readonly config: TrainConfig;
  readonly task: 'classification' | 'regression';
  /** Why the data were read as this task, in words (the guess, or the --task override). */
  readonly taskEvidence: string;
  readonly output: StepOutputMode;
  readonly loss: LossKind;
  readonly train: Part;
  readonly val: Part | null;
  readonly test: Part | null;
  readonly net: Net;
  readonly opt: Optimizer;
  readonly optConfig: OptimizerConfig;
  readonly model0: FloatModel;
  private shuffleRng: Rng;
  private dropRng: Rng;
  state: TrainState;
  // batch buffers
  private readonly cls: Int32Array; // (W, B)
  private readonly reg: Float64Array; // (W, B, K)
  private readonly K: number;
  private readonly W: number;

  constructor(given: Dataset, config: Partial<TrainConfig> = {}) {
    const c = (this.config = resolveTrainConfig(config));
    const { data, guess } = withTask(given, c.task);
    this.taskEvidence = guess.evidence;
    checkDataset(data, { needTargets: true });
    this.task = data.targets ? 'regression' : 'classification';
    if (this.task === 'classification' && (!data.labels || data.labels.length < 2)) {
      throw new TinyrnnError(
        { code: 'DATA016', path: 'labels', message: `${data.labels?.length ?? 0} class(es)`, expected: 'at least 2 classes to train a classifier' },
        data.source,
      );
    }
    this.output = c.output ?? (data.y ? 'last' : 'sequence');
    this.loss = this.task === 'classification' ? 'ce' : 'mse';
    const [tr, va, te] = trainingSplits(data, c);
    const shape = {
      name: c.name,
      features: data.features,
      labels: data.labels,
      targetNames: data.targetNames,
      sampleRate: data.sampleRate,
      task: this.task,
      output: this.output,
    };
    const model = buildModel(
      {
        cell: c.cell,
        hidden: c.hidden,
        layers: c.layers,
        bidirectional: c.bidirectional,
        activation: c.activation,
        resetAfter: c.resetAfter,
        dense: c.dense,
        feedback: c.feedback,
      },
      shape,
      c.seed,
    );
    if (c.normalize) model.normalization = normalizationStats(tr);
    this.model0 = model;
    this.train = prepare(tr, model);
    this.val = va && va.x.length ? prepare(va, model) : null;
    this.test = te && te.x.length ? prepare(te, model) : null;
    const maxT = Math.max(...[this.train, this.val, this.test].flatMap((p) => (p ? p.buckets.map(([T]) => T) : [])));
    this.W = c.bptt > 0 ? Math.min(c.bptt, maxT) : maxT;
    this.net = new Net(model, { maxSteps: this.W, maxBatch: c.batchSize, dropout: c.dropout });
    this.optConfig = {
      ...DEFAULT_OPTIMIZER,
      kind: c.optimizer,
      lr: c.lr,
      momentum: c.momentum,
      clip: c.clip,
      schedule: c.schedule,
      stepEvery: c.stepEvery,
      gamma: c.gamma,
    };
    this.opt = new Optimizer(this.optConfig, this.net.paramCount);
    this.K = this.task === 'classification' ? (data.labels as string[]).length : (data.targetNames as string[]).length;
    this.cls = new Int32Array(this.W * c.batchSize);
    this.reg = new Float64Array(this.task === 'regression' ? this.W * c.batchSize * this.K : 0);
    this.shuffleRng = new Rng(c.seed ^ 0x5f1e);
    this.dropRng = new Rng(c.seed ^ 0xd209);
    this.state = {
      epoch: 0,
      batchPos: 0,
      planned: false,
      order: new Int32Array(0),
      bounds: new Int32Array(1),
      running: new Float64Array(RUNNING),
      P: this.net.P,
      m: this.opt.m,
      v: this.opt.v,
      step: 0,
      shuffleRng: this.shuffleRng.state(),
      dropRng: this.dropRng.state(),
      best: null,
      bestLoss: Infinity,
      bestEpoch: 0,
      bad: 0,
      history: [],
      stopped: null,
      dataCrc: dataFingerprint(data),
    };
  }

  /** Sizes of the prepared splits, in sequences (after windowing). */
  get sizes(): { train: number; val: number; test: number } {
    return { train: this.train.data.x.length, val: this.val?.data.x.length ?? 0, test: this.test?.data.x.length ?? 0 };
  }

  get finished(): boolean {
    return this.state.stopped === 'completed' || this.state.stopped === 'early-stopping' || this.state.epoch >= this.config.epochs;
  }

  /** Plans the batches of an epoch: shuffle within each length bucket, then shuffle the batches. */
  private planEpoch(): void {
    const B = this.config.batchSize;
    const batches: number[][] = [];
    for (const [, idx] of this.train.buckets) {
      const a = idx.slice();
      this.shuffleRng.shuffle(a);
      for (let i = 0; i < a.length; i += B) batches.push(a.slice(i, i + B));
    }
    this.shuffleRng.shuffle(batches);
    const bounds = new Int32Array(batches.length + 1);
    batches.forEach((b, k) => (bounds[k + 1] = bounds[k] + b.length));
    this.state.order = Int32Array.from(batches.flat());
    this.state.bounds = bounds;
    this.state.running.fill(0);
    this.state.planned = true;
  }

  private fillBatch(part: Part, idx: ArrayLike<number>, t0: number, Tc: number, T: number): void {
    const F = this.net.F;
    const Bn = idx.length;
    const x0 = this.net.x0;
    const d = part.data;
    const K = this.K;
    for (let b = 0; b < Bn; b++) {
      const n = idx[b];
      const x = part.xn[n];
      for (let t = 0; t < Tc; t++) {
        const src = (t0 + t) * F;
        const dst = (t * Bn + b) * F;
        for (let f = 0; f < F; f++) x0[dst + f] = x[src + f];
      }
      if (this.task === 'classification') {
        for (let t = 0; t < Tc; t++) {
          // output 'last' reads the label of the sequence's final step
          const tt = this.output === 'last' ? T - 1 : t0 + t;
          this.cls[t * Bn + b] = d.y ? d.y[n] : (d.yStep as Int32Array[])[n][tt];
        }
      } else {
        const y = (d.targets as Float32Array[])[n];
        for (let t = 0; t < Tc; t++) {
          const tt = this.output === 'last' ? T - 1 : t0 + t;
          for (let k = 0; k < K; k++) this.reg[(t * Bn + b) * K + k] = y[tt * K + k];
        }
      }
    }
  }

  /** Trains on one batch (all its BPTT windows). Returns [loss sum, loss terms, correct, count, sqErr]. */
  private trainBatch(idx: ArrayLike<number>, lr: number, acc: Float64Array): void {
    const net = this.net;
    const Bn = idx.length;
    const T = this.train.xn[idx[0]].length / net.F;
    const W = this.W;
    const lastOnly = this.output === 'last';
    const stats = { correct: 0, count: 0, absErr: 0, sqErr: 0 };
    const fused = this.loss === 'ce';
    for (let t0 = 0; t0 < T; t0 += W) {
      const Tc = Math.min(W, T - t0);
      const final = t0 + Tc >= T;
      this.fillBatch(this.train, idx, t0, Tc, T);
      net.forward(Tc, Bn, this.config.dropout > 0 ? this.dropRng : null, t0 > 0);
      if (lastOnly && !final) {
        net.saveCarry(Tc, Bn);
        continue;
      }
      const terms = (lastOnly ? Bn : Bn * Tc) * (this.loss === 'mse' ? this.K : 1);
      net.G.fill(0);
      const before = stats.count;
      const l = net.loss(this.loss, Tc, Bn, lastOnly, this.cls, this.reg, terms, true, stats);
      acc[0] += l;
      acc[1] += stats.count - before;
      net.backward(Tc, Bn, fused);
      const norm = Optimizer.clipGlobalNorm(net.G, this.config.clip);
      acc[5] += norm;
      acc[6]++;
      if (this.config.clip > 0 && norm > this.config.clip) acc[7]++;
      acc[8] = Math.max(acc[8], norm);
      this.opt.update(net.P, net.G, lr);
      if (!final) net.saveCarry(Tc, Bn);
    }
    acc[2] += stats.correct;
    acc[3] += stats.count;
    acc[4] += stats.sqErr;
  }

  /** Mean loss and metric (accuracy or RMSE) of the current parameters on a split. */
  evaluatePart(part: Part): { loss: number; metric: number } {
    const net = this.net;
    const B = this.config.batchSize;
    const W = this.W;
    const lastOnly = this.output === 'last';
    const stats = { correct: 0, count: 0, absErr: 0, sqErr: 0 };
    let total = 0;
    for (const [T, idx] of part.buckets) {
      for (let b0 = 0; b0 < idx.length; b0 += B) {
        const batch = idx.slice(b0, b0 + B);
        const Bn = batch.length;
        for (let t0 = 0; t0 < T; t0 += W) {
          const Tc = Math.min(W, T - t0);
          const final = t0 + Tc >= T;
          this.fillBatch(part, batch, t0, Tc, T);
          net.forward(Tc, Bn, null, t0 > 0);
          if (!final) net.saveCarry(Tc, Bn);
          if (lastOnly && !final) continue;
          total += net.loss(this.loss, Tc, Bn, lastOnly, this.cls, this.reg, 1, false, stats);
        }
      }
    }
    const terms = stats.count;
    return {
      loss: terms ? total / terms : 0,
      metric: this.task === 'classification' ? (terms ? stats.correct / terms : 0) : Math.sqrt(terms ? stats.sqErr / terms : 0),
    };
  }

  /** Runs (the rest of) one epoch; false when stopped by the hook before its end. */
  async runEpoch(hooks: TrainHooks = {}): Promise<boolean> {
    const st = this.state;
    const c = this.config;
    if (hooks.shouldStop?.()) return false;
    if (!st.planned) this.planEpoch();
    const lr = learningRate(this.optConfig, st.epoch, c.epochs);
    const nb = st.bounds.length - 1;
    const t0 = Date.now();
    while (st.batchPos < nb) {
      if (hooks.shouldStop?.()) return false;
      const k = st.batchPos;
      this.trainBatch(st.order.subarray(st.bounds[k], st.bounds[k + 1]), lr, st.running);
      st.batchPos++;
      const r = st.running;
      hooks.onBatch?.({
        epoch: st.epoch + 1,
        epochs: c.epochs,
        batch: st.batchPos,
        batches: nb,
        loss: r[1] ? r[0] / r[1] : 0,
        metric: this.task === 'classification' ? (r[3] ? r[2] / r[3] : 0) : Math.sqrt(r[3] ? r[4] / r[3] : 0),
        samples: st.bounds[st.batchPos],
      });
      await yieldToEventLoop();
    }
    const r = st.running;
    const v = this.val ? this.evaluatePart(this.val) : null;
    const rec: EpochRecord = {
      epoch: st.epoch + 1,
      lr,
      trainLoss: r[1] ? r[0] / r[1] : 0,
      trainMetric: this.task === 'classification' ? (r[3] ? r[2] / r[3] : 0) : Math.sqrt(r[3] ? r[4] / r[3] : 0),
      valLoss: v ? v.loss : null,
      valMetric: v ? v.metric : null,
      gradNorm: r[6] ? r[5] / r[6] : 0,
      gradNormMax: r[8],
      updates: r[6],
      clipped: r[7],
      seconds: (Date.now() - t0) / 1000,
    };
    if (!Number.isFinite(rec.trainLoss)) {
      throw new TinyrnnError({
        code: 'TRN003',
        path: `epoch ${rec.epoch}`,
        message: 'training diverged: the loss is not finite',
        value: rec.trainLoss,
        hint: 'lower the learning rate (--lr) or clip gradients harder (--clip)',
      });
    }
    st.history.push(rec);
    const score = v ? v.loss : rec.trainLoss;
    if (score < st.bestLoss) {
      st.bestLoss = score;
      st.bestEpoch = rec.epoch;
      st.bad = 0;
      if (v && c.restoreBest) st.best = Float64Array.from(this.net.P);
    } else st.bad++;
    st.epoch++;
    st.batchPos = 0;
    st.planned = false;
    if (c.patience > 0 && v && st.bad >= c.patience) st.stopped = 'early-stopping';
    else if (st.epoch >= c.epochs) st.stopped = 'completed';
    await hooks.onEpoch?.(rec, this);
    return true;
  }

  /** Trains until the configured epochs, early stopping or a stop request. */
  async run(hooks: TrainHooks = {}): Promise<TrainResult> {
    while (!this.finished) {
      const done = await this.runEpoch(hooks);
      if (!done) {
        this.state.stopped = 'interrupted';
        break;
      }
    }
    if (this.state.stopped === null) this.state.stopped = 'completed';
    return this.result();
  }

  /** The model at the current state: best validation parameters when training ended normally. */
  currentModel(): FloatModel {
    const st = this.state;
    const useBest = st.best && st.stopped !== 'interrupted' && this.finished;
    const keep = useBest ? Float64Array.from(this.net.P) : null;
    if (useBest) this.net.P.set(st.best as Float64Array);
    const m = this.net.toModel();
    if (keep) this.net.P.set(keep);
    const c = this.config;
    m.meta.extra = {
      ...(m.meta.extra ?? {}),
      trainer: `tinyrnn ${VERSION}`,
      data: this.train.data.source.replace(/^.*[\\/]/, ''),
      architecture:
        c.cell === 'jordan'
          ? jordanArchitecture(c, m)
          : `${c.layers}x ${c.bidirectional ? 'bidirectional ' : ''}${c.cell}${c.cell === 'elman' ? `(${c.activation})` : c.cell === 'gru' ? `(reset ${c.resetAfter ? 'after' : 'before'})` : ''} ${c.hidden}${c.dense.length ? ` + dense ${c.dense.join(',')}` : ''}`,
      training: `${c.optimizer} lr ${c.lr} ${c.schedule}, batch ${c.batchSize}, ${c.bptt ? `bptt ${c.bptt}` : 'full bptt'}, clip ${c.clip}, dropout ${c.dropout}, seed ${c.seed}`,
      epochs: `${st.history.length} of ${c.epochs}${st.stopped === 'early-stopping' ? ' (early stopping)' : ''}, best ${st.bestEpoch}`,
      split: `train ${this.sizes.train}, validation ${this.sizes.val}, test ${this.sizes.test} sequences`,
    };
    return m;
  }

  result(): TrainResult {
    const model = this.currentModel();
    return {
      model,
      history: this.state.history,
      stopped: this.state.stopped ?? 'interrupted',
      bestEpoch: this.state.bestEpoch,
      sizes: this.sizes,
      val: this.val ? evaluateFloat(model, this.val.data) : null,
      test: this.test ? evaluateFloat(model, this.test.data) : null,
    };
  }

  /** Everything needed to continue exactly: parameters, optimiser, generators, epoch plan. */
  snapshot(): TrainState {
    const st = this.state;
    return {
      ...st,
      order: st.order.slice(),
      bounds: st.bounds.slice(),
      running: st.running.slice(),
      P: this.net.P.slice(),
      m: this.opt.m.slice(),
      v: this.opt.v.slice(),
      step: this.opt.step,
      shuffleRng: this.shuffleRng.state(),
      dropRng: this.dropRng.state(),
      best: st.best ? st.best.slice() : null,
      history: st.history.map((h) => ({ ...h })),
    };
  }

  restore(s: TrainState): void {
    if (s.dataCrc !== this.state.dataCrc) {
      throw new TinyrnnError(
        {
          code: 'TRN023',
          path: 'data',
          message: `the data differ from the data the checkpoint was trained on (CRC-32 0x${(this.state.dataCrc >>> 0).toString(16)}, checkpoint 0x${(s.dataCrc >>> 0).toString(16)})`,
          hint: 'resume with the same data file, unchanged; or start a new run',
        },
        this.train.data.source,
      );
    }
    if (s.P.length !== this.net.P.length) {
      throw new TinyrnnError({
        code: 'TRN020',
        path: 'P',
        message: `checkpoint has ${s.P.length} parameters`,
        expected: `${this.net.P.length} for this architecture`,
        hint: 'resume with the data and settings the checkpoint was made with',
      });
    }
    this.net.P.set(s.P);
    this.opt.m.set(s.m);
    this.opt.v.set(s.v);
    this.opt.step = s.step;
    this.shuffleRng = Rng.fromState(s.shuffleRng);
    this.dropRng = Rng.fromState(s.dropRng);
    this.state = {
      ...s,
      order: s.order.slice(),
      bounds: s.bounds.slice(),
      running: runningSlots(s.running),
      P: this.net.P,
      m: this.opt.m,
      v: this.opt.v,
      best: s.best ? s.best.slice() : null,
      history: s.history.map((h) => ({ ...h })),
      stopped: s.stopped === 'interrupted' ? null : s.stopped,
    };
    // more epochs than the checkpoint planned: training continues
    if (this.state.stopped === 'completed' && this.state.epoch < this.config.epochs) this.state.stopped = null;
  }
}

/** The metadata line of a Jordan model, e.g. "1x elman(tanh) 16 + jordan 16 (feeds back 1 output, none)". */
function jordanArchitecture(c: TrainConfig, m: FloatModel): string {
  const j = m.layers.find((l) => l.kind === 'jordan');
  const fb = j && j.kind === 'jordan' ? ` (feeds back ${j.units} output${j.units === 1 ? '' : 's'}, ${j.outActivation})` : '';
  return `${c.layers > 1 ? `${c.layers - 1}x elman(${c.activation}) ${c.hidden} + ` : ''}jordan ${c.hidden}${fb}${c.dense.length ? ` + dense ${c.dense.join(',')}` : ''}`;
}

/** CRC-32 of everything in a dataset that training reads. */
export function dataFingerprint(d: Dataset): number {
  let c = crc32(JSON.stringify([d.features, d.labels ?? null, d.targetNames ?? null, d.x.length]));
  const add = (a: ArrayBufferView): void => {
    c = crc32(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), c);
  };
  d.x.forEach(add);
  if (d.y) add(d.y);
  d.yStep?.forEach(add);
  d.targets?.forEach(add);
  return c >>> 0;
}

function prepare(d: Dataset, model: FloatModel): Part {
  const F = d.features.length;
  const norm = model.normalization;
  const xn = d.x.map((x) => {
    const o = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const f = i % F;
      o[i] = norm ? (x[i] - norm.mean[f]) / norm.std[f] : x[i];
    }
    return o;
  });
  const byLen = new Map<number, number[]>();
  d.x.forEach((x, n) => {
    const T = x.length / F;
    const l = byLen.get(T);
    if (l) l.push(n);
    else byLen.set(T, [n]);
  });
  return { data: d, xn, buckets: [...byLen.entries()].sort((a, b) => a[0] - b[0]) };
}

/** Few long recordings: each is cut in time into train / validation / test stretches. */
/**
 * The training, validation and test parts training uses: split by recording (seeded by the
 * config's seed), then each part windowed, so no window straddles two parts. A few long recordings
 * (fewer than 10) with a window are split in time instead.
 */
export function trainingSplits(data: Dataset, c: Pick<TrainConfig, 'val' | 'test' | 'seed' | 'window' | 'stride'>): [Dataset, Dataset | null, Dataset | null] {
  const fr = { val: c.val, test: c.test };
  let parts: [Dataset, Dataset | null, Dataset | null];
  if (c.window > 0 && data.x.length < 10) parts = splitInTime(data, fr);
  else {
    const s = splitIndices(data, fr, c.seed);
    parts = [subset(data, s.train), s.val.length ? subset(data, s.val) : null, s.test.length ? subset(data, s.test) : null];
  }
  if (c.window > 0) parts = parts.map((p) => (p ? windowDataset(p, c.window, c.stride || c.window) : null)) as typeof parts;
  return parts;
}

function splitInTime(d: Dataset, f: { val: number; test: number }): [Dataset, Dataset | null, Dataset | null] {
  const F = d.features.length;
  const Kt = d.targetNames?.length ?? 0;
  const cut = (from: number, to: number): Dataset => {
    const out: Dataset = { ...d, x: d.x.map((x) => x.slice(Math.floor(from * (x.length / F)) * F, Math.floor(to * (x.length / F)) * F)) };
    const range = (T: number): [number, number] => [Math.floor(from * T), Math.floor(to * T)];
    if (d.yStep) out.yStep = d.yStep.map((y) => y.slice(...range(y.length)));
    if (d.targets)
      out.targets = d.targets.map((y, n) => {
        const [a, b] = range(d.x[n].length / F);
        return y.slice(a * Kt, b * Kt);
      });
    return out;
  };
  const a = 1 - f.val - f.test;
  return [cut(0, a), f.val > 0 ? cut(a, a + f.val) : null, f.test > 0 ? cut(a + f.val, 1) : null];
}

/** Trains a model on a dataset: the programmatic one-call API. */
export async function train(data: Dataset, config: Partial<TrainConfig> = {}, hooks: TrainHooks = {}): Promise<TrainResult> {
  return new Trainer(data, config).run(hooks);
}
