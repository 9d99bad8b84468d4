// Golden-vector cases of the Elman layer: tanh and relu cells, and echo state networks (Elman tanh
// reservoirs with a ridge readout) stored as plain weights or regenerated from their seed, leaky
// or not.

import { rawSequence } from '../../core/reference';
import { gesturesDataset } from '../../data/builtin/gestures';
import { sinesDataset } from '../../data/builtin/sines';
import { fitEsn } from '../../esn/esn';
import { esnFloatModel } from '../../esn/model';
import { GoldenCase } from '../../../runtime/vectors/case';
import { basic } from '../../../runtime/vectors/build';
import { cellLayer } from '../cell/golden';
import { denseLayer } from '../dense/golden';

/** An ESN case: calibration on the sequences [0, calibTo), tests on the next two. */
function esnCase(name: string, description: string, model: GoldenCase['model'], seqs: (from: number, to: number) => number[][][], calibTo: number): GoldenCase {
  return {
    name,
    description,
    model,
    calib: seqs(0, calibTo),
    sequences: (q) => seqs(calibTo, calibTo + 2).map((s) => rawSequence(q, new Float64Array(s.flat()))),
  };
}

/** Echo state networks fitted on builtin:sines (one feature). */
function sinesCases(): GoldenCase[] {
  // seeded int8 reservoir (Elman tanh layer, no biases) and a ridge readout, saved with
  // { regenerate: false }: the reservoir is stored like any Elman layer (how `tinyrnn train --cell
  // esn` saved it before reservoirs were regenerated)
  const data = sinesDataset({ n: 30, length: 40, seed: 7, noise: 0.05 });
  const fit = fitEsn(data, { units: 12, spectralRadius: 0.9, inputScaling: 0.8, sparsity: 0.7, seed: 11, washout: 5 }, { val: 0.2, test: 0 }, 1);
  const seqs = (d: typeof data) => (from: number, to: number) => d.x.slice(from, to).map((x) => Array.from(x, (v) => [v]));
  const cases = [
    esnCase(
      'esn_sines_h12',
      // the description stays as first published (the vector files are byte-identical): this
      // reservoir is stored as a plain Elman tanh layer, without generator parameters
      'echo state network (train --cell esn) on builtin:sines: seeded 12-unit reservoir as Elman tanh, ridge readout per step',
      esnFloatModel(fit, data, 'esn_sines_h12', { regenerate: false }),
      seqs(data),
      24,
    ),
  ];
  // reservoirs regenerated from their seed on the device (the layer records `reservoir`; the int8
  // weights equal the generator's), standard and leaky
  for (const [name, leak, what] of [
    ['esn_regen_sines_h16', 1, 'leak 1'],
    ['esn_leaky_sines_h16', 0.5, 'leak 0.5 (h16 = h16 + rshift_round(leakQ15 * (t16 - h16), 15))'],
  ] as const) {
    const d = sinesDataset({ n: 30, length: 40, seed: 8, noise: 0.05 });
    const f = fitEsn(d, { units: 16, spectralRadius: 0.9, inputScaling: 0.8, sparsity: 0.8, leak, seed: 12, washout: 5 }, { val: 0.2, test: 0 }, 1);
    const description = `echo state network on builtin:sines, 16-unit reservoir regenerated from its seed on the device, ${what}, ridge readout per step`;
    cases.push(esnCase(name, description, esnFloatModel(f, d, name), seqs(d), 24));
  }
  return cases;
}

/** An ESN classifier on three features (one common x16 scale for the regenerated reservoir), leaky. */
function gesturesCase(): GoldenCase {
  const data = gesturesDataset({ n: 120, length: 20, users: 10, seed: 5, noise: 1 });
  const fit = fitEsn(data, { units: 12, spectralRadius: 0.9, inputScaling: 0.5, sparsity: 0.7, leak: 0.75, seed: 13 }, { val: 0.2, test: 0 }, 1);
  const F = data.features.length;
  const seqs = (from: number, to: number): number[][][] =>
    data.x.slice(from, to).map((x) => Array.from({ length: x.length / F }, (_, t) => Array.from(x.subarray(t * F, (t + 1) * F))));
  return esnCase(
    'esn_gestures_h12',
    'echo state network classifier on builtin:gestures (3 features, one common x16 scale), 12-unit reservoir regenerated from its seed, leak 0.75, softmax readout of the last step',
    esnFloatModel(fit, data, 'esn_gestures_h12'),
    seqs,
    60,
  );
}

export function elmanGoldenCases(): GoldenCase[] {
  return [
    basic('elman_tanh_h4', 'Elman tanh, 4 units, softmax head (int16 logits), output last', 1, [cellLayer('elman', 4), denseLayer(3, 'softmax')]),
    basic('elman_relu_h4', 'Elman relu, 4 units, linear head per step (sequence output)', 2, [
      cellLayer('elman', 4, { activation: 'relu' }),
      denseLayer(2, 'none'),
    ]),
    ...sinesCases(),
    gesturesCase(),
  ];
}
