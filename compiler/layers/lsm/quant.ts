// Quantisation of a liquid: its arithmetic is already integer, so nothing in it is calibrated or
// rounded. The quantiser only maps the model's x16 input (one scale per feature, section 4) to
// the liquid's Q3.12 input (a multiplier and shift per feature), and its int8 output has the
// fixed scale 2^-8 and zero point -128 of the traces. A liquid reads the model input: as a later
// layer it is refused (QNT011), and as the last layer too (QNT010 is the pool's; a liquid needs a
// readout: QNT011).
import { QuantHooks, TraceEntry } from '../../quant/hooks';
import { LSM_INPUT_FRAC, LSM_OUT_SCALE, LSM_OUT_ZP } from './ir';

function edge(p: Parameters<QuantHooks<'lsm'>['preflight']>[0], path: string, isLast: boolean): void {
  if (path !== 'layers[0]' || isLast) {
    p.add('QNT011', `${path}.kind`, `a liquid state machine cannot be ${isLast ? 'the last layer' : 'after another layer'}`, {
      value: 'lsm',
      expected: 'the first layer (it reads the model input), with a pool or dense readout after it',
    });
  }
}

function trace(v: Int32Array): Pick<TraceEntry, 'floatKey' | 'values'> {
  // no limits: -128 is a trace of 0 and 127 a trace at its top (32767), both the liquid's own
  // defined arithmetic (training saw the same integers), not values clipped by quantisation
  return { floatKey: 'out', values: Float64Array.from(v, (y) => (y - LSM_OUT_ZP) * LSM_OUT_SCALE) };
}

export const lsm: QuantHooks<'lsm'> = {
  preflight: (p, _l, path, isLast) => edge(p, path, isLast),
  quantize(ctx, l) {
    const I = l.inputSize;
    const xm = new Int32Array(I);
    const xs = new Int32Array(I);
    for (let i = 0; i < I; i++) {
      const q = ctx.p.mult(ctx.inQ.scale[i] * 2 ** LSM_INPUT_FRAC, `${ctx.path}.xm[${i}]`, `liquid input of feature ${i}`);
      xm[i] = q.m;
      xs[i] = q.s;
    }
    const { kind: _k, name, ...liquid } = l;
    const layer = { kind: 'lsm' as const, ...(name !== undefined ? { name } : {}), ...liquid, xm, xs };
    const out = { scale: LSM_OUT_SCALE, zp: LSM_OUT_ZP };
    return { layer, out, doc: { outScale: out.scale, outZp: out.zp } };
  },
  trace: (_l, _doc, key, v) => (key === 'out' ? { label: 'lsm', tensor: 'out', hidden: false, ...trace(v) } : null),
};
