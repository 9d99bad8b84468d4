// Architectures and initialisation that train recurrent nets well (each kind's init is in
// compiler/layers/<kind>/train.ts, looked up in compiler/layers/train.ts):
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
  Layer,
  StepOutputMode,
  Task,
  emptyCell,
  emptyDense,
  emptyJordan,
} from '../core/ir/model';
import { TinyrnnError } from '../core/ir/errors';
import { Rng } from '../core/util/rng';
import { trainHooks } from '../layers/train';

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

/** Initialises l's parameters in place (its kind's scheme) and returns it. */
function init<L extends Layer>(rng: Rng, l: L): L {
  trainHooks(l.kind).init(rng, l);
  return l;
}

export interface ModelShape {
  name: string;
  features: string[];
  labels?: string[];
  targetNames?: string[];
  sampleRate?: number;
  task: Task;
  output: StepOutputMode;
}

/** Builds and initialises a model: the recurrent stack, optional dense layers, the output layer. */
export function buildModel(arch: Architecture, shape: ModelShape, seed: number): FloatModel {
  const rng = new Rng(seed ^ 0x1a17);
  const layers: Layer[] = [];
  let width = shape.features.length;
  if (arch.cell === 'jordan') return buildJordanModel(arch, shape, rng);
  const cell = arch.cell;
  const mk = (): CellLayer => emptyCell(cell, width, arch.hidden, { activation: arch.activation, resetAfter: arch.resetAfter });
  for (let l = 0; l < arch.layers; l++) {
    layers.push(init(rng, arch.bidirectional ? { kind: 'bidirectional', forward: mk(), backward: mk() } : mk()));
    width = arch.bidirectional ? 2 * arch.hidden : arch.hidden;
  }
  width = pushDense(rng, layers, width, arch.dense);
  const O = shape.task === 'classification' ? (shape.labels as string[]).length : (shape.targetNames as string[]).length;
  const act: DenseActivation = shape.task === 'classification' ? 'softmax' : 'none';
  layers.push(init(rng, emptyDense(width, O, act)));
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
    layers.push(init(rng, emptyCell('elman', width, arch.hidden, { activation: arch.activation })));
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
    layers.push(init(rng, emptyJordan(width, arch.hidden, O, 'none')));
    return assemble(layers, shape);
  }
  const j = init(rng, emptyJordan(width, arch.hidden, feedback || O, 'tanh'));
  layers.push(j);
  width = pushDense(rng, layers, j.units, arch.dense);
  layers.push(init(rng, emptyDense(width, O, classes ? 'softmax' : 'none')));
  return assemble(layers, shape);
}

/** Appends initialised ReLU dense layers of the given widths on input width; returns the last width. */
function pushDense(rng: Rng, layers: Layer[], width: number, units: number[]): number {
  for (const u of units) {
    layers.push(init(rng, emptyDense(width, u, 'relu')));
    width = u;
  }
  return width;
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
