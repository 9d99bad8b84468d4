// An echo state network as a tinyrnn FloatModel, so it quantises and deploys like any other
// model (C and Espruino, bit-exact against the reference): the reservoir becomes an Elman tanh
// layer without biases (wx = winScale * Win8, wh = wScale * W8) and the readout a dense layer
// (none for forecasting, softmax for classification: the ridge scores are its logits).
//
// This covers the standard ESN, leak rate 1: h_t = tanh(Win x_t + W h_{t-1}). A leaky reservoir
// (leak < 1) is not an Elman layer, and the model IR has no leaky layer yet: it is refused (ESN005).
//
// Legend: F input features, H reservoir units, K outputs, P = H + 1 readout rows.

import { Dataset } from '../data/dataset';
import { TinyrnnError } from '../ir/errors';
import { FloatModel, emptyCell, emptyDense } from '../ir/model';
import { EsnFit } from './esn';

/** Flash the int8 reservoir would take if stored (W8 and Win8), which the seed makes unnecessary. */
export function reservoirBytes(fit: EsnFit): number {
  return fit.reservoir.int8.w.length + fit.reservoir.int8.win.length;
}

export function esnFloatModel(fit: EsnFit, data: Dataset, name: string): FloatModel {
  const r = fit.reservoir;
  if (r.leakQ15 !== 32768) {
    throw new TinyrnnError({
      code: 'ESN005',
      path: 'leak',
      message: 'a leaky reservoir cannot be saved as a tinyrnn model yet',
      value: r.leakQ15 / 32768,
      expected: '1 (the standard echo state network)',
      hint: 'the model IR represents the reservoir as an Elman tanh layer, which has no leak: use --leak 1',
    });
  }
  const F = r.inputSize;
  const H = r.units;
  const K = fit.outputs;
  const cell = emptyCell('elman', F, H, { activation: 'tanh' });
  for (let i = 0; i < H * F; i++) cell.wx[i] = r.int8.win[i] * r.winScale;
  for (let i = 0; i < H * H; i++) cell.wh[i] = r.int8.w[i] * r.wScale;
  cell.name = 'reservoir';
  const head = emptyDense(H, K, fit.task === 'classification' ? 'softmax' : 'none');
  head.name = 'readout';
  // wOut (P, K): rows 0..H-1 weigh the state, row H is the bias; dense w is (K, H)
  for (let k = 0; k < K; k++) {
    for (let j = 0; j < H; j++) head.w[k * H + j] = fit.wOut[j * K + k];
    head.b[k] = fit.wOut[H * K + k];
  }
  return {
    format: 'float',
    meta: {
      name,
      features: data.features.slice(),
      ...(fit.task === 'classification' ? { labels: (data.labels ?? []).slice() } : {}),
      ...(data.sampleRate !== undefined ? { sampleRate: data.sampleRate } : {}),
      extra: {
        trainer: 'esn (ridge readout in closed form)',
        'esn.seed': String(r.seed),
        'esn.units': String(H),
        'esn.densityQ16': String(r.densityQ16),
        'esn.wScale': String(r.wScale),
        'esn.winScale': String(r.winScale),
        'esn.ridge': String(fit.ridge.lambda),
        source: data.source,
      },
    },
    task: fit.task,
    output: fit.output,
    inputSize: F,
    normalization: { mean: Float32Array.from(fit.mean), std: Float32Array.from(fit.std) },
    layers: [cell, head],
  };
}
