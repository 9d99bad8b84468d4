// Training hooks of a pooling layer: it has no parameters, and it only sits between a reservoir
// and its readout, which are fitted in closed form (compiler/esn), so a gradient trainer refuses it
// with TRN001, as it refuses a leaky Elman reservoir.
import { PoolLayer } from '../../core/ir/model';
import { TrainKindHooks, unsupported } from '../../train/hooks';

export const poolTrain: TrainKindHooks<PoolLayer, never> = {
  recurrent: true,
  params: () => [],
  node: (_l, ctx) =>
    unsupported(ctx.path, 'a pool layer (a reservoir readout feature) is not trained by gradient descent', 'train reservoirs with --cell esn: the readout is fitted in closed form'),
  init: () => undefined,
  workspaceWidth: (l) => l.inputSize * l.segments,
};
