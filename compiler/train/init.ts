// Architectures and initialisation that train recurrent nets well:
//   input weights  Glorot (Xavier) uniform per gate block, limit sqrt(6 / (I + H))
//   recurrent      orthogonal per gate block (H, H), from a seeded Gaussian by Gram-Schmidt
//   biases         zero, except the LSTM forget gate: 1 (remember by default early in training)
//   dense          Glorot uniform, zero bias
//
// Legend: F inputs, I layer input, H hidden, G gates, U dense units, O outputs.

import { CellKind, CellLayer, DenseActivation, ElmanActivation, FloatModel, Layer, OutputMode, Task, emptyCell, emptyDense, gateCount } from '../ir/model';
import { Rng } from '../util/rng';

export interface Architecture {
  cell: CellKind;
  hidden: number; // H per direction
  layers: number; // stacked recurrent layers
  bidirectional: boolean;
  /** Elman activation. */
  activation: ElmanActivation;
  /** GRU variant (true: PyTorch/Keras "reset after"). */
  resetAfter: boolean;
  /** Hidden dense layers (ReLU) between the recurrent stack and the output layer. */
  dense: number[];
}

export const DEFAULT_ARCHITECTURE: Architecture = { cell: 'lstm', hidden: 16, layers: 1, bidirectional: false, activation: 'tanh', resetAfter: true, dense: [] };

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
  const mk = (): CellLayer => {
    const c = emptyCell(arch.cell, width, arch.hidden, { activation: arch.activation, resetAfter: arch.resetAfter });
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
