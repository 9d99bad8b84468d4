// Quantisation of a bidirectional layer (docs/quantization.md section 7): both halves are cells of
// one kind quantised as that kind is, with one output tensor, so one h8 scale and zero point over
// the calibrated ranges of both halves' h. Float observer keys of the halves start with "fwd." and
// "bwd.".

import { CellKind, CellLayer } from '../../core/ir/model';
import { LayerQuantContext, QuantHooks } from '../../quant/hooks';
import { QParams, int8Params } from '../../quant/rows';
import { CellQuantHooks, cellDoc, cellPreflight, cellTrace, hRange, quantizeCell } from '../cell/quant';
import { elmanCell } from '../elman/quant';
import { gruCell } from '../gru/quant';
import { lstmCell } from '../lstm/quant';

const CELLS: { readonly [K in CellKind]: CellQuantHooks<K> } = { elman: elmanCell, lstm: lstmCell, gru: gruCell };

/** The quantisation hooks of a cell kind (shared with the reverse layer). */
export function cellHooks<K extends CellKind>(kind: K): CellQuantHooks<K> {
  return CELLS[kind];
}

/** A nested cell's context: its JSON path (the layer's + field) and its calibration keys (prefix + the cell's key). */
export function nestedContext(ctx: LayerQuantContext, field: string, prefix: 'fwd.' | 'bwd.'): LayerQuantContext {
  return { ...ctx, path: `${ctx.path}.${field}`, stat: (k) => ctx.stat(`${prefix}${k}`) };
}

/** One half's context. */
function half(ctx: LayerQuantContext, field: 'forward' | 'backward'): LayerQuantContext {
  return nestedContext(ctx, field, field === 'forward' ? 'fwd.' : 'bwd.');
}

function quantizeHalf(ctx: LayerQuantContext, c: CellLayer, hQ: QParams) {
  return quantizeCell(cellHooks(c.kind), ctx, c, hQ);
}

export const bidirectional: QuantHooks<'bidirectional'> = {
  preflight(p, l, path) {
    cellPreflight(cellHooks(l.forward.kind), p, l.forward, `${path}.forward`);
    cellPreflight(cellHooks(l.backward.kind), p, l.backward, `${path}.backward`);
  },
  quantize(ctx, l) {
    const fwd = half(ctx, 'forward');
    const bwd = half(ctx, 'backward');
    const [flo, fhi] = hRange(l.forward, fwd.stat('h'), ctx.percentile);
    const [blo, bhi] = hRange(l.backward, bwd.stat('h'), ctx.percentile);
    const hQ = int8Params(Math.min(flo, blo), Math.max(fhi, bhi));
    const forward = quantizeHalf(fwd, l.forward, hQ);
    const backward = quantizeHalf(bwd, l.backward, hQ);
    const layer = { kind: 'bidirectional' as const, ...(l.name !== undefined ? { name: l.name } : {}), forward, backward };
    return { layer, out: hQ, doc: cellDoc(hQ, undefined) };
  },
  trace(l, doc, key, v) {
    const fwd = key.startsWith('fwd.');
    return cellTrace(fwd ? l.forward : l.backward, doc, key.slice(4), v, fwd ? 'fwd' : 'bwd');
  },
};
