// The float-inference stage's registry: each layer kind's hooks (compiler/layers/<kind>/float.ts).
// A kind without hooks is a compile error here; compiler/float/infer.ts looks layers up in it.

import { KindRegistry, LayerKind, LayerOf } from '../core/ir/model';
import { FloatHooks } from '../float/hooks';
import { bidirectionalFloat } from './bidirectional/float';
import { denseFloat } from './dense/float';
import { elmanFloat } from './elman/float';
import { gruFloat } from './gru/float';
import { jordanFloat } from './jordan/float';
import { lstmFloat } from './lstm/float';
import { poolFloat } from './pool/float';
import { lsmFloat } from './lsm/float';
import { reverseFloat } from './reverse/float';

export type FloatRegistry = KindRegistry<{ [K in LayerKind]: FloatHooks<LayerOf<K>> }>;

export const FLOAT_KINDS: FloatRegistry = {
  elman: elmanFloat,
  lstm: lstmFloat,
  gru: gruFloat,
  bidirectional: bidirectionalFloat,
  dense: denseFloat,
  jordan: jordanFloat,
  pool: poolFloat,
  lsm: lsmFloat,
  reverse: reverseFloat,
};

/** The float hooks of a layer kind. */
export function floatHooks<K extends LayerKind>(kind: K): FloatHooks<LayerOf<K>> {
  return FLOAT_KINDS[kind];
}
