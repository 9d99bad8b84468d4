// The Espruino stage of a liquid (docs/quantization.md section 5, "Liquid state machine"; kernel
// kind lsm). A liquid is always the first layer: it reads X16 (an Int16Array, not biased).
//
// Its layer object keeps the int16 membranes and traces in one Int16Array h16 (v at [0, N), tr at
// [N, 2N)) and the refractory counters and last step's spike bits in one Uint8Array c (rc at
// [0, N), the bits at [N, N + ceil(N/8))), so reset() zeroes them as it zeroes a cell's h16 and c;
// hb (Uint8ClampedArray) holds the int8 traces stored + 128 (arith.ts identity 2), which is
// tr >> 7, and is filled with zp + 128 = 0 at reset. The connectivity (targets t: Uint16Array,
// weights w and input weights win: Int8Array) is regenerated from the seed by the spec's
// xorshift32 stream on the first step after load (g = 0), once per load as the C target
// regenerates it once per model: it is the same every time. Scratch: xq (Q3.12 input), a (synaptic sums).
// Requantisations are exact with the 2^47 offset (arith.ts identity 1): |acc * m| < 2^46.
// The loop kernel is espruino-kernel.hbs; the unrolled step is the same statements with sizes and
// constants as literals (the synapses are visited by a loop: which ones depends on the spikes).
// Legend: I layer input, N neurons, C synapses per neuron, B = ceil(N/8).
import { EspruinoHooks, UnrollAt } from '../../../targets/espruino/hooks';
import { KERNEL_KIND } from '../../../targets/espruino/kinds';
import { biasedZero, fieldLit, floorDiv, floorOffset, half, P47, plus, unitConstants } from '../../../targets/espruino/arith';
import { Field, LayerAt, LayerView, ViewContext, f64, i16 } from '../../../targets/espruino/layer-view';
import { unrolledStep } from '../../../targets/espruino/unroll-code';
import { LSM_OUT_ZP, QLsmLayer, spikeBytes } from './ir';

/** The per-layer scalars of the loop kernel: the two requantisations' numerator constants, divisors and offsets. */
function scalars(l: QLsmLayer): [string, number][] {
  return [
    ['IM', l.inM],
    ['IC', half(l.inS) + P47],
    ['ID', 2 ** l.inS],
    ['SM', l.synM],
    ['SC', half(l.synS) + P47],
    ['SD', 2 ** l.synS],
    ['KB', floorOffset(l.inS) + floorOffset(l.synS)],
    ['LK', l.leakQ16],
    ['TH', l.threshold],
    ['RF', l.refractory],
    ['DC', l.decayQ16],
    ['INC', l.traceInc],
  ];
}

/** The input stage's constants (x16 -> Q3.12): M, CQ, D, B per input (loop kernel only). */
function inputFields(l: QLsmLayer, ctx: ViewContext, id: string): Field[] {
  const k = unitConstants(l.inputSize, () => 0, l.xm, l.xs);
  return [
    { name: 'M', expr: ctx.konst(`${id}_xm`, i16(k.M)) },
    { name: 'CQ', expr: ctx.konst(`${id}_xc`, f64(k.C)) },
    { name: 'D', expr: ctx.konst(`${id}_xd`, f64(k.D)) },
    { name: 'B', expr: ctx.konst(`${id}_xb`, f64(k.B)) },
  ];
}

function lsmView(l: QLsmLayer, ctx: ViewContext, at: LayerAt): LayerView {
  if (at.inBiased) throw new Error(`internal: liquid ${at.id} must be the first layer (it reads X16)`);
  const N = l.units;
  const NC = N * l.fanOut;
  const lit = (name: string, n: number): Field => ({ name, expr: fieldLit(n) });
  const fields: Field[] = [
    lit('kind', KERNEL_KIND.lsm),
    lit('I', l.inputSize),
    lit('N', N),
    lit('C', l.fanOut),
    lit('inh', l.inhibitory),
    lit('seed', l.seed),
    ...(ctx.unrolled ? [] : [...scalars(l).map(([k, v]) => lit(k, v)), ...inputFields(l, ctx, at.id)]),
    lit('z', biasedZero(LSM_OUT_ZP)),
    lit('g', 0),
    { name: 'h16', expr: ctx.alloc(at.id, 'h16', 'Int16Array', 2 * N) },
    { name: 'c', expr: ctx.alloc(at.id, 'c', 'Uint8Array', N + spikeBytes(N)) },
    { name: 'hb', expr: ctx.alloc(at.id, 'hb', 'Uint8ClampedArray', N) },
    { name: 'xq', expr: ctx.alloc(at.id, 'xq', 'Int16Array', l.inputSize) },
    { name: 'a', expr: ctx.alloc(at.id, 'a', 'Int32Array', N) },
    { name: 't', expr: ctx.alloc(at.id, 't', 'Uint16Array', NC) },
    { name: 'w', expr: ctx.alloc(at.id, 'w', 'Int8Array', NC) },
    { name: 'win', expr: ctx.alloc(at.id, 'win', 'Int8Array', N * l.inputSize) },
  ];
  return { id: at.id, kind: KERNEL_KIND.lsm, comment: at.comment, fields };
}

/** `(n-n%D)/D` of a requantisation numerator already offset by 2^47. */
const floorOf = (v: string, s: number): string => `(${floorDiv(v, s)})`;

/** The unrolled step: the input stage per feature, then the loop kernel's statements with literals. */
function unrollLsm(l: QLsmLayer, id: string): string[] {
  const I = l.inputSize;
  const N = l.units;
  const C = l.fanOut;
  const body = [`var L=${id},h=L.h16,r=L.c,o=L.hb,q=L.xq,a=L.a,t=L.t,w=L.w,W=L.win,j,k,c,e,n,v,s;`, 'if(!L.g)lsm_generate(L);'];
  for (let i = 0; i < I; i++) {
    const m = l.xm[i];
    const s = l.xs[i];
    body.push(`n=x[${i}]*${m}+${half(s) + P47};n=${floorDiv('n', s)}-${floorOffset(s)};q[${i}]=n>32767?32767:n<-32768?-32768:n;`);
  }
  body.push(
    'a.fill(0);',
    `for(k=0;k<${N};k++){if(!((r[${N}+(k>>3)]>>(k&7))&1))continue;e=k*${C}+${C};for(c=k*${C};c<e;c++)a[t[c]]+=w[c];}`,
    `for(k=${N};k<${N + spikeBytes(N)};k++)r[k]=0;`,
    `for(j=0;j<${N};j++){`,
    's=0;if(r[j]>0){r[j]--;h[j]=0;}else{',
    `v=h[j];n=cv(q,W,j*${I})*${l.inM}+${half(l.inS) + P47};e=a[j]*${l.synM}+${half(l.synS) + P47};`,
    `v=v-((v*${l.leakQ16}+32768)>>16)+${floorOf('n', l.inS)}+${floorOf('e', l.synS)}${plus(-(floorOffset(l.inS) + floorOffset(l.synS)))};`,
    'if(v>32767)v=32767;else if(v<-32768)v=-32768;',
    `if(v>=${l.threshold}){s=1;v=0;r[j]=${l.refractory};r[${N}+(j>>3)]|=1<<(j&7);}`,
    'h[j]=v;}',
    `v=h[${N}+j];v=v-((v*${l.decayQ16}+32768)>>16)+(s?${l.traceInc}:0);if(v>32767)v=32767;h[${N}+j]=v;o[j]=v>>7;`,
    '}',
    'return o;',
  );
  return body;
}

export const lsm: EspruinoHooks<QLsmLayer> = {
  describe: (l) => `liquid state machine, input ${l.inputSize}, ${l.units} spiking neurons, ${l.fanOut} synapses each`,
  view: lsmView,
  unroll: (l, u: UnrollAt) => unrolledStep(u.id, unrollLsm(l, u.id)),
  // no weight rows: the connectivity is regenerated, its step is a few loops
  rows: () => 0,
};
