// The IR stage's registry: every kind's validation and per-layer facts (compiler/layers/<kind>/ir.ts),
// and the functions the rest of tinyrnn calls for a fact of a layer or a model. Each fact is
// computed in one place, its kind's file; these functions only look the kind up.
import type { IrHooks, TablesUsed } from '../core/ir/kind-hooks';
import type { QOutputType } from '../core/ir/quant-check';
import { KindRegistry, Layer, LayerKind, LayerOf, QLayer, QLayerOf } from '../core/ir/kinds';
import type { CellKind } from './cell/ir';
import { ir as bidirectional } from './bidirectional/ir';
import { ir as dense } from './dense/ir';
import { ir as elman } from './elman/ir';
import { ir as gru } from './gru/ir';
import { ir as jordan } from './jordan/ir';
import { ir as lstm } from './lstm/ir';
import { ir as pool } from './pool/ir';
import { ir as lsm } from './lsm/ir';
import { ir as reverse } from './reverse/ir';

export type IrRegistry = KindRegistry<{ [K in LayerKind]: IrHooks<LayerOf<K>, QLayerOf<K>> }>;

export const IR_KINDS: IrRegistry = { elman, lstm, gru, bidirectional, dense, jordan, pool, lsm, reverse };

/** The IR hooks of a layer's kind (float or quantised layer). */
export function irOf<K extends LayerKind>(l: { kind: K }): IrHooks<LayerOf<K>, QLayerOf<K>> {
  return IR_KINDS[l.kind];
}

/** The shape of any layer, float or quantised: what the size helpers below need. */
export type LayerShape =
  | { kind: CellKind; inputSize: number; hidden: number }
  | { kind: 'bidirectional'; forward: { inputSize: number; hidden: number }; backward: { hidden: number } }
  | { kind: 'dense'; inputSize: number; units: number }
  | { kind: 'jordan'; inputSize: number; hidden: number; units: number }
  | { kind: 'pool'; inputSize: number; segments: number; abs: boolean }
  | { kind: 'lsm'; inputSize: number; units: number }
  | { kind: 'reverse'; cell: { inputSize: number; hidden: number } };

/** Width of a layer's output (float and quantised layers alike). */
export function layerOutputSize(l: LayerShape): number {
  return (irOf(l).outputSize as (s: LayerShape) => number)(l);
}

/** Width of a layer's input (float and quantised layers alike). */
export function layerInputSize(l: LayerShape): number {
  return (irOf(l).inputSize as (s: LayerShape) => number)(l);
}

/** Number of trainable parameters of a float layer. */
export function layerParamCount(l: Layer): number {
  return irOf(l).paramCount(l);
}

/** Bytes of the integer parameters a device stores for a layer (weights, biases, multipliers, shifts). */
export function qLayerBytes(l: QLayer): number {
  return irOf(l).paramBytes(l);
}

/** Bytes of a quantised layer's recurrent state (kept between steps). */
export function layerStateBytes(l: QLayer): number {
  return irOf(l).stateBytes(l);
}

/** Bytes of a quantised layer's per-step scratch (the reference floor). */
export function layerScratchBytes(l: QLayer): number {
  return irOf(l).scratchBytes(l);
}

/** Multiply-accumulates of one time step of a quantised layer. */
export function layerMacs(l: QLayer): number {
  return irOf(l).macs(l);
}

/** The activation tables a quantised layer reads. */
export function layerTables(l: QLayer): TablesUsed {
  return irOf(l).tables(l);
}

/** Storage type of a quantised layer's output. */
export function layerOutType(l: QLayer): QOutputType {
  return irOf(l).outType(l);
}

/** Storage type of a model's output: its last layer's (a QuantModel records it as outputType). */
export function lastOutputType(m: { layers: QLayer[] }): QOutputType {
  return layerOutType(m.layers[m.layers.length - 1]);
}

/**
 * True when the model answers sample by sample: every layer steps one sample at a time (a
 * bidirectional or reverse layer needs the whole sequence) and it outputs a layer output per step
 * (output mode 'final' answers once, after the whole sequence).
 */
export function isStreaming(m: { layers: { kind: LayerKind }[]; output?: string }): boolean {
  return m.output !== 'final' && m.layers.every((l) => IR_KINDS[l.kind].streams);
}
