// Golden-vector cases of the LSTM layer: with a softmax head, alone (the model output is its int8
// h), and over one sequence of 1,000 steps (state carried far).

import { GoldenCase } from '../../../runtime/vectors/case';
import { asRaw, basic, walks } from '../../../runtime/vectors/build';
import { cellLayer } from '../cell/golden';
import { denseLayer } from '../dense/golden';

export function lstmGoldenCases(): GoldenCase[] {
  return [
    basic('lstm_h4', 'LSTM, 4 units, softmax head, output last', 3, [cellLayer('lstm', 4), denseLayer(3, 'softmax')]),
    basic('lstm_only_h3', 'LSTM without head: the model output is the int8 hidden state', 6, [cellLayer('lstm', 3)]),
    {
      ...basic('lstm_long_1000', 'LSTM 4 units, one sequence of 1,000 steps (state carried far)', 19, [cellLayer('lstm', 4), denseLayer(2, 'none')]),
      sequences: (q) => asRaw(q, walks(2019, 1, 1000, 3)),
    },
  ];
}
