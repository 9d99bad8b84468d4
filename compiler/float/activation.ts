// Activations of the float reference (float64), shared by float inference and training so both
// compute them with the same operations.

import { DenseActivation, assertNever } from '../core/ir/model';

export const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/** A pre-activation clipped to [-clip, clip] (ONNX clip); no clip: unchanged. */
export const clipTo = (v: number, clip: number | undefined): number => (clip === undefined ? v : v > clip ? clip : v < -clip ? -clip : v);

/** Applies act in place to y[o .. o+n) (all of y by default). */
export function applyActivation(act: DenseActivation, y: Float64Array, o = 0, n = y.length - o): void {
  const end = o + n;
  switch (act) {
    case 'none':
      return;
    case 'relu':
      for (let i = o; i < end; i++) if (y[i] < 0) y[i] = 0;
      return;
    case 'tanh':
      for (let i = o; i < end; i++) y[i] = Math.tanh(y[i]);
      return;
    case 'sigmoid':
      for (let i = o; i < end; i++) y[i] = sigmoid(y[i]);
      return;
    case 'softmax': {
      let mx = -Infinity;
      for (let i = o; i < end; i++) if (y[i] > mx) mx = y[i];
      let s = 0;
      for (let i = o; i < end; i++) s += y[i] = Math.exp(y[i] - mx);
      for (let i = o; i < end; i++) y[i] /= s;
      return;
    }
    default:
      assertNever(act);
  }
}
