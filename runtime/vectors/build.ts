// The builders of golden-vector cases, shared by the case lists of the kinds
// (compiler/layers/<kind>/golden.ts) and of the generator (golden.ts): seeded float models from a
// list of layer builders, smooth random walks as data, and the common shape of a small case.
// A leaf below both.

import { FinalPart, FloatModel, Layer, layerOutputSize } from '../../compiler/core/ir/model';
import { endsInSoftmax } from '../../compiler/core/ir/kinds';
import { QuantModel } from '../../compiler/core/ir/quant-model';
import { rawSequence } from '../../compiler/core/reference';
import { Rng } from '../../compiler/core/util/rng';
import { GoldenCase } from './case';

/** Builds one layer with seeded random weights on an input of `width` features. */
export type LayerBuild<L extends Layer = Layer> = (rng: Rng, width: number) => L;

/** Fills a with normal values of standard deviation `scale`. */
export function fill(rng: Rng, a: Float32Array, scale: number): void {
  for (let i = 0; i < a.length; i++) a[i] = rng.normal() * scale;
}

/**
 * A seeded float model of F features: the layers in order, one generator for all weights. A
 * softmax last layer makes a classifier (output "last" unless given), anything else a regression
 * model (output "sequence"; with `final`, the last layer's final states, or with `final` and
 * `output` those states beside the per-step or last-step output).
 */
export function buildModel(
  name: string,
  seed: number,
  F: number,
  builds: LayerBuild[],
  opts: { output?: 'sequence' | 'last'; final?: FinalPart[]; norm?: { mean: number[]; std: number[] } } = {},
): FloatModel {
  const rng = new Rng(seed);
  const layers: Layer[] = [];
  let width = F;
  for (const b of builds) {
    const l = b(rng, width);
    layers.push(l);
    width = layerOutputSize(l);
  }
  const classify = endsInSoftmax(layers);
  return {
    format: 'float',
    meta: {
      name,
      features: Array.from({ length: F }, (_, i) => `f${i}`),
      ...(classify ? { labels: Array.from({ length: width }, (_, i) => `c${i}`) } : {}),
    },
    task: classify ? 'classification' : 'regression',
    output: opts.output ?? (opts.final ? 'final' : classify ? 'last' : 'sequence'),
    ...(opts.final ? { final: opts.final } : {}),
    inputSize: F,
    ...(opts.norm ? { normalization: { mean: Float32Array.from(opts.norm.mean), std: Float32Array.from(opts.norm.std) } } : {}),
    layers,
  };
}

/** Smooth random walks, like sensor data: (N)(T)(F). */
export function walks(seed: number, n: number, T: number, F: number, scale = 1, offset = 0): number[][][] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const v = Array.from({ length: F }, () => rng.normal() * scale);
    return Array.from({ length: T }, () => v.map((x, f) => (v[f] = 0.8 * x + 0.5 * scale * rng.normal()) + offset));
  });
}

/** The calibration data of a small case: 24 walks of 20 steps. */
export const CALIB = (F: number, seed = 99): number[][][] => walks(seed, 24, 20, F);

/** Sequences in model units as the raw integers the quantised model reads. */
export const asRaw = (q: QuantModel, seqs: number[][][]): number[][][] => seqs.map((s) => rawSequence(q, new Float64Array(s.flat())));

/** A small case on 3 features: calibration on 24 walks, two test walks of 8 steps. */
export function basic(name: string, description: string, seed: number, builds: LayerBuild[]): GoldenCase {
  const F = 3;
  return {
    name,
    description,
    model: buildModel(name, seed, F, builds),
    calib: CALIB(F, seed + 1000),
    sequences: (q) => asRaw(q, walks(seed + 2000, 2, 8, F)),
  };
}
