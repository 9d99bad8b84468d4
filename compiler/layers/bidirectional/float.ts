// Float inference of a bidirectional layer: its forward cell over the sequence, its backward cell
// over the sequence reversed, outputs concatenated (fwd, bwd) at every step. It cannot stream.
// The backward half and the refused step are shared with the reverse layer.

import { TinyrnnError } from '../../core/ir/errors';
import { BidirectionalLayer, CellKind, CellLayer, Layer, LayerOf, layerOutputSize } from '../../core/ir/model';
import { FloatHooks, LayerRun, ObserverAt } from '../../float/hooks';
import { CellFloatHooks } from '../cell/float';
import { elmanFloat } from '../elman/float';
import { gruFloat } from '../gru/float';
import { lstmFloat } from '../lstm/float';

const CELL_FLOAT: { readonly [K in CellKind]: CellFloatHooks<LayerOf<K>> } = { elman: elmanFloat, lstm: lstmFloat, gru: gruFloat };

function cellFloat<K extends CellKind>(kind: K): CellFloatHooks<LayerOf<K>> {
  return CELL_FLOAT[kind];
}

/** A cell over the sequence reversed, from zero state (observer keys prefixed "bwd."). */
export function runBackwardFloat(c: CellLayer, seq: readonly Float64Array[], obsAt: ObserverAt): LayerRun {
  return (cellFloat(c.kind) as CellFloatHooks<CellLayer>).run(c, seq, (t) => obsAt(t, 'bwd.'), true);
}

/** The streaming step of a layer that needs the whole sequence (what: e.g. "a bidirectional layer"): RUN002. */
export function wholeSequenceFloatStep(what: string): FloatHooks<Layer>['step'] {
  return (_l, _x, _st, _obs, path) => {
    throw new TinyrnnError({
      code: 'RUN002',
      path,
      message: `${what} cannot run step by step`,
      hint: 'it runs backwards in time and needs the whole sequence: use a whole-sequence run',
    });
  };
}

export const bidirectionalFloat: FloatHooks<BidirectionalLayer> = {
  newState: () => null,
  step: wholeSequenceFloatStep('a bidirectional layer'),
  run: (l, seq, obsAt) => {
    const fwd = cellFloat(l.forward.kind).run(l.forward, seq, (t) => obsAt(t, 'fwd.'));
    const bwd = runBackwardFloat(l.backward, seq, obsAt);
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
