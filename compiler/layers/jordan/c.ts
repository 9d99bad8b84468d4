// The Jordan layer in C: tinyrnn_jordan runs a tinyrnn_cell_t whose recurrent vector is the
// fed-back output y (H field = U, the feedback width; extra = the number of hidden rows) and a
// tinyrnn_dense_t output projection on h16. y is state: the model output when the layer is last.
// Its descriptors are declared after every other kind's.
import { cString } from '../../../targets/emit/names';
import { CContext, CDescriptor, CHooks, KindView, cellForms, denseAct, denseForms, denseInit, designated, forSteps, rowSet } from '../../../targets/c/kind';

const stemOf = (l: KindView<'jordan'>, prefix: string) => `${prefix}_l${l.index}`;

/** The recurrent part (input and feedback sides) and the output projection (stem ..._l<n>o). */
function rows(l: KindView<'jordan'>, prefix: string) {
  const j = l.layer;
  const st = stemOf(l, prefix);
  return {
    cell: rowSet(st, st, l.index, [
      ['mx', 'sx', j.mx, j.sx],
      ['my', 'sy', j.my, j.sy],
    ]),
    proj: rowSet(`${st}o`, st, l.index, [['mo', 'so', j.mo, j.so]]),
  };
}

/** The fed-back output y. */
const output = (l: KindView<'jordan'>, ctx: CContext) => (l.index === ctx.last ? 's->out' : `s->l${l.index}_y`);

const call = (l: KindView<'jordan'>, ctx: CContext, xin: string, t: string) => {
  const st = stemOf(l, ctx.prefix);
  return `${xin} tinyrnn_jordan(&${st}, &${st}o, ${ctx.sig}, ${ctx.tnh}, sc->vx, ${output(l, ctx)}, sc->pre, sc->vh, ${cString(`L${l.index}`)}, ${t});`;
};

function descriptors(l: KindView<'jordan'>, ctx: CContext): CDescriptor[] {
  const j = l.layer;
  const st = stemOf(l, ctx.prefix);
  const r = rows(l, ctx.prefix);
  const zero: [string, number][] = ['clip', 'hZp', 'hM', 'hS', 'hR32'].map((f) => [f, 0]);
  const cell = designated([
    ['I', j.inputSize],
    ['H', j.units],
    ['wx', `${st}_wx`],
    ['wh', `${st}_wy`],
    ['bx', `${st}_bx`],
    ['bh', `${st}_by`],
    ...cellForms(ctx.formOf(r.cell.stem), r.cell),
    ...zero,
    ['extra', j.hidden],
    ['leak', 32768],
    ['wram', 0],
  ]);
  const p = { I: j.hidden, U: j.units, w: `${st}_wo`, b: `${st}_bo`, act: denseAct(j.outActivation), outType: j.outType, outZp: j.outZp, oM: j.oM, oS: j.oS };
  const proj = denseInit(p, denseForms(ctx.formOf(r.proj.stem), r.proj));
  return [
    { struct: 'cell', stem: st, init: cell, late: true },
    { struct: 'dense', stem: r.proj.stem, init: proj, late: true },
  ];
}

export const jordan: CHooks<'jordan'> = {
  rowSets: (l, prefix) => {
    const r = rows(l, prefix);
    return [r.cell, r.proj];
  },
  reservoirs: () => [],
  memory: (l, ctx) => {
    const j = l.layer;
    // scratch of the kernel: pre (H rows), vx (I), vh (the larger of H and U)
    const needs = { pre: j.hidden, vx: j.inputSize, vh: Math.max(j.hidden, j.units) };
    if (l.index === ctx.last)
      return {
        state: [{ name: 'out', type: ctx.outType, count: j.units, comment: '(O) the model output of the last step, fed back (Jordan layer)' }],
        scratch: [],
        needs,
        resets: [],
      };
    const y = `l${l.index}_y`;
    const state = [{ name: y, type: 's8' as const, count: j.units, comment: `(U) layer ${l.index} output y, fed back` }];
    return { state, scratch: [], needs, resets: [{ what: 'y', field: y, zp: j.outZp, n: j.units }] };
  },
  descriptors,
  step: (l, ctx, xin) => ({ call: call(l, ctx, xin, '-1'), result: output(l, ctx) }),
  sequence: (l, ctx, xin, dst) => forSteps([call(l, ctx, xin, 't'), `memcpy(${dst} + t * ${l.output}, ${output(l, ctx)}, sizeof(${output(l, ctx)}));`]),
};
