// Golden-vector cases of the bidirectional layer (whole sequences only): an LSTM pair with a
// softmax head, and a GRU reset-before pair stacked on a GRU.

import { CellKind } from '../../core/ir/model';
import { GoldenCase } from '../../../runtime/vectors/case';
import { LayerBuild, basic } from '../../../runtime/vectors/build';
import { CellOptions, cellLayer } from '../cell/golden';
import { denseLayer } from '../dense/golden';

/** A forward and a backward cell of one kind and width, built in that order. */
export function bidirectionalLayer(kind: CellKind, hidden: number, opts: CellOptions = {}): LayerBuild {
  const half = cellLayer(kind, hidden, opts);
  return (rng, width) => {
    const forward = half(rng, width);
    return { kind: 'bidirectional', forward, backward: half(rng, width) };
  };
}

export function bidirectionalGoldenCases(): GoldenCase[] {
  return [
    basic('bidir_lstm_h3', 'Bidirectional LSTM 3+3 -> softmax head (whole-sequence only)', 12, [bidirectionalLayer('lstm', 3), denseLayer(2, 'softmax')]),
    basic('bidir_gru_before_h3', 'Bidirectional GRU reset-before 3+3, stacked on a GRU reset-after, linear head per step', 13, [
      cellLayer('gru', 3),
      bidirectionalLayer('gru', 3, { resetAfter: false }),
      denseLayer(2, 'none'),
    ]),
  ];
}
