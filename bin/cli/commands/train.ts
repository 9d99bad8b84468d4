// `tinyrnn train`: data (file or builtin:NAME) -> trained float model (.tnn), with a progress
// bar on a terminal, log lines otherwise, a checkpoint every epoch, --resume, and Ctrl-C
// saving a checkpoint before exiting.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, Io, OptionSpec, UsageError, Values, choice, emit, flag, num, requireStr, str } from '../command';
import { STEP_OUTPUT_MODES, StepOutputMode, paramCount } from '../../../compiler/core/ir/model';
import { encodeFloatModel, writeFileAtomic } from '../../../compiler/core/ir/format';
import { writeUnit } from '../../../compiler/core/ir/write-unit';
import { loadData } from '../../../compiler/data/load';
import { TRAIN_CELL_KINDS, TrainConfig } from '../../../compiler/train/config';
import { BatchInfo, EpochRecord, TrainResult, Trainer } from '../../../compiler/train/trainer';
import { formatEvalReport } from '../../../compiler/train/metrics';
import { encodeCheckpoint, loadCheckpoint, saveCheckpoint } from '../../../compiler/train/checkpoint';
import { BUILTIN_DATASETS } from '../../../compiler/data/builtin';
import { TASKS } from '../../../compiler/data/task';
import { runEsnTraining } from './train-esn';
import { runLsmTraining } from './train-lsm';
import { summarizeFloatModel } from './inspect';
import { TrainSummary, renderTrainReport } from '../../../runtime/report/train';
import { writeReportOption } from '../../../runtime/report/page';

const options: Record<string, OptionSpec> = {
  data: {
    type: 'string',
    short: 'd',
    arg: 'FILE|builtin:NAME',
    help: `training data: JSON/CSV file or ${BUILTIN_DATASETS.map((b) => `builtin:${b.name}`).join(', ')}`,
  },
  out: { type: 'string', short: 'o', arg: 'FILE', help: 'the trained model (.tnn)' },
  cell: {
    type: 'string',
    arg: 'KIND',
    help: `recurrent cell: ${TRAIN_CELL_KINDS.join(', ')} (Jordan network: the output fed back), or esn (echo state network: fixed seeded reservoir, ridge readout), or lsm (liquid state machine: integer spiking liquid, ridge readout) (default lstm)`,
  },
  feedback: {
    type: 'string',
    arg: 'N',
    help: 'jordan: feed back a tanh output of N units, followed by --dense layers and the output layer (default: classification the number of classes; regression none, the model output itself is fed back)',
  },
  'spectral-radius': {
    type: 'string',
    arg: 'R',
    help: 'esn: spectral radius of the reservoir (default: chosen on validation from 0.9, 0.5; 0.9 for per-step targets)',
  },
  'input-scaling': {
    type: 'string',
    arg: 'S',
    help: 'esn: largest input weight (default 0.5); lsm: input current of a full-scale input in thresholds (default: chosen on validation from 4, 8, 16)',
  },
  'tau-mem': { type: 'string', arg: 'STEPS', help: 'lsm: membrane time constant (default: chosen on validation from 2, 8)' },
  'tau-trace': { type: 'string', arg: 'STEPS', help: 'lsm: time constant of the spike traces (default: chosen on validation from 4, 8)' },
  'fan-out': { type: 'string', arg: 'C', help: 'lsm: outgoing synapses per neuron (default 16)' },
  leak: {
    type: 'string',
    arg: 'A',
    help: 'esn: leak rate in (0, 1]: h = (1 - A) h + A tanh(...) (default: chosen on validation from 1, 0.3, 0.1; 1 for per-step targets)',
  },
  readout: {
    type: 'string',
    arg: 'last|mean|segN[+abs]',
    help: 'esn and lsm classifiers: readout features: the last state, the mean state over time, or the means over N equal segments of the sequence, +abs with the mean absolute values too (a pool layer; default: chosen on validation from last, mean, seg3, seg3+abs)',
  },
  'store-reservoir': {
    type: 'boolean',
    help: 'esn: save the reservoir as a plain Elman layer whose weights the device stores, instead of regenerating them from the seed (less RAM, more flash)',
  },
  sparsity: { type: 'string', arg: 'P', help: 'esn: share of zero reservoir weights (default 0.9)' },
  washout: { type: 'string', arg: 'STEPS', help: 'esn: first steps of each sequence left out of a per-step fit (default 10)' },
  ridge: { type: 'string', arg: 'L[,L..]', help: 'esn: ridge regularisations to try, best on validation kept (default 1e-8..10, one per decade)' },
  hidden: { type: 'string', arg: 'N', help: 'hidden units per layer and direction (default 16)' },
  layers: { type: 'string', arg: 'N', help: 'stacked recurrent layers (default 1); jordan: N-1 Elman layers below one Jordan layer' },
  bidirectional: { type: 'boolean', help: 'bidirectional recurrent layers (whole sequences only, no streaming)' },
  activation: { type: 'string', arg: 'tanh|relu', help: 'Elman activation (default tanh); jordan: of the Elman layers below it' },
  'gru-reset': { type: 'string', arg: 'after|before', help: 'GRU variant: after (PyTorch/Keras, default) or before (original)' },
  dense: { type: 'string', arg: 'N[,N..]', help: 'hidden ReLU dense layers before the output layer' },
  task: {
    type: 'string',
    arg: 'classification|regression',
    help: 'what to learn (default: guessed from the labels or targets; train prints the guess and why)',
  },
  output: { type: 'string', arg: 'last|sequence', help: 'one answer per sequence or per step (default: from the data)' },
  epochs: { type: 'string', short: 'e', arg: 'N', help: 'training epochs (default 30)' },
  batch: { type: 'string', arg: 'N', help: 'mini-batch size (default 32)' },
  optimizer: { type: 'string', arg: 'adam|sgd', help: 'optimiser (default adam; sgd uses momentum)' },
  lr: { type: 'string', arg: 'RATE', help: 'learning rate (default 0.01)' },
  momentum: { type: 'string', arg: 'M', help: 'SGD momentum (default 0.9)' },
  schedule: { type: 'string', arg: 'KIND', help: 'learning-rate schedule: constant, cosine, step (default constant)' },
  'step-every': { type: 'string', arg: 'N', help: 'step schedule: epochs between decays (default 10)' },
  gamma: { type: 'string', arg: 'G', help: 'step schedule: decay factor (default 0.5)' },
  clip: { type: 'string', arg: 'NORM', help: 'clip gradients to this global norm, 0 = off (default 5)' },
  bptt: { type: 'string', arg: 'STEPS', help: 'truncated backpropagation window, state carried across windows (default: whole sequences)' },
  dropout: { type: 'string', arg: 'P', help: 'dropout between layers (default 0)' },
  patience: { type: 'string', arg: 'N', help: 'early stopping: epochs without validation improvement (default off)' },
  val: { type: 'string', arg: 'FRACTION', help: 'validation share of the sequences (default 0.15)' },
  test: { type: 'string', arg: 'FRACTION', help: 'test share of the sequences (default 0.15)' },
  window: { type: 'string', arg: 'STEPS', help: 'cut long recordings into windows of this length' },
  stride: { type: 'string', arg: 'STEPS', help: 'steps between window starts (default: the window length)' },
  'no-normalize': { type: 'boolean', help: 'do not normalise inputs (default: mean/std from the training split, stored in the model)' },
  seed: { type: 'string', arg: 'N', help: 'random seed: same seed and data give the same model, bit for bit (default 1)' },
  name: { type: 'string', arg: 'NAME', help: 'model name (default: from the output file)' },
  checkpoint: { type: 'string', arg: 'FILE', help: 'checkpoint written every epoch and on Ctrl-C (default OUT.ckpt)' },
  resume: { type: 'string', arg: 'CKPT', help: 'continue from a checkpoint (its data and settings; --epochs may extend it)' },
  quiet: { type: 'boolean', short: 'q', help: 'no progress output' },
  json: { type: 'boolean', help: 'machine-readable summary on stdout' },
  report: {
    type: 'string',
    arg: 'FILE.html',
    help: 'write a self-contained HTML report: curves per epoch, test scores, the model (whole history on --resume)',
  },
};

function configFromOptions(v: Record<string, unknown>, out: string): Partial<TrainConfig> {
  const values = v as Parameters<typeof num>[0];
  const dense = str(values, 'dense');
  let denseUnits: number[] | undefined;
  if (dense !== undefined) {
    denseUnits = dense.split(',').map((s) => Number(s.trim()));
    if (denseUnits.some((u) => !Number.isInteger(u) || u < 1))
      throw new UsageError(`--dense ${JSON.stringify(dense)} is not a list of positive integers like 32,16`);
  }
  const reset = choice(values, 'gru-reset', ['after', 'before'] as const);
  return {
    cell: choice(values, 'cell', TRAIN_CELL_KINDS),
    feedback: num(values, 'feedback', { int: true, min: 1, max: 4096 }),
    hidden: num(values, 'hidden', { int: true, min: 1, max: 4096 }),
    layers: num(values, 'layers', { int: true, min: 1, max: 16 }),
    bidirectional: flag(values, 'bidirectional') || undefined,
    activation: choice(values, 'activation', ['tanh', 'relu'] as const),
    resetAfter: reset === undefined ? undefined : reset === 'after',
    dense: denseUnits,
    output: stepOutput(values),
    task: choice(values, 'task', TASKS),
    epochs: num(values, 'epochs', { int: true, min: 0 }),
    batchSize: num(values, 'batch', { int: true, min: 1 }),
    optimizer: choice(values, 'optimizer', ['adam', 'sgd'] as const),
    lr: num(values, 'lr', { min: 0 }),
    momentum: num(values, 'momentum', { min: 0, max: 0.999 }),
    schedule: choice(values, 'schedule', ['constant', 'cosine', 'step'] as const),
    stepEvery: num(values, 'step-every', { int: true, min: 1 }),
    gamma: num(values, 'gamma', { min: 0, max: 1 }),
    clip: num(values, 'clip', { min: 0 }),
    bptt: num(values, 'bptt', { int: true, min: 0 }),
    dropout: num(values, 'dropout', { min: 0, max: 0.9 }),
    patience: num(values, 'patience', { int: true, min: 0 }),
    val: num(values, 'val', { min: 0, max: 0.9 }),
    test: num(values, 'test', { min: 0, max: 0.9 }),
    window: num(values, 'window', { int: true, min: 1 }),
    stride: num(values, 'stride', { int: true, min: 1 }),
    normalize: flag(values, 'no-normalize') ? false : undefined,
    seed: num(values, 'seed', { int: true, min: 0, max: 4294967295 }),
    name: str(values, 'name') ?? path.basename(out).replace(/\.tnn$/i, ''),
  };
}

const fmtTime = (s: number): string =>
  s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`
      : `${s.toFixed(s < 10 ? 1 : 0)}s`;

/** Progress on a terminal: one line redrawn in place; elsewhere: one log line per epoch. */
export class Progress {
  private readonly t0 = Date.now();
  private last = 0;
  private drawn = false;
  constructor(
    private readonly io: Io,
    private readonly tty: boolean,
    private readonly quiet: boolean,
    private readonly metricName: string,
    private readonly startEpoch: number,
    /** Raw terminal output (the bar is redrawn with carriage returns). */
    private readonly write: (s: string) => void = (s) => process.stderr.write(s),
  ) {}

  batch(b: BatchInfo): void {
    if (this.quiet || !this.tty) return;
    const now = Date.now();
    if (now - this.last < 100 && b.batch < b.batches) return;
    this.last = now;
    const doneEpochs = b.epoch - 1 - this.startEpoch + b.batch / b.batches;
    const total = b.epochs - this.startEpoch;
    const el = (now - this.t0) / 1000;
    const eta = doneEpochs > 0 ? (el / doneEpochs) * (total - doneEpochs) : 0;
    const w = 20;
    const fill = Math.round((w * b.batch) / b.batches);
    const metric = this.metricName === 'acc' ? `acc ${(100 * b.metric).toFixed(1)}%` : `rmse ${b.metric.toPrecision(3)}`;
    const line = `epoch ${b.epoch}/${b.epochs} [${'#'.repeat(fill)}${'.'.repeat(w - fill)}] ${b.batch}/${b.batches} loss ${b.loss.toFixed(4)} ${metric} ETA ${fmtTime(eta)}`;
    this.write(`\r${line}\x1b[K`);
    this.drawn = true;
  }

  epoch(r: EpochRecord, epochs: number): void {
    if (this.quiet) return;
    if (this.drawn) this.write('\r\x1b[K');
    this.drawn = false;
    const m = (v: number | null): string => (v === null ? '-' : this.metricName === 'acc' ? `${(100 * v).toFixed(1)}%` : v.toPrecision(4));
    this.io.err(
      `epoch ${r.epoch}/${epochs}: loss ${r.trainLoss.toFixed(4)} ${this.metricName} ${m(r.trainMetric)}, val loss ${r.valLoss === null ? '-' : r.valLoss.toFixed(4)} ${this.metricName} ${m(r.valMetric)}, lr ${r.lr.toPrecision(3)}, ${r.seconds.toFixed(2)} s`,
    );
  }

  clear(): void {
    if (this.drawn) this.write('\r\x1b[K');
    this.drawn = false;
  }
}

export function trainSummary(res: TrainResult, out: string, trainer: Trainer): TrainSummary & Record<string, unknown> {
  return {
    model: out,
    name: res.model.meta.name,
    task: res.model.task,
    taskEvidence: trainer.taskEvidence,
    output: res.model.output,
    params: paramCount(res.model),
    stopped: res.stopped,
    epochs: res.history.length,
    bestEpoch: res.bestEpoch,
    split: res.sizes,
    config: trainer.config,
    layers: summarizeFloatModel(res.model).layers,
    history: res.history,
    validation: res.val,
    test: res.test,
  };
}

/** --output last|sequence: training makes step outputs only; final states come from an import. */
function stepOutput(values: Values): StepOutputMode | undefined {
  if (str(values, 'output') === 'final')
    throw new UsageError(
      '--output "final" is not one of last, sequence: training gives one answer per sequence or per step; final states (Y_h, Y_c) come from tinyrnn import --output',
    );
  return choice(values, 'output', STEP_OUTPUT_MODES);
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a recurrent model (Elman, LSTM, GRU, Jordan, echo state network) on data and save it as .tnn',
  usage: 'tinyrnn train --data FILE|builtin:NAME --out MODEL.tnn [--cell lstm|gru|elman|jordan|esn] [--hidden N] [options] [--json]',
  description:
    'Splits the sequences into train/validation/test (stratified by class), normalises inputs with statistics of the training split ' +
    '(stored in the model), trains by backpropagation through time with Adam, keeps the best validation epoch, and reports accuracy, ' +
    'per-class precision/recall/F1 and the confusion matrix (classification) or MAE/RMSE (regression) on the test split. ' +
    'A checkpoint is written every epoch and on Ctrl-C; --resume continues it exactly. ' +
    '--cell jordan trains a Jordan network, whose recurrence runs from its previous output: on regression data that output is the ' +
    "model's output (one value per target, no activation); on classification data, or with --feedback N, it is a tanh output of " +
    '--feedback units, followed by the output layer (softmax or linear). With --layers N, N-1 Elman layers run below the Jordan layer.',
  options,
  positionals: [0, 0],
  examples: [
    'tinyrnn train --data builtin:gestures --cell lstm --hidden 16 --out gestures.tnn',
    'tinyrnn train --data recordings.csv --window 50 --stride 25 --cell gru --hidden 32 --epochs 40 --patience 5 --out model.tnn',
    'tinyrnn train --data builtin:sines --cell gru --hidden 24 --bptt 25 --out forecast.tnn',
    'tinyrnn train --data builtin:sines --cell jordan --hidden 16 --out jordan.tnn',
    'tinyrnn train --data recordings.csv --window 50 --cell jordan --layers 2 --hidden 24 --feedback 8 --out jordan-classifier.tnn',
    'tinyrnn train --resume model.tnn.ckpt --out model.tnn',
    'tinyrnn train --data builtin:sines --cell esn --hidden 64 --spectral-radius 0.9 --out esn.tnn',
    'tinyrnn train --data builtin:gestures --cell lsm --hidden 128 --out lsm.tnn',
  ],
  async run(values, _pos, io) {
    const json = flag(values, 'json');
    const quiet = flag(values, 'quiet') || false;
    const out = path.resolve(io.cwd, requireStr(values, 'out', 'FILE (where to write the trained model)'));
    const ckptFile = path.resolve(io.cwd, str(values, 'checkpoint') ?? `${out}.ckpt`);
    const resume = str(values, 'resume');
    if (str(values, 'cell') === 'esn') return runEsnTraining(values, io, out);
    if (str(values, 'cell') === 'lsm') return runLsmTraining(values, io, out);
    const lsmOnly = ['tau-mem', 'tau-trace', 'fan-out'].find((k) => values[k] !== undefined);
    if (lsmOnly) throw new UsageError(`--${lsmOnly} applies to --cell lsm only`);
    const esnOnly = ['spectral-radius', 'input-scaling', 'leak', 'readout', 'sparsity', 'washout', 'ridge', 'store-reservoir'].find(
      (k) => values[k] !== undefined,
    );
    if (esnOnly) throw new UsageError(`--${esnOnly} applies to --cell esn only`);
    if (values.feedback !== undefined && !resume && str(values, 'cell') !== 'jordan') throw new UsageError('--feedback applies to --cell jordan only');
    if (str(values, 'cell') === 'jordan') {
      if (flag(values, 'bidirectional'))
        throw new UsageError('--bidirectional does not apply to --cell jordan (a Jordan layer runs forwards, feeding back its output)');
      if (values['gru-reset'] !== undefined) throw new UsageError('--gru-reset does not apply to --cell jordan');
      if (values.activation !== undefined && (num(values, 'layers', { int: true, min: 1, max: 16 }) ?? 1) < 2)
        throw new UsageError(
          '--activation applies to the Elman layers below the Jordan layer: give --layers 2 or more, or leave it out (the Jordan layer itself uses tanh)',
        );
    }
    let trainer: Trainer;
    let dataSpec: string;
    if (resume) {
      const given = Object.keys(values).filter(
        (k) => values[k] !== undefined && !['resume', 'out', 'checkpoint', 'json', 'quiet', 'epochs', 'help', 'report'].includes(k),
      );
      if (given.length)
        throw new UsageError(`--resume continues with the checkpoint's data and settings; --${given[0]} cannot change them (only --epochs can)`);
      const ck = loadCheckpoint(path.resolve(io.cwd, resume));
      dataSpec = ck.data;
      const epochs = num(values, 'epochs', { int: true, min: 0 });
      trainer = new Trainer(loadData(dataSpec, io.cwd), { ...ck.config, ...(epochs !== undefined ? { epochs } : {}) });
      trainer.restore(ck.state);
      if (!quiet)
        io.err(`resuming ${resume}: epoch ${ck.state.epoch + 1}${ck.state.batchPos ? `, batch ${ck.state.batchPos + 1}` : ''} of ${trainer.config.epochs}`);
    } else {
      dataSpec = requireStr(values, 'data', 'FILE|builtin:NAME (the training data)');
      const data = loadData(dataSpec, io.cwd);
      trainer = new Trainer(data, configFromOptions(values, out));
      // a relative data path is stored as given; resume resolves it from the same folder
      if (!dataSpec.startsWith('builtin:')) dataSpec = path.resolve(io.cwd, dataSpec);
    }
    const c = trainer.config;
    const metricName = trainer.task === 'classification' ? 'acc' : 'rmse';
    if (!quiet) {
      const s = trainer.sizes;
      io.err(
        `training ${c.cell === 'jordan' ? `${c.layers > 1 ? `${c.layers - 1}x elman ${c.hidden} + ` : ''}jordan ${c.hidden}` : `${c.layers}x ${c.bidirectional ? 'bidirectional ' : ''}${c.cell} ${c.hidden}`} (${trainer.net.paramCount} parameters) on ${trainer.train.data.source}: ` +
          `${s.train} train, ${s.val} validation, ${s.test} test sequences; ${trainer.task}, output per ${trainer.output === 'last' ? 'sequence' : 'step'}`,
      );
      io.err(`task: ${trainer.taskEvidence}`);
    }
    const progress = new Progress(io, io.isTTY && !!process.stderr.isTTY, quiet, metricName, trainer.state.epoch);
    let interrupted = false;
    const onSigint = (): void => {
      // first Ctrl-C: finish the current batch, save a checkpoint, exit; a second one: exit now
      if (interrupted) process.exit(130);
      interrupted = true;
      if (!quiet) io.err('\nstopping after this batch to save a checkpoint (Ctrl-C again to quit without it)');
    };
    process.on('SIGINT', onSigint);
    let res: TrainResult;
    let lastCheckpoint = encodeCheckpoint(trainer, dataSpec);
    try {
      res = await trainer.run({
        onBatch: (b) => progress.batch(b),
        onEpoch: (r, t) => {
          progress.epoch(r, c.epochs);
          lastCheckpoint = encodeCheckpoint(t, dataSpec);
          writeFileAtomic(ckptFile, lastCheckpoint);
        },
        shouldStop: () => interrupted,
      });
    } finally {
      process.removeListener('SIGINT', onSigint);
      progress.clear();
    }
    if (res.stopped === 'interrupted') {
      saveCheckpoint(ckptFile, trainer, dataSpec);
      io.err(
        `interrupted: checkpoint saved to ${path.relative(io.cwd, ckptFile)}\n  resume with: tinyrnn train --resume ${path.relative(io.cwd, ckptFile)} --out ${path.relative(io.cwd, out)}`,
      );
      return 130;
    }
    // the model and its final checkpoint replace the previous run's as a unit (both or neither)
    writeUnit([
      { file: out, data: encodeFloatModel(res.model) },
      { file: ckptFile, data: lastCheckpoint },
    ]);
    const summary = trainSummary(res, out, trainer);
    const report = str(values, 'report');
    const wrote = report ? writeReportOption(io.cwd, report, renderTrainReport(summary, res.model, trainer.test?.data ?? null)) : '';
    emit(io, json, summary, () => {
      const lines = [
        `${res.stopped === 'early-stopping' ? 'stopped early' : 'finished'} after ${res.history.length} epochs; kept epoch ${res.bestEpoch}${trainer.val ? ' (best validation loss)' : ''}`,
      ];
      if (res.val) lines.push(formatEvalReport(res.val, 'validation').split('\n')[0]);
      if (res.test) lines.push(formatEvalReport(res.test, 'test'));
      lines.push(
        `wrote ${path.relative(io.cwd, out)} (${fs.statSync(out).size} bytes, ${paramCount(res.model)} parameters); checkpoint ${path.relative(io.cwd, ckptFile)}`,
      );
      if (wrote) lines.push(wrote);
      return lines.join('\n');
    });
    return 0;
  },
};
