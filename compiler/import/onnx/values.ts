// The values the importer tracks while it walks an ONNX graph (an abstract interpretation):
//
//   const  a tensor known at import time (initializers, Constant nodes, folded shape arithmetic)
//   shape  a 1-D int vector (or scalar) some of whose elements are symbolic: the time or batch
//          length of the model input, unknown until run time (Shape -> Gather -> Concat chains)
//   fill   a tensor whose every element is one known value but whose shape is partly symbolic
//          (ConstantOfShape / Expand of such a shape: exporters' zero initial states)
//   act    "activations": a tensor computed from the model input by the layers found so far.
//          Its axes carry roles: T time, B batch, F features, 1 a singleton; before the first
//          recurrent node tells which input axis is time, the two leading input axes are x0, x1.
//
// The feature vector of an act tensor is its F axes flattened row-major in tensor order; the
// importer refuses any operation that would reorder or mix them, so that vector is always
// exactly the output of the last IR layer in `layers`.

import { FinalPart, Layer } from '../../core/ir/model';

export type Sym = 'T' | 'B' | 'x0' | 'x1';
export type Dim = number | Sym;

export interface ConstValue {
  kind: 'const';
  dtype: number; // ONNX_DTYPE
  dims: number[];
  data: Float64Array; // (product of dims)
}

export interface ShapeValue {
  kind: 'shape';
  /** true: a scalar (rank 0); false: a 1-D vector. */
  scalar: boolean;
  elems: Dim[];
}

export interface FillValue {
  kind: 'fill';
  /** Dims as far as known ([] once an operation makes them irrelevant: only the value matters). */
  dims: Dim[];
  /** The one value; a symbol when it is the run-time time/batch length (a full-length sequence_lens). */
  value: number | Sym;
}

export type AxisRole = Sym | 'F' | '1';

export interface Axis {
  role: AxisRole;
  /** Known size: always for F and 1; for T/B/x0/x1 when the graph input fixes it. */
  size?: number;
}

/** Which per-step values an act tensor holds. */
export type ActMode =
  | 'sequence' // every time step
  | 'last' // the last time step only
  | 'final-bidir' // final states of both directions (Y_h of a bidirectional node): only a model output
  | 'final-reverse' // the final state of a reverse node (Y_h: its output at the first step): only a model output
  | 'cell'; // an LSTM cell state (Y_c): only a model output

/** The modes that are final states and no layer output: nothing may follow them but layout changes. */
export const STATE_ONLY_MODES: readonly ActMode[] = ['final-bidir', 'final-reverse', 'cell'];

/**
 * A recurrent node's final state (its Y_h or Y_c), kept on the value through layout-only
 * operations (Squeeze, Reshape, Transpose, ...) and dropped by anything that computes with it.
 */
export interface FinalState {
  part: FinalPart;
  /** The recurrent node, as diagnostics name it. */
  node: string;
}

export interface ActValue {
  kind: 'act';
  axes: Axis[];
  mode: ActMode;
  /** The IR layers that compute this tensor from the model input, in order. */
  layers: Layer[];
  /** ONNX node (name) each layer came from, parallel to layers. */
  origins: string[];
  /** Node that produced the mode change to 'last' etc., for messages. */
  note?: string;
  /** Set while the tensor is still a final state of the node that made the last layer. */
  state?: FinalState;
  /** Per-feature input normalisation found before the first layer: x' = (x - mean) / std. */
  norm?: { mean: Float64Array; std: Float64Array }; // (F), (F)
}

/**
 * Act tensors of different layers concatenated along a singleton axis (PyTorch's h_n of a
 * multi-layer LSTM). Only picking one part back out (h_n[-1]) is supported.
 */
export interface StackValue {
  kind: 'stack';
  axis: number;
  parts: ActValue[];
}

export type Value = ConstValue | ShapeValue | FillValue | ActValue | StackValue;

/**
 * The most elements one tensor folded at import time may hold (2^22, 32 MiB as float64), and all
 * of them together (2^24): exporters' shape plumbing is a few elements, weights are far smaller
 * than this, and a hostile size (2^33, 1e10) is refused before anything is allocated.
 */
export const MAX_FOLDED_ELEMENTS = 1 << 22;
export const MAX_FOLDED_TOTAL = 1 << 24;

/** A size the importer will not allocate: the importer reports it as ONNX013 on the node. */
export class ShapeLimitError extends Error {}

/** Element count of a shape whose every dimension is a non-negative integer, at most MAX_FOLDED_ELEMENTS. */
export function numel(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw new ShapeLimitError(`dimension ${d} of [${dims.join(', ')}] is not a non-negative integer`);
    n *= d;
  }
  if (n > MAX_FOLDED_ELEMENTS) throw new ShapeLimitError(`shape [${dims.join(', ')}] has ${n} elements, more than the ${MAX_FOLDED_ELEMENTS} tinyrnn folds`);
  return n;
}

export function featureWidth(a: ActValue): number {
  return a.axes.reduce((p, x) => (x.role === 'F' ? p * (x.size as number) : p), 1);
}

export function describeAxes(axes: readonly Axis[]): string {
  return axes.map((a) => (a.role === 'F' ? `F${a.size}` : a.role)).join(',');
}

export function describeValue(v: Value): string {
  switch (v.kind) {
    case 'const':
      return `constant [${v.dims.join(', ')}]`;
    case 'shape':
      return `shape vector [${v.elems.join(', ')}]`;
    case 'fill':
      return `constant ${v.value} of shape [${v.dims.join(', ')}]`;
    case 'act':
      return `model data (${describeAxes(v.axes)})`;
    case 'stack':
      return `a concatenation of ${v.parts.length} layers' outputs`;
  }
}

/** "Y_h of node 0 \"lstm\" (LSTM), the final states of both directions of a bidirectional node": what a final-state value is. */
export function describeState(a: ActValue): string {
  const what: Record<ActMode, string> = {
    sequence: 'per-step outputs',
    last: 'the last step of a forward node',
    'final-bidir': 'the final states of both directions of a bidirectional node',
    'final-reverse': 'the final state of a reverse node (its state after the first time step)',
    cell: "an LSTM's cell state",
  };
  return `${a.note ?? 'model data'}, ${what[a.mode]}`;
}
