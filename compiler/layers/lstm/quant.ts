// Quantisation of an LSTM layer (docs/quantization.md section 7): the shared cell rows
// (compiler/layers/cell/quant.ts), the h16 -> h8 requantisation, and the int16 cell state's
// fraction bits from the calibrated range of c. Peepholes are not part of the int8 spec (QNT002).

import { nonFinite } from '../../quant/rows';
import { CellQuantHooks, cellLayerHooks, h16ToH8 } from '../cell/quant';

export const lstmCell: CellQuantHooks<'lstm'> = {
  check(p, c, path) {
    if (!c.peepholes) return;
    nonFinite(p, c.peepholes, `${path}.peepholes`);
    p.add('QNT002', `${path}.peepholes`, 'LSTM peepholes are not part of the int8 spec (version 1)', {
      value: 'peepholes',
      expected: 'an LSTM without peepholes',
      hint: 'run this model as float, or retrain/export it without peepholes',
    });
  },
  finish(ctx, _c, shared, hQ) {
    const cmax = ctx.stat('c')?.absMax(ctx.percentile) ?? 0;
    const cellFrac = cmax > 0 ? Math.max(0, Math.min(15, 15 - Math.ceil(Math.log2(cmax)))) : 15;
    return { kind: 'lstm', ...shared, ...h16ToH8(ctx, hQ), cellFrac };
  },
  cellScale: (q) => 2 ** -q.cellFrac,
};

export const lstm = cellLayerHooks(lstmCell);
