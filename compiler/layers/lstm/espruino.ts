// The Espruino stage of an LSTM layer (docs/quantization.md section 5, "LSTM"; kernel kind lstm):
// gates i, f, g, o in rows [0, 4H) (g by tanh, the others by sigmoid), the cell state c (Int16Array,
// scale 2^-cellFrac) and h16 = o * tanh(c).
import { QLstmLayer } from '../../core/ir/quant-model';
import { EspruinoHooks } from '../../../targets/espruino/hooks';
import { KERNEL_KIND } from '../../../targets/espruino/kinds';
import { fieldLit, half } from '../../../targets/espruino/arith';
import { act, clampRange } from '../../../targets/espruino/unroll-code';
import { CellNames, cellFields, cellRows, gateRow, toHb, unrollCell } from '../cell/espruino';

/**
 * The cell state's shifts for cellFrac cf: c gets rshift_round(i * g, gs) with gs = 30 - cf (i*g
 * is Q0.30); the tanh input in Q3.12 is c * tm (sat_s16, when up: cf < 12) or rshift_round(c, ts).
 */
function cellShifts(cf: number): { gs: number; up: boolean; tm: number; ts: number } {
  return { gs: 30 - cf, up: cf < 12, tm: cf < 12 ? 2 ** (12 - cf) : 1, ts: cf >= 12 ? cf - 12 : 0 };
}

/** The cell update of unit j after the gates: c, its tanh, h16 and hb. */
function cellUpdate(l: QLstmLayer, j: number): string[] {
  const H = l.hidden;
  const k = cellShifts(l.cellFrac);
  const body = [`c=((G[${H + j}]*C[${j}]+16384)>>15)+((G[${j}]*G[${2 * H + j}]+${half(k.gs)})>>${k.gs});`, clampRange('c', -32768), `C[${j}]=c;`];
  // tanh input cq12: for cellFrac > 12 it is within +-16384 (no saturation); for 12 only
  // -32768 needs moving to -32767 (same activation); below 12, sat_s16.
  if (k.up) body.push(`t=c*${k.tm};`, clampRange('t', -32767));
  else if (k.ts === 0) body.push('t=c<-32767?-32767:c;');
  else body.push(`t=(c+${half(k.ts)})>>${k.ts};`);
  body.push(act('t', 't', 'TS', 'TD'), `t=(G[${3 * H + j}]*t+16384)>>15;h[${j}]=t;`, toHb(l, 't', j));
  return body;
}

function steps(l: QLstmLayer, n: CellNames, inBiased: boolean): string[] {
  const H = l.hidden;
  const body: string[] = [];
  for (let r = 0; r < 4 * H; r++) body.push(...gateRow(l, r, 'h', n, inBiased, r >= 2 * H && r < 3 * H ? 'T' : 'S'));
  body.push(`var C=${n.obj}.c;`);
  for (let j = 0; j < H; j++) body.push(...cellUpdate(l, j));
  return body;
}

export const lstm: EspruinoHooks<QLstmLayer> = {
  describe: (l) => `lstm, input ${l.inputSize}, hidden ${l.hidden}, cell 2^-${l.cellFrac}`,
  view(l, ctx, at) {
    const k = cellShifts(l.cellFrac);
    const { fields } = cellFields(l, ctx, at, KERNEL_KIND.lstm);
    fields.push(
      { name: 'c', expr: ctx.alloc(at.id, 'c', 'Int16Array', l.hidden) },
      { name: 'ch', expr: fieldLit(half(k.gs)) },
      { name: 'cs', expr: fieldLit(k.gs) },
      { name: 'up', expr: k.up ? '1' : '0' },
      { name: 'tm', expr: fieldLit(k.tm) },
      { name: 'th', expr: fieldLit(half(k.ts)) },
      { name: 'ts', expr: fieldLit(k.ts) },
    );
    return { id: at.id, kind: KERNEL_KIND.lstm, comment: at.comment, fields };
  },
  unroll: (l, at) => unrollCell(l, at, (n) => steps(l, n, at.inBiased)),
  rows: cellRows,
};
