// Gesture-sized models for the Espruino benchmarks: 3 accelerometer inputs, one recurrent layer
// (LSTM or GRU, hidden 8 or 16), a 4-class dense head; seeded random weights, quantised with
// seeded random calibration sequences (the arithmetic's cost does not depend on training).
import { FloatModel, emptyCell, emptyDense, emptyJordan, CellKind, Layer } from '../../compiler/core/ir/model';
import { QuantModel } from '../../compiler/core/ir/quant-model';
import { quantizeModel } from '../../compiler/quant/quantize';
import { Rng } from '../../compiler/core/util/rng';

export function gestureFloatModel(kind: CellKind, hidden: number, seed = 1): FloatModel {
  const rng = new Rng(seed);
  const cell = emptyCell(kind, 3, hidden);
  const head = emptyDense(hidden, 4, 'softmax');
  for (const a of [cell.wx, cell.wh, cell.bx, head.w]) for (let i = 0; i < a.length; i++) a[i] = rng.normal() * 0.5;
  return gestureShape(`${kind}_h${hidden}`, [cell, head]);
}

/** A 3-axis accelerometer classifier of 4 gestures around the given layers. */
function gestureShape(name: string, layers: Layer[]): FloatModel {
  return {
    format: 'float',
    meta: { name, features: ['ax', 'ay', 'az'], labels: ['idle', 'shake', 'tilt', 'tap'], sampleRate: 25 },
    task: 'classification',
    output: 'last',
    inputSize: 3,
    layers,
  };
}

/** Accelerometer-like sequences in g: gravity on z plus seeded noise and a little motion. */
export function accelSequences(n: number, T: number, seed = 2): number[][][] {
  const rng = new Rng(seed);
  const out: number[][][] = [];
  for (let s = 0; s < n; s++) {
    const seq: number[][] = [];
    const f = 0.5 + rng.next() * 3;
    for (let t = 0; t < T; t++)
      seq.push([Math.sin((t * f) / 10) * 0.8 + rng.normal() * 0.1, Math.cos((t * f) / 7) * 0.5 + rng.normal() * 0.1, 1 + rng.normal() * 0.2]);
    out.push(seq);
  }
  return out;
}

/**
 * The benchmark models are fixtures of the Espruino cost calibration (bench/espruino/cost-measurements.json
 * was measured on them): they keep the calibration ranges they were measured with (no headroom).
 */
export const BENCH_QUANTIZE = { headroom: 1 } as const;

export function gestureQuantModel(kind: CellKind, hidden: number, seed = 1): QuantModel {
  return quantizeModel(gestureFloatModel(kind, hidden, seed), accelSequences(16, 50), BENCH_QUANTIZE);
}

/**
 * The lighter families in the same gesture shape: an Elman tanh layer, or a Jordan layer feeding
 * back `feedback` tanh units (the trainer's classification form), each with the 4-class head.
 */
export function gestureFloatModelLight(kind: 'elman' | 'jordan', hidden: number, feedback = 4, seed = 1): FloatModel {
  const rng = new Rng(seed);
  const fill = (a: Float32Array): void => {
    for (let i = 0; i < a.length; i++) a[i] = rng.normal() * 0.5;
  };
  let rec: Layer;
  let width: number;
  if (kind === 'elman') {
    const c = emptyCell('elman', 3, hidden);
    for (const a of [c.wx, c.wh, c.bx]) fill(a);
    rec = c;
    width = hidden;
  } else {
    const j = emptyJordan(3, hidden, feedback, 'tanh');
    for (const a of [j.wx, j.wy, j.bx, j.wo]) fill(a);
    rec = j;
    width = feedback;
  }
  const head = emptyDense(width, 4, 'softmax');
  fill(head.w);
  return gestureShape(`${kind}_h${hidden}`, [rec, head]);
}
