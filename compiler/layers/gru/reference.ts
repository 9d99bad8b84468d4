// The reference GRU step (docs/quantization.md section 5, "GRU"): gates r, z on Q3.12
// pre-activations, the candidate n reset after (r * (Whn h + bhn)) or before (Whn (r * h)),
// h16 = z * h_prev + (1 - z) * n. Trace keys "pre", "rh" (reset-before), "gates", "h16", "h".
// Legend: H hidden.
import type { QTables } from '../../core/ir/quant-types';
import { Obs, dot } from '../../core/reference/kernel';
import { requantize, rshift_round, sat_s16, sat_s8, sigmoid_s16, tanh_s16 } from '../../core/spec/fixed';
import { QCellState, cellReference, cellStep, clamp } from '../cell/reference';
import type { QGruLayer } from './ir';

/** One step of a GRU cell: updates st in place, returns the new h8 (a fresh array). */
export function gruStepQ(l: QGruLayer, tables: QTables, x: ArrayLike<number>, st: QCellState, obs?: Obs): Int8Array {
  const H = l.hidden;
  // reset-before: the n rows read r*h, computed below
  return cellStep(l, x, st, obs, l.resetAfter ? 3 * H : 2 * H, ({ px, ph, h8, h16 }) => {
    const pre = new Int32Array(3 * H);
    const gates = new Int32Array(3 * H);
    const hold = st.h16;
    for (let r = 0; r < 2 * H; r++) {
      pre[r] = clamp(sat_s16(px[r] + ph[r]), l.clip);
      gates[r] = sigmoid_s16(pre[r], tables.sigmoid);
    }
    if (l.resetAfter) {
      for (let j = 0; j < H; j++) pre[2 * H + j] = clamp(sat_s16(px[2 * H + j] + rshift_round(gates[j] * ph[2 * H + j], 15)), l.clip);
    } else {
      const rh = new Int16Array(H);
      for (let j = 0; j < H; j++) rh[j] = rshift_round(gates[j] * hold[j], 15);
      obs?.('rh', rh);
      for (let j = 0; j < H; j++) {
        const r = 2 * H + j;
        pre[r] = clamp(sat_s16(px[r] + requantize(l.bh[r] + dot(l.wh, r, H, rh), l.mh[r], l.sh[r])), l.clip);
      }
    }
    for (let j = 0; j < H; j++) {
      const z = gates[H + j];
      const n = tanh_s16(pre[2 * H + j], tables.tanh);
      gates[2 * H + j] = n;
      h16[j] = rshift_round(z * hold[j] + (32768 - z) * n, 15);
      h8[j] = sat_s8(l.hZp + requantize(h16[j], l.hM, l.hS));
    }
    obs?.('pre', pre);
    obs?.('gates', gates);
    obs?.('h16', h16);
  });
}

export const reference = cellReference(gruStepQ);
