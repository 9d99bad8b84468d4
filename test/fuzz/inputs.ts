// The fuzz input of a (seed, index): the same pair always gives the same bytes.

import { Rng } from '../../compiler/core/util/rng';
import { csvInput, jsonInput } from './data';
import { onnxInput, onnxSeeds } from './onnx';
import { FORMATS, Format } from './target';
import { TnnSeed, tnnInput, tnnSeeds } from './tnn';

export interface Seeds {
  tnn: TnnSeed[];
  onnx: Uint8Array[];
}

export function loadSeeds(): Seeds {
  return { tnn: tnnSeeds(), onnx: onnxSeeds() };
}

/** Input `index` of run `seed`: formats take turns; the generator's RNG depends on both numbers. */
export function fuzzInput(seeds: Seeds, seed: number, index: number, formats: readonly Format[] = FORMATS): { format: Format; bytes: Uint8Array } {
  const format = formats[index % formats.length];
  const rng = new Rng((Math.imul(seed, 0x9e3779b1) ^ Math.imul(index, 0x85ebca6b)) >>> 0);
  if (format === 'tnn') return { format, bytes: tnnInput(rng, seeds.tnn) };
  if (format === 'onnx') return { format, bytes: onnxInput(rng, seeds.onnx) };
  const d = format === 'json' ? jsonInput(rng) : csvInput(rng);
  return { format, bytes: Buffer.from(d.text, 'utf8') };
}

export const EXTENSIONS: Record<Format, string> = { tnn: 'tnn', onnx: 'onnx', json: 'json', csv: 'csv' };
