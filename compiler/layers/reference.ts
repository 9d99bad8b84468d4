// The reference stage's registry: every kind's integer kernel (compiler/layers/<kind>/reference.ts):
// its streaming state, reset, one step, and whole-sequence run. The drivers in
// compiler/core/reference/index.ts look a layer's kind up here.
import { KindRegistry, LayerKind, QLayerOf } from '../core/ir/kinds';
import type { RefHooks } from '../core/reference/kernel';
import type { QCellState } from './cell/reference';
import type { QJordanState } from './jordan/reference';
import { reference as bidirectional } from './bidirectional/reference';
import { reference as dense } from './dense/reference';
import { reference as elman } from './elman/reference';
import { reference as gru } from './gru/reference';
import { reference as jordan } from './jordan/reference';
import { reference as lstm } from './lstm/reference';
import { reference as pool } from './pool/reference';
import { reference as lsm } from './lsm/reference';
import type { QPoolState } from './pool/reference';
import type { QLsmState } from './lsm/reference';
import { reference as reverse } from './reverse/reference';

/** The streaming state of each kind (null: the kind keeps none between steps). */
export interface RefState {
  elman: QCellState;
  lstm: QCellState;
  gru: QCellState;
  bidirectional: null;
  dense: null;
  jordan: QJordanState;
  pool: QPoolState;
  lsm: QLsmState;
  reverse: null;
}

export type ReferenceRegistry = KindRegistry<{ [K in LayerKind]: RefHooks<QLayerOf<K>, RefState[K]> }>;

export const REFERENCE_KINDS: ReferenceRegistry = { elman, lstm, gru, bidirectional, dense, jordan, pool, lsm, reverse };

/** The reference hooks of a quantised layer's kind. */
export function referenceOf<K extends LayerKind>(l: { kind: K }): RefHooks<QLayerOf<K>, RefState[K]> {
  return REFERENCE_KINDS[l.kind];
}
