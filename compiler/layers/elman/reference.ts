// The reference Elman step (docs/quantization.md section 5, "Elman"): tanh (optionally leaky) on a
// Q3.12 pre-activation, or relu directly in h8 units. Trace keys "pre", "h16" (tanh), "h".
// Legend: H hidden.
import type { QTables } from '../../core/ir/quant-types';
import type { Obs } from '../../core/reference/kernel';
import { requantize, rshift_round, sat_s16, sat_s8, tanh_s16 } from '../../core/spec/fixed';
import { QCellState, cellReference, cellStep, clamp } from '../cell/reference';
import type { QElmanLayer } from './ir';

/** One step of an Elman cell: updates st in place, returns the new h8 (a fresh array). */
export function elmanStepQ(l: QElmanLayer, tables: QTables, x: ArrayLike<number>, st: QCellState, obs?: Obs): Int8Array {
  const H = l.hidden;
  return cellStep(l, x, st, obs, H, ({ px, ph, h8, h16 }) => {
    const pre = new Int32Array(H);
    if (l.activation === 'tanh') {
      for (let j = 0; j < H; j++) {
        pre[j] = clamp(sat_s16(px[j] + ph[j]), l.clip);
        h16[j] = tanh_s16(pre[j], tables.tanh);
        // leaky: h16 = h16_prev + rshift_round(leakQ15 * (t16 - h16_prev), 15), stays in [-32767, 32767]
        if (l.leakQ15 !== undefined) h16[j] = st.h16[j] + rshift_round(l.leakQ15 * (h16[j] - st.h16[j]), 15);
        h8[j] = sat_s8(l.hZp + requantize(h16[j], l.hM, l.hS));
      }
      obs?.('pre', pre);
      obs?.('h16', h16);
    } else {
      for (let j = 0; j < H; j++) {
        pre[j] = clamp(px[j] + ph[j], l.clip);
        h8[j] = sat_s8(l.hZp + (pre[j] > 0 ? pre[j] : 0));
      }
      obs?.('pre', pre);
    }
  });
}

export const reference = cellReference(elmanStepQ);
