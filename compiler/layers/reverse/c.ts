// The reverse layer in C: its cell (stem <prefix>_l<n>b, as a bidirectional layer's backward half)
// over whole sequences only, from the last step to the first; its h8 of step t goes to
// dst + t * H. The cell kernels are the cell kinds' (compiler/layers/cell/c-kernel.hbs).
import { CHooks } from '../../../targets/c/kind';
import { cellDescriptor, cellFinalState, cellReservoirs, cellRows, cellSequence } from '../cell/c';
import { cellsMemory, half } from '../bidirectional/c';

export const reverse: CHooks<'reverse'> = {
  rowSets: (l) => l.cells.map((c) => cellRows(half(c).cell, l.index)),
  reservoirs: (l) => l.cells.flatMap((c) => cellReservoirs(half(c).spec, half(c).cell, l.index)),
  memory: (l, ctx) => cellsMemory(l.cells, l.index, ctx),
  descriptors: (l, ctx) => l.cells.map((c) => cellDescriptor(half(c).spec, half(c).cell, l.index, ctx)),
  step: null,
  sequence: (l, ctx, xin, dst) =>
    l.cells.flatMap((c) => cellSequence(half(c).spec, half(c).cell, ctx, xin, { dst, width: l.output, offset: 0, backward: true })),
  finalState: (l, ctx, h, part) => cellFinalState(half(l.cells[h]).spec, half(l.cells[h]).cell, ctx, part),
};
