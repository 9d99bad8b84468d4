// Reads the golden vectors (test/vectors: index.json, and per case model.q.tnn and vectors.json) for
// the tools and tests that run built models against them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeQuantModel } from '../../compiler/core/ir/format';
import { QuantModel } from '../../compiler/core/ir/quant-model';

export interface GoldenSequence {
  raw: number[][];
  outputs: number[][];
  trace: Record<string, number[][]>;
  /** A model with final states beside its main output: the final-state vector after the sequence. */
  final?: number[];
}

export interface VectorCase {
  name: string;
  streaming: boolean;
  model: QuantModel;
  vectors: { outputType: string; sequences: GoldenSequence[] };
}

/** Every case listed in `dir`/index.json, in its order. */
export function loadVectorCases(dir: string): VectorCase[] {
  const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as { name: string; streaming: boolean }[];
  return index.map((c) => ({
    name: c.name,
    streaming: c.streaming,
    model: decodeQuantModel(new Uint8Array(fs.readFileSync(path.join(dir, c.name, 'model.q.tnn')))),
    vectors: JSON.parse(fs.readFileSync(path.join(dir, c.name, 'vectors.json'), 'utf8')),
  }));
}
