// Float inference of a Jordan layer: h = tanh(wx x + bx + wy y_prev), y = outActivation(wo h + bo),
// y fed back at the next step.

import { JordanLayer } from '../../core/ir/model';
import { applyActivation } from '../../float/activation';
import { FloatHooks, JordanState, StepObserver } from '../../float/hooks';

/** One step of a Jordan layer: updates st.y (the fed-back output) and returns y (a fresh array). */
export function jordanStep(l: JordanLayer, x: ArrayLike<number>, st: JordanState, obs?: StepObserver): Float64Array {
  const H = l.hidden;
  const I = l.inputSize;
  const U = l.units;
  const pre = new Float64Array(H);
  const h = new Float64Array(H);
  for (let j = 0; j < H; j++) {
    let s = l.bx[j];
    for (let i = 0; i < I; i++) s += l.wx[j * I + i] * x[i];
    for (let u = 0; u < U; u++) s += l.wy[j * U + u] * st.y[u];
    pre[j] = s;
    h[j] = Math.tanh(s);
  }
  const y = new Float64Array(U);
  for (let u = 0; u < U; u++) {
    let s = l.bo[u];
    for (let j = 0; j < H; j++) s += l.wo[u * H + j] * h[j];
    y[u] = s;
  }
  obs?.('pre', pre);
  obs?.('h', h);
  obs?.('ypre', y.slice());
  applyActivation(l.outActivation, y);
  obs?.('out', y);
  st.y.set(y);
  return y;
}

const newJordanState = (l: JordanLayer): JordanState => ({ y: new Float64Array(l.units) });

export const jordanFloat: FloatHooks<JordanLayer> = {
  newState: newJordanState,
  step: (l, x, st, obs) => jordanStep(l, x, st, obs),
  run: (l, seq, obsAt) => {
    const st = newJordanState(l);
    return { seq: seq.map((v, t) => jordanStep(l, v, st, obsAt(t))), hn: [st.y], cn: [] };
  },
};
