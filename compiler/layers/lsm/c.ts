// The liquid state machine in C: tinyrnn_lsm (c-kernel.hbs, emitted into model.c only for a model
// with a liquid) keeps membranes, traces, refractory counters, spike bits and the connectivity it
// regenerates from the seed in the stream state (zeroed by <prefix>_reset, which makes the next
// step regenerate the connectivity); its input xq, synaptic sums and int8 traces are scratch. It
// is always the first layer: it reads x16.
import { cString } from '../../../targets/emit/names';
import { CHooks, Field, KindView, forSteps } from '../../../targets/c/kind';
import { spikeBytes } from './ir';

const field = (l: KindView<'lsm'>) => `l${l.index}`;

const params = (l: KindView<'lsm'>, prefix: string): string => {
  const p = l.layer;
  const st = `${prefix}_l${l.index}`;
  const ints = [
    p.inputSize,
    p.units,
    p.fanOut,
    p.inhibitory,
    `${p.seed}u`,
    p.inM,
    p.inS,
    p.synM,
    p.synS,
    p.leakQ16,
    p.threshold,
    p.refractory,
    p.decayQ16,
    p.traceInc,
  ];
  return `static const tinyrnn_lsm_t ${st}_lsm = {${ints.join(', ')}, ${st}_xm, ${st}_xs};`;
};

const mem = (l: KindView<'lsm'>): string => {
  const f = field(l);
  const s = (n: string) => `s->${f}_${n}`;
  const sc = (n: string) => `sc->${f}_${n}`;
  return `const tinyrnn_lsm_mem_t ${f}_mem = {${s('v')}, ${s('tr')}, ${s('tgt')}, ${sc('xq')}, ${s('rc')}, ${s('w')}, ${s('win')}, ${s('spk')}, ${s('gen')}, ${sc('acc')}};`;
};

const call = (l: KindView<'lsm'>, prefix: string, src: string, y: string, t: string) =>
  `tinyrnn_lsm(&${prefix}_l${l.index}_lsm, &${field(l)}_mem, ${src}, ${y}, ${cString(`L${l.index}`)}, ${t});`;

function memory(l: KindView<'lsm'>) {
  const p = l.layer;
  const f = field(l);
  const N = p.units;
  const NC = N * p.fanOut;
  const state: Field[] = [
    { name: `${f}_v`, type: 's16', count: N, comment: `(N) layer ${l.index} membranes` },
    { name: `${f}_tr`, type: 's16', count: N, comment: `(N) layer ${l.index} spike traces` },
    { name: `${f}_rc`, type: 's8', count: N, comment: `(N) layer ${l.index} refractory counters` },
    { name: `${f}_spk`, type: 'u8', count: spikeBytes(N), comment: `layer ${l.index} spike bits of the last step (N bits)` },
    { name: `${f}_tgt`, type: 's16', count: NC, comment: `(N, C) layer ${l.index} synapse targets, regenerated from seed ${p.seed}` },
    { name: `${f}_w`, type: 's8', count: NC, comment: `(N, C) layer ${l.index} synapse weights, regenerated` },
    { name: `${f}_win`, type: 's8', count: N * p.inputSize, comment: `(N, I) layer ${l.index} input weights, regenerated` },
    { name: `${f}_gen`, type: 's32', count: 1, comment: `layer ${l.index} connectivity regenerated since reset (0: not yet)` },
  ];
  const scratch: Field[] = [
    { name: `${f}_xq`, type: 's16', count: p.inputSize, comment: `(I) layer ${l.index} Q3.12 input` },
    { name: `${f}_acc`, type: 's32', count: N, comment: `(N) layer ${l.index} synaptic sums` },
    { name: `${f}_y`, type: 's8', count: N, comment: `(N) layer ${l.index} traces, int8` },
  ];
  return { state, scratch, needs: {}, resets: [] };
}

const output = (l: KindView<'lsm'>) => `sc->${field(l)}_y`;

export const lsm: CHooks<'lsm'> = {
  modelKernel: true,
  rowSets: () => [],
  reservoirs: () => [],
  memory,
  descriptors: () => [],
  step: (l, ctx, _xin, src) => ({ call: `${params(l, ctx.prefix)} ${mem(l)} ${call(l, ctx.prefix, src, output(l), '-1')}`, result: output(l) }),
  sequence: (l, ctx, _xin, dst, src) => [params(l, ctx.prefix), mem(l), ...forSteps([call(l, ctx.prefix, src, `${dst} + t * ${l.output}`, 't')])],
};
