// Float inference of a bidirectional layer: its forward cell over the sequence, its backward cell
// over the sequence reversed, outputs concatenated (fwd, bwd) at every step. It cannot stream.

import { TinyrnnError } from '../../core/ir/errors';
import { BidirectionalLayer, CellKind, LayerOf, layerOutputSize } from '../../core/ir/model';
import { FloatHooks } from '../../float/hooks';
import { CellFloatHooks } from '../cell/float';
import { elmanFloat } from '../elman/float';
import { gruFloat } from '../gru/float';
import { lstmFloat } from '../lstm/float';

const CELL_FLOAT: { readonly [K in CellKind]: CellFloatHooks<LayerOf<K>> } = { elman: elmanFloat, lstm: lstmFloat, gru: gruFloat };

function cellFloat<K extends CellKind>(kind: K): CellFloatHooks<LayerOf<K>> {
  return CELL_FLOAT[kind];
}

export const bidirectionalFloat: FloatHooks<BidirectionalLayer> = {
  newState: () => null,
  step: (_l, _x, _st, _obs, path) => {
    throw new TinyrnnError({
      code: 'RUN002',
      path,
      message: 'a bidirectional layer cannot run step by step',
      hint: 'its backward half needs the whole sequence: use a whole-sequence run',
    });
  },
  run: (l, seq, obsAt) => {
    const fwd = cellFloat(l.forward.kind).run(l.forward, seq, (t) => obsAt(t, 'fwd.'));
    const bwd = cellFloat(l.backward.kind).run(l.backward, seq, (t) => obsAt(t, 'bwd.'), true);
    const Hf = l.forward.hidden;
    const out = fwd.seq.map((f, t) => {
      const o = new Float64Array(layerOutputSize(l));
      o.set(f, 0);
      o.set(bwd.seq[t], Hf);
      return o;
    });
    return { seq: out, hn: [...fwd.hn, ...bwd.hn], cn: [...fwd.cn, ...bwd.cn] };
  },
};
