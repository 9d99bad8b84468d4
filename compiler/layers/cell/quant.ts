// Quantisation of the gated cells (Elman, LSTM, GRU; docs/quantization.md section 7), the part
// they share: the checks of their weights and clip, the range of h, the per-row int8 weights and
// folded biases of both sides, their multipliers to the pre-activation unit, and the trace
// entries of the error report. Each cell kind finishes its layer in compiler/layers/<kind>/quant.ts.
//
// Legend: I layer input, H hidden, G gates.

import { CELL_GATES, CellKind, CellLayer, LayerOf, gateCount } from '../../core/ir/model';
import { QCellLayer, QGruLayer, QLayerOf, recurrentIsH8 } from '../../core/ir/quant-model';
import { INT32_MAX } from '../../core/spec/spec';
import type { RangeStat } from '../../quant/calibrate';
import { DocLayer, LayerQuantContext, QuantHooks, S16, S8, TraceEntry } from '../../quant/hooks';
import { Cols, PRE_SCALE, Problems, QParams, foldBias, int8Params, nonFinite, quantRows, rowMultipliers, uniform } from '../../quant/rows';

/** The fields every quantised cell has, before its kind adds its own. */
export type CellShared = Omit<QGruLayer, 'kind' | 'resetAfter' | 'hM' | 'hS'>;

/** The int8 rows of both sides of a cell. */
export interface CellRows {
  qx: { w8: Int8Array; sa: Float64Array };
  qh: { w8: Int8Array; sa: Float64Array };
}

/** What one cell kind adds to the shared quantisation. */
export interface CellQuantHooks<K extends CellKind> {
  /** Checks of the kind beyond the shared ones. */
  check?(p: Problems, c: LayerOf<K>, path: string): void;
  /** Rows the kind fixes itself (a regenerated reservoir); absent or undefined: per-row quantisation. */
  fixedRows?(c: LayerOf<K>, inQ: Cols): CellRows | undefined;
  /** The kind's quantised layer from the shared fields. */
  finish(ctx: LayerQuantContext, c: LayerOf<K>, shared: CellShared, hQ: QParams): QLayerOf<K>;
  /** The real value of one unit of the kind's cell state, when it has one (doc.layers[i].cellScale). */
  cellScale?(q: QLayerOf<K>): number;
}

/** An Elman relu cell's pre-activation is in h8 units and its h is int8 (no h16). */
const reluElman = (c: CellLayer): boolean => c.kind === 'elman' && c.activation === 'relu';

/** QNT001 for non-finite weights and a bad clip, and the kind's own checks. */
export function cellPreflight<K extends CellKind>(hooks: CellQuantHooks<K>, p: Problems, c: LayerOf<K>, path: string): void {
  sharedChecks(p, c, path, () => hooks.check?.(p, c, path));
}

function sharedChecks(p: Problems, c: CellLayer, path: string, kindChecks: () => void): void {
  for (const k of ['wx', 'wh', 'bx', 'bh'] as const) nonFinite(p, c[k], `${path}.${k}`);
  kindChecks();
  if (c.clip !== undefined && !(c.clip > 0 && Number.isFinite(c.clip)))
    p.add('QNT001', `${path}.clip`, 'clip is not a positive finite number', { value: c.clip });
}

/** The calibrated range of h with its headroom (relu: from 0; otherwise never beyond tanh's [-1, 1]). */
export function hRange(c: CellLayer, st: RangeStat | undefined, percentile: number | undefined): [number, number] {
  const [lo, hi] = st ? st.range(percentile) : [0, 0];
  return reluElman(c) ? [0, hi] : [Math.max(lo, -1), Math.min(hi, 1)];
}

/** The shared fields of a quantised cell whose output h8 has the parameters hQ. */
function cellShared(ctx: LayerQuantContext, c: CellLayer, rows: CellRows | undefined, hQ: QParams): CellShared {
  const { p, path, inQ } = ctx;
  const H = c.hidden;
  const I = c.inputSize;
  const GH = gateCount(c.kind) * H;
  const preScale = reluElman(c) ? hQ.scale : PRE_SCALE;
  // the recurrent input: h16 in Q0.15 (zero point 0), or h8 for elman relu
  const hCols = reluElman(c) ? uniform(hQ, H) : uniform({ scale: 2 ** -15, zp: 0 }, H);
  const qx = rows ? rows.qx : quantRows(c.wx, c.bx, GH, I, inQ);
  const qh = rows ? rows.qh : quantRows(c.wh, c.bh, GH, H, hCols);
  const { m: mx, s: sx } = rowMultipliers(p, qx.sa, preScale, `${path}.mx`, 'input side');
  const { m: mh, s: sh } = rowMultipliers(p, qh.sa, preScale, `${path}.mh`, 'recurrent side');
  const clip = c.clip === undefined ? 0 : Math.min(INT32_MAX, Math.max(1, Math.round(c.clip / preScale)));
  return {
    ...(c.name !== undefined ? { name: c.name } : {}),
    inputSize: I,
    hidden: H,
    wx: qx.w8,
    wh: qh.w8,
    bx: foldBias(p, c.bx, qx.w8, qx.sa, I, inQ, `${path}.bx`),
    bh: foldBias(p, c.bh, qh.w8, qh.sa, H, hCols, `${path}.bh`),
    mx,
    sx,
    mh,
    sh,
    clip,
    hZp: hQ.zp,
  };
}

/** A quantised cell of kind K whose output h8 has the parameters hQ. */
export function quantizeCell<K extends CellKind>(hooks: CellQuantHooks<K>, ctx: LayerQuantContext, c: LayerOf<K>, hQ: QParams): QLayerOf<K> {
  return hooks.finish(ctx, c, cellShared(ctx, c, hooks.fixedRows?.(c, ctx.inQ), hQ), hQ);
}

/** The requantisation of h16 (Q0.15) to the int8 output h8. */
export function h16ToH8(ctx: LayerQuantContext, hQ: QParams): { hM: number; hS: number } {
  const h = ctx.p.mult(2 ** -15 / hQ.scale, `${ctx.path}.hM`, 'h16 to h8');
  return { hM: h.m, hS: h.s };
}

/** The documentation scales of a cell's (or a bidirectional pair's) output. */
export function cellDoc(hQ: QParams, cellScale: number | undefined): DocLayer {
  return { outScale: hQ.scale, outZp: hQ.zp, ...(cellScale !== undefined ? { cellScale } : {}) };
}

/** The hooks of a single (not bidirectional) cell layer of kind K. */
export function cellLayerHooks<K extends CellKind>(hooks: CellQuantHooks<K>): QuantHooks<K> {
  return {
    preflight: (p, c, path) => cellPreflight(hooks, p, c, path),
    quantize(ctx, c) {
      const hQ = int8Params(...hRange(c, ctx.stat('h'), ctx.percentile));
      const layer = quantizeCell(hooks, ctx, c, hQ);
      return { layer, out: hQ, doc: cellDoc(hQ, hooks.cellScale?.(layer)) };
    },
    trace: (q, doc, key, v) => cellTrace(q, doc, key, v, ''),
  };
}

/**
 * A cell's trace entry in real units; `half` is "fwd" or "bwd" inside a bidirectional layer
 * (its float keys then start with "fwd." / "bwd."). act, tc, rh are integer-only intermediates
 * (their float values are in pre, gates and h): null.
 */
export function cellTrace(cell: QCellLayer, doc: DocLayer, key: string, v: Int32Array, half: '' | 'fwd' | 'bwd'): TraceEntry | null {
  const out = new Float64Array(v.length);
  const prefix = half ? `${half}.` : '';
  const at = { label: half ? `${half} ${cell.kind}` : cell.kind, tensor: key, hidden: key === 'h' };
  const gates = gateCount(cell.kind) > 1 && (key === 'pre' || key === 'gates') ? { gates: CELL_GATES[cell.kind] } : {};
  switch (key) {
    case 'pre': {
      const relu = recurrentIsH8(cell);
      for (let k = 0; k < v.length; k++) out[k] = relu ? v[k] * doc.outScale : v[k] / 4096;
      return { ...at, ...gates, floatKey: `${prefix}pre`, values: out, ...(relu ? {} : { limits: S16 }) };
    }
    case 'gates':
    case 'h16':
      for (let k = 0; k < v.length; k++) out[k] = v[k] / 32768;
      return { ...at, ...gates, floatKey: `${prefix}${key === 'gates' ? 'gates' : 'h'}`, values: out };
    case 'c':
      for (let k = 0; k < v.length; k++) out[k] = cell.kind === 'lstm' ? v[k] * 2 ** -cell.cellFrac : 0;
      return { ...at, floatKey: `${prefix}c`, values: out, limits: S16 };
    case 'h':
      for (let k = 0; k < v.length; k++) out[k] = (v[k] - cell.hZp) * doc.outScale;
      return { ...at, floatKey: `${prefix}h`, values: out, limits: S8 };
    default:
      return null;
  }
}
