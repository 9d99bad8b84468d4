// The C part of a liquid: not implemented yet. The C target refuses a model with a liquid
// (EMIT004) when it plans the layer's memory, so no file is written for it; the integer kernel is
// defined in docs/quantization.md, "Liquid state machine" (compiler/layers/lsm/reference.ts).
import { TinyrnnError } from '../../core/ir/errors';
import { CHooks, KindView } from '../../../targets/c/kind';

function refuse(l: KindView<'lsm'>): never {
  throw new TinyrnnError({
    code: 'EMIT004',
    path: `layers[${l.index}]`,
    message: 'the C target has no liquid state machine kernel',
    value: `lsm (${l.layer.units} neurons)`,
    hint: 'run the liquid with the TypeScript reference (tinyrnn run) or use an echo state network (--cell esn) for the C target',
  });
}

export const lsm: CHooks<'lsm'> = {
  rowSets: () => [],
  reservoirs: () => [],
  memory: (l) => refuse(l),
  descriptors: () => [],
  step: (l) => refuse(l),
  sequence: (l) => refuse(l),
};
