// The bidirectional layer in C: two cells of one kind over whole sequences (no streaming step);
// the forward half writes the first H outputs of each step, the backward half, run from the last
// step to the first, the rest.
import { CHooks, LayerMemory, MemoryContext, maxNeeds } from '../../../targets/c/kind';
import { CellView } from '../../../targets/emit/view';
import { CellC, CellKind, CellOf, cellDescriptor, cellFinalState, cellMemory, cellReservoirs, cellRows, cellSequence } from '../cell/c';
import { elmanCell } from '../elman/c';
import { gruCell } from '../gru/c';
import { lstmCell } from '../lstm/c';

const CELLS: { readonly [K in CellKind]: CellC<K> } = { elman: elmanCell, lstm: lstmCell, gru: gruCell };

/** A half's (or a reverse layer's) cell with the C part of its kind (both halves have one kind). */
export const half = (c: CellView) => ({ spec: CELLS[c.kind] as CellC<CellKind>, cell: c as CellOf<CellKind> });

/** The state of the layer's cells, side by side, and the scratch the largest needs. */
export function cellsMemory(cells: CellView[], index: number, ctx: MemoryContext): LayerMemory {
  const parts = cells.map((c) => cellMemory(half(c).spec, half(c).cell, index, ctx));
  return { state: parts.flatMap((p) => p.state), scratch: [], needs: maxNeeds(parts.map((p) => p.needs)), resets: parts.flatMap((p) => p.resets) };
}

export const bidirectional: CHooks<'bidirectional'> = {
  rowSets: (l) => l.cells.map((c) => cellRows(half(c).cell, l.index)),
  reservoirs: (l) => l.cells.flatMap((c) => cellReservoirs(half(c).spec, half(c).cell, l.index)),
  memory: (l, ctx) => cellsMemory(l.cells, l.index, ctx),
  descriptors: (l, ctx) => l.cells.map((c) => cellDescriptor(half(c).spec, half(c).cell, l.index, ctx)),
  step: null,
  sequence: (l, ctx, xin, dst) => {
    const [f, b] = l.cells;
    const run = (c: CellView, offset: number, backward: boolean) =>
      cellSequence(half(c).spec, half(c).cell, ctx, xin, { dst, width: l.output, offset, backward });
    return [...run(f, 0, false), ...run(b, f.H, true)];
  },
  finalState: (l, ctx, h, part) => cellFinalState(half(l.cells[h]).spec, half(l.cells[h]).cell, ctx, part),
};
