// The types of the quantised model IR (QuantModel and its input stage); each kind's quantised layer
// type lives in its folder (compiler/layers/<kind>/ir.ts) and is re-exported here.
// compiler/core/ir/quant-model.ts validates them and re-exports them.
import { gateCount } from '../../layers/cell/ir';
import type { CellKind } from '../../layers/cell/ir';
import type { QLayer } from './kinds';
import type { QOutputType } from './quant-check';
import type { FinalPart, ModelMeta, OutputMode, Task } from './model';

export { CELL_KINDS as QCELL_KINDS } from '../../layers/cell/ir';
export type { QCellCommon } from '../../layers/cell/ir';
export type { QElmanLayer } from '../../layers/elman/ir';
export type { QLstmLayer } from '../../layers/lstm/ir';
export type { QGruLayer } from '../../layers/gru/ir';
export { QDENSE_ACTIVATIONS } from '../../layers/dense/ir';
export type { QDenseActivation, QDenseLayer } from '../../layers/dense/ir';
export type { QJordanLayer } from '../../layers/jordan/ir';
export type { QPoolLayer } from '../../layers/pool/ir';
export type { QBidirectionalLayer, QCellLayer, QLayer, QLayerOf, QReverseLayer } from './kinds';
export type { QOutputType };
export type QCellKind = CellKind;

/**
 * Input stage: raw integer r (per feature) ->
 * x16[f] = sat_s16(rshift_round((r - offset[f]) * m[f] + bias[f], s[f])) (bias absent: 0).
 * The model input is int16, symmetric (zero point 0), with its own scale per feature; the first
 * layer's weights absorb the scales.
 */
export interface QuantInput {
  /**
   * Raw units per model unit, per feature: the host feeds r = round(x * rawPerUnit[f]) for a
   * model-unit value x (1 when the data are already the sensor's integers).
   */
  rawPerUnit: Int32Array; // (F)
  offset: Int32Array; // (F) folds the normalisation mean: round(mean[f] * rawPerUnit[f])
  m: Int32Array; // (F) multiplier [0, 32767]
  s: Int32Array; // (F) shift [0, 46]
  /**
   * The offset's fraction of a raw unit, in the product's units: round(-(mean[f] * rawPerUnit[f] -
   * offset[f]) * m[f]), |bias| <= 2^15 - 1. Absent (every feature 0) unless the quantiser kept it
   * (integer-valued inputs or an explicit rawPerUnit), so older models compute as before.
   */
  bias?: Int32Array; // (F)
}

/** The activation tables of a quantised model (compiler/core/spec/fixed.ts). */
export interface QTables {
  sigmoid: Int16Array; // (257) sigmoid(k/32) in Q0.15
  tanh: Int16Array; // (257) tanh(k/32) in Q0.15
}

/** Float scales: documentation for the host (dequantising, reports). Never read by kernels. */
export interface QuantDoc {
  /** Per feature: model-unit (normalised) value = x16[f] * inputScale[f]. */
  inputScale: number[];
  /** Per layer: real value of the layer's output = (q - zp) * scale. */
  layers: { outScale: number; outZp: number; cellScale?: number }[];
  /** Real model output = (y - outputZp) * outputScale (before the host softmax, if any). */
  outputScale: number;
  outputZp: number;
  /**
   * Output mode 'final' only: each segment of the output vector (compiler/core/ir/final.ts) in its
   * own int16 scale, real = (y - zp) * scale; outputScale/outputZp then repeat the first segment's.
   */
  outputSegments?: { part: FinalPart; direction: 'forward' | 'backward'; offset: number; size: number; scale: number; zp: number }[];
  /** How the ranges were calibrated. */
  calibration: string;
}

export interface QuantModel {
  format: 'quant';
  /** The spec version this model's integers are defined by (QUANT_SPEC_VERSION). */
  specVersion: number;
  meta: ModelMeta;
  task: Task;
  output: OutputMode;
  /** Output mode 'final' only: which final states, in the order they fill the output vector (compiler/core/ir/final.ts). */
  final?: FinalPart[];
  inputSize: number; // F
  outputSize: number; // O
  input: QuantInput;
  tables: QTables;
  layers: QLayer[];
  /** Storage type of the model output vector (the last layer's outType; s8 if it is a cell; s16 for final states). */
  outputType: QOutputType;
  doc: QuantDoc;
}

/** Gates per cell: the float IR's helper serves quantised layers too. */
export const qGateCount: (kind: QCellKind) => number = gateCount;
