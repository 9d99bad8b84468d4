// The Espruino stage of a pool layer: not implemented. The Espruino target refuses a model with a
// pool layer (EMIT003) when it builds the layer object, so no module is written for it; compile
// such a model for the C target. (The pool's arithmetic, docs/quantization.md "Pool", needs an
// int32 sum per unit and segment and a rounded division per output: a loop kernel of its own.)
import { TinyrnnError } from '../../core/ir/errors';
import { QPoolLayer } from '../../core/ir/quant-model';
import { EspruinoHooks } from '../../../targets/espruino/hooks';

function refuse(l: QPoolLayer, id: string): never {
  throw new TinyrnnError({
    code: 'EMIT003',
    path: `layers[${id.replace(/^l/, '')}]`,
    message: 'the Espruino target has no pool layer kernel',
    value: `pool (${l.segments} segment${l.segments > 1 ? 's' : ''})`,
    hint: 'compile this model for the C target, or train the reservoir with --readout last',
  });
}

export const pool: EspruinoHooks<QPoolLayer> = {
  describe: (l) => `pool, input ${l.inputSize}, ${l.segments} segments${l.abs ? ' with mean absolute values' : ''}, window ${l.window}`,
  view: (l, _ctx, at) => refuse(l, at.id),
  unroll: (l, at) => refuse(l, at.id),
  rows: () => 0,
};
