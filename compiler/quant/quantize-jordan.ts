// Quantisation parameters of a Jordan layer (docs/quantization.md section 7, "Jordan"). The
// output projection is quantised exactly like a dense layer reading h16 (Q0.15), and its output y
// (calibrated like a dense output) is also the fed-back input of the recurrence: the same tensor,
// so the same scale and zero point serve both uses.
//
// Legend: I layer input, H hidden, U units.

import { DenseLayer, JordanLayer } from '../core/ir/model';
import { QJordanLayer } from '../core/ir/quant-jordan';
import { Cols, PRE_SCALE, Problems, QParams, denseParams, foldBias, quantRows, rowMultipliers, uniform } from './rows';

export function jordanParams(
  p: Problems,
  l: JordanLayer,
  path: string,
  inQ: Cols,
  isLast: boolean,
  outStat: { range(p?: number): [number, number] } | undefined,
  percentile: number | undefined,
): { layer: QJordanLayer; out: QParams } {
  const H = l.hidden;
  const U = l.units;
  // y: the projection, quantised as a dense layer on h16 (scale 2^-15, zero point 0)
  const proj: DenseLayer = { kind: 'dense', inputSize: H, units: U, w: l.wo, b: l.bo, activation: l.outActivation };
  // problems found in the projection name the Jordan layer's own fields (wo, bo, mo, so)
  const projProblems = new Problems();
  const d = denseParams(projProblems, proj, path, uniform({ scale: 2 ** -15, zp: 0 }, H), isLast, outStat, percentile);
  const field = new RegExp(`^${path.replace(/[.[\]]/g, '\\$&')}\\.(w|b|m|s)(?=\\[|$)`);
  for (const pr of projProblems.list) p.list.push({ ...pr, path: pr.path.replace(field, (_all, f: string) => `${path}.${f}o`) });
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
