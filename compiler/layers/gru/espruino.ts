// The Espruino stage of a GRU layer (docs/quantization.md section 5, "GRU"; kernel kind gru):
// gates r, z in rows [0, 2H) by sigmoid, the candidate n in rows [2H, 3H) by tanh. Reset-before
// multiplies h by r first (rb, an Int16Array); reset-after scales the requantised recurrent part
// hn by r (the loop kernel reads each side's 2^47 offset alone: BX, BH).
import { QGruLayer, requantBound } from '../../core/ir/quant-model';
import { EspruinoHooks } from '../../../targets/espruino/hooks';
import { KERNEL_KIND } from '../../../targets/espruino/kinds';
import { accBound, fieldLit, plus, requantExpr, sideExpr } from '../../../targets/espruino/arith';
import { f64 } from '../../../targets/espruino/layer-view';
import { CellNames, activateRow, cellFields, cellRows, cellSides, dotX, gateRow, toHb, unrollCell } from '../cell/espruino';

/** Candidate row 2H+j, reset after: xn + rshift_round(r * hn, 15), hn = requantize(acc_h) into b, then r * hn floored by 2^15. */
function resetAfterRow(l: QGruLayer, j: number, n: CellNames, inBiased: boolean): string[] {
  const r = 2 * l.hidden + j;
  const [x, h] = cellSides(l, inBiased);
  const [ex, ox] = sideExpr(x, r, dotX(l, r, n), 'a');
  const [eh, oh] = sideExpr(h, r, `cv(h,${n.wh},${r * l.hidden})*${l.mh[r]}`, 'b');
  const ph = requantBound(accBound(h, r), l.mh[r], l.sh[r]); // |hn| < ph
  const [er, or] = requantExpr(`G[${j}]*b`, 16384, 15, ph, 32768, 'n');
  return [`b=${eh}${plus(-oh)};`, `p=${ex}+${er}${plus(32768 - ox - or)};`, ...activateRow(l, r, 'T')];
}

function steps(l: QGruLayer, n: CellNames, inBiased: boolean): string[] {
  const H = l.hidden;
  const body: string[] = [];
  for (let r = 0; r < 2 * H; r++) body.push(...gateRow(l, r, 'h', n, inBiased, 'S'));
  if (l.resetAfter) {
    for (let j = 0; j < H; j++) body.push(...resetAfterRow(l, j, n, inBiased));
  } else {
    body.push(`var rb=${n.obj}.rb;`);
    for (let j = 0; j < H; j++) body.push(`rb[${j}]=(G[${j}]*h[${j}]+16384)>>15;`);
    for (let r = 2 * H; r < 3 * H; r++) body.push(...gateRow(l, r, 'rb', n, inBiased, 'T'));
  }
  for (let j = 0; j < H; j++) body.push(`z=G[${H + j}];t=(z*h[${j}]+(32768-z)*G[${2 * H + j}]+16384)>>15;h[${j}]=t;`, toHb(l, 't', j));
  return body;
}

export const gru: EspruinoHooks<QGruLayer> = {
  describe: (l) => `gru (reset ${l.resetAfter ? 'after' : 'before'}), input ${l.inputSize}, hidden ${l.hidden}`,
  view(l, ctx, at) {
    const { fields, k } = cellFields(l, ctx, at, KERNEL_KIND.gru);
    fields.push(
      { name: 'after', expr: fieldLit(l.resetAfter ? 1 : 0) },
      { name: 'BX', expr: ctx.konst(`${at.id}_bx`, f64(k.BX)) },
      { name: 'BH', expr: ctx.konst(`${at.id}_bh`, f64(k.BH)) },
      { name: 'rb', expr: l.resetAfter ? 'null' : ctx.alloc(at.id, 'rb', 'Int16Array', l.hidden) },
    );
    return { id: at.id, kind: KERNEL_KIND.gru, comment: at.comment, fields };
  },
  unroll: (l, at) => unrollCell(l, at, (n) => steps(l, n, at.inBiased)),
  rows: cellRows,
};
