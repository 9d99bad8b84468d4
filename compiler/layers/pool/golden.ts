// Golden-vector cases of the pool layer: echo state network classifiers on builtin:gestures whose
// readout reads the reservoir states' mean over time, and their means over 3 segments of the
// window (running sums on the device), one of them stepping past its window (steps beyond it add
// to the last segment).

import { fitEsn, parseReadout } from '../../esn/esn';
import { readoutGoldenCase } from '../../../runtime/vectors/readout-case';
import { esnFloatModel } from '../../esn/model';
import { GoldenCase } from '../../../runtime/vectors/case';

function pooledEsnCase(name: string, readout: string, leak: number, description: string): GoldenCase {
  return readoutGoldenCase(name, description, (data) => {
    const options = { units: 12, spectralRadius: 0.9, inputScaling: 0.5, sparsity: 0.7, leak, seed: 14, readout: parseReadout(readout) };
    return esnFloatModel(fitEsn(data, options, { val: 0.2, test: 0 }, 1), data, name);
  });
}

export function poolGoldenCases(): GoldenCase[] {
  return [
    pooledEsnCase(
      'esn_pool_mean_h12',
      'mean',
      0.3,
      'echo state network classifier on builtin:gestures, 12-unit regenerated reservoir, leak 0.3, readout of the mean state over time (pool, 1 segment)',
    ),
    pooledEsnCase(
      'esn_pool_seg3_abs_h12',
      'seg3+abs',
      0.5,
      'echo state network classifier on builtin:gestures, 12-unit regenerated reservoir, leak 0.5, readout of the means and mean absolute values over 3 segments of the 20-step window (pool); the second sequence runs 40 steps',
    ),
  ];
}
