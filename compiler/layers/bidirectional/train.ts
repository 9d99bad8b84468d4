// Training of a bidirectional layer: its forward cell and its backward cell (run backwards in
// time) on one node, outputs concatenated (fwd, bwd); each half trained and initialised as its
// cell kind.

import { BidirectionalLayer, CellKind, LayerOf, layerOutputSize } from '../../core/ir/model';
import { TrainKindHooks } from '../../train/hooks';
import { CellNode, CellTrainHooks, cellParams, newTrainCell } from '../cell/train';
import { elmanCellTrain } from '../elman/train';
import { gruCellTrain } from '../gru/train';
import { lstmCellTrain } from '../lstm/train';

const CELL_TRAIN: { readonly [K in CellKind]: CellTrainHooks<LayerOf<K>> } = { elman: elmanCellTrain, lstm: lstmCellTrain, gru: gruCellTrain };

/** The training hooks of a cell kind (shared with the reverse layer). */
export function cellTrain<K extends CellKind>(kind: K): CellTrainHooks<LayerOf<K>> {
  return CELL_TRAIN[kind];
}

export const bidirectionalTrain = {
  recurrent: true,
  params: (l) => [...cellParams(l.forward, 'forward'), ...cellParams(l.backward, 'backward')],
  node: (l, ctx) => {
    const fwd = newTrainCell(cellTrain(l.forward.kind), l.forward, ctx, 'forward', false);
    const bwd = newTrainCell(cellTrain(l.backward.kind), l.backward, ctx, 'backward', true);
    return new CellNode([fwd, bwd], l.forward.inputSize, layerOutputSize(l), ctx);
  },
  init: (rng, l) => {
    cellTrain(l.forward.kind).init(rng, l.forward);
    cellTrain(l.backward.kind).init(rng, l.backward);
  },
  workspaceWidth: (l) => 4 * l.forward.hidden,
} satisfies TrainKindHooks<BidirectionalLayer, CellNode>;
