// The float model IR: what train and import produce and what quantize consumes.
//
// Dimension legend (used in every shape comment in tinyrnn):
//   T time steps   B batch        F model input features
//   I layer input  H hidden units G gates of a cell (elman 1, gru 3, lstm 4)
//   U dense units  O model outputs (last layer's width)
// Matrices are row-major: a (R, C) array holds element (r, c) at r*C + c.

/** Recurrent cell kinds, written once. Adding one breaks the build wherever it must be handled. */
export const CELL_KINDS = ['elman', 'lstm', 'gru'] as const;
export type CellKind = (typeof CELL_KINDS)[number];

/** Every layer kind a FloatModel may contain. */
export const LAYER_KINDS = ['elman', 'lstm', 'gru', 'bidirectional', 'dense', 'jordan'] as const;
export type LayerKind = (typeof LAYER_KINDS)[number];

/**
 * Gate order, defined once per cell. Importers translate to it.
 *  LSTM: i input gate, f forget gate, g cell candidate, o output gate
 *        c_t = f*c_{t-1} + i*g,  h_t = o*tanh(c_t)
 *  GRU:  r reset gate, z update gate, n candidate
 *        h_t = (1-z)*n + z*h_{t-1}
 *  Elman: a single "gate" h
 */
export const LSTM_GATES = ['i', 'f', 'g', 'o'] as const;
export const GRU_GATES = ['r', 'z', 'n'] as const;
export const ELMAN_GATES = ['h'] as const;
export const CELL_GATES: { readonly [K in CellKind]: readonly string[] } = {
  elman: ELMAN_GATES,
  lstm: LSTM_GATES,
  gru: GRU_GATES,
};
export function gateCount(kind: CellKind): number {
  return CELL_GATES[kind].length;
}

export const DENSE_ACTIVATIONS = ['none', 'relu', 'tanh', 'sigmoid', 'softmax'] as const;
export type DenseActivation = (typeof DENSE_ACTIVATIONS)[number];
/** Output activations of a Jordan layer: its output is fed back, so it must be computable on the device (no softmax). */
export const JORDAN_OUT_ACTIVATIONS = ['none', 'relu', 'tanh', 'sigmoid'] as const;
export type JordanOutActivation = (typeof JORDAN_OUT_ACTIVATIONS)[number];
export const ELMAN_ACTIVATIONS = ['tanh', 'relu'] as const;
export type ElmanActivation = (typeof ELMAN_ACTIVATIONS)[number];
export const OUTPUT_MODES = ['sequence', 'last'] as const;
/** sequence: one output per time step (streaming, forecasting); last: one per sequence (classification). */
export type OutputMode = (typeof OUTPUT_MODES)[number];
export const TASKS = ['classification', 'regression'] as const;
export type Task = (typeof TASKS)[number];

interface CellCommon {
  /** Optional human name (kept from imports). */
  name?: string;
  inputSize: number; // I
  hidden: number; // H
  wx: Float32Array; // (G*H, I) input weights, gate blocks in CELL_GATES order
  wh: Float32Array; // (G*H, H) recurrent weights
  bx: Float32Array; // (G*H) input-side bias
  bh: Float32Array; // (G*H) recurrent-side bias (kept apart: GRU reset-after needs it)
  /**
   * Optional clip of gate pre-activations to [-clip, clip] before their activation
   * (ONNX `clip` semantics). Absent: no clipping.
   */
  clip?: number;
}

export interface ElmanLayer extends CellCommon {
  kind: 'elman';
  /** h_t = act(wx x + bx + wh h_{t-1} + bh) */
  activation: ElmanActivation;
  /**
   * Optional leak rate a in (0, 1] (tanh only): h_t = (1 - a) h_{t-1} + a tanh(pre).
   * Absent means 1 (the plain Elman update).
   */
  leak?: number;
  /**
   * Optional: the layer is an echo state network reservoir regenerated from a seed
   * (compiler/core/spec/reservoir.ts). Then wx = fround(Win8 * winScale), wh = fround(W8 * wScale)
   * exactly, with (W8, Win8) = esn_generate({ seed, densityQ16, units: hidden, inputSize }),
   * and both biases are zero; a device regenerates W8 and Win8 instead of storing them.
   */
  reservoir?: ReservoirParams;
}

/** Parameters from which an Elman layer's weights are regenerated (echo state network reservoir). */
export interface ReservoirParams {
  /** Generator seed, an integer in [0, 2^31 - 1]. */
  seed: number;
  /** Share of non-zero recurrent weights as a 16-bit fraction, an integer in [1, 65536]. */
  densityQ16: number;
  /** Real value of one unit of W8 (> 0). */
  wScale: number;
  /** Real value of one unit of Win8 (> 0). */
  winScale: number;
}

export interface LstmLayer extends CellCommon {
  kind: 'lstm';
  /** Optional peephole weights (3, H) in order i, f, o (ONNX P); absent means none. */
  peepholes?: Float32Array;
}

export interface GruLayer extends CellCommon {
  kind: 'gru';
  /**
   * false: "reset before" (original GRU, ONNX linear_before_reset=0):
   *        n = tanh(Wn x + bxn + Whn (r*h) + bhn)
   * true:  "reset after" (PyTorch, Keras reset_after, ONNX linear_before_reset=1):
   *        n = tanh(Wn x + bxn + r*(Whn h + bhn))
   */
  resetAfter: boolean;
}

export type CellLayer = ElmanLayer | LstmLayer | GruLayer;

/** A cell run forwards and a cell of the same kind/sizes run backwards; outputs concatenated (fwd, bwd). */
export interface BidirectionalLayer {
  kind: 'bidirectional';
  name?: string;
  forward: CellLayer;
  backward: CellLayer;
}

export interface DenseLayer {
  kind: 'dense';
  name?: string;
  inputSize: number; // I
  units: number; // U
  w: Float32Array; // (U, I)
  b: Float32Array; // (U)
  activation: DenseActivation;
}

/**
 * A Jordan network layer: a recurrent layer whose recurrence runs from its previous OUTPUT,
 * not from its previous hidden state. It owns its output projection, and that projection's
 * output y is both what the layer passes on and what is fed back at the next step:
 *
 *   h_t = tanh(wx x_t + bx + wy y_{t-1})        (H)   y_{-1} = 0
 *   y_t = outActivation(wo h_t + bo)            (U)   the layer's output
 *
 * Placed last, the projection is the model's output layer (the classic Jordan network, the
 * model's output fed back); placed before further layers, it is a chosen intermediate layer
 * whose output is fed back.
 */
export interface JordanLayer {
  kind: 'jordan';
  name?: string;
  inputSize: number; // I
  hidden: number; // H
  units: number; // U (output width, fed back)
  wx: Float32Array; // (H, I) input weights
  wy: Float32Array; // (H, U) feedback weights, applied to y_{t-1}
  bx: Float32Array; // (H) hidden bias
  wo: Float32Array; // (U, H) output projection
  bo: Float32Array; // (U) output bias
  outActivation: JordanOutActivation;
}

export type Layer = CellLayer | BidirectionalLayer | DenseLayer | JordanLayer;

/** The float layer of one kind. */
export type LayerOf<K extends LayerKind> = Extract<Layer, { kind: K }>;

/**
 * One stage's table of per-kind hooks (compiler/layers/<stage>.ts): an entry for every kind, so a
 * new kind is a compile error in every stage until its hook exists. Hooks<K> is the stage's hook
 * type for kind K.
 */
export type KindRegistry<Hooks extends { [K in LayerKind]: unknown }> = { readonly [K in LayerKind]: Hooks[K] };

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
  inputSize: number; // F
  normalization?: Normalization;
  /** Applied in order at every time step. Recurrent layers and dense layers may be mixed. */
  layers: Layer[];
}

export function isCellLayer(l: Layer): l is CellLayer {
  return l.kind === 'elman' || l.kind === 'lstm' || l.kind === 'gru';
}

/** The shape of any layer, float or quantised: what the size helpers below need. */
export type LayerShape =
  | { kind: CellKind; inputSize: number; hidden: number }
  | { kind: 'bidirectional'; forward: { inputSize: number; hidden: number }; backward: { hidden: number } }
  | { kind: 'dense'; inputSize: number; units: number }
  | { kind: 'jordan'; inputSize: number; hidden: number; units: number };

/** Width of a layer's output (float and quantised layers alike). */
export function layerOutputSize(l: LayerShape): number {
  switch (l.kind) {
    case 'elman':
    case 'lstm':
    case 'gru':
      return l.hidden;
    case 'bidirectional':
      return l.forward.hidden + l.backward.hidden;
    case 'dense':
    case 'jordan':
      return l.units;
    default:
      return assertNever(l);
  }
}

export function layerInputSize(l: LayerShape): number {
  return l.kind === 'bidirectional' ? l.forward.inputSize : l.inputSize;
}

export function modelOutputSize(m: FloatModel): number {
  const last = m.layers[m.layers.length - 1];
  return last ? layerOutputSize(last) : m.inputSize;
}

export function isBidirectional(m: { layers: { kind: string }[] }): boolean {
  return m.layers.some((l) => l.kind === 'bidirectional');
}

/** Number of trainable parameters of a layer. */
export function layerParamCount(l: Layer): number {
  switch (l.kind) {
    case 'elman':
    case 'lstm':
    case 'gru':
      return l.wx.length + l.wh.length + l.bx.length + l.bh.length + (l.kind === 'lstm' && l.peepholes ? l.peepholes.length : 0);
    case 'bidirectional':
      return layerParamCount(l.forward) + layerParamCount(l.backward);
    case 'dense':
      return l.w.length + l.b.length;
    case 'jordan':
      return l.wx.length + l.wy.length + l.bx.length + l.wo.length + l.bo.length;
    default:
      return assertNever(l);
  }
}

export function paramCount(m: FloatModel): number {
  return m.layers.reduce((s, l) => s + layerParamCount(l), 0);
}

export function assertNever(x: never): never {
  throw new Error(`unhandled case: ${JSON.stringify((x as { kind?: unknown })?.kind ?? x)}`);
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
