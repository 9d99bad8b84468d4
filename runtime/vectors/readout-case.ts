// What the golden-vector cases of closed-form readouts (echo state networks with a pool layer, liquid
// state machines) share: their data. Small classifiers fitted on builtin:gestures (120 windows of 20
// steps), calibrated on the first 60 windows; the second test sequence runs two windows back to back
// (a pool's last segment, or a liquid's state, then takes the second window too).

import { FloatModel } from '../../compiler/core/ir/model';
import { rawSequence } from '../../compiler/core/reference';
import { Dataset } from '../../compiler/data/dataset';
import { gesturesDataset } from '../../compiler/data/builtin/gestures';
import { GoldenCase } from './case';

/** A golden case whose model `fit` makes from the shared gestures data. */
export function readoutGoldenCase(name: string, description: string, fit: (data: Dataset) => FloatModel): GoldenCase {
  const data = gesturesDataset({ n: 120, length: 20, users: 10, seed: 6, noise: 1 });
  const F = data.features.length;
  const seqs = (from: number, to: number): number[][][] =>
    data.x.slice(from, to).map((x) => Array.from({ length: x.length / F }, (_, t) => Array.from(x.subarray(t * F, (t + 1) * F))));
  return {
    name,
    description,
    model: fit(data),
    calib: seqs(0, 60),
    sequences: (q) => [seqs(60, 61)[0], [...seqs(61, 62)[0], ...seqs(62, 63)[0]]].map((s) => rawSequence(q, new Float64Array(s.flat()))),
  };
}
