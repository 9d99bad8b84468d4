// The reference reverse layer: its cell over t = T-1..0 from reset state, output at t its h8 at t
// (the backward half of a bidirectional layer, run by the same function). It needs the whole
// sequence, so it has no streaming step. Trace keys are the cell's with the "bwd." prefix.
import type { RefHooks } from '../../core/reference/kernel';
import { runBackward, wholeSequenceStep } from '../bidirectional/reference';
import { QReverseLayer } from './ir';

export const reference: RefHooks<QReverseLayer, null> = {
  newState: () => null,
  reset: () => undefined,
  step: wholeSequenceStep('a reverse layer'),
  run: (l, tables, seq, obsAt) => runBackward(l.cell, tables, seq, obsAt),
};
