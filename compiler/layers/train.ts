// The training stage's registry: each layer kind's hooks (compiler/layers/<kind>/train.ts). A kind
// without hooks is a compile error here; compiler/train/net.ts, init.ts and metrics.ts look layers
// up in it.

import { KindRegistry, LayerKind, LayerOf } from '../core/ir/model';
import { TrainKindHooks } from '../train/hooks';
import { bidirectionalTrain } from './bidirectional/train';
import { denseTrain } from './dense/train';
import { elmanTrain } from './elman/train';
import { gruTrain } from './gru/train';
import { jordanTrain } from './jordan/train';
import { lstmTrain } from './lstm/train';
import { poolTrain } from './pool/train';
import { lsmTrain } from './lsm/train';
import { reverseTrain } from './reverse/train';

export type TrainRegistry = KindRegistry<{ [K in LayerKind]: TrainKindHooks<LayerOf<K>> }>;

export const TRAIN_KINDS = {
  elman: elmanTrain,
  lstm: lstmTrain,
  gru: gruTrain,
  bidirectional: bidirectionalTrain,
  dense: denseTrain,
  jordan: jordanTrain,
  pool: poolTrain,
  lsm: lsmTrain,
  reverse: reverseTrain,
} satisfies TrainRegistry;

/** A node of the training network, of whichever kind (the union of the kinds' node types). */
export type TrainNetNode = ReturnType<(typeof TRAIN_KINDS)[LayerKind]['node']>;

const BY_KIND: KindRegistry<{ [K in LayerKind]: TrainKindHooks<LayerOf<K>, TrainNetNode> }> = TRAIN_KINDS;

/** The training hooks of a layer kind. */
export function trainHooks<K extends LayerKind>(kind: K): TrainKindHooks<LayerOf<K>, TrainNetNode> {
  return BY_KIND[kind];
}
