// Float inference of a reverse layer: its cell over the sequence reversed from zero state (the
// backward half of a bidirectional layer), output at t its h at t. It cannot stream.

import { ReverseLayer } from '../../core/ir/model';
import { FloatHooks } from '../../float/hooks';
import { runBackwardFloat, wholeSequenceFloatStep } from '../bidirectional/float';

export const reverseFloat: FloatHooks<ReverseLayer> = {
  newState: () => null,
  step: wholeSequenceFloatStep('a reverse layer'),
  run: (l, seq, obsAt) => runBackwardFloat(l.cell, seq, obsAt),
};
