// The echo state network's refusals: a reservoir without recurrent weights (ESN002), a ridge system
// that is not positive definite (ESN003, only reachable without regularisation), and data without
// labels or targets to fit a readout to (ESN004).
import { buildReservoir, fitEsn, ridgeSolve, DEFAULT_ESN_OPTIONS } from '../../../compiler/esn/esn';
import { datasetFromObject } from '../../../compiler/data/dataset';
import { codeOf } from '../../helpers/errors';

describe('echo state network refusals', () => {
  test('ESN002: so sparse a reservoir that no recurrent weight is left', () => {
    expect(codeOf(() => buildReservoir(1, { ...DEFAULT_ESN_OPTIONS, units: 2, sparsity: 0.999, seed: 1 }))).toBe('ESN002');
    expect(codeOf(() => buildReservoir(1, { ...DEFAULT_ESN_OPTIONS, units: 32, sparsity: 0.5, seed: 1 }))).toBe('no error');
  });

  test('ESN003: a singular ridge system (lambda 0, a feature that is always zero)', () => {
    const gram = Float64Array.from([1, 0, 0, 0]); // P = 2: the second feature never varies
    expect(codeOf(() => ridgeSolve(gram, Float64Array.from([1, 0]), 2, 1, 0))).toBe('ESN003');
    expect(Array.from(ridgeSolve(Float64Array.from([4, 0, 0, 1]), Float64Array.from([8, 3]), 2, 1, 0))).toEqual([2, 3]);
  });

  test('ESN004: data with neither labels nor targets', () => {
    const d = datasetFromObject({
      x: [
        [[1], [2]],
        [[3], [4]],
        [[5], [6]],
        [[7], [8]],
      ],
    });
    expect(codeOf(() => fitEsn(d, { units: 8 }))).toBe('ESN004');
  });
});
