// The Espruino stage of a Jordan layer (docs/quantization.md section 5, "Jordan"):
//
//   h16[j] = tanh_s16(sat_s16(requantize(acc_x[j], mx, sx) + requantize(acc_y[j], my, sy)))
//   y      = the dense arithmetic on h16 with wo, bo, mo, so and the out* fields
//
// Its layer object (kernel kind jordan) has two parts: f, the recurrent part, read by the gates()
// kernel with the fed-back output y as its recurrent vector (so its H field is the feedback width
// U, and R the number of hidden rows), and b, the output projection, the dense kernel on h16. y
// lives in b.o: int8 stored biased by +128 (so the feedback side folds -128 * sum(row) into its
// constant, arith.ts identity 2), or int16 when the layer is last.
//
// The unrolled step is one straight-line function: every row reads the old y before the
// projection overwrites it, and the rows write h16 directly (the recurrence does not read h16).
// Narrow vectors (input or feedback of at most INLINE_INPUT_MAX values) are read into locals once
// per step and their dot products written with premultiplied literal weights, as for cells.
import { QJordanLayer, jordanProjection } from '../../core/ir/quant-jordan';
import { EspruinoHooks, UnrollAt } from '../../../targets/espruino/hooks';
import { KERNEL_KIND } from '../../../targets/espruino/kinds';
import { Side, biasedZero, fieldLit, plus, rowConstants, sideExpr } from '../../../targets/espruino/arith';
import { LayerAt, LayerView, ViewContext, requantFields } from '../../../targets/espruino/layer-view';
import { INLINE_INPUT_MAX, actU, clampU, inlineDot, locals, unrolledStep } from '../../../targets/espruino/unroll-code';
import { denseLines, denseView } from '../dense/espruino';

function isWide(l: QJordanLayer): boolean {
  return l.outType === 's16';
}

/** The two sides of a hidden row: x, and the fed-back y (stored +128 when int8). */
function jordanSides(l: QJordanLayer, inBiased: boolean): [Side, Side] {
  return [
    { w: l.wx, b: l.bx, m: l.mx, s: l.sx, n: l.inputSize, biased: inBiased },
    { w: l.wy, b: l.by, m: l.my, s: l.sy, n: l.units, biased: !isWide(l) },
  ];
}

/** The recurrent part's layer object (read by gates() as an Elman tanh cell over y). */
function recurrentView(l: QJordanLayer, ctx: ViewContext, at: LayerAt): LayerView {
  const H = l.hidden;
  const rid = `${at.id}r`;
  const k = rowConstants(H, ...jordanSides(l, at.inBiased));
  const fields = [
    { name: 'kind', expr: fieldLit(KERNEL_KIND.elmanTanh) },
    { name: 'I', expr: fieldLit(l.inputSize) },
    { name: 'H', expr: fieldLit(l.units) },
    { name: 'R', expr: fieldLit(H) },
    { name: 'WX', expr: ctx.section(`${rid}_wx`, l.wx) },
    { name: 'WH', expr: ctx.section(`${rid}_wy`, l.wy) },
    ...requantFields(ctx, rid, k, ['my', 'cy', 'dy']),
    { name: 'lo', expr: fieldLit(-32767) },
    { name: 'hi', expr: fieldLit(32767) },
    { name: 'g', expr: ctx.unrolled ? 'null' : ctx.alloc(rid, 'g', 'Int32Array', H) },
    { name: 'h16', expr: ctx.alloc(rid, 'h16', 'Int16Array', H) },
  ];
  return { id: rid, kind: KERNEL_KIND.elmanTanh, comment: 'recurrent part', fields };
}

/** Hidden row r into h[r]: u = pre + 32768 saturated to [1, 65535] (sat_s16; -32768 and -32767 give the same tanh). */
function hiddenRow(l: QJordanLayer, r: number, at: UnrollAt): string[] {
  const I = l.inputSize;
  const U = l.units;
  const [x, y] = jordanSides(l, at.inBiased);
  const dotX = I <= INLINE_INPUT_MAX ? inlineDot(l.wx, r, I, l.mx[r]) : `cv(x,${at.varOf(`${at.id}r_wx`)},${r * I})*${l.mx[r]}`;
  const dotY = U <= INLINE_INPUT_MAX ? inlineDot(l.wy, r, U, l.my[r], 'y') : `cv(o,${at.varOf(`${at.id}r_wy`)},${r * U})*${l.my[r]}`;
  const [ex, ox] = sideExpr(x, r, dotX, 'a');
  const [ey, oy] = sideExpr(y, r, dotY, 'b');
  const k = 32768 - ox - oy;
  return [`p=${ex}+${ey}${k ? plus(k) : ''};`, clampU('p', 1, 65535), actU(`h[${r}]`, 'p', 'TS', 'TD')];
}

/** The step function: `function f_ID(x) {...; return o; }` (o is the new y). */
function unrollJordan(l: QJordanLayer, at: UnrollAt): string[] {
  const body: string[] = [`var h=${at.id}r.h16,o=${at.id}o.o,a,b,p,k,n,v;`];
  if (l.inputSize <= INLINE_INPUT_MAX) body.push(locals('x', 'x', l.inputSize));
  if (l.units <= INLINE_INPUT_MAX) body.push(locals('y', 'o', l.units));
  for (let r = 0; r < l.hidden; r++) body.push(...hiddenRow(l, r, at));
  return [...body, ...denseLines(jordanProjection(l), at.varOf(`${at.id}o_w`), false, 'h'), 'return o;'];
}

export const jordan: EspruinoHooks<QJordanLayer> = {
  describe: (l) => `jordan ${l.outActivation}, input ${l.inputSize}, hidden ${l.hidden}, units ${l.units} fed back, ${l.outType}`,
  view(l, ctx, at) {
    const wide = isWide(l);
    const rec = recurrentView(l, ctx, at);
    const proj = denseView(jordanProjection(l), ctx, { id: `${at.id}o`, comment: 'output projection', inBiased: false });
    const fields = [
      { name: 'kind', expr: fieldLit(KERNEL_KIND.jordan) },
      { name: 'wide', expr: fieldLit(wide ? 1 : 0) },
      { name: 'z', expr: fieldLit(wide ? 0 : biasedZero(l.outZp)) },
    ];
    return { id: at.id, kind: KERNEL_KIND.jordan, comment: at.comment, fields, fwd: rec, bwd: proj };
  },
  unroll: (l, at) => unrolledStep(at.id, unrollJordan(l, at)),
  rows: (l) => l.hidden + l.units,
};
