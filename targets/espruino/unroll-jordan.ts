// The unrolled step of a Jordan layer (docs/quantization.md section 5, "Jordan"), in the style of
// unroll.ts: one straight-line function per layer, every per-row constant an integer literal.
//
//   h16[j] = tanh_s16(sat_s16(requantize(acc_x[j], mx, sx) + requantize(acc_y[j], my, sy)))
//   y      = the dense arithmetic on h16 with wo, bo, mo, so and the out* fields
//
// The recurrent vector is the layer's own previous output y, held in the projection's output
// array (LAYER.b.o): int8 stored biased by +128 (Uint8ClampedArray, so -128 * sum(row) folds into
// the feedback constant), or int16 when the layer is last. Every row reads the old y before the
// projection overwrites it, and the rows write h16 directly (the recurrence does not read h16).
// Narrow vectors (input or feedback of at most INLINE_INPUT_MAX values) are read into locals
// once per step and their dot products written with premultiplied literal weights, as for cells.
import { QJordanLayer, jordanProjection } from '../../compiler/core/ir/quant-jordan';
import { half } from './emit';
import { INLINE_INPUT_MAX, actU, clampU, denseLines, inlineDot, plus, requantExpr, rowAbs, rowSum } from './unroll';

export interface JordanUnrollNames {
  /** Weight views (module level): input weights, feedback weights, output projection. */
  wx: string;
  wy: string;
  wo: string;
  /** Layer objects of the recurrent part (h16) and of the projection (o, the fed-back y). */
  rec: string;
  proj: string;
}

function locals(v: string, src: string, n: number): string {
  return `var ${Array.from({ length: n }, (_, i) => `${v}${i}=${src}[${i}]`).join(',')};`;
}

/** The step function of a Jordan layer: `function NAME(x) {...; return o; }` (o is the new y). */
export function unrollJordan(l: QJordanLayer, name: string, n: JordanUnrollNames, inBiased: boolean): string {
  const I = l.inputSize;
  const H = l.hidden;
  const U = l.units;
  const wide = l.outType === 's16';
  const inlineX = I <= INLINE_INPUT_MAX;
  const inlineY = U <= INLINE_INPUT_MAX;
  const body: string[] = [`var h=${n.rec}.h16,o=${n.proj}.o,a,b,p,k,n,v;`];
  if (inlineX) body.push(locals('x', 'x', I));
  if (inlineY) body.push(locals('y', 'o', U));
  for (let r = 0; r < H; r++) {
    const bxf = l.bx[r] - (inBiased ? 128 * rowSum(l.wx, r, I) : 0);
    const byf = l.by[r] - (wide ? 0 : 128 * rowSum(l.wy, r, U));
    const ax = Math.abs(bxf) + (inBiased ? 255 : 32768) * rowAbs(l.wx, r, I);
    const ay = Math.abs(byf) + (wide ? 32768 : 255) * rowAbs(l.wy, r, U);
    const dotX = inlineX ? inlineDot(l.wx, r, I, l.mx[r]) : `cv(x,${n.wx},${r * I})*${l.mx[r]}`;
    const dotY = inlineY ? inlineDot(l.wy, r, U, l.my[r], 'y') : `cv(o,${n.wy},${r * U})*${l.my[r]}`;
    const [ex, ox] = requantExpr(dotX, bxf * l.mx[r] + half(l.sx[r]), l.sx[r], ax, l.mx[r], 'a');
    const [ey, oy] = requantExpr(dotY, byf * l.my[r] + half(l.sy[r]), l.sy[r], ay, l.my[r], 'b');
    // u = pre + 32768, saturated to [1, 65535] (sat_s16; -32768 and -32767 give the same tanh)
    const k = 32768 - ox - oy;
    body.push(`p=${ex}+${ey}${k ? plus(k) : ''};`, clampU('p', 1, 65535), actU(`h[${r}]`, 'p', 'TS', 'TD'));
  }
  body.push(...denseLines(jordanProjection(l), n.wo, false, 'h'));
  body.push('return o;');
  return `function ${name}(x) {\n  ${body.join('\n  ')}\n}`;
}
