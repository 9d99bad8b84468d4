// The float model IR: what train and import produce and what quantize consumes.
//
// Dimension legend (used in every shape comment in tinyrnn):
//   T time steps   B batch        F model input features
//   I layer input  H hidden units G gates of a cell (elman 1, gru 3, lstm 4)
//   U dense units  O model outputs (last layer's width)
// Matrices are row-major: a (R, C) array holds element (r, c) at r*C + c.

import { CellKind, gateCount } from '../../layers/cell/ir';
import type { ElmanActivation } from '../../layers/elman/ir';
import type { DenseActivation, DenseLayer } from '../../layers/dense/ir';
import type { JordanLayer, JordanOutActivation } from '../../layers/jordan/ir';
import { LayerShape, isStreaming, layerOutputSize, layerParamCount } from '../../layers/ir';
import { FinalPart, finalOutputSize, finalSegments } from './final';
import type { CellLayer, Layer, LayerKind } from './kinds';
import { assertNever } from './errors';

export { CELL_GATES, CELL_KINDS, ELMAN_GATES, GRU_GATES, LSTM_GATES, gateCount } from '../../layers/cell/ir';
export type { CellCommon, CellKind } from '../../layers/cell/ir';
export { ELMAN_ACTIVATIONS } from '../../layers/elman/ir';
export type { ElmanActivation, ElmanLayer, ReservoirParams } from '../../layers/elman/ir';
export type { LstmLayer } from '../../layers/lstm/ir';
export type { GruLayer } from '../../layers/gru/ir';
export { DENSE_ACTIVATIONS } from '../../layers/dense/ir';
export type { DenseActivation, DenseLayer } from '../../layers/dense/ir';
export { JORDAN_OUT_ACTIVATIONS } from '../../layers/jordan/ir';
export type { JordanLayer, JordanOutActivation } from '../../layers/jordan/ir';
export type { PoolLayer } from '../../layers/pool/ir';
export { LAYER_KINDS } from './kinds';
export type { BidirectionalLayer, CellLayer, KindRegistry, Layer, LayerKind, LayerOf, ReverseLayer } from './kinds';
export { isStreaming, layerInputSize, layerOutputSize, layerParamCount } from '../../layers/ir';
export type { LayerShape } from '../../layers/ir';
export { assertNever } from './errors';
export { FINAL_PARTS } from './final';
export type { FinalPart, FinalSegment } from './final';

export const OUTPUT_MODES = ['sequence', 'last', 'final'] as const;
/**
 * sequence: one output per time step (streaming, forecasting); last: one per sequence
 * (classification); final: the last layer's final states after the whole sequence (imported
 * Y_h / Y_c, compiler/core/ir/final.ts).
 */
export type OutputMode = (typeof OUTPUT_MODES)[number];
/** The output modes a trainer produces: a layer output at every step, or at the last one. */
export const STEP_OUTPUT_MODES = ['sequence', 'last'] as const;
export type StepOutputMode = (typeof STEP_OUTPUT_MODES)[number];
export const TASKS = ['classification', 'regression'] as const;
export type Task = (typeof TASKS)[number];

/** Per-feature input normalisation x' = (x - mean) / std, applied before the first layer. */
export interface Normalization {
  mean: Float32Array; // (F)
  std: Float32Array; // (F)
}

export interface ModelMeta {
  /** Model name (free text; code generators sanitise it). */
  name: string;
  /** Feature names, length F. */
  features: string[];
  /** Class labels for classifiers, length O. */
  labels?: string[];
  /** Sensor sample rate in Hz, when known. */
  sampleRate?: number;
  /** Where the model came from, free-form key/value text (trainer settings, import source, ...). */
  extra?: Record<string, string>;
}

export interface FloatModel {
  format: 'float';
  meta: ModelMeta;
  task: Task;
  output: OutputMode;
  /** Output mode 'final' only: which final states, in the order they fill the output vector. */
  final?: FinalPart[];
  inputSize: number; // F
  normalization?: Normalization;
  /** Applied in order at every time step. Recurrent layers and dense layers may be mixed. */
  layers: Layer[];
}

export function isCellLayer(l: Layer): l is CellLayer {
  return l.kind === 'elman' || l.kind === 'lstm' || l.kind === 'gru';
}

/** Width O of the model's output: its last layer's output, or its final states (output mode 'final'). */
export function modelOutputSize(m: { output: OutputMode; final?: readonly FinalPart[]; inputSize: number; layers: readonly LayerShape[] }): number {
  const last = m.layers[m.layers.length - 1];
  if (!last) return m.inputSize;
  if (m.output === 'final') return finalOutputSize(finalSegments(last, m.final ?? []) ?? []);
  return layerOutputSize(last);
}

/** True when the model needs the whole sequence (a bidirectional or reverse layer, or output mode 'final'): it cannot stream. */
export function needsWholeSequence(m: { layers: { kind: LayerKind }[]; output?: OutputMode }): boolean {
  return !isStreaming(m);
}

/** What a model answers per, in words: "time step", "sequence (last step)", "sequence (final states)". */
export function outputPerText(output: OutputMode): string {
  return output === 'sequence' ? 'time step' : output === 'last' ? 'sequence (last step)' : 'sequence (final states)';
}

/** True when the model answers once, after the whole sequence (its final states), not at every step. */
export function isFinalOutput(m: { output: OutputMode }): boolean {
  return m.output === 'final';
}

export function paramCount(m: FloatModel): number {
  return m.layers.reduce((s, l) => s + layerParamCount(l), 0);
}

/** Creates a cell layer with zero weights of the right shapes (the trainer and importers fill them). */
export function emptyCell(kind: CellKind, inputSize: number, hidden: number, opts: { activation?: ElmanActivation; resetAfter?: boolean } = {}): CellLayer {
  const g = gateCount(kind);
  const common = {
    inputSize,
    hidden,
    wx: new Float32Array(g * hidden * inputSize),
    wh: new Float32Array(g * hidden * hidden),
    bx: new Float32Array(g * hidden),
    bh: new Float32Array(g * hidden),
  };
  switch (kind) {
    case 'elman':
      return { kind, activation: opts.activation ?? 'tanh', ...common };
    case 'lstm':
      return { kind, ...common };
    case 'gru':
      return { kind, resetAfter: opts.resetAfter ?? true, ...common };
    default:
      return assertNever(kind);
  }
}

export function emptyDense(inputSize: number, units: number, activation: DenseActivation = 'none'): DenseLayer {
  return { kind: 'dense', inputSize, units, w: new Float32Array(units * inputSize), b: new Float32Array(units), activation };
}

/** Creates a Jordan layer with zero weights of the right shapes (the trainer fills them). */
export function emptyJordan(inputSize: number, hidden: number, units: number, outActivation: JordanOutActivation = 'none'): JordanLayer {
  return {
    kind: 'jordan',
    inputSize,
    hidden,
    units,
    wx: new Float32Array(hidden * inputSize),
    wy: new Float32Array(hidden * units),
    bx: new Float32Array(hidden),
    wo: new Float32Array(units * hidden),
    bo: new Float32Array(units),
    outActivation,
  };
}
