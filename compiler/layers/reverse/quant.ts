// Quantisation of a reverse layer (docs/quantization.md section 7): its cell quantised as its kind
// is, from the calibrated range of its h. Float observer keys start with "bwd." (the backward half
// of a bidirectional layer), the JSON path of the cell ends in ".cell".

import { CellKind, CellLayer } from '../../core/ir/model';
import { QCellLayer } from '../../core/ir/quant-model';
import { QuantHooks } from '../../quant/hooks';
import { int8Params } from '../../quant/rows';
import { CellQuantHooks, cellDoc, cellPreflight, cellTrace, hRange, quantizeCell } from '../cell/quant';
import { cellHooks, nestedContext } from '../bidirectional/quant';

/** The hooks of the cell's kind, for any cell. */
const hooksOf = (c: CellLayer | QCellLayer): CellQuantHooks<CellKind> => cellHooks(c.kind) as CellQuantHooks<CellKind>;

export const reverse: QuantHooks<'reverse'> = {
  preflight: (p, l, path) => cellPreflight(hooksOf(l.cell), p, l.cell, `${path}.cell`),
  quantize(ctx, l) {
    const c = nestedContext(ctx, 'cell', 'bwd.');
    const hQ = int8Params(...hRange(l.cell, c.stat('h'), ctx.percentile));
    const cell = quantizeCell(hooksOf(l.cell), c, l.cell, hQ);
    const layer = { kind: 'reverse' as const, ...(l.name !== undefined ? { name: l.name } : {}), cell };
    return { layer, out: hQ, doc: cellDoc(hQ, hooksOf(cell).cellScale?.(cell)) };
  },
  trace: (l, doc, key, v) => (key.startsWith('bwd.') ? cellTrace(l.cell, doc, key.slice(4), v, 'bwd') : null),
};
