// The liquid state machine in the IR (docs/quantization.md, "Liquid state machine"): N leaky
// integrate-and-fire neurons with threshold, reset and refractory period, sparse random synapses
// (each neuron has C outgoing ones; the last `inhibitory` neurons inhibit), input as currents and,
// as output, each neuron's spike train filtered by an exponential trace. Its arithmetic is
// integer from the start: the float layer holds the same integers as the quantised one and its
// float inference runs the integer kernel, so the liquid a readout is fitted on is the device's.
// Synapses and input weights are regenerated from the seed (the spec's xorshift32 stream).
// Legend: I layer input, N neurons, C synapses per neuron.
import { DiagnosticList } from '../../core/ir/errors';
import { FloatChecker } from '../../core/ir/float-check';
import { BoundCheck, Checker, requantBound } from '../../core/ir/quant-check';
import type { IrHooks } from '../../core/ir/kind-hooks';
import { MULT_MAX, SHIFT_MAX } from '../../core/spec/spec';

/** The integers of a liquid (the same in the float and the quantised layer). */
export interface LiquidParams {
  inputSize: number; // I
  units: number; // N
  fanOut: number; // C outgoing synapses per neuron
  /** The last `inhibitory` neurons' synapses are negative. */
  inhibitory: number;
  seed: number;
  /** Input current: I_in = requantize(sum_i Win8[j, i] * xq[i], inM, inS). */
  inM: number;
  inS: number;
  /** Synaptic current: I_syn = requantize(sum of the weights of last step's spikes onto j, synM, synS). */
  synM: number;
  synS: number;
  /** Membrane leak per step, v -= rshift_round(v * leakQ16, 16). */
  leakQ16: number;
  /** Spike when v >= threshold. */
  threshold: number;
  /** Steps a neuron stays at reset after a spike. */
  refractory: number;
  /** Trace decay per step, tr -= rshift_round(tr * decayQ16, 16), and its increment per spike. */
  decayQ16: number;
  traceInc: number;
}

export interface LsmLayer extends LiquidParams {
  kind: 'lsm';
  name?: string;
}

/** The quantised liquid: its integers, and the requantisation of the x16 input to Q3.12 per feature. */
export interface QLsmLayer extends LiquidParams {
  kind: 'lsm';
  name?: string;
  xm: Int32Array; // (I) xq[i] = sat_s16(requantize(x16[i], xm[i], xs[i]))
  xs: Int32Array; // (I)
}

/** Fractional bits of the liquid's input xq (Q3.12: the float input x is round(x * 4096)). */
export const LSM_INPUT_FRAC = 12;
/** Largest membrane magnitude: v is an int16 (saturated). */
export const LSM_V_MAX = 32767;
/** Largest trace: an int16 in [0, 32767]. */
export const LSM_TRACE_MAX = 32767;
/** Output: y8 = (tr >> 7) - 128, real value tr / 32768 (scale 2^-8, zero point -128). */
export const LSM_OUT_SCALE = 1 / 256;
export const LSM_OUT_ZP = -128;
export const LSM_MAX_UNITS = 4096;
export const LSM_MAX_FANOUT = 256;
export const LSM_MAX_REFRACTORY = 127;

/** The integer fields and their ranges (inclusive); sizes are checked separately. */
const RANGES: [keyof LiquidParams, number, number][] = [
  ['seed', 0, 0x7fffffff],
  ['inM', 0, MULT_MAX],
  ['inS', 0, SHIFT_MAX],
  ['synM', 0, MULT_MAX],
  ['synS', 0, SHIFT_MAX],
  ['leakQ16', 0, 65536],
  ['threshold', 1, LSM_V_MAX],
  ['refractory', 0, LSM_MAX_REFRACTORY],
  ['decayQ16', 1, 65536],
  ['traceInc', 1, LSM_TRACE_MAX],
];

type IntCheck = (o: Record<string, unknown>, key: string, lo: number, hi: number) => number | undefined;

/** The liquid's integers and sizes; returns N when the sizes are usable. */
function checkLiquid(c: DiagnosticList, o: Record<string, unknown>, path: string, int: IntCheck): number | undefined {
  for (const [k, lo, hi] of RANGES) int(o, k, lo, hi);
  const I = int(o, 'inputSize', 1, 516);
  const N = int(o, 'units', 1, LSM_MAX_UNITS);
  int(o, 'fanOut', 1, LSM_MAX_FANOUT);
  const inh = int(o, 'inhibitory', 0, LSM_MAX_UNITS);
  if (N !== undefined && inh !== undefined && inh > N)
    c.add(c instanceof Checker ? 'TNN207' : 'TNN118', `${path}.inhibitory`, 'more inhibitory neurons than neurons', inh, `0..${N}`);
  return I !== undefined ? N : undefined;
}

/** Float-model check of an integer field (TNN101 missing, TNN118 not an integer in range). */
function floatInt(c: FloatChecker, path: string): IntCheck {
  return (o, key, lo, hi) => {
    const v = o[key];
    if (v === undefined) {
      c.add('TNN101', `${path}.${key}`, 'missing integer', undefined, `an integer in [${lo}, ${hi}]`);
      return undefined;
    }
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
      c.add(
        'TNN118',
        `${path}.${key}`,
        'liquid parameter out of range',
        v,
        `an integer in [${lo}, ${hi}]`,
        'the liquid is integer: see docs/quantization.md, "Liquid state machine"',
      );
      return undefined;
    }
    return v;
  };
}

function validate(c: FloatChecker, l: Record<string, unknown>, path: string, width: number | undefined): number | undefined {
  const N = checkLiquid(c, l, path, floatInt(c, path));
  c.chain(typeof l.inputSize === 'number' ? l.inputSize : undefined, width, path);
  c.name(l, path);
  return N;
}

function validateQuant(c: Checker, l: Record<string, unknown>, path: string, width: number | undefined, isLast: boolean): number | undefined {
  const N = checkLiquid(c, l, path, (o, key, lo, hi) => c.int(o, key, path, lo, hi));
  const I = typeof l.inputSize === 'number' ? l.inputSize : undefined;
  c.chain(I, width, path);
  c.arr(l, 'xm', path, Int32Array, I, '(I)', 0, MULT_MAX);
  c.arr(l, 'xs', path, Int32Array, I, '(I)', 0, SHIFT_MAX);
  if (isLast) c.add('TNN204', `${path}.kind`, 'a liquid cannot be the last layer', 'lsm', 'a pool or dense readout after it');
  return N;
}

/** Largest |input current| and |synaptic current| (section 6): every neuron firing onto one target. */
export function lsmCurrentBounds(l: LiquidParams): { acc: number; syn: number; current: number } {
  const acc = 32767 * 127 * l.inputSize;
  const syn = 127 * l.units * l.fanOut;
  return { acc, syn, current: requantBound(acc, l.inM, l.inS) + requantBound(syn, l.synM, l.synS) + LSM_V_MAX + 32768 };
}

function bounds(l: QLsmLayer, path: string, _xMax: number, check: BoundCheck): void {
  const b = lsmCurrentBounds(l);
  check(`${path}`, 'input accumulator', b.acc, 2 ** 31 - 1);
  check(`${path}`, 'synaptic accumulator', b.syn, 2 ** 31 - 1);
  check(`${path}`, 'membrane update', b.current, 2 ** 31 - 1);
}

/** Spike bits packed 8 a byte. */
export function spikeBytes(N: number): number {
  return Math.ceil(N / 8);
}

/** Bytes of the regenerated synapses (uint16 target, int8 weight each) and input weights (int8). */
export function lsmRegeneratedBytes(l: LiquidParams): number {
  return 3 * l.units * l.fanOut + l.units * l.inputSize;
}

export const ir: IrHooks<LsmLayer, QLsmLayer> = {
  validate,
  validateQuant,
  bounds,
  inputSize: (l) => l.inputSize,
  outputSize: (l) => l.units,
  paramCount: () => 0,
  // the per-feature input multipliers and shifts (int32 arrays); the liquid's own integers are
  // literals in the code and its synapses are regenerated
  paramBytes: (l) => 8 * l.inputSize,
  // the RAM every target pays (the reference engine's floor): v int16, trace int16, refractory int8
  // per neuron and the spike bits packed (the stream state), and the connectivity regenerated from
  // the seed (RAM once per model, shared by every stream, in C and in the Espruino module)
  stateBytes: (l) => 5 * l.units + spikeBytes(l.units) + lsmRegeneratedBytes(l),
  // Q3.12 input, int32 synaptic sums, int8 outputs
  scratchBytes: (l) => 2 * l.inputSize + 5 * l.units,
  // the worst case (every neuron fires: C synapse additions each) plus the input currents
  macs: (l) => lsmStepCost(l, 1),
  tables: () => ({ sigmoid: false, tanh: false }),
  outType: () => 's8',
  streams: true,
  arrays: (l) => [
    { part: '', field: 'xm', type: 's32', values: l.xm, shape: `(I) = (${l.inputSize})`, role: 'requant' },
    { part: '', field: 'xs', type: 's32', values: l.xs, shape: `(I) = (${l.inputSize})`, role: 'requant' },
  ],
  title: (l) => `lsm ${l.inputSize}->${l.units} (${l.fanOut} synapses each, ${l.inhibitory} inhibitory, seed ${l.seed})`,
};

/** One line for inspect and quantize. */
export function lsmDetail(l: LiquidParams): string {
  return `liquid of ${l.units} spiking neurons (${l.inhibitory} inhibitory), ${l.fanOut} regenerated synapses each (seed ${l.seed}), threshold ${l.threshold}, refractory ${l.refractory}, leak ${l.leakQ16}/65536, trace decay ${l.decayQ16}/65536`;
}

/** Multiply-adds of one step at a firing rate (share of neurons spiking per step): the input currents (N*I) and rate*N*C synapse additions. */
export function lsmStepCost(l: Pick<LiquidParams, 'units' | 'inputSize' | 'fanOut'>, rate: number): number {
  return l.units * l.inputSize + Math.round(rate * l.units * l.fanOut);
}

/** The memory and cost report of a liquid at a measured firing rate: state by part, and multiply-adds per step at that rate and at the worst case. */
export function lsmReport(l: LiquidParams, rate: number): string[] {
  const N = l.units;
  const syn = 3 * N * l.fanOut;
  return [
    `liquid state per stream: membranes ${2 * N} B, traces ${2 * N} B, refractory counters ${N} B, spike bits ${spikeBytes(N)} B; regenerated once per model (RAM shared by every stream): synapses ${syn} B (int16 target + int8 weight, ${N}x${l.fanOut}), input weights ${N * l.inputSize} B`,
    `cost per step: ${lsmStepCost(l, rate)} multiply-adds at the measured firing rate ${(100 * rate).toFixed(1)}% (${N * l.inputSize} for the input currents + ${Math.round(rate * N * l.fanOut)} synapse additions); worst case ${lsmStepCost(l, 1)} (every neuron firing), the figure compile reports`,
  ];
}
