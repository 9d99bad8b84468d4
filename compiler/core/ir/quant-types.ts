// The types of the quantised model IR (QuantModel and its layers); compiler/core/ir/quant-model.ts
// validates them and re-exports them. A leaf below quant-model.ts and quant-jordan.ts, so neither
// imports the other back.
import { CELL_KINDS, DENSE_ACTIVATIONS, JordanOutActivation, ModelMeta, OutputMode, Task, gateCount } from './model';

export const QCELL_KINDS = CELL_KINDS;
export type QCellKind = (typeof QCELL_KINDS)[number];
export const QDENSE_ACTIVATIONS = DENSE_ACTIVATIONS;
export type QDenseActivation = (typeof QDENSE_ACTIVATIONS)[number];
export type QOutputType = 's8' | 's16';

/**
 * Input stage: raw integer r (per feature) -> x16[f] = sat_s16(requantize(r - offset[f], m[f], s[f])).
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
}

interface QCellCommon {
  name?: string;
  inputSize: number; // I
  hidden: number; // H
  wx: Int8Array; // (G*H, I) per-row symmetric, [-127, 127]; applied to x16 (first layer) or x8
  wh: Int8Array; // (G*H, H) applied to h16 (Q0.15), or to h8 for elman relu
  bx: Int32Array; // (G*H) input-side bias with the input zero point folded in
  bh: Int32Array; // (G*H) recurrent-side bias (elman relu: with the h8 zero point folded in)
  mx: Int32Array; // (G*H) requantisation acc_x -> pre-activation units
  sx: Int32Array; // (G*H)
  mh: Int32Array; // (G*H) requantisation acc_h -> pre-activation units
  sh: Int32Array; // (G*H)
  /** Pre-activation clamp to [-clip, clip] in pre-activation units; 0 means no clamp. */
  clip: number;
  /** Zero point of the int8 hidden output h8 (also this layer's output). */
  hZp: number;
  /** Requantisation of h16 (Q0.15) to the int8 output h8; unused (0) for elman relu. */
  hM: number;
  hS: number;
}

export interface QElmanLayer extends QCellCommon {
  kind: 'elman';
  /** tanh: pre-activation in Q3.12; relu: pre-activation directly in h8 units (scale of h, no zero point). */
  activation: 'tanh' | 'relu';
  /**
   * Leak rate in Q0.15, an integer in [1, 32768] (tanh only); absent means 32768 (no leak):
   * h16 = h16_prev + rshift_round(leakQ15 * (tanh_s16(pre) - h16_prev), 15).
   */
  leakQ15?: number;
  /**
   * The layer is an echo state network reservoir: wx and wh are exactly Win8 and W8 of
   * esn_generate({ seed, densityQ16, units: hidden, inputSize }), so a device regenerates them.
   */
  reservoir?: { seed: number; densityQ16: number };
}

export interface QLstmLayer extends QCellCommon {
  kind: 'lstm';
  /** Cell state c is int16 with scale 2^-cellFrac, cellFrac in [0, 15]. */
  cellFrac: number;
}

export interface QGruLayer extends QCellCommon {
  kind: 'gru';
  resetAfter: boolean;
}

export type QCellLayer = QElmanLayer | QLstmLayer | QGruLayer;

export interface QBidirectionalLayer {
  kind: 'bidirectional';
  name?: string;
  /** Both halves have the same kind, sizes and h8 zero point (one output tensor). */
  forward: QCellLayer;
  backward: QCellLayer;
}

export interface QDenseLayer {
  kind: 'dense';
  name?: string;
  inputSize: number; // I
  units: number; // U
  w: Int8Array; // (U, I) per-row symmetric, [-127, 127]; applied to x16 (first layer) or x8
  b: Int32Array; // (U) with the input zero point folded in
  m: Int32Array; // (U) acc -> output units (none/relu/softmax) or Q3.12 (tanh/sigmoid)
  s: Int32Array; // (U)
  /** softmax: the device outputs the logits (as 'none'); the host applies softmax after dequantising. */
  activation: QDenseActivation;
  outType: QOutputType;
  outZp: number; // [-128, 127] for s8; 0 for s16
  /** tanh/sigmoid with s8 output: Q15 -> output requantisation; 0 otherwise. */
  oM: number;
  oS: number;
}

export type QLayer = QCellLayer | QBidirectionalLayer | QDenseLayer | QJordanLayer;

/** The quantised layer of one kind. */
export type QLayerOf<K extends QLayer['kind']> = Extract<QLayer, { kind: K }>;

/** Float scales: documentation for the host (dequantising, reports). Never read by kernels. */
export interface QuantDoc {
  /** Per feature: model-unit (normalised) value = x16[f] * inputScale[f]. */
  inputScale: number[];
  /** Per layer: real value of the layer's output = (q - zp) * scale. */
  layers: { outScale: number; outZp: number; cellScale?: number }[];
  /** Real model output = (y - outputZp) * outputScale (before the host softmax, if any). */
  outputScale: number;
  outputZp: number;
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
  inputSize: number; // F
  outputSize: number; // O
  input: QuantInput;
  tables: {
    sigmoid: Int16Array; // (257) sigmoid(k/32) in Q0.15
    tanh: Int16Array; // (257) tanh(k/32) in Q0.15
  };
  layers: QLayer[];
  /** Storage type of the model output vector (the last layer's outType; s8 if it is a cell). */
  outputType: QOutputType;
  doc: QuantDoc;
}

/** Gates per cell: the float IR's helper serves quantised layers too. */
export const qGateCount: (kind: QCellKind) => number = gateCount;

/** The quantised Jordan layer (docs/quantization.md section 5, "Jordan"); its checks are in quant-jordan.ts. */
export interface QJordanLayer {
  kind: 'jordan';
  name?: string;
  inputSize: number; // I
  hidden: number; // H
  units: number; // U
  wx: Int8Array; // (H, I) per-row symmetric, [-127, 127]; applied to x16 (first layer) or x8
  bx: Int32Array; // (H) with the input zero point folded in
  mx: Int32Array; // (H) acc_x -> Q3.12
  sx: Int32Array; // (H)
  wy: Int8Array; // (H, U) applied to the fed-back output y (int8, or int16 when last)
  by: Int32Array; // (H) the feedback zero point folded in (-sum wy * outZp)
  my: Int32Array; // (H) acc_y -> Q3.12
  sy: Int32Array; // (H)
  wo: Int8Array; // (U, H) output projection, applied to h16 (Q0.15)
  bo: Int32Array; // (U)
  mo: Int32Array; // (U) acc -> output units (none/relu) or Q3.12 (tanh/sigmoid)
  so: Int32Array; // (U)
  outActivation: JordanOutActivation;
  /** s16 when the layer is last (outZp 0), s8 otherwise. */
  outType: QOutputType;
  outZp: number;
  /** tanh/sigmoid with s8 output: Q15 -> output requantisation; 0 otherwise. */
  oM: number;
  oS: number;
}
