// Float inference of a GRU cell, gates r, z, n: h_t = (1-z)*n + z*h_{t-1}, the candidate n
// taking the reset gate before (r*h through Whn) or after (r*(Whn h + bhn)) its recurrent product.

import { GruLayer } from '../../core/ir/model';
import { clipTo, sigmoid } from '../../float/activation';
import { CellState, StepObserver } from '../../float/hooks';
import { cellFloatHooks } from '../cell/float';

function gruUpdate(l: GruLayer, ax: Float64Array, ah: Float64Array, st: CellState, h: Float64Array, obs?: StepObserver): void {
  const H = l.hidden;
  const pre = new Float64Array(3 * H);
  const gates = new Float64Array(3 * H);
  const r = new Float64Array(H);
  for (let j = 0; j < H; j++) {
    const ar = clipTo(ax[j] + ah[j], l.clip);
    pre[j] = ar;
    r[j] = sigmoid(ar);
  }
  if (!l.resetAfter) {
    // n = tanh(Wn x + bxn + Whn (r*h) + bhn): recompute the n rows of wh on r*h
    const rh = new Float64Array(H);
    for (let j = 0; j < H; j++) rh[j] = r[j] * st.h[j];
    for (let j = 0; j < H; j++) {
      let u = l.bh[2 * H + j];
      const oh = (2 * H + j) * H;
      for (let k = 0; k < H; k++) u += l.wh[oh + k] * rh[k];
      ah[2 * H + j] = u;
    }
  }
  for (let j = 0; j < H; j++) {
    const az = clipTo(ax[H + j] + ah[H + j], l.clip);
    const an = clipTo(l.resetAfter ? ax[2 * H + j] + r[j] * ah[2 * H + j] : ax[2 * H + j] + ah[2 * H + j], l.clip);
    const z = sigmoid(az);
    const n = Math.tanh(an);
    h[j] = (1 - z) * n + z * st.h[j];
    pre[H + j] = az;
    pre[2 * H + j] = an;
    gates[j] = r[j];
    gates[H + j] = z;
    gates[2 * H + j] = n;
  }
  obs?.('pre', pre);
  obs?.('gates', gates);
}

export const gruFloat = cellFloatHooks(gruUpdate, false);
