// Golden-vector cases of the Jordan layer (docs/quantization.md section 5, "Jordan"), appended to
// the case list of golden.ts. Sequences are long (40 to 150 steps) so that the fed-back output
// carries information far through time and saturation of the feedback is exercised.

import { FloatModel, JordanLayer, JordanOutActivation, Layer, emptyCell, emptyDense, emptyJordan } from '../../compiler/core/ir/model';
import { QuantModel } from '../../compiler/core/ir/quant-model';
import { Rng } from '../../compiler/core/util/rng';
import { rawSequence } from '../../compiler/core/reference';
import type { GoldenCase } from './case';

function fill(rng: Rng, a: Float32Array, scale: number): void {
  for (let i = 0; i < a.length; i++) a[i] = rng.normal() * scale;
}

/** Smooth random walks (N)(T)(F), like sensor data. */
function walks(seed: number, n: number, T: number, F: number): number[][][] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const v = Array.from({ length: F }, () => rng.normal());
    return Array.from({ length: T }, () => v.map((x, f) => (v[f] = 0.8 * x + 0.5 * rng.normal())));
  });
}

type Spec =
  | { kind: 'jordan'; hidden: number; units: number; out: JordanOutActivation }
  | { kind: 'lstm'; hidden: number }
  | { kind: 'dense'; units: number; activation: 'none' | 'softmax' };

function build(name: string, seed: number, F: number, specs: Spec[], output: 'sequence' | 'last'): FloatModel {
  const rng = new Rng(seed);
  const layers: Layer[] = [];
  let width = F;
  for (const s of specs) {
    if (s.kind === 'jordan') {
      const l: JordanLayer = emptyJordan(width, s.hidden, s.units, s.out);
      fill(rng, l.wx, 0.6);
      fill(rng, l.wy, 0.8);
      fill(rng, l.bx, 0.3);
      fill(rng, l.wo, 0.6);
      fill(rng, l.bo, 0.3);
      layers.push(l);
      width = s.units;
    } else if (s.kind === 'lstm') {
      const l = emptyCell('lstm', width, s.hidden);
      fill(rng, l.wx, 0.6);
      fill(rng, l.wh, 0.6);
      fill(rng, l.bx, 0.3);
      fill(rng, l.bh, 0.3);
      layers.push(l);
      width = s.hidden;
    } else {
      const l = emptyDense(width, s.units, s.activation);
      fill(rng, l.w, 0.6);
      fill(rng, l.b, 0.3);
      layers.push(l);
      width = s.units;
    }
  }
  const classify = specs[specs.length - 1].kind === 'dense' && (specs[specs.length - 1] as { activation: string }).activation === 'softmax';
  return {
    format: 'float',
    meta: { name, features: Array.from({ length: F }, (_, i) => `f${i}`), ...(classify ? { labels: Array.from({ length: width }, (_, i) => `c${i}`) } : {}) },
    task: classify ? 'classification' : 'regression',
    output,
    inputSize: F,
    layers,
  };
}

const asRaw = (q: QuantModel, seqs: number[][][]): number[][][] => seqs.map((s) => rawSequence(q, new Float64Array(s.flat())));

export function jordanGoldenCases(): GoldenCase[] {
  const mk = (name: string, description: string, seed: number, F: number, specs: Spec[], output: 'sequence' | 'last', lengths: number[]): GoldenCase => ({
    name,
    description,
    model: build(name, seed, F, specs, output),
    calib: walks(seed + 1000, 16, 60, F),
    sequences: (q) =>
      asRaw(
        q,
        lengths.flatMap((T, k) => walks(seed + 2000 + k, 1, T, F)),
      ),
  });
  return [
    mk(
      'jordan_h6_none',
      'Jordan, 6 hidden, linear output of 2 fed back as int16 (the model output), per step',
      31,
      2,
      [{ kind: 'jordan', hidden: 6, units: 2, out: 'none' }],
      'sequence',
      [80, 40],
    ),
    mk(
      'jordan_tanh_head',
      'Jordan, 5 hidden, tanh output of 4 fed back as int8, softmax head, output last',
      32,
      3,
      [
        { kind: 'jordan', hidden: 5, units: 4, out: 'tanh' },
        { kind: 'dense', units: 3, activation: 'softmax' },
      ],
      'last',
      [60, 40],
    ),
    mk(
      'jordan_stacked',
      'Stacked: Jordan on x16 (relu output) -> LSTM 4 -> Jordan (sigmoid output) -> linear head, per step',
      33,
      3,
      [
        { kind: 'jordan', hidden: 4, units: 3, out: 'relu' },
        { kind: 'lstm', hidden: 4 },
        { kind: 'jordan', hidden: 5, units: 3, out: 'sigmoid' },
        { kind: 'dense', units: 2, activation: 'none' },
      ],
      'sequence',
      [150, 40],
    ),
  ];
}
