// What an ONNX import is asked for and what it reports back.

import { FloatModel, Layer, OutputMode, Task } from '../../core/ir/model';
import { WorkMeter } from '../../core/util/work';
import { OnnxTensor } from './codec';

export interface ImportOptions {
  /** Model name (default: the graph name, else "onnx-model"). */
  name?: string;
  /** Which graph output is the model's output (default: the first). */
  output?: string;
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

export interface ImportResult {
  model: FloatModel;
  input: { name: string; layout: string; shape: (number | string | null)[] };
  output: { name: string; layout: string; mode: OutputMode };
  /** Graph outputs that were not imported (e.g. PyTorch's h_n/c_n). */
  ignoredOutputs: string[];
  layers: ImportedLayer[];
  opset: number;
  producer: string;
  /** Nodes evaluated at import time (shape plumbing, constants). */
  folded: number;
  /** Nodes the chosen output does not depend on. */
  unused: number;
}
