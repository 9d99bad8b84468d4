// Output mode 'final' in the quantiser: the scale of each segment of the final-state output
// (docs/quantization.md "Final-state outputs"). The device outputs int16 copies of the states it
// holds, so each segment keeps the scale of its state: h16 is Q0.15, an Elman relu's h8 keeps the
// layer's output scale and zero point, an LSTM's cell c is 2^-cellFrac of its half.
import { finalSegments } from '../core/ir/final';
import type { FinalPart } from '../core/ir/model';
import { QCellLayer, QLayer, QuantDoc } from '../core/ir/quant-types';
import { recurrentIsH8 } from '../layers/cell/ir';

export type OutputSegment = NonNullable<QuantDoc['outputSegments']>[number];

/** The cells whose states a last layer outputs, one per direction (forward, then backward). */
function finalCells(l: QLayer): QCellLayer[] {
  if (l.kind === 'bidirectional') return [l.forward, l.backward];
  if (l.kind === 'reverse') return [l.cell];
  if (l.kind === 'elman' || l.kind === 'lstm' || l.kind === 'gru') return [l];
  return [];
}

/** Scale and zero point of one part of a cell's final state (out: the layer's output scale and zero point). */
function stateScale(c: QCellLayer, part: FinalPart, out: { outScale: number; outZp: number }): { scale: number; zp: number } {
  if (part === 'c') return { scale: c.kind === 'lstm' ? 2 ** -c.cellFrac : NaN, zp: 0 };
  return recurrentIsH8(c) ? { scale: out.outScale, zp: out.outZp } : { scale: 2 ** -15, zp: 0 };
}

/** The segments of a final-state output with their scales (lastDoc: the last layer's documentation scales). */
export function finalOutputSegments(last: QLayer, lastDoc: { outScale: number; outZp: number }, parts: readonly FinalPart[]): OutputSegment[] {
  const cells = finalCells(last);
  return (finalSegments(last, parts) ?? []).map((s) => ({
    part: s.part,
    direction: s.direction,
    offset: s.offset,
    size: s.size,
    ...stateScale(cells[s.half], s.part, lastDoc),
  }));
}
