// Golden-vector cases of the Jordan layer (docs/quantization.md section 5, "Jordan"): its output
// fed back as int16 (the model output), as int8 before a head, and stacked. Sequences are long (40
// to 150 steps) so that the fed-back output carries information far through time and saturation
// of the feedback is exercised.

import { JordanOutActivation, emptyJordan } from '../../core/ir/model';
import { GoldenCase } from '../../../runtime/vectors/case';
import { LayerBuild, asRaw, buildModel, fill, walks } from '../../../runtime/vectors/build';
import { cellLayer } from '../cell/golden';
import { denseLayer } from '../dense/golden';

/** A Jordan layer of seeded random weights (feedback weights 0.8, the others 0.6) and biases (0.3). */
export function jordanLayer(hidden: number, units: number, out: JordanOutActivation): LayerBuild {
  return (rng, width) => {
    const l = emptyJordan(width, hidden, units, out);
    fill(rng, l.wx, 0.6);
    fill(rng, l.wy, 0.8);
    fill(rng, l.bx, 0.3);
    fill(rng, l.wo, 0.6);
    fill(rng, l.bo, 0.3);
    return l;
  };
}

/** A case calibrated on 16 walks of 60 steps, tested on one walk of each length. */
function jordanCase(name: string, description: string, seed: number, F: number, builds: LayerBuild[], lengths: number[]): GoldenCase {
  return {
    name,
    description,
    model: buildModel(name, seed, F, builds),
    calib: walks(seed + 1000, 16, 60, F),
    sequences: (q) =>
      asRaw(
        q,
        lengths.flatMap((T, k) => walks(seed + 2000 + k, 1, T, F)),
      ),
  };
}

export function jordanGoldenCases(): GoldenCase[] {
  return [
    jordanCase(
      'jordan_h6_none',
      'Jordan, 6 hidden, linear output of 2 fed back as int16 (the model output), per step',
      31,
      2,
      [jordanLayer(6, 2, 'none')],
      [80, 40],
    ),
    jordanCase(
      'jordan_tanh_head',
      'Jordan, 5 hidden, tanh output of 4 fed back as int8, softmax head, output last',
      32,
      3,
      [jordanLayer(5, 4, 'tanh'), denseLayer(3, 'softmax')],
      [60, 40],
    ),
    jordanCase(
      'jordan_stacked',
      'Stacked: Jordan on x16 (relu output) -> LSTM 4 -> Jordan (sigmoid output) -> linear head, per step',
      33,
      3,
      [jordanLayer(4, 3, 'relu'), cellLayer('lstm', 4), jordanLayer(5, 3, 'sigmoid'), denseLayer(2, 'none')],
      [150, 40],
    ),
  ];
}
