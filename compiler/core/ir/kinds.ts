// The list of layer kinds and the unions of their float and quantised layers, written once. Each
// kind's types live in its folder (compiler/layers/<kind>/ir.ts); model.ts and quant-types.ts
// re-export what is gathered here. This file imports only the kinds' ir.ts files, which import no
// union back, so no cycle runs through it.
import type { BidirectionalLayer, CellLayer, QBidirectionalLayer, QCellLayer } from '../../layers/bidirectional/ir';
import type { DenseLayer, QDenseLayer } from '../../layers/dense/ir';
import type { JordanLayer, QJordanLayer } from '../../layers/jordan/ir';
import type { PoolLayer, QPoolLayer } from '../../layers/pool/ir';
import type { LsmLayer, QLsmLayer } from '../../layers/lsm/ir';
import type { QReverseLayer, ReverseLayer } from '../../layers/reverse/ir';

export type { BidirectionalLayer, CellLayer, QBidirectionalLayer, QCellLayer } from '../../layers/bidirectional/ir';
export type { QReverseLayer, ReverseLayer } from '../../layers/reverse/ir';

/** Every layer kind a FloatModel may contain. */
export const LAYER_KINDS = ['elman', 'lstm', 'gru', 'bidirectional', 'dense', 'jordan', 'pool', 'lsm', 'reverse'] as const;
export type LayerKind = (typeof LAYER_KINDS)[number];

/** True for a known layer kind (a decoded file's `kind` field is checked with this). */
export function isLayerKind(k: unknown): k is LayerKind {
  return (LAYER_KINDS as readonly unknown[]).includes(k);
}

export type Layer = CellLayer | BidirectionalLayer | DenseLayer | JordanLayer | PoolLayer | LsmLayer | ReverseLayer;
export type QLayer = QCellLayer | QBidirectionalLayer | QDenseLayer | QJordanLayer | QPoolLayer | QLsmLayer | QReverseLayer;

/** The float layer of one kind. */
export type LayerOf<K extends LayerKind> = Extract<Layer, { kind: K }>;
/** The quantised layer of one kind. */
export type QLayerOf<K extends QLayer['kind']> = Extract<QLayer, { kind: K }>;

/**
 * One stage's table of per-kind hooks (compiler/layers/<stage>.ts): an entry for every kind, so a
 * new kind is a compile error in every stage until its hook exists. Hooks<K> is the stage's hook
 * type for kind K.
 */
export type KindRegistry<Hooks extends { [K in LayerKind]: unknown }> = { readonly [K in LayerKind]: Hooks[K] };

/**
 * Whether a model's head ends in softmax (its outputs are probabilities, or on the device logits
 * whose argmax is the class) rather than in logits left to the loss (the usual PyTorch form).
 */
export function endsInSoftmax(layers: readonly { kind: string }[]): boolean {
  const last = layers[layers.length - 1] as { kind: string; activation?: string } | undefined;
  return last?.kind === 'dense' && last.activation === 'softmax';
}
