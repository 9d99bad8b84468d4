// The pool layer in C: tinyrnn_pool (c-kernel.hbs, emitted into model.c only for a model with a
// pool layer) keeps its running sums, counts and step counter in the stream state, which
// <prefix>_reset zeroes; its S*I means go to an int8 vector in the scratch (never the last layer).
import { cString } from '../../../targets/emit/names';
import { CHooks, KindView, forSteps } from '../../../targets/c/kind';

const field = (l: KindView<'pool'>) => `l${l.index}`;

// It reads its int8 input src directly: sc->vx holds the widened input in the order the dot
// products read it, which the Cortex-M4 DSP path permutes.
const call = (l: KindView<'pool'>, src: string, y: string, t: string) => {
  const p = l.layer;
  const f = `s->${field(l)}`;
  return `tinyrnn_pool(${p.inputSize}, ${p.segments}, ${p.window}, ${p.abs ? 1 : 0}, ${p.zp}, ${src}, ${f}_sum, ${f}_cnt, ${f}_t, ${y}, ${cString(`L${l.index}`)}, ${t});`;
};

const output = (l: KindView<'pool'>) => `sc->${field(l)}_y`;

export const pool: CHooks<'pool'> = {
  modelKernel: true,
  rowSets: () => [],
  reservoirs: () => [],
  memory: (l) => {
    const p = l.layer;
    const f = field(l);
    const state = [
      {
        name: `${f}_sum`,
        type: 's32' as const,
        count: l.output,
        comment: `(S*A, I) layer ${l.index} running sums per segment${p.abs ? ' (sums, then sums of |x - zp|)' : ''}`,
      },
      { name: `${f}_cnt`, type: 's32' as const, count: p.segments, comment: `(S) layer ${l.index} steps per segment` },
      { name: `${f}_t`, type: 's32' as const, count: 1, comment: `layer ${l.index} steps since reset (stops at 2^22)` },
    ];
    const y = { name: `${f}_y`, type: 's8' as const, count: l.output, comment: `(S*A*I) layer ${l.index} segment means` };
    return { state, scratch: [y], needs: {}, resets: [] };
  },
  descriptors: () => [],
  step: (l, _ctx, _xin, src) => ({ call: call(l, src, output(l), '-1'), result: output(l) }),
  sequence: (l, _ctx, _xin, dst, src) => forSteps([call(l, src, `${dst} + t * ${l.output}`, 't')]),
};
