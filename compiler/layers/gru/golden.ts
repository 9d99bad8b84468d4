// Golden-vector cases of the GRU layer: reset-after (PyTorch) and reset-before (the original GRU).

import { GoldenCase } from '../../../runtime/vectors/case';
import { basic } from '../../../runtime/vectors/build';
import { cellLayer } from '../cell/golden';
import { denseLayer } from '../dense/golden';

export function gruGoldenCases(): GoldenCase[] {
  return [
    basic('gru_after_h4', 'GRU reset-after (PyTorch), 4 units, linear head per step', 4, [cellLayer('gru', 4, { resetAfter: true }), denseLayer(2, 'none')]),
    basic('gru_before_h4', 'GRU reset-before (original), 4 units, linear head per step', 5, [
      cellLayer('gru', 4, { resetAfter: false }),
      denseLayer(2, 'none'),
    ]),
  ];
}
