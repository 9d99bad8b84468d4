// The bench/c models: seeded random float weights, quantised by tinyrnn's quantize pass on seeded
// random calibration sequences (the integer arithmetic's cost does not depend on training). Shared
// by the Cortex-M (run.ts) and AVR (avr.ts) benchmarks.
import { CellKind, FloatModel, emptyCell } from '../../compiler/core/ir/model';
import { QuantModel } from '../../compiler/core/ir/quant-model';
import { quantizeModel } from '../../compiler/quant/quantize';
import { Rng } from '../../compiler/core/util/rng';

export function benchFloatModel(kind: CellKind, I: number, H: number, seed = 1): FloatModel {
  const rng = new Rng(seed);
  const cell = emptyCell(kind, I, H);
  const s = 1 / Math.sqrt(H);
  for (const a of [cell.wx, cell.wh, cell.bx, cell.bh]) for (let i = 0; i < a.length; i++) a[i] = rng.normal() * s;
  return {
    format: 'float',
    meta: { name: `${kind}_${I}_${H}`, features: Array.from({ length: I }, (_, i) => `x${i}`) },
    task: 'regression',
    output: 'sequence',
    inputSize: I,
    layers: [cell],
  };
}

export function randomSequences(I: number, n: number, T: number, seed: number): number[][][] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => Array.from({ length: T }, () => Array.from({ length: I }, () => rng.normal())));
}

export function benchQuantModel(kind: CellKind, I: number, H: number): QuantModel {
  return quantizeModel(benchFloatModel(kind, I, H), randomSequences(I, 8, 30, 7), { source: 'bench/c random calibration' });
}
