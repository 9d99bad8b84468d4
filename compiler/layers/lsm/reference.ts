// The reference liquid state machine (docs/quantization.md, "Liquid state machine"): the integer
// kernel the float layer, the training features and every target follow bit for bit.
// Legend: I layer input, N neurons, C synapses per neuron.
//
// One step on the Q3.12 input xq (I):
//   acc_syn[j] = sum of w[k*C + c] over the neurons k that spiked last step and their synapses
//                c with tgt[k*C + c] = j                       (event-driven: only fired neurons)
//   acc_in[j]  = sum_i win[j*I + i] * xq[i]
//   refr[j] > 0:  refr[j] -= 1, v[j] = 0, no spike
//   otherwise:    v[j] = sat_s16(v[j] - rshift_round(v[j] * leakQ16, 16)
//                                + requantize(acc_in[j], inM, inS) + requantize(acc_syn[j], synM, synS))
//                 v[j] >= threshold: spike, v[j] = 0, refr[j] = refractory
//   tr[j] = min(32767, tr[j] - rshift_round(tr[j] * decayQ16, 16) + (spike ? traceInc : 0))
//   y[j]  = (tr[j] >> 7) - 128
import { RefHooks, runBySteps } from '../../core/reference/kernel';
import { esn_seed_state, xorshift32 } from '../../core/spec/reservoir';
import { requantize, rshift_round, sat_s16 } from '../../core/spec/fixed';
import { LSM_OUT_ZP, LSM_TRACE_MAX, LiquidParams, QLsmLayer, spikeBytes } from './ir';

/** The regenerated connectivity of a liquid. */
export interface LiquidNet {
  tgt: Uint16Array; // (N, C) target neuron of each synapse
  w: Int8Array; // (N, C) synapse weights: [1, 127], negated for an inhibitory source
  win: Int8Array; // (N, I) input weights in [-127, 127]
}

/**
 * The spec's generator: one xorshift32 stream from esn_seed_state(seed); first the synapses,
 * source-major (neuron k, synapse c), one draw u each: target (u & 0xffff) % N, magnitude
 * ((u >>> 16) % 127) + 1, negative when k >= N - inhibitory; then the input weights (N, I)
 * row-major, ((u >>> 16) % 255) - 127.
 */
export function lsm_generate(l: Pick<LiquidParams, 'units' | 'fanOut' | 'inhibitory' | 'inputSize' | 'seed'>): LiquidNet {
  const N = l.units;
  const C = l.fanOut;
  let x = esn_seed_state(l.seed);
  const tgt = new Uint16Array(N * C);
  const w = new Int8Array(N * C);
  for (let k = 0; k < N; k++) {
    const sign = k >= N - l.inhibitory ? -1 : 1;
    for (let c = 0; c < C; c++) {
      x = xorshift32(x);
      tgt[k * C + c] = (x & 0xffff) % N;
      w[k * C + c] = sign * (((x >>> 16) % 127) + 1);
    }
  }
  const win = new Int8Array(N * l.inputSize);
  for (let k = 0; k < win.length; k++) {
    x = xorshift32(x);
    win[k] = ((x >>> 16) % 255) - 127;
  }
  return { tgt, w, win };
}

const nets = new Map<string, LiquidNet>();

/** The connectivity of a liquid, generated once per shape and seed. */
export function liquidNet(l: LiquidParams): LiquidNet {
  const key = `${l.seed}/${l.units}/${l.fanOut}/${l.inhibitory}/${l.inputSize}`;
  let net = nets.get(key);
  if (!net) {
    if (nets.size > 64) nets.clear();
    net = lsm_generate(l);
    nets.set(key, net);
  }
  return net;
}

/** A liquid's state: membranes, traces, refractory counters (int16, int16, int8) and last step's spike bits. */
export interface QLsmState {
  v: Int32Array; // (N)
  tr: Int32Array; // (N)
  refr: Int32Array; // (N)
  spikes: Uint8Array; // (ceil(N / 8)) bit j % 8 of byte j >> 3
}

export function newLiquidState(l: LiquidParams): QLsmState {
  const N = l.units;
  return { v: new Int32Array(N), tr: new Int32Array(N), refr: new Int32Array(N), spikes: new Uint8Array(spikeBytes(N)) };
}

function reset(_l: LiquidParams, st: QLsmState): void {
  st.v.fill(0);
  st.tr.fill(0);
  st.refr.fill(0);
  st.spikes.fill(0);
}

export function spiked(spikes: Uint8Array, k: number): boolean {
  return ((spikes[k >> 3] >> (k & 7)) & 1) === 1;
}

/** acc_syn: the synapses of last step's spiking neurons only (event-driven propagation). */
export function synapticInput(l: LiquidParams, net: LiquidNet, spikes: Uint8Array): Int32Array {
  const C = l.fanOut;
  const acc = new Int32Array(l.units);
  for (let k = 0; k < l.units; k++) {
    if (!spiked(spikes, k)) continue;
    for (let c = k * C; c < (k + 1) * C; c++) acc[net.tgt[c]] += net.w[c];
  }
  return acc;
}

/** One step of the liquid on xq (Q3.12, I): updates st, returns the int8 traces (N). accSyn: the synaptic sums (synapticInput unless given). */
export function liquidStep(l: LiquidParams, xq: ArrayLike<number>, st: QLsmState, accSyn?: Int32Array): Int32Array {
  const N = l.units;
  const I = l.inputSize;
  const net = liquidNet(l);
  const syn = accSyn ?? synapticInput(l, net, st.spikes);
  st.spikes.fill(0);
  const y = new Int32Array(N);
  for (let j = 0; j < N; j++) {
    let spike = false;
    if (st.refr[j] > 0) {
      st.refr[j]--;
      st.v[j] = 0;
    } else {
      let acc = 0;
      for (let i = 0; i < I; i++) acc += net.win[j * I + i] * xq[i];
      const v = st.v[j];
      st.v[j] = sat_s16(v - rshift_round(v * l.leakQ16, 16) + requantize(acc, l.inM, l.inS) + requantize(syn[j], l.synM, l.synS));
      if (st.v[j] >= l.threshold) {
        spike = true;
        st.v[j] = 0;
        st.refr[j] = l.refractory;
        st.spikes[j >> 3] |= 1 << (j & 7);
      }
    }
    const t = st.tr[j];
    st.tr[j] = Math.min(LSM_TRACE_MAX, t - rshift_round(t * l.decayQ16, 16) + (spike ? l.traceInc : 0));
    y[j] = (st.tr[j] >> 7) + LSM_OUT_ZP;
  }
  return y;
}

/** The Q3.12 liquid input of a quantised layer from x16. */
export function liquidInput(l: QLsmLayer, x16: ArrayLike<number>): Int32Array {
  const xq = new Int32Array(l.inputSize);
  for (let i = 0; i < l.inputSize; i++) xq[i] = sat_s16(requantize(x16[i], l.xm[i], l.xs[i]));
  return xq;
}

/** Number of neurons whose spike bit is set. */
export function spikeCount(st: QLsmState, N: number): number {
  let n = 0;
  for (let k = 0; k < N; k++) if (spiked(st.spikes, k)) n++;
  return n;
}

const step: RefHooks<QLsmLayer, QLsmState>['step'] = (l, _tables, x, st, obs) => {
  const y = liquidStep(l, liquidInput(l, x), st);
  obs?.('v', st.v);
  obs?.('out', y);
  return y;
};

const newState = (l: QLsmLayer): QLsmState => newLiquidState(l);

export const reference: RefHooks<QLsmLayer, QLsmState> = { newState, reset, step, run: runBySteps({ newState, step }) };
