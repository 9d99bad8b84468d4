// The liquid state machine in C: tinyrnn_lsm (c-kernel.hbs, emitted into model.c only for a model
// with a liquid) keeps membranes, traces, refractory counters and spike bits in the stream state;
// its connectivity (synapse targets and weights, input weights) is a regenerated reservoir: RAM
// regenerated from the seed once per model by <prefix>_reservoir_init, shared by every stream
// (in the state, filled by <prefix>_reset, with the option reservoirInState). Its input xq,
// synaptic sums and int8 traces are scratch. It is always the first layer: it reads x16.
import { cString } from '../../../targets/emit/names';
import { CContext, CHooks, CReservoir, Field, KindView, MemoryContext, forSteps } from '../../../targets/c/kind';
import { spikeBytes } from './ir';

const field = (l: KindView<'lsm'>) => `l${l.index}`;

/** The connectivity generator in C (the generated code's reservoir section; no escapes in it). */
const LSM_GENERATOR_C = `/* The liquid's connectivity (spec lsm_generate): one xorshift32 stream (13, 17, 5) from seed ^ 0x9e3779b9
   (0x6d2b79f5 if 0); synapse c of neuron k: target (u & 0xffff) % N, weight ((u >> 16) % 127) + 1, negative
   for the last inh neurons; then the input weights (N, I), ((u >> 16) % 255) - 127. */
static void tinyrnn_lsm_generate(int32_t N, int32_t C, int32_t inh, int32_t I, uint32_t seed, int16_t *tgt, int8_t *w, int8_t *win) {
  uint32_t x = seed ^ 0x9e3779b9u;
  int32_t k, c;
  if (x == 0u) x = 0x6d2b79f5u;
  for (k = 0; k < N; k++) {
    for (c = 0; c < C; c++) {
      int32_t mag;
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      mag = (int32_t)((x >> 16) % 127u) + 1;
      tgt[k * C + c] = (int16_t)((x & 0xffffu) % (uint32_t)N);
      w[k * C + c] = (int8_t)(k >= N - inh ? -mag : mag);
    }
  }
  for (k = 0; k < N * I; k++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    win[k] = (int8_t)((int32_t)((x >> 16) % 255u) - 127);
  }
}
`;

const params = (l: KindView<'lsm'>, prefix: string): string => {
  const p = l.layer;
  const st = `${prefix}_l${l.index}`;
  const ints = [p.inputSize, p.units, p.fanOut, p.inM, p.inS, p.synM, p.synS, p.leakQ16, p.threshold, p.refractory, p.decayQ16, p.traceInc];
  return `static const tinyrnn_lsm_t ${st}_lsm = {${ints.join(', ')}, ${st}_xm, ${st}_xs};`;
};

const mem = (l: KindView<'lsm'>, ctx: CContext): string => {
  const f = field(l);
  const s = (n: string) => `s->${f}_${n}`;
  const sc = (n: string) => `sc->${f}_${n}`;
  const net = (n: string) => ctx.reservoirAt(`${ctx.prefix}_${f}`, n);
  return `const tinyrnn_lsm_mem_t ${f}_mem = {${s('v')}, ${s('tr')}, ${sc('xq')}, ${net('tgt')}, ${s('rc')}, ${net('w')}, ${net('win')}, ${s('spk')}, ${sc('acc')}};`;
};

const call = (l: KindView<'lsm'>, prefix: string, src: string, y: string, t: string) =>
  `tinyrnn_lsm(&${prefix}_l${l.index}_lsm, &${field(l)}_mem, ${src}, ${y}, ${cString(`L${l.index}`)}, ${t});`;

/** The connectivity's buffers: synapse targets and weights (N, C), input weights (N, I). */
function connectivity(l: KindView<'lsm'>): (CReservoir['buffers'][number] & { dims: string; what: string })[] {
  const { units: N, fanOut: C, inputSize: I } = l.layer;
  return [
    { suffix: 'tgt', type: 's16', count: N * C, dims: '(N, C)', what: 'synapse targets' },
    { suffix: 'w', type: 's8', count: N * C, dims: '(N, C)', what: 'synapse weights' },
    { suffix: 'win', type: 's8', count: N * I, dims: '(N, I)', what: 'input weights' },
  ];
}

function memory(l: KindView<'lsm'>, ctx: MemoryContext) {
  const p = l.layer;
  const f = field(l);
  const N = p.units;
  const by = `regenerated from seed ${p.seed} by ${ctx.prefix}_reset`;
  const net = connectivity(l).map((b): Field => ({
    name: `${f}_${b.suffix}`,
    type: b.type,
    count: b.count,
    comment: `${b.dims} layer ${l.index} ${b.what}, ${by}`,
  }));
  const state: Field[] = [
    { name: `${f}_v`, type: 's16', count: N, comment: `(N) layer ${l.index} membranes` },
    { name: `${f}_tr`, type: 's16', count: N, comment: `(N) layer ${l.index} spike traces` },
    { name: `${f}_rc`, type: 's8', count: N, comment: `(N) layer ${l.index} refractory counters` },
    { name: `${f}_spk`, type: 'u8', count: spikeBytes(N), comment: `layer ${l.index} spike bits of the last step (N bits)` },
    ...(ctx.reservoirInState ? net : []),
  ];
  const scratch: Field[] = [
    { name: `${f}_xq`, type: 's16', count: p.inputSize, comment: `(I) layer ${l.index} Q3.12 input` },
    { name: `${f}_acc`, type: 's32', count: N, comment: `(N) layer ${l.index} synaptic sums` },
    { name: `${f}_y`, type: 's8', count: N, comment: `(N) layer ${l.index} traces, int8` },
  ];
  return { state, scratch, needs: {}, resets: [] };
}

const LSM_WORDS = {
  noun: 'liquid connectivity',
  title: 'liquid connectivity',
  weights: "The liquid's synapses (targets tgt, weights w) and input weights (win)",
  lead: 'Liquid state machine: the synapses and input weights',
};

/** The liquid's connectivity as a regenerated reservoir (tinyrnn_lsm_generate, spec lsm_generate). */
function reservoirs(l: KindView<'lsm'>, prefix: string): CReservoir[] {
  const p = l.layer;
  const stem = `${prefix}_${field(l)}`;
  const NC = `(${p.units}, ${p.fanOut})`;
  return [
    {
      stem,
      layer: l.index,
      seed: p.seed,
      buffers: connectivity(l).map(({ suffix, type, count }) => ({ suffix, type, count })),
      comment: `${stem}_tgt, ${stem}_w: (N, C) = ${NC}, ${stem}_win: (N, I) = (${p.units}, ${p.inputSize}); seed ${p.seed}, ${p.inhibitory} inhibitory`,
      fill: (at) => `tinyrnn_lsm_generate(${p.units}, ${p.fanOut}, ${p.inhibitory}, ${p.inputSize}, ${p.seed}u, ${at('tgt')}, ${at('w')}, ${at('win')});`,
      generator: LSM_GENERATOR_C,
      words: LSM_WORDS,
      cell: false,
    },
  ];
}

const output = (l: KindView<'lsm'>) => `sc->${field(l)}_y`;

export const lsm: CHooks<'lsm'> = {
  modelKernel: true,
  rowSets: () => [],
  reservoirs,
  memory,
  descriptors: () => [],
  step: (l, ctx, _xin, src) => ({ call: `${params(l, ctx.prefix)} ${mem(l, ctx)} ${call(l, ctx.prefix, src, output(l), '-1')}`, result: output(l) }),
  sequence: (l, ctx, _xin, dst, src) => [params(l, ctx.prefix), mem(l, ctx), ...forSteps([call(l, ctx.prefix, src, `${dst} + t * ${l.output}`, 't')])],
};
