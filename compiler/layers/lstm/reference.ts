// The reference LSTM step (docs/quantization.md section 5, "LSTM"): gates i, f, g, o on Q3.12
// pre-activations, the int16 cell c with scale 2^-cellFrac, h16 = o * tanh(c).
// Trace keys "pre", "gates", "c", "tc", "h16", "h". Legend: H hidden.
import type { QTables } from '../../core/ir/quant-types';
import type { Obs } from '../../core/reference/kernel';
import { requantize, rshift_round, sat_s16, sat_s8, sigmoid_s16, tanh_s16 } from '../../core/spec/fixed';
import { QCellState, cellReference, cellStep, clamp } from '../cell/reference';
import type { QLstmLayer } from './ir';

/** One step of an LSTM cell: updates st (h16, c) in place, returns the new h8 (a fresh array). */
export function lstmStepQ(l: QLstmLayer, tables: QTables, x: ArrayLike<number>, st: QCellState, obs?: Obs): Int8Array {
  const H = l.hidden;
  return cellStep(l, x, st, obs, 4 * H, ({ px, ph, h8, h16 }) => {
    const pre = new Int32Array(4 * H);
    const gates = new Int32Array(4 * H);
    const tc = new Int32Array(H);
    const c = st.c;
    const cf = l.cellFrac;
    for (let r = 0; r < 4 * H; r++) pre[r] = clamp(sat_s16(px[r] + ph[r]), l.clip);
    for (let j = 0; j < H; j++) {
      const gi = sigmoid_s16(pre[j], tables.sigmoid);
      const gf = sigmoid_s16(pre[H + j], tables.sigmoid);
      const gg = tanh_s16(pre[2 * H + j], tables.tanh);
      const go = sigmoid_s16(pre[3 * H + j], tables.sigmoid);
      const cn = sat_s16(rshift_round(gf * c[j], 15) + rshift_round(gi * gg, 30 - cf));
      c[j] = cn;
      const cq12 = cf >= 12 ? rshift_round(cn, cf - 12) : sat_s16(cn * 2 ** (12 - cf));
      tc[j] = tanh_s16(cq12, tables.tanh);
      h16[j] = rshift_round(go * tc[j], 15);
      h8[j] = sat_s8(l.hZp + requantize(h16[j], l.hM, l.hS));
      gates[j] = gi;
      gates[H + j] = gf;
      gates[2 * H + j] = gg;
      gates[3 * H + j] = go;
    }
    obs?.('pre', pre);
    obs?.('gates', gates);
    obs?.('c', c);
    obs?.('tc', tc);
    obs?.('h16', h16);
  });
}

export const reference = cellReference(lstmStepQ);
