// Golden-vector cases of the reverse layer (whole sequences only): an LSTM with a softmax head, a
// GRU reset-after under an Elman layer run forwards, and an Elman relu (h8 state) on a forward LSTM.

import { CellKind } from '../../core/ir/model';
import { GoldenCase } from '../../../runtime/vectors/case';
import { LayerBuild, basic } from '../../../runtime/vectors/build';
import { CellOptions, cellLayer } from '../cell/golden';
import { denseLayer } from '../dense/golden';

/** A cell of one kind and width, run backwards in time. */
export function reverseLayer(kind: CellKind, hidden: number, opts: CellOptions = {}): LayerBuild {
  const cell = cellLayer(kind, hidden, opts);
  return (rng, width) => ({ kind: 'reverse', cell: cell(rng, width) });
}

export function reverseGoldenCases(): GoldenCase[] {
  return [
    basic('reverse_lstm_h4', 'Reverse LSTM 4 -> softmax head (whole-sequence only)', 31, [reverseLayer('lstm', 4), denseLayer(2, 'softmax')]),
    basic('reverse_gru_elman', 'Reverse GRU reset-after 4, then an Elman tanh 3 run forwards, linear head per step', 32, [
      reverseLayer('gru', 4, { resetAfter: true }),
      cellLayer('elman', 3),
      denseLayer(2, 'none'),
    ]),
    basic('reverse_relu_on_lstm', 'LSTM 3, then a reverse Elman relu 4 (h8 state), linear head per step', 33, [
      cellLayer('lstm', 3),
      reverseLayer('elman', 4, { activation: 'relu' }),
      denseLayer(2, 'none'),
    ]),
  ];
}
