// The Espruino stage of a liquid: not implemented yet. The Espruino target refuses a model with a
// liquid (EMIT003) when it builds the layer object, so no module is written for it; the integer
// kernel is defined in docs/quantization.md, "Liquid state machine" (compiler/layers/lsm/reference.ts).
import { TinyrnnError } from '../../core/ir/errors';
import { EspruinoHooks } from '../../../targets/espruino/hooks';
import { QLsmLayer } from './ir';

function refuse(l: QLsmLayer, id: string): never {
  throw new TinyrnnError({
    code: 'EMIT003',
    path: `layers[${id.replace(/^l/, '')}]`,
    message: 'the Espruino target has no liquid state machine kernel',
    value: `lsm (${l.units} neurons)`,
    hint: 'run the liquid with the TypeScript reference (tinyrnn run) or use an echo state network (--cell esn) on Espruino',
  });
}

export const lsm: EspruinoHooks<QLsmLayer> = {
  describe: (l) => `liquid state machine, input ${l.inputSize}, ${l.units} spiking neurons, ${l.fanOut} synapses each`,
  view: (l, _ctx, at) => refuse(l, at.id),
  unroll: (l, at) => refuse(l, at.id),
  rows: () => 0,
};
