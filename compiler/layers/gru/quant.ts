// Quantisation of a GRU layer (docs/quantization.md section 7): the shared cell rows
// (compiler/layers/cell/quant.ts) and the h16 -> h8 requantisation; reset-before and reset-after
// quantise alike (the flag is kept for the kernels).

import { CellQuantHooks, cellLayerHooks, h16ToH8 } from '../cell/quant';

export const gruCell: CellQuantHooks<'gru'> = {
  finish: (ctx, c, shared, hQ) => ({ kind: 'gru', resetAfter: c.resetAfter, ...shared, ...h16ToH8(ctx, hQ) }),
};

export const gru = cellLayerHooks(gruCell);
