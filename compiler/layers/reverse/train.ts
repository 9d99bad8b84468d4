// Training of a reverse layer: its cell run backwards in time on one node (as the backward half of
// a bidirectional layer is), trained and initialised as its cell kind. Tensors are named "cell.wx", ...

import { CellLayer, ReverseLayer } from '../../core/ir/model';
import { TrainKindHooks } from '../../train/hooks';
import { CellNode, CellTrainHooks, cellParams, newTrainCell } from '../cell/train';
import { cellTrain } from '../bidirectional/train';

const hooksOf = (c: CellLayer): CellTrainHooks<CellLayer> => cellTrain(c.kind) as CellTrainHooks<CellLayer>;

export const reverseTrain = {
  recurrent: true,
  params: (l) => cellParams(l.cell, 'cell'),
  node: (l, ctx) => new CellNode([newTrainCell(hooksOf(l.cell), l.cell, ctx, 'cell', true)], l.cell.inputSize, l.cell.hidden, ctx),
  init: (rng, l) => hooksOf(l.cell).init(rng, l.cell),
  workspaceWidth: (l) => 4 * l.cell.hidden,
} satisfies TrainKindHooks<ReverseLayer, CellNode>;
