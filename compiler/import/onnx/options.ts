// What an ONNX import is asked for and what it reports back.

import { FinalPart, FloatModel, Layer, OutputMode, Task } from '../../core/ir/model';
import { WorkMeter } from '../../core/util/work';
import { OnnxTensor } from './codec';

export interface ImportOptions {
  /** Model name (default: the graph name, else "onnx-model"). */
  name?: string;
  /**
   * Which graph output is the model's output, or several: the final states (Y_h, Y_c) of one
   * recurrent node, in this order (default: the first graph output; all of them when they all
   * are final states of one node).
   */
  output?: string | readonly string[];
  /** Graph inputs bound to constants (as the ONNX test data sets bind weights given as inputs). */
  bind?: Record<string, OnnxTensor>;
  /** Overrides the task (default: classification when the model ends in softmax or labels are given, else regression). */
  task?: Task;
  /** Class labels of a classifier (implies the classification task; default: "0", "1", ... for a classifier). */
  labels?: string[];
  /** Source file name, kept in meta.extra. */
  source?: string;
  /** Counts the import's work (bytes, nodes, edges, tensor elements decoded), also when it ends in an error. */
  work?: WorkMeter;
}

export interface ImportedLayer {
  index: number;
  kind: Layer['kind'];
  name: string;
  /** ONNX node the layer (or its weights) came from. */
  node: string;
}

/**
 * The slice [offset, offset + size) of the model's output vector that one graph output fills; a
 * final state beside a main output (a slice with `part` when the mode is not 'final') fills a
 * slice of the final-state vector instead.
 */
export interface OutputSlice {
  name: string;
  /** Its axes, as the import understood them (e.g. "F2,B,F8" for a bidirectional Y_h). */
  layout: string;
  offset: number;
  size: number;
  /** A final state: which one. */
  part?: FinalPart;
}

/** Graph outputs left out of the model, and how to import the final states among them. */
export interface IgnoredOutputs {
  names: string[];
  hint?: string;
}

export interface ImportResult {
  model: FloatModel;
  input: { name: string; layout: string; shape: (number | string | null)[] };
  /** name, layout: the graph outputs' (joined by ", " and "; " when several). */
  output: { name: string; layout: string; mode: OutputMode; final?: FinalPart[]; slices: OutputSlice[] };
  /** Graph outputs that were not imported (e.g. PyTorch's h_n/c_n). */
  ignoredOutputs: string[];
  /** How to import the final states among the ignored outputs (e.g. "--output h_n,c_n ..."). */
  ignoredHint?: string;
  layers: ImportedLayer[];
  opset: number;
  producer: string;
  /** Nodes evaluated at import time (shape plumbing, constants). */
  folded: number;
  /** Nodes the chosen output does not depend on. */
  unused: number;
}
