// The reference Jordan layer step (docs/quantization.md section 5, "Jordan"): the recurrence
// reads the layer's previous OUTPUT y, not a hidden state. The output projection is the dense
// arithmetic (denseQ) on h16, so the two cannot drift apart.
//
// Legend: I layer input, H hidden, U units (the output, fed back).
import type { QTables } from '../../core/ir/quant-types';
import { Obs, RefHooks, dot, runBySteps } from '../../core/reference/kernel';
import { requantize, sat_s16, tanh_s16 } from '../../core/spec/fixed';
import { denseQ } from '../dense/reference';
import { QJordanLayer, jordanProjection } from './ir';

/** A Jordan layer's state: its previous output y (int8 with zero point outZp, or int16 when last), reset to outZp (real 0). */
export interface QJordanState {
  y: Int32Array; // (U)
}

export function newJordanState(l: QJordanLayer): QJordanState {
  return { y: new Int32Array(l.units).fill(l.outZp) };
}

export function resetJordanState(l: QJordanLayer, st: QJordanState): void {
  st.y.fill(l.outZp);
}

/**
 * One step on the layer input x (x16 for the first layer, int8 after it): updates st.y and
 * returns the new output (a fresh array). Trace keys: "pre" (Q3.12), "h16" (Q0.15), then the
 * projection's "ypre" and "out" (the dense layer's "pre" and "out").
 */
export function jordanStepQ(l: QJordanLayer, tables: QTables, x: ArrayLike<number>, st: QJordanState, obs?: Obs): Int32Array {
  const H = l.hidden;
  const pre = new Int32Array(H);
  const h16 = new Int16Array(H);
  for (let j = 0; j < H; j++) {
    const px = requantize(l.bx[j] + dot(l.wx, j, l.inputSize, x), l.mx[j], l.sx[j]);
    const py = requantize(l.by[j] + dot(l.wy, j, l.units, st.y), l.my[j], l.sy[j]);
    pre[j] = sat_s16(px + py);
    h16[j] = tanh_s16(pre[j], tables.tanh);
  }
  obs?.('pre', pre);
  obs?.('h16', h16);
  const y = denseQ(jordanProjection(l), tables, h16, obs ? (k, v) => obs(k === 'pre' ? 'ypre' : k, v) : undefined);
  st.y = Int32Array.from(y);
  return y;
}

const step: RefHooks<QJordanLayer, QJordanState>['step'] = (l, tables, x, st, obs) => jordanStepQ(l, tables, x, st, obs);

export const reference: RefHooks<QJordanLayer, QJordanState> = {
  newState: newJordanState,
  reset: resetJordanState,
  step,
  run: runBySteps({ newState: newJordanState, step }),
};
