// Quantisation of a pooling layer: nothing to calibrate. Its int8 means keep the scale and zero
// point of its int8 input (a mean lies in the range of what it averages), so it only records the
// input's zero point (the value of a segment not reached yet). It pools a hidden state between
// two layers: as the first layer (x16 input) or the last (int16 model output) it is refused (QNT010).
import { DocLayer, QuantHooks, S8, TraceEntry } from '../../quant/hooks';

function edge(p: Parameters<QuantHooks<'pool'>['preflight']>[0], path: string, isLast: boolean): void {
  if (path === 'layers[0]' || isLast) {
    p.add('QNT010', `${path}.kind`, `a pool layer cannot be the ${isLast ? 'last' : 'first'} layer`, {
      value: 'pool',
      expected: 'a recurrent layer before it and a dense readout after it',
    });
  }
}

function trace(doc: DocLayer, v: Int32Array): Pick<TraceEntry, 'floatKey' | 'values' | 'limits'> {
  const values = new Float64Array(v.length);
  for (let k = 0; k < v.length; k++) values[k] = (v[k] - doc.outZp) * doc.outScale;
  // a mean at the zero point is real 0, exact (a liquid's silent neurons), never a clipped value
  return { floatKey: 'out', values, limits: [doc.outZp === S8[0] ? S8[0] - 1 : S8[0], S8[1]] };
}

export const pool: QuantHooks<'pool'> = {
  preflight: (p, _l, path, isLast) => edge(p, path, isLast),
  quantize(ctx, l) {
    const out = { scale: ctx.inQ.scale[0], zp: ctx.inQ.zp[0] };
    const layer = {
      kind: 'pool' as const,
      ...(l.name !== undefined ? { name: l.name } : {}),
      inputSize: l.inputSize,
      segments: l.segments,
      window: l.window,
      abs: l.abs,
      zp: out.zp,
    };
    return { layer, out, doc: { outScale: out.scale, outZp: out.zp } };
  },
  trace: (_l, doc, key, v) => (key === 'out' ? { label: 'pool', tensor: 'out', hidden: false, ...trace(doc, v) } : null),
};
