// Float inference of a dense layer: y = act(w x + b). It keeps no state.

import { DenseLayer } from '../../core/ir/model';
import { applyActivation } from '../../float/activation';
import { FloatHooks, StepObserver } from '../../float/hooks';

export function denseForward(l: DenseLayer, x: ArrayLike<number>, obs?: StepObserver): Float64Array {
  const U = l.units;
  const I = l.inputSize;
  const y = new Float64Array(U);
  for (let u = 0; u < U; u++) {
    let s = l.b[u];
    const o = u * I;
    for (let i = 0; i < I; i++) s += l.w[o + i] * x[i];
    y[u] = s;
  }
  obs?.('pre', y.slice());
  applyActivation(l.activation, y);
  obs?.('out', y);
  return y;
}

export const denseFloat: FloatHooks<DenseLayer> = {
  newState: () => null,
  step: (l, x, _st, obs) => denseForward(l, x, obs),
  run: (l, seq, obsAt) => ({ seq: seq.map((v, t) => denseForward(l, v, obsAt(t))), hn: [], cn: [] }),
};
