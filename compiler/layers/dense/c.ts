// The dense layer in C: tinyrnn_dense on the widened layer input; the last layer writes the model
// output in the state, an inner one an int8 vector in the scratch.
import { cString } from '../../../targets/emit/names';
import { CContext, CHooks, KindView, denseAct, denseForms, denseInit, forSteps, rowSet } from '../../../targets/c/kind';

const rows = (l: KindView<'dense'>, prefix: string) => rowSet(`${prefix}_l${l.index}`, `${prefix}_l${l.index}`, l.index, [['m', 's', l.layer.m, l.layer.s]]);

/** The kernel call writing the layer output to y (t: the step, or -1 when streaming). */
const call = (l: KindView<'dense'>, ctx: CContext, xin: string, y: string, t: string) =>
  `${xin} tinyrnn_dense(&${ctx.prefix}_l${l.index}, ${ctx.sig}, ${ctx.tnh}, sc->vx, ${y}, ${cString(`L${l.index}`)}, ${t});`;

/** Where a streaming step leaves the layer output. */
const output = (l: KindView<'dense'>, ctx: CContext) => (l.index === ctx.last ? 's->out' : `sc->l${l.index}_y`);

export const dense: CHooks<'dense'> = {
  rowSets: (l, prefix) => [rows(l, prefix)],
  reservoirs: () => [],
  memory: (l, ctx) => {
    const last = l.index === ctx.last;
    const out = { name: 'out', type: ctx.outType, count: l.output, comment: `(O) the model output of the last step` };
    const y = { name: `l${l.index}_y`, type: 's8' as const, count: l.output, comment: `(U) layer ${l.index} output` };
    return { state: last ? [out] : [], scratch: last ? [] : [y], needs: { vx: l.input }, resets: [] };
  },
  descriptors: (l, ctx) => {
    const d = l.layer;
    const st = `${ctx.prefix}_l${l.index}`;
    const p = { I: d.inputSize, U: d.units, w: `${st}_w`, b: `${st}_b`, act: denseAct(d.activation), outType: d.outType, outZp: d.outZp, oM: d.oM, oS: d.oS };
    return [{ struct: 'dense', stem: st, init: denseInit(p, denseForms(ctx.formOf(st), rows(l, ctx.prefix))) }];
  },
  step: (l, ctx, xin) => ({ call: call(l, ctx, xin, output(l, ctx), '-1'), result: output(l, ctx) }),
  sequence: (l, ctx, xin, dst) => forSteps([call(l, ctx, xin, `${dst} + t * ${l.output}`, 't')]),
};
