// Small hand-made models for tests.
import { FloatModel, Layer, emptyCell, emptyDense, CellKind } from '../../compiler/core/ir/model';
import { Rng } from '../../compiler/core/util/rng';

function fill(rng: Rng, a: Float32Array, scale: number): void {
  for (let i = 0; i < a.length; i++) a[i] = rng.normal() * scale;
}

export function tinyModel(
  opts: {
    cell?: CellKind;
    hidden?: number;
    inputs?: number;
    outputs?: number;
    bidirectional?: boolean;
    layers?: number;
    seed?: number;
    resetAfter?: boolean;
  } = {},
): FloatModel {
  const { cell = 'lstm', hidden = 4, inputs = 3, outputs = 2, layers: nl = 1, seed = 1 } = opts;
  const rng = new Rng(seed);
  const layers: Layer[] = [];
  let width = inputs;
  for (let l = 0; l < nl; l++) {
    const mk = () => {
      const c = emptyCell(cell, width, hidden, { resetAfter: opts.resetAfter ?? true });
      fill(rng, c.wx, 0.5);
      fill(rng, c.wh, 0.5);
      fill(rng, c.bx, 0.1);
      fill(rng, c.bh, 0.1);
      return c;
    };
    if (opts.bidirectional) {
      layers.push({ kind: 'bidirectional', forward: mk(), backward: mk() });
      width = 2 * hidden;
    } else {
      layers.push(mk());
      width = hidden;
    }
  }
  const d = emptyDense(width, outputs, 'softmax');
  fill(rng, d.w, 0.5);
  layers.push(d);
  return {
    format: 'float',
    meta: {
      name: 'tiny',
      features: Array.from({ length: inputs }, (_, i) => `f${i}`),
      labels: Array.from({ length: outputs }, (_, i) => `c${i}`),
      sampleRate: 25,
    },
    task: 'classification',
    output: 'last',
    inputSize: inputs,
    normalization: { mean: new Float32Array(inputs).fill(0.5), std: new Float32Array(inputs).fill(2) },
    layers,
  };
}
