// Quantisation of a dense layer (docs/quantization.md section 7), also a Jordan layer's output
// projection: per-row int8 weights and folded biases, per-unit multipliers to the output unit
// (none, relu, softmax) or to Q3.12 (tanh, sigmoid), and the output's parameters: int8 between
// layers, int16 for the model output. Softmax is only supported on the last layer (QNT006).
//
// Legend: I layer input, U units.

import { DenseLayer } from '../../core/ir/model';
import { QDenseLayer } from '../../core/ir/quant-model';
import type { RangeStat } from '../../quant/calibrate';
import { DocLayer, QuantHooks, S16, S8, TraceEntry } from '../../quant/hooks';
import { Cols, PRE_SCALE, Problems, QParams, foldBias, int8Params, nonFinite, quantRows } from '../../quant/rows';

/** A calibrated output range (with headroom) kept inside what the activation can produce. */
function activationRange(activation: DenseLayer['activation'], lo: number, hi: number): [number, number] {
  if (activation === 'relu') return [0, hi];
  if (activation === 'tanh') return [Math.max(lo, -1), Math.min(hi, 1)];
  if (activation === 'sigmoid') return [Math.max(lo, 0), Math.min(hi, 1)];
  return [lo, hi];
}

export function denseParams(
  p: Problems,
  l: DenseLayer,
  path: string,
  inQ: Cols,
  isLast: boolean,
  st: RangeStat | undefined,
  percentile: number | undefined,
): { layer: QDenseLayer; out: QParams } {
  const U = l.units;
  const I = l.inputSize;
  const [lo, hi] = st ? st.range(percentile) : [0, 0];
  const squash = l.activation === 'tanh' || l.activation === 'sigmoid';
  let out: QParams;
  if (isLast) out = squash ? { scale: 2 ** -15, zp: 0 } : { scale: Math.max(-lo, hi) > 0 ? Math.max(-lo, hi) / 32767 : 2 ** -15, zp: 0 };
  else out = int8Params(...activationRange(l.activation, lo, hi));
  const q = quantRows(l.w, l.b, U, I, inQ);
  const m = new Int32Array(U);
  const s = new Int32Array(U);
  const target = squash ? PRE_SCALE : out.scale;
  for (let u = 0; u < U; u++) {
    const r = p.mult(q.sa[u] / target, `${path}.m[${u}]`, `unit ${u}`);
    m[u] = r.m;
    s[u] = r.s;
  }
  const o = squash && !isLast ? p.mult(2 ** -15 / out.scale, `${path}.oM`, 'activation to int8') : { m: 0, s: 0 };
  const layer: QDenseLayer = {
    kind: 'dense',
    ...(l.name !== undefined ? { name: l.name } : {}),
    inputSize: I,
    units: U,
    w: q.w8,
    b: foldBias(p, l.b, q.w8, q.sa, I, inQ, `${path}.b`),
    m,
    s,
    activation: l.activation,
    outType: isLast ? 's16' : 's8',
    outZp: out.zp,
    oM: o.m,
    oS: o.s,
  };
  return { layer, out };
}

/** The trace entries of a dense output (keys "pre" and "out"), also those of a Jordan layer's projection ("ypre", "out"). */
export function denseTrace(
  q: { activation: string; outType: 's8' | 's16' },
  doc: DocLayer,
  pre: boolean,
  floatKey: string,
  v: Int32Array,
): Pick<TraceEntry, 'floatKey' | 'values' | 'limits'> {
  const out = new Float64Array(v.length);
  const squash = q.activation === 'tanh' || q.activation === 'sigmoid';
  if (pre) {
    for (let k = 0; k < v.length; k++) out[k] = squash ? v[k] / 4096 : v[k] * doc.outScale;
    return { floatKey, values: out, ...(squash ? { limits: S16 } : {}) };
  }
  for (let k = 0; k < v.length; k++) out[k] = (v[k] - doc.outZp) * doc.outScale;
  return { floatKey, values: out, ...(squash ? {} : { limits: q.outType === 's16' ? S16 : S8 }) };
}

export const dense: QuantHooks<'dense'> = {
  preflight(p, l, path, isLast) {
    nonFinite(p, l.w, `${path}.w`);
    nonFinite(p, l.b, `${path}.b`);
    if (l.activation === 'softmax' && !isLast) {
      p.add('QNT006', `${path}.activation`, 'softmax is only supported on the last layer', { value: 'softmax', expected: 'none, relu, tanh or sigmoid' });
    }
  },
  quantize(ctx, l) {
    const q = denseParams(ctx.p, l, ctx.path, ctx.inQ, ctx.isLast, ctx.stat(l.activation === 'softmax' ? 'pre' : 'out'), ctx.percentile);
    return { ...q, doc: { outScale: q.out.scale, outZp: q.out.zp } };
  },
  trace(l, doc, key, v) {
    const pre = key === 'pre';
    const floatKey = pre || l.activation === 'softmax' ? 'pre' : 'out';
    return { label: 'dense', tensor: key, hidden: false, ...denseTrace(l, doc, pre, floatKey, v) };
  },
};
