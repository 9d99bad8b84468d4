// An echo state network as a tinyrnn FloatModel, so it quantises and deploys like any other
// model (C and Espruino, bit-exact against the reference): the reservoir becomes an Elman tanh
// layer without biases (wx = winScale * Win8, wh = wScale * W8) and the readout a dense layer
// (none for forecasting, softmax for classification: the ridge scores are its logits), after a
// pool layer when the readout reads segment means of the states (compiler/layers/pool).
//
// The layer records the reservoir's generator parameters (`reservoir`: seed, density, scales)
// and its leak rate (`leak`, absent for 1): the quantiser keeps the int8 weights equal to the
// generator's, and the C and Espruino targets regenerate them on the device instead of storing
// them. With `regenerate: false` the reservoir is saved as a plain stored Elman layer (the
// weights are the same; only the generator parameters are left out).
//
// Legend: F input features, H reservoir units, K outputs, P = H + 1 readout rows.

import { Dataset } from '../data/dataset';
import { FloatModel, emptyCell, emptyDense } from '../core/ir/model';
import { EsnFit, readoutName, readoutPool, readoutWidth } from './esn';

/** Flash the int8 reservoir would take if stored (W8 and Win8), which the seed makes unnecessary. */
export function reservoirBytes(fit: EsnFit): number {
  return fit.reservoir.int8.w.length + fit.reservoir.int8.win.length;
}

export function esnFloatModel(fit: EsnFit, data: Dataset, name: string, opts: { regenerate?: boolean } = {}): FloatModel {
  const r = fit.reservoir;
  const F = r.inputSize;
  const H = r.units;
  const K = fit.outputs;
  const cell = emptyCell('elman', F, H, { activation: 'tanh' });
  for (let i = 0; i < H * F; i++) cell.wx[i] = r.int8.win[i] * r.winScale;
  for (let i = 0; i < H * H; i++) cell.wh[i] = r.int8.w[i] * r.wScale;
  cell.name = 'reservoir';
  if (cell.kind === 'elman') {
    if (r.leakQ15 !== 32768) cell.leak = r.leakQ15 / 32768;
    if (opts.regenerate ?? true) cell.reservoir = { seed: r.seed, densityQ16: r.densityQ16, wScale: r.wScale, winScale: r.winScale };
  }
  const pooled = fit.readout.segments > 0 ? [readoutPool(H, fit.readout, fit.window)] : [];
  const P = readoutWidth(fit.readout, H); // readout features
  const head = emptyDense(P, K, fit.task === 'classification' ? 'softmax' : 'none');
  head.name = 'readout';
  // wOut (P + 1, K): rows 0..P-1 weigh the features, row P is the bias; dense w is (K, P)
  for (let k = 0; k < K; k++) {
    for (let j = 0; j < P; j++) head.w[k * P + j] = fit.wOut[j * K + k];
    head.b[k] = fit.wOut[P * K + k];
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
        ...(fit.readout.segments > 0 ? { 'esn.readout': readoutName(fit.readout) } : {}),
        source: data.source,
      },
    },
    task: fit.task,
    output: fit.output,
    inputSize: F,
    normalization: { mean: Float32Array.from(fit.mean), std: Float32Array.from(fit.std) },
    layers: [cell, ...pooled, head],
  };
}
