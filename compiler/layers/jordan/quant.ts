// Quantisation of a Jordan layer (docs/quantization.md section 7, "Jordan"). The output
// projection is quantised exactly like a dense layer reading h16 (Q0.15), and its output y
// (calibrated like a dense output) is also the fed-back input of the recurrence: the same tensor,
// so the same scale and zero point serve both uses.
//
// Legend: I layer input, H hidden, U units.

import { DenseLayer, JordanLayer } from '../../core/ir/model';
import { QJordanLayer } from '../../core/ir/quant-jordan';
import type { RangeStat } from '../../quant/calibrate';
import { QuantHooks, S16 } from '../../quant/hooks';
import { Cols, PRE_SCALE, Problems, QParams, foldBias, nonFinite, quantRows, rowMultipliers, uniform } from '../../quant/rows';
import { denseParams, denseTrace } from '../dense/quant';

/** The projection y = outActivation(wo h16 + bo) as a dense layer; problems found in it name the Jordan layer's own fields (wo, bo, mo, so). */
function projection(p: Problems, l: JordanLayer, path: string, isLast: boolean, outStat: RangeStat | undefined, percentile: number | undefined) {
  const proj: DenseLayer = { kind: 'dense', inputSize: l.hidden, units: l.units, w: l.wo, b: l.bo, activation: l.outActivation };
  const projProblems = new Problems();
  const d = denseParams(projProblems, proj, path, uniform({ scale: 2 ** -15, zp: 0 }, l.hidden), isLast, outStat, percentile);
  const field = new RegExp(`^${path.replace(/[.[\]]/g, '\\$&')}\\.(w|b|m|s)(?=\\[|$)`);
  for (const pr of projProblems.list) p.list.push({ ...pr, path: pr.path.replace(field, (_all, f: string) => `${path}.${f}o`) });
  return d;
}

export function jordanParams(
  p: Problems,
  l: JordanLayer,
  path: string,
  inQ: Cols,
  isLast: boolean,
  outStat: RangeStat | undefined,
  percentile: number | undefined,
): { layer: QJordanLayer; out: QParams } {
  const H = l.hidden;
  const U = l.units;
  const d = projection(p, l, path, isLast, outStat, percentile);
  // pre-activation in Q3.12: input side with the layer's bias, feedback side with the y zero point folded in
  const yCols = uniform(d.out, U);
  const qx = quantRows(l.wx, l.bx, H, l.inputSize, inQ);
  const noBias = new Float32Array(H);
  const qy = quantRows(l.wy, noBias, H, U, yCols);
  const { m: mx, s: sx } = rowMultipliers(p, qx.sa, PRE_SCALE, `${path}.mx`, 'input side');
  const { m: my, s: sy } = rowMultipliers(p, qy.sa, PRE_SCALE, `${path}.my`, 'feedback side');
  const q = d.layer;
  const layer: QJordanLayer = {
    kind: 'jordan',
    ...(l.name !== undefined ? { name: l.name } : {}),
    inputSize: l.inputSize,
    hidden: H,
    units: U,
    wx: qx.w8,
    bx: foldBias(p, l.bx, qx.w8, qx.sa, l.inputSize, inQ, `${path}.bx`),
    mx,
    sx,
    wy: qy.w8,
    by: foldBias(p, noBias, qy.w8, qy.sa, U, yCols, `${path}.by`),
    my,
    sy,
    wo: q.w,
    bo: q.b,
    mo: q.m,
    so: q.s,
    outActivation: l.outActivation,
    outType: q.outType,
    outZp: q.outZp,
    oM: q.oM,
    oS: q.oS,
  };
  return { layer, out: d.out };
}

export const jordan: QuantHooks<'jordan'> = {
  preflight(p, l, path) {
    for (const k of ['wx', 'wy', 'bx', 'wo', 'bo'] as const) nonFinite(p, l[k], `${path}.${k}`);
  },
  quantize(ctx, l) {
    const q = jordanParams(ctx.p, l, ctx.path, ctx.inQ, ctx.isLast, ctx.stat('out'), ctx.percentile);
    return { ...q, doc: { outScale: q.out.scale, outZp: q.out.zp } };
  },
  /** pre (Q3.12), h16 (Q0.15, float key "h"), then the projection (ypre, out) as a dense layer. */
  trace(l, doc, key, v) {
    const at = { label: 'jordan', tensor: key, hidden: false };
    const out = new Float64Array(v.length);
    switch (key) {
      case 'pre':
        for (let k = 0; k < v.length; k++) out[k] = v[k] / 4096;
        return { ...at, floatKey: 'pre', values: out, limits: S16 };
      case 'h16':
        for (let k = 0; k < v.length; k++) out[k] = v[k] / 32768;
        return { ...at, floatKey: 'h', values: out };
      case 'ypre':
      case 'out':
        return { ...at, ...denseTrace({ activation: l.outActivation, outType: l.outType }, doc, key === 'ypre', key, v) };
      default:
        return null;
    }
  },
};
