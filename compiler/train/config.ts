// Training settings: one flat, JSON-serialisable object (it is stored in checkpoints and, in
// short form, in the model's metadata). resolveTrainConfig fills defaults and checks ranges.

import { CELL_KINDS, ELMAN_ACTIVATIONS, STEP_OUTPUT_MODES, ElmanActivation, StepOutputMode } from '../core/ir/model';
import { Diagnostic, TinyrnnError } from '../core/ir/errors';
import { DEFAULT_OPTIMIZER, OptimizerKind, ScheduleKind } from './optim';
import { TASKS, Task } from '../data/task';

/** What `cell` may be: a recurrent cell, or jordan (Elman layers below a Jordan layer). */
export const TRAIN_CELL_KINDS = [...CELL_KINDS, 'jordan'] as const;
export type TrainCellKind = (typeof TRAIN_CELL_KINDS)[number];

export interface TrainConfig {
  // architecture
  cell: TrainCellKind;
  hidden: number;
  layers: number;
  bidirectional: boolean;
  activation: ElmanActivation;
  resetAfter: boolean;
  /** Hidden ReLU dense layers before the output layer. */
  dense: number[];
  /** Jordan: width of a fed-back tanh output before the output layer (0: classification the number of classes; regression the model output itself is fed back). */
  feedback: number;
  /** 'last' (one answer per sequence) or 'sequence' (one per step); null: from the data. */
  output: StepOutputMode | null;
  // optimisation
  epochs: number;
  batchSize: number;
  optimizer: OptimizerKind;
  lr: number;
  momentum: number;
  /** Global gradient-norm clip (0: off). */
  clip: number;
  schedule: ScheduleKind;
  stepEvery: number;
  gamma: number;
  /** Truncated BPTT window in steps (0: full sequences). State carries across windows. */
  bptt: number;
  dropout: number;
  /** Early stopping: epochs without validation improvement before stopping (0: off). */
  patience: number;
  /** Keep the parameters of the best validation epoch. */
  restoreBest: boolean;
  // data
  val: number;
  test: number;
  normalize: boolean;
  /** Cut recordings into windows of this many steps (0: use the sequences as they are). */
  window: number;
  stride: number;
  seed: number;
  name: string;
  /** The task to read the data as; undefined: guessed from the labels or targets (compiler/data/task.ts). */
  task?: Task;
}

export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  cell: 'lstm',
  hidden: 16,
  layers: 1,
  bidirectional: false,
  activation: 'tanh',
  resetAfter: true,
  dense: [],
  feedback: 0,
  output: null,
  epochs: 30,
  batchSize: 32,
  optimizer: DEFAULT_OPTIMIZER.kind,
  lr: DEFAULT_OPTIMIZER.lr,
  momentum: DEFAULT_OPTIMIZER.momentum,
  clip: DEFAULT_OPTIMIZER.clip,
  schedule: DEFAULT_OPTIMIZER.schedule,
  stepEvery: DEFAULT_OPTIMIZER.stepEvery,
  gamma: DEFAULT_OPTIMIZER.gamma,
  bptt: 0,
  dropout: 0,
  patience: 0,
  restoreBest: true,
  val: 0.15,
  test: 0.15,
  normalize: true,
  window: 0,
  stride: 0,
  seed: 1,
  name: 'model',
};

/** Defaults plus the given settings, checked; every problem is reported (code TRN010). */
export function resolveTrainConfig(c: Partial<TrainConfig> = {}): TrainConfig {
  const r: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, ...Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) };
  const problems: Diagnostic[] = [];
  const bad = (key: string, value: unknown, expected: string): void => {
    problems.push({ code: 'TRN010', path: key, message: `bad training setting ${key}`, value, expected });
  };
  const int = (key: keyof TrainConfig, lo: number, hi: number): void => {
    const v = r[key] as number;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) bad(key, v, `an integer in ${lo}..${hi}`);
  };
  const real = (key: keyof TrainConfig, lo: number, hi: number, openLo = false): void => {
    const v = r[key] as number;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi || (openLo && v === lo)) bad(key, v, `a number in ${openLo ? '(' : '['}${lo}, ${hi}]`);
  };
  if (!(TRAIN_CELL_KINDS as readonly string[]).includes(r.cell)) bad('cell', r.cell, TRAIN_CELL_KINDS.join(', '));
  int('hidden', 1, 4096);
  int('layers', 1, 16);
  if (!(ELMAN_ACTIVATIONS as readonly string[]).includes(r.activation)) bad('activation', r.activation, ELMAN_ACTIVATIONS.join(', '));
  if (!Array.isArray(r.dense) || r.dense.some((u) => !Number.isInteger(u) || u < 1 || u > 4096)) bad('dense', r.dense, 'a list of unit counts in 1..4096');
  int('feedback', 0, 4096);
  if (r.feedback !== 0 && r.cell !== 'jordan') bad('feedback', r.feedback, "0 unless cell is jordan (the width of the Jordan layer's fed-back output)");
  if (r.cell === 'jordan' && r.bidirectional)
    bad('bidirectional', r.bidirectional, 'false with cell jordan (a Jordan layer runs forwards, feeding back its output)');
  if (r.output !== null && !(STEP_OUTPUT_MODES as readonly string[]).includes(r.output)) bad('output', r.output, STEP_OUTPUT_MODES.join(', '));
  int('epochs', 0, 100000);
  int('batchSize', 1, 65536);
  if (r.optimizer !== 'adam' && r.optimizer !== 'sgd') bad('optimizer', r.optimizer, 'adam or sgd');
  real('lr', 0, 10, true);
  real('momentum', 0, 0.999);
  real('clip', 0, 1e6);
  if (!['constant', 'cosine', 'step'].includes(r.schedule)) bad('schedule', r.schedule, 'constant, cosine or step');
  int('stepEvery', 1, 100000);
  real('gamma', 0, 1, true);
  int('bptt', 0, 1 << 24);
  real('dropout', 0, 0.9);
  int('patience', 0, 100000);
  real('val', 0, 0.9);
  real('test', 0, 0.9);
  if (r.val + r.test >= 1) bad('val', r.val + r.test, 'val + test below 1');
  int('window', 0, 1 << 24);
  int('stride', 0, 1 << 24);
  int('seed', 0, 4294967295);
  if (r.bptt > 0 && r.bidirectional) bad('bptt', r.bptt, '0 with a bidirectional model (its backward half needs the whole sequence)');
  if (typeof r.name !== 'string') bad('name', r.name, 'a string');
  if (r.task !== undefined && !(TASKS as readonly string[]).includes(r.task)) bad('task', r.task, TASKS.join(' or '));
  if (problems.length) throw new TinyrnnError(problems);
  return r;
}
