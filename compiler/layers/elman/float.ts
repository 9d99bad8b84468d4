// Float inference of an Elman cell: h_t = act(wx x + bx + wh h_{t-1} + bh), optionally leaky.

import { ElmanLayer } from '../../core/ir/model';
import { clipTo } from '../../float/activation';
import { CellState, StepObserver } from '../../float/hooks';
import { cellFloatHooks } from '../cell/float';

function elmanUpdate(l: ElmanLayer, ax: Float64Array, ah: Float64Array, st: CellState, h: Float64Array, obs?: StepObserver): void {
  const H = l.hidden;
  const pre = new Float64Array(H);
  for (let j = 0; j < H; j++) {
    const a = clipTo(ax[j] + ah[j], l.clip);
    pre[j] = a;
    h[j] = l.activation === 'tanh' ? Math.tanh(a) : a > 0 ? a : 0;
    // leaky (tanh only): h_t = (1 - a) h_{t-1} + a tanh(pre)
    if (l.leak !== undefined && l.leak !== 1) h[j] = (1 - l.leak) * st.h[j] + l.leak * h[j];
  }
  obs?.('pre', pre);
}

export const elmanFloat = cellFloatHooks(elmanUpdate, false);
