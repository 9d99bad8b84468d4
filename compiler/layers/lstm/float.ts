// Float inference of an LSTM cell, gates i, f, g, o (optional peepholes and clip):
//   c_t = f*c_{t-1} + i*g,  h_t = o*tanh(c_t)

import { LstmLayer } from '../../core/ir/model';
import { clipTo, sigmoid } from '../../float/activation';
import { CellState, StepObserver } from '../../float/hooks';
import { cellFloatHooks } from '../cell/float';

function lstmUpdate(l: LstmLayer, ax: Float64Array, ah: Float64Array, st: CellState, h: Float64Array, obs?: StepObserver): void {
  const H = l.hidden;
  const pre = new Float64Array(4 * H);
  const gates = new Float64Array(4 * H);
  const c = st.c;
  const p = l.peepholes;
  for (let j = 0; j < H; j++) {
    let ai = ax[j] + ah[j];
    let af = ax[H + j] + ah[H + j];
    let ag = ax[2 * H + j] + ah[2 * H + j];
    let ao = ax[3 * H + j] + ah[3 * H + j];
    if (p) {
      ai += p[j] * c[j];
      af += p[H + j] * c[j];
    }
    ai = clipTo(ai, l.clip);
    af = clipTo(af, l.clip);
    ag = clipTo(ag, l.clip);
    const gi = sigmoid(ai);
    const gf = sigmoid(af);
    const gg = Math.tanh(ag);
    const cn = gf * c[j] + gi * gg;
    if (p) ao += p[2 * H + j] * cn;
    ao = clipTo(ao, l.clip);
    const go = sigmoid(ao);
    c[j] = cn;
    h[j] = go * Math.tanh(cn);
    pre[j] = ai;
    pre[H + j] = af;
    pre[2 * H + j] = ag;
    pre[3 * H + j] = ao;
    gates[j] = gi;
    gates[H + j] = gf;
    gates[2 * H + j] = gg;
    gates[3 * H + j] = go;
  }
  obs?.('pre', pre);
  obs?.('gates', gates);
  obs?.('c', c);
}

export const lstmFloat = cellFloatHooks(lstmUpdate, true);
