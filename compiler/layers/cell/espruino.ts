// What the Espruino views and unrolled steps of the three gated cells (Elman, LSTM, GRU) share:
// the common fields of a cell's layer object, its clamp bounds, and the unrolled rows.
//
// A cell's layer object (read by gates() and toH() in templates/_kernels.hbs): WX, WH the weights,
// the row constants of arith.ts (MX..KQ), the clamp [lo, hi] of the pre-activation, the h8 output
// requantisation (hm, hc, hd, hk with z = hZp + 128), and its arrays: hb (h8 + 128), g (the
// activated gate rows), h16 (absent for Elman relu, whose state is hb).
import { QCellLayer, qGateCount } from '../../core/ir/quant-model';
import {
  RowConstants,
  Side,
  biasedOutConst,
  biasedZero,
  fieldLit,
  plus,
  requantConst,
  rowConstants,
  sideExpr,
  storeBiased,
} from '../../../targets/espruino/arith';
import { Field, LayerAt, ViewContext, requantFields } from '../../../targets/espruino/layer-view';
import { KernelKind } from '../../../targets/espruino/kinds';
import { UnrollAt, UnrolledLayer } from '../../../targets/espruino/hooks';
import { INLINE_INPUT_MAX, actU, clampU, inlineDot, locals, unrolledStep } from '../../../targets/espruino/unroll-code';

/** Weight rows of a cell: G * H. */
export function cellRows(l: QCellLayer): number {
  return qGateCount(l.kind) * l.hidden;
}

/** An Elman relu cell: its state is h8 itself (no h16, no table activation). */
export function isRelu(l: QCellLayer): boolean {
  return l.kind === 'elman' && l.activation === 'relu';
}

/**
 * Clamp bounds of the pre-activation: relu cells need only whether it is > 0 and its value up to
 * 255 (max(pre, 0), then sat_s8), so [-1, min(clip, 512)]; table activations take sat_s16 then
 * the clip, with -32768 moved to -32767 (lut_s16 reads min(|x|, 32767), the same activation).
 */
export function cellClamp(l: QCellLayer): [number, number] {
  if (isRelu(l)) return [-1, l.clip > 0 ? Math.min(l.clip, 512) : 512];
  return [l.clip > 0 ? Math.max(-32767, -l.clip) : -32767, l.clip > 0 ? Math.min(32767, l.clip) : 32767];
}

/** The two sides of a cell's rows: x (int8 stored biased after the first layer) and h (h8 + 128 for Elman relu, h16 otherwise). */
export function cellSides(l: QCellLayer, inBiased: boolean): [Side, Side] {
  return [
    { w: l.wx, b: l.bx, m: l.mx, s: l.sx, n: l.inputSize, biased: inBiased },
    { w: l.wh, b: l.bh, m: l.mh, s: l.sh, n: l.hidden, biased: isRelu(l) },
  ];
}

/** A regenerated reservoir's weight variables (not in the blobs), or undefined. */
export interface CellWeights {
  wx: string;
  wh: string;
}

/** The fields every cell's layer object has, in the order the module lists them, and its row constants. */
export function cellFields(l: QCellLayer, ctx: ViewContext, at: LayerAt, kind: KernelKind, own?: CellWeights): { fields: Field[]; k: RowConstants } {
  const { id } = at;
  const H = l.hidden;
  const [x, h] = cellSides(l, at.inBiased);
  const k = rowConstants(cellRows(l), x, h);
  const [lo, hi] = cellClamp(l);
  const fields = [
    { name: 'kind', expr: fieldLit(kind) },
    { name: 'I', expr: fieldLit(l.inputSize) },
    { name: 'H', expr: fieldLit(H) },
    { name: 'WX', expr: own ? own.wx : ctx.section(`${id}_wx`, l.wx) },
    { name: 'WH', expr: own ? own.wh : ctx.section(`${id}_wh`, l.wh) },
    ...requantFields(ctx, id, k, ['mh', 'ch', 'dh']),
    { name: 'lo', expr: fieldLit(lo) },
    { name: 'hi', expr: fieldLit(hi) },
    { name: 'z', expr: fieldLit(biasedZero(l.hZp)) },
    { name: 'hm', expr: fieldLit(l.hM) },
    { name: 'hc', expr: fieldLit(requantConst(0, l.hM, l.hS)) },
    { name: 'hd', expr: fieldLit(2 ** l.hS) },
    { name: 'hk', expr: fieldLit(biasedOutConst(l.hZp, l.hS)) },
    { name: 'hb', expr: ctx.alloc(id, 'hb', 'Uint8ClampedArray', H) },
    { name: 'g', expr: ctx.alloc(id, 'g', 'Int32Array', cellRows(l)) },
    { name: 'h16', expr: isRelu(l) ? 'null' : ctx.alloc(id, 'h16', 'Int16Array', H) },
  ];
  return { fields, k };
}

/** The variables an unrolled cell step reads: its weight views and its layer object. */
export interface CellNames {
  wx: string;
  wh: string;
  obj: string;
}

/** Inline the input weights as literals: narrow inputs, except a regenerated reservoir (its weights are not in the code). */
export function inlineInput(l: QCellLayer): boolean {
  return l.inputSize <= INLINE_INPUT_MAX && !(l.kind === 'elman' && l.reservoir);
}

/** Code for row r's input dot product times mx (inline literals for a narrow input). */
export function dotX(l: QCellLayer, r: number, n: CellNames): string {
  return inlineInput(l) ? inlineDot(l.wx, r, l.inputSize, l.mx[r]) : `cv(x,${n.wx},${r * l.inputSize})*${l.mx[r]}`;
}

/** Statements computing pre-activation p (+ bias) of cell row r from input x and recurrent vector hv. */
export function preRow(l: QCellLayer, r: number, hv: string, n: CellNames, inBiased: boolean, bias = 0): string[] {
  const [x, h] = cellSides(l, inBiased);
  const [ex, ox] = sideExpr(x, r, dotX(l, r, n), 'a');
  const [eh, oh] = sideExpr(h, r, `cv(${hv},${n.wh},${r * l.hidden})*${l.mh[r]}`, 'b');
  return [`p=${ex}+${eh}${plus(bias - ox - oh)};`];
}

/** The activation of u = p + 32768 in p into G[r]: clamped to the cell's bounds (shifted by 32768), then the table A/D (TS/TD or SS/SD). */
export function activateRow(l: QCellLayer, r: number, table: 'T' | 'S'): string[] {
  const [lo, hi] = cellClamp(l);
  return [clampU('p', lo + 32768, hi + 32768), actU(`G[${r}]`, 'p', `${table}S`, `${table}D`)];
}

/** Row r of a table-activated cell into G[r]: its pre-activation from x and hv, then activateRow. */
export function gateRow(l: QCellLayer, r: number, hv: string, n: CellNames, inBiased: boolean, table: 'T' | 'S'): string[] {
  return [...preRow(l, r, hv, n, inBiased, 32768), ...activateRow(l, r, table)];
}

/** h8 + 128 from an int16 value v: sat_s8(hZp + requantize(v, hM, hS)) + 128 (the clamped store saturates). */
export function toHb(l: QCellLayer, v: string, j: number): string {
  return storeBiased(`hb[${j}]`, v, l.hM, l.hS, l.hZp);
}

/** The unrolled step of a cell: `function f_ID(x) {...; return hb; }` around the kind's statements. */
export function unrollCell(l: QCellLayer, at: UnrollAt, body: (n: CellNames) => string[]): UnrolledLayer {
  const n: CellNames = { wx: at.varOf(`${at.id}_wx`), wh: at.varOf(`${at.id}_wh`), obj: at.id };
  const head = [`var G=${n.obj}.g,h=${n.obj}.h16,hb=${n.obj}.hb,a,b,p,k,n,c,t,z;`];
  if (inlineInput(l)) head.push(locals('x', 'x', l.inputSize));
  return unrolledStep(at.id, [...head, ...body(n), 'return hb;']);
}
