// What a layer kind supplies to the quantiser (compiler/layers/<kind>/quant.ts, listed in
// compiler/layers/quant.ts): its checks before calibration, its quantisation parameters from the
// calibrated ranges, and how its integer trace entries compare with the float ones in the int8
// error report. A leaf below the model driver (quantize.ts), the report (report.ts) and the kinds.

import { LayerKind, LayerOf } from '../core/ir/model';
import { QLayerOf, QuantDoc } from '../core/ir/quant-model';
import type { RangeStat } from './calibrate';
import { Cols, Problems, QParams } from './rows';

/** The documentation scales of one quantised layer (QuantModel.doc.layers[i]). */
export type DocLayer = QuantDoc['layers'][number];

/** What the model driver knows when it quantises one layer. */
export interface LayerQuantContext {
  p: Problems;
  /** JSON path of the layer, e.g. "layers[2]" or "layers[0].forward". */
  path: string;
  /** The layer's int8/int16 input, per column. */
  inQ: Cols;
  /** The model's last layer (its output is the int16 model output). */
  isLast: boolean;
  /** Calibrated range of one of this layer's float observer keys ("h", "c", "out", ...). */
  stat(key: string): RangeStat | undefined;
  percentile: number | undefined;
}

export interface LayerQuantResult<K extends LayerKind> {
  layer: QLayerOf<K>;
  /** The int8 (or int16, last layer) parameters of the layer's output. */
  out: QParams;
  doc: DocLayer;
}

export const S16: [number, number] = [-32768, 32767];
export const S8: [number, number] = [-128, 127];

/** An integer trace entry in real units, and where it goes in the error report. */
export interface TraceEntry {
  /** The float observer key it compares to. */
  floatKey: string;
  values: Float64Array;
  /** The integer type's limits, when reaching them means saturation. */
  limits?: [number, number];
  /** The layer's part of the tensor name, after "L<n> ": "lstm", "fwd gru", "dense". */
  label: string;
  /** The tensor's part: "pre", "h16", "out", ... */
  tensor: string;
  /** Gate names when the tensor holds one block per gate (split in the report). */
  gates?: readonly string[];
  /** The layer's recurrent hidden output h (its error over time is reported). */
  hidden: boolean;
}

export interface QuantHooks<K extends LayerKind> {
  /** Problems found before calibration runs (QNT001, QNT002, QNT006). */
  preflight(p: Problems, l: LayerOf<K>, path: string, isLast: boolean): void;
  quantize(ctx: LayerQuantContext, l: LayerOf<K>): LayerQuantResult<K>;
  /** A trace entry of the reference (layer i, key) in real units; null when it has no float counterpart. */
  trace(l: QLayerOf<K>, doc: DocLayer, key: string, v: Int32Array): TraceEntry | null;
}
