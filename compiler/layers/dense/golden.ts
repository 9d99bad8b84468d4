// Golden-vector cases of the dense layer: heads of every activation, int8 between layers and
// int16 (or Q0.15) as the model output.

import { DenseActivation, emptyDense } from '../../core/ir/model';
import { GoldenCase } from '../../../runtime/vectors/case';
import { LayerBuild, basic, fill } from '../../../runtime/vectors/build';
import { cellLayer } from '../cell/golden';

/** A dense layer of seeded random weights (0.6) and biases (0.3). */
export function denseLayer(units: number, activation: DenseActivation): LayerBuild {
  return (rng, width) => {
    const l = emptyDense(width, units, activation);
    fill(rng, l.w, 0.6);
    fill(rng, l.b, 0.3);
    return l;
  };
}

export function denseGoldenCases(): GoldenCase[] {
  return [
    basic('dense_chain', 'Elman tanh then dense relu, tanh, sigmoid (int8 between layers) and a linear int16 head', 7, [
      cellLayer('elman', 4),
      denseLayer(5, 'relu'),
      denseLayer(4, 'tanh'),
      denseLayer(4, 'sigmoid'),
      denseLayer(2, 'none'),
    ]),
    basic('dense_tanh_out', 'LSTM with a tanh head: int16 Q0.15 output', 8, [cellLayer('lstm', 3), denseLayer(2, 'tanh')]),
    basic('dense_sigmoid_out', 'GRU with a sigmoid head: int16 Q0.15 output', 9, [cellLayer('gru', 3), denseLayer(2, 'sigmoid')]),
    basic('dense_relu_out', 'Elman with a relu head: int16 output', 10, [cellLayer('elman', 3), denseLayer(2, 'relu')]),
  ];
}
