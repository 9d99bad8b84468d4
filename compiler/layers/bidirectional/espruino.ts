// The Espruino stage of a bidirectional layer (kernel kind bidirectional): its two cells are
// layer objects of their own (f, b: the cell kind's view and unrolled step, ids ID f and ID b), and
// the outer object carries the forward width Hf and the output width O (the concatenation).
import { QBidirectionalLayer, QCellLayer, QLayerOf, qLayerOutputSize } from '../../core/ir/quant-model';
import { EspruinoHooks, UnrolledLayer } from '../../../targets/espruino/hooks';
import { KERNEL_KIND } from '../../../targets/espruino/kinds';
import { fieldLit } from '../../../targets/espruino/arith';
import { elman } from '../elman/espruino';
import { lstm } from '../lstm/espruino';
import { gru } from '../gru/espruino';

/** The hooks of the cell kinds a bidirectional layer wraps. */
const CELLS: { readonly [K in QCellLayer['kind']]: EspruinoHooks<QLayerOf<K>> } = { elman, lstm, gru };

/** The hooks of a half's (or a reverse layer's) cell kind (typed for that kind, so they take l). */
export function cellHooks(l: QCellLayer): EspruinoHooks<QCellLayer> {
  return CELLS[l.kind];
}

/** The two halves with their identifier suffixes. */
function halves(l: QBidirectionalLayer): [string, QCellLayer, string][] {
  return [
    ['f', l.forward, 'forward'],
    ['b', l.backward, 'backward'],
  ];
}

export const bidirectional: EspruinoHooks<QBidirectionalLayer> = {
  describe: (l) => `bidirectional ${l.forward.kind}, input ${l.forward.inputSize}, hidden ${l.forward.hidden}+${l.backward.hidden}`,
  view(l, ctx, at) {
    const [fwd, bwd] = halves(l).map(([s, c, comment]) => cellHooks(c).view(c, ctx, { id: `${at.id}${s}`, comment, inBiased: at.inBiased }));
    const fields = [
      { name: 'kind', expr: fieldLit(KERNEL_KIND.bidirectional) },
      { name: 'Hf', expr: fieldLit(l.forward.hidden) },
      { name: 'O', expr: fieldLit(qLayerOutputSize(l)) },
    ];
    return { id: at.id, kind: KERNEL_KIND.bidirectional, comment: at.comment, fields, fwd, bwd };
  },
  unroll(l, at) {
    const parts = halves(l).map(([s, c]): UnrolledLayer => cellHooks(c).unroll(c, { ...at, id: `${at.id}${s}` }));
    return { fns: parts.flatMap((p) => p.fns), attach: parts.flatMap((p) => p.attach) };
  },
  rows: (l) => cellHooks(l.forward).rows(l.forward) + cellHooks(l.backward).rows(l.backward),
};
