// Architectures and initialisation that train recurrent nets well:
//   input weights  Glorot (Xavier) uniform per gate block, limit sqrt(6 / (I + H))
//   recurrent      orthogonal per gate block (H, H), from a seeded Gaussian by Gram-Schmidt
//   biases         zero, except the LSTM forget gate: 1 (remember by default early in training)
//   dense          Glorot uniform, zero bias
//   jordan         wx Glorot uniform, wy (feedback) semi-orthogonal (H, U), wo Glorot uniform,
//                  zero biases: the Elman scheme, with the output projection as a dense layer
//
// Legend: F inputs, I layer input, H hidden, G gates, U dense units, O outputs.

import {
  CellKind,
  CellLayer,
  DenseActivation,
  ElmanActivation,
  FloatModel,
  JordanLayer,
  Layer,
  OutputMode,
  Task,
  emptyCell,
  emptyDense,
  emptyJordan,
  gateCount,
} from '../core/ir/model';
import { TinyrnnError } from '../core/ir/errors';
import { Rng } from '../core/util/rng';

export interface Architecture {
  /** jordan: Elman layers below (layers - 1 of them) and one Jordan layer on top. */
  cell: CellKind | 'jordan';
  hidden: number; // H per direction
  layers: number; // stacked recurrent layers
  bidirectional: boolean;
  /** Elman activation. */
  activation: ElmanActivation;
  /** GRU variant (true: PyTorch/Keras "reset after"). */
  resetAfter: boolean;
  /** Hidden dense layers (ReLU) between the recurrent stack and the output layer. */
  dense: number[];
  /** Jordan: width of a fed-back tanh output before the output layer (0: classification the number of classes; regression the model output itself is fed back). */
  feedback?: number;
}

export const DEFAULT_ARCHITECTURE: Architecture = {
  cell: 'lstm',
  hidden: 16,
  layers: 1,
  bidirectional: false,
  activation: 'tanh',
  resetAfter: true,
  dense: [],
};

function glorot(rng: Rng, a: Float32Array, off: number, len: number, fanIn: number, fanOut: number): void {
  const lim = Math.sqrt(6 / (fanIn + fanOut));
  for (let i = off; i < off + len; i++) a[i] = rng.uniform(-lim, lim);
}

/** Fills a (H, H) block of a at off with an orthogonal matrix. */
export function orthogonal(rng: Rng, a: Float32Array, off: number, H: number): void {
  const m = new Float64Array(H * H);
  for (let i = 0; i < m.length; i++) m[i] = rng.normal();
  // modified Gram-Schmidt on the rows
  for (let r = 0; r < H; r++) {
    for (let q = 0; q < r; q++) {
      let d = 0;
      for (let j = 0; j < H; j++) d += m[r * H + j] * m[q * H + j];
      for (let j = 0; j < H; j++) m[r * H + j] -= d * m[q * H + j];
    }
    let nrm = 0;
    for (let j = 0; j < H; j++) nrm += m[r * H + j] * m[r * H + j];
    nrm = Math.sqrt(nrm) || 1;
    for (let j = 0; j < H; j++) m[r * H + j] /= nrm;
  }
  for (let i = 0; i < H * H; i++) a[off + i] = m[i];
}

export function initCell(rng: Rng, c: CellLayer): void {
  const G = gateCount(c.kind);
  const H = c.hidden;
  const I = c.inputSize;
  for (let g = 0; g < G; g++) {
    glorot(rng, c.wx, g * H * I, H * I, I, H);
    orthogonal(rng, c.wh, g * H * H, H);
  }
  c.bx.fill(0);
  c.bh.fill(0);
  if (c.kind === 'lstm') c.bx.fill(1, H, 2 * H);
}

export function initDense(rng: Rng, d: { w: Float32Array; b: Float32Array; inputSize: number; units: number }): void {
  glorot(rng, d.w, 0, d.w.length, d.inputSize, d.units);
  d.b.fill(0);
}

/** Fills a (rows, cols) matrix at a with orthonormal rows (rows <= cols) or columns (rows > cols). */
export function semiOrthogonal(rng: Rng, a: Float32Array, rows: number, cols: number): void {
  const n = Math.min(rows, cols);
  const len = Math.max(rows, cols);
  const m = new Float64Array(n * len);
  for (let i = 0; i < m.length; i++) m[i] = rng.normal();
  for (let r = 0; r < n; r++) {
    for (let q = 0; q < r; q++) {
      let d = 0;
      for (let j = 0; j < len; j++) d += m[r * len + j] * m[q * len + j];
      for (let j = 0; j < len; j++) m[r * len + j] -= d * m[q * len + j];
    }
    let nrm = 0;
    for (let j = 0; j < len; j++) nrm += m[r * len + j] * m[r * len + j];
    nrm = Math.sqrt(nrm) || 1;
    for (let j = 0; j < len; j++) m[r * len + j] /= nrm;
  }
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) a[i * cols + j] = rows <= cols ? m[i * cols + j] : m[j * rows + i];
}

export function initJordan(rng: Rng, l: JordanLayer): void {
  glorot(rng, l.wx, 0, l.wx.length, l.inputSize, l.hidden);
  semiOrthogonal(rng, l.wy, l.hidden, l.units);
  glorot(rng, l.wo, 0, l.wo.length, l.hidden, l.units);
  l.bx.fill(0);
  l.bo.fill(0);
}

export interface ModelShape {
  name: string;
  features: string[];
  labels?: string[];
  targetNames?: string[];
  sampleRate?: number;
  task: Task;
  output: OutputMode;
}

/** Builds and initialises a model: the recurrent stack, optional dense layers, the output layer. */
export function buildModel(arch: Architecture, shape: ModelShape, seed: number): FloatModel {
  const rng = new Rng(seed ^ 0x1a17);
  const layers: Layer[] = [];
  let width = shape.features.length;
  if (arch.cell === 'jordan') return buildJordanModel(arch, shape, rng);
  const cell = arch.cell;
  const mk = (): CellLayer => {
    const c = emptyCell(cell, width, arch.hidden, { activation: arch.activation, resetAfter: arch.resetAfter });
    initCell(rng, c);
    return c;
  };
  for (let l = 0; l < arch.layers; l++) {
    if (arch.bidirectional) {
      const forward = mk();
      const backward = mk();
      layers.push({ kind: 'bidirectional', forward, backward });
      width = 2 * arch.hidden;
    } else {
      layers.push(mk());
      width = arch.hidden;
    }
  }
  for (const u of arch.dense) {
    const d = emptyDense(width, u, 'relu');
    initDense(rng, d);
    layers.push(d);
    width = u;
  }
  const O = shape.task === 'classification' ? (shape.labels as string[]).length : (shape.targetNames as string[]).length;
  const act: DenseActivation = shape.task === 'classification' ? 'softmax' : 'none';
  const head = emptyDense(width, O, act);
  initDense(rng, head);
  layers.push(head);
  return assemble(layers, shape);
}

/**
 * A Jordan model: layers - 1 Elman layers, then the Jordan layer. Regression without a feedback
 * width: the Jordan layer's projection is the model output (units = targets, no output
 * activation; the classic Jordan network, the model's output fed back). Classification, or
 * regression with a feedback width: the Jordan layer feeds back a tanh output of `feedback`
 * units (classification default: the number of classes), then optional ReLU dense layers and the
 * output layer (softmax for classes, linear for targets).
 */
function buildJordanModel(arch: Architecture, shape: ModelShape, rng: Rng): FloatModel {
  const layers: Layer[] = [];
  let width = shape.features.length;
  for (let l = 0; l < arch.layers - 1; l++) {
    const c = emptyCell('elman', width, arch.hidden, { activation: arch.activation });
    initCell(rng, c);
    layers.push(c);
    width = arch.hidden;
  }
  const feedback = arch.feedback ?? 0;
  const classes = shape.task === 'classification';
  const O = classes ? (shape.labels as string[]).length : (shape.targetNames as string[]).length;
  if (!classes && feedback === 0) {
    if (arch.dense.length) {
      throw new TinyrnnError({
        code: 'TRN010',
        path: 'dense',
        message: 'bad training setting dense for a Jordan model on regression data',
        value: arch.dense,
        expected: "no dense layers: without a feedback width the Jordan layer's output is the model's output",
        hint: 'give a feedback width (--feedback N) to feed back N tanh units and put dense layers and a linear output layer after them',
      });
    }
    const j = emptyJordan(width, arch.hidden, O, 'none');
    initJordan(rng, j);
    layers.push(j);
    return assemble(layers, shape);
  }
  const j = emptyJordan(width, arch.hidden, feedback || O, 'tanh');
  initJordan(rng, j);
  layers.push(j);
  width = j.units;
  for (const u of arch.dense) {
    const d = emptyDense(width, u, 'relu');
    initDense(rng, d);
    layers.push(d);
    width = u;
  }
  const head = emptyDense(width, O, classes ? 'softmax' : 'none');
  initDense(rng, head);
  layers.push(head);
  return assemble(layers, shape);
}

function assemble(layers: Layer[], shape: ModelShape): FloatModel {
  const m: FloatModel = {
    format: 'float',
    meta: { name: shape.name, features: [...shape.features] },
    task: shape.task,
    output: shape.output,
    inputSize: shape.features.length,
    layers,
  };
  if (shape.labels) m.meta.labels = [...shape.labels];
  if (shape.sampleRate) m.meta.sampleRate = shape.sampleRate;
  return m;
}
