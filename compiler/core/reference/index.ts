// The reference integer kernels: THE executable definition of tinyrnn's int8 arithmetic
// (docs/quantization.md, spec version QUANT_SPEC_VERSION). The C and Espruino targets are
// tested against these integers (through test/vectors) for exact equality.
//
// Integer-exact operations only: every value is a JS number holding an integer below 2^47 in
// magnitude (the quantiser proves the bounds), so doubles represent them exactly; no value is
// ever rounded by floating point. One cell-step function serves the streaming API
// (stepQuant) and whole-sequence runs (runQuant), and the tests check they agree anyway.
//
// Legend: T steps, F features, I layer input, H hidden, G gates, U dense units, O outputs.

import { TinyrnnError } from '../ir/errors';
import { assertNever } from '../ir/model';
import { QCellLayer, QLayer, QuantModel, qGateCount, qLayerOutputSize, recurrentIsH8 } from '../ir/quant-model';
import { lut_s16, requantize, rshift_round, sat_s16, sat_s8, sigmoid_s16, tanh_s16 } from '../spec/fixed';
import { QUANT_SPEC_VERSION, RAW_INPUT_MAX } from '../spec/spec';
import { QJordanState, jordanStepQ, newJordanState, resetJordanState } from './jordan';
import { Obs, denseQ, dot } from './dense';

export { lut_s16, requantize, rshift_round, sat_s16, sat_s8, sigmoid_s16, tanh_s16 };
export { jordanStepQ, newJordanState } from './jordan';
export { denseQ, dot } from './dense';
export type { QJordanState } from './jordan';

/**
 * Observer of every intermediate: layer -1 is the input stage (key "x"); keys are those of
 * test/vectors/README.md ("pre", "gates", "c", "tc", "h16", "rh", "h", "out"), with
 * "fwd." / "bwd." prefixes inside a bidirectional layer. values is a fresh copy.
 */
export type QuantObserver = (layer: number, t: number, key: string, values: Int32Array) => void;

/**
 * Streaming state of one cell. LSTM, GRU and Elman tanh carry h16 (Q0.15), their recurrent
 * input; Elman relu carries h8 (its recurrent input). h8 of the other cells is their output only.
 */
export interface QCellState {
  h8: Int8Array; // (H) int8 output; the state of elman relu (reset to hZp)
  h16: Int16Array; // (H) Q0.15 state of lstm, gru, elman tanh (reset to 0); length 0 for elman relu
  c: Int16Array; // (H) LSTM cell, reset to 0 (length 0 for other cells)
}

/** Streaming state: one entry per layer (null for dense and bidirectional layers; a Jordan layer's previous output y). */
export interface QuantState {
  layers: (QCellState | QJordanState | null)[];
}

function checkSpec(m: QuantModel): void {
  if (m.specVersion !== QUANT_SPEC_VERSION) {
    throw new TinyrnnError({
      code: 'TNN210',
      path: 'specVersion',
      message: `quantisation spec version ${m.specVersion} is not supported`,
      expected: String(QUANT_SPEC_VERSION),
      hint: 'quantise the float model again with this tinyrnn',
    });
  }
}

export function newCellState(l: QCellLayer): QCellState {
  const st: QCellState = {
    h8: new Int8Array(l.hidden),
    h16: new Int16Array(recurrentIsH8(l) ? 0 : l.hidden),
    c: new Int16Array(l.kind === 'lstm' ? l.hidden : 0),
  };
  st.h8.fill(l.hZp);
  return st;
}

export function createQuantState(m: QuantModel): QuantState {
  checkSpec(m);
  return {
    layers: m.layers.map((l: QLayer) => {
      switch (l.kind) {
        case 'elman':
        case 'lstm':
        case 'gru':
          return newCellState(l);
        case 'jordan':
          return newJordanState(l);
        case 'bidirectional':
        case 'dense':
          return null;
        default:
          return assertNever(l);
      }
    }),
  };
}

/** Puts every state back to its reset value (h8 = hZp, h16 = 0, c = 0; Jordan y = outZp). */
export function resetQuantState(m: QuantModel, s: QuantState): void {
  m.layers.forEach((l, i) => {
    const st = s.layers[i];
    if (l.kind === 'jordan') resetJordanState(l, st as QJordanState);
    else if (st && 'h8' in st && l.kind !== 'dense' && l.kind !== 'bidirectional') {
      st.h8.fill(l.hZp);
      st.h16.fill(0);
      st.c.fill(0);
    }
  });
}

const clamp = (v: number, clip: number): number => (clip > 0 ? (v > clip ? clip : v < -clip ? -clip : v) : v);

/** One step of a quantised cell on its input x (x16 for the first layer, int8 after it): updates st in place, returns the new h8 (a fresh array). */
export function cellStepQ(l: QCellLayer, tables: QuantModel['tables'], x: ArrayLike<number>, st: QCellState, obs?: Obs): Int8Array {
  const H = l.hidden;
  const I = l.inputSize;
  const G = qGateCount(l.kind);
  // the recurrent input: h16 (Q0.15), or h8 for elman relu
  const hin: ArrayLike<number> = recurrentIsH8(l) ? st.h8 : st.h16;
  const h8 = new Int8Array(H);
  const h16 = new Int16Array(recurrentIsH8(l) ? 0 : H);
  // requantised input-side and recurrent-side parts of every row (int32 each)
  const px = new Array<number>(G * H);
  const ph = new Array<number>(G * H);
  for (let r = 0; r < G * H; r++) {
    px[r] = requantize(l.bx[r] + dot(l.wx, r, I, x), l.mx[r], l.sx[r]);
    // GRU reset-before: the n rows read r*h, computed below
    if (!(l.kind === 'gru' && !l.resetAfter && r >= 2 * H)) ph[r] = requantize(l.bh[r] + dot(l.wh, r, H, hin), l.mh[r], l.sh[r]);
  }
  switch (l.kind) {
    case 'elman': {
      const pre = new Int32Array(H);
      if (l.activation === 'tanh') {
        for (let j = 0; j < H; j++) {
          pre[j] = clamp(sat_s16(px[j] + ph[j]), l.clip);
          h16[j] = tanh_s16(pre[j], tables.tanh);
          // leaky: h16 = h16_prev + rshift_round(leakQ15 * (t16 - h16_prev), 15), stays in [-32767, 32767]
          if (l.leakQ15 !== undefined) h16[j] = st.h16[j] + rshift_round(l.leakQ15 * (h16[j] - st.h16[j]), 15);
          h8[j] = sat_s8(l.hZp + requantize(h16[j], l.hM, l.hS));
        }
        obs?.('pre', pre);
        obs?.('h16', h16);
      } else {
        for (let j = 0; j < H; j++) {
          pre[j] = clamp(px[j] + ph[j], l.clip);
          h8[j] = sat_s8(l.hZp + (pre[j] > 0 ? pre[j] : 0));
        }
        obs?.('pre', pre);
      }
      break;
    }
    case 'lstm': {
      const pre = new Int32Array(4 * H);
      const gates = new Int32Array(4 * H);
      const tc = new Int32Array(H);
      const c = st.c;
      const cf = l.cellFrac;
      for (let r = 0; r < 4 * H; r++) pre[r] = clamp(sat_s16(px[r] + ph[r]), l.clip);
      for (let j = 0; j < H; j++) {
        const gi = sigmoid_s16(pre[j], tables.sigmoid);
        const gf = sigmoid_s16(pre[H + j], tables.sigmoid);
        const gg = tanh_s16(pre[2 * H + j], tables.tanh);
        const go = sigmoid_s16(pre[3 * H + j], tables.sigmoid);
        const cn = sat_s16(rshift_round(gf * c[j], 15) + rshift_round(gi * gg, 30 - cf));
        c[j] = cn;
        const cq12 = cf >= 12 ? rshift_round(cn, cf - 12) : sat_s16(cn * 2 ** (12 - cf));
        tc[j] = tanh_s16(cq12, tables.tanh);
        h16[j] = rshift_round(go * tc[j], 15);
        h8[j] = sat_s8(l.hZp + requantize(h16[j], l.hM, l.hS));
        gates[j] = gi;
        gates[H + j] = gf;
        gates[2 * H + j] = gg;
        gates[3 * H + j] = go;
      }
      obs?.('pre', pre);
      obs?.('gates', gates);
      obs?.('c', c);
      obs?.('tc', tc);
      obs?.('h16', h16);
      break;
    }
    case 'gru': {
      const pre = new Int32Array(3 * H);
      const gates = new Int32Array(3 * H);
      const hold = st.h16;
      for (let r = 0; r < 2 * H; r++) {
        pre[r] = clamp(sat_s16(px[r] + ph[r]), l.clip);
        gates[r] = sigmoid_s16(pre[r], tables.sigmoid);
      }
      if (l.resetAfter) {
        for (let j = 0; j < H; j++) pre[2 * H + j] = clamp(sat_s16(px[2 * H + j] + rshift_round(gates[j] * ph[2 * H + j], 15)), l.clip);
      } else {
        const rh = new Int16Array(H);
        for (let j = 0; j < H; j++) rh[j] = rshift_round(gates[j] * hold[j], 15);
        obs?.('rh', rh);
        for (let j = 0; j < H; j++) {
          const r = 2 * H + j;
          pre[r] = clamp(sat_s16(px[r] + requantize(l.bh[r] + dot(l.wh, r, H, rh), l.mh[r], l.sh[r])), l.clip);
        }
      }
      for (let j = 0; j < H; j++) {
        const z = gates[H + j];
        const n = tanh_s16(pre[2 * H + j], tables.tanh);
        gates[2 * H + j] = n;
        h16[j] = rshift_round(z * hold[j] + (32768 - z) * n, 15);
        h8[j] = sat_s8(l.hZp + requantize(h16[j], l.hM, l.hS));
      }
      obs?.('pre', pre);
      obs?.('gates', gates);
      obs?.('h16', h16);
      break;
    }
    default:
      return assertNever(l);
  }
  st.h8 = h8;
  st.h16 = h16;
  obs?.('h', h8);
  return h8;
}

/** The input stage: raw integers (F) -> x16, int16 (F). Raw values must be integers with |r| <= 2^30. */
export function quantizeInput(m: QuantModel, raw: ArrayLike<number>): Int16Array {
  const F = m.inputSize;
  if (raw.length !== F) {
    throw new TinyrnnError({ code: 'RUN001', path: 'x', message: `input step has ${raw.length} features`, expected: `${F} (${m.meta.features.join(', ')})` });
  }
  const x16 = new Int16Array(F);
  const q = m.input;
  for (let f = 0; f < F; f++) {
    const r = raw[f];
    if (!Number.isInteger(r) || r > RAW_INPUT_MAX || r < -RAW_INPUT_MAX) {
      throw new TinyrnnError({
        code: 'RUN004',
        path: `x[${f}]`,
        message: 'raw input is not an integer in range',
        value: r,
        expected: `an integer in [-2^30, 2^30]`,
        hint: 'feed round(x * rawPerUnit) (see rawInput), or the sensor integers the model was quantised for',
      });
    }
    x16[f] = sat_s16(requantize(r - q.offset[f], q.m[f], q.s[f]));
  }
  return x16;
}

function observerFor(obs: QuantObserver | undefined, layer: number, t: number, prefix = ''): Obs {
  return obs ? (key, v) => obs(layer, t, prefix + key, Int32Array.from(v)) : undefined;
}

/**
 * One streaming step: consumes one raw input vector (F integers), returns the model output at
 * this step (O integers: int8, or int16 when outputType is s16). Bidirectional models cannot stream.
 */
export function stepQuant(m: QuantModel, s: QuantState, raw: ArrayLike<number>, obs?: QuantObserver, t = 0): Int32Array {
  checkSpec(m);
  let v: ArrayLike<number> = quantizeInput(m, raw);
  obs?.(-1, t, 'x', Int32Array.from(v));
  m.layers.forEach((l, i) => {
    switch (l.kind) {
      case 'elman':
      case 'lstm':
      case 'gru':
        v = cellStepQ(l, m.tables, v, s.layers[i] as QCellState, observerFor(obs, i, t));
        break;
      case 'dense':
        v = denseQ(l, m.tables, v, observerFor(obs, i, t));
        break;
      case 'jordan':
        v = jordanStepQ(l, m.tables, v, s.layers[i] as QJordanState, observerFor(obs, i, t));
        break;
      case 'bidirectional':
        throw new TinyrnnError({
          code: 'RUN002',
          path: `layers[${i}]`,
          message: 'a bidirectional layer cannot run step by step',
          hint: 'its backward half needs the whole sequence: use a whole-sequence run (runQuant)',
        });
      default:
        assertNever(l);
    }
  });
  return Int32Array.from(v);
}

export interface QuantRun {
  /** Model output after every step (T)(O). */
  steps: Int32Array[];
  /** The model's answer: all steps for output "sequence", the last step for "last". */
  output: Int32Array[];
}

/** Runs a whole sequence of raw inputs (T)(F) from reset state, layer by layer. */
export function runQuant(m: QuantModel, raw: ArrayLike<ArrayLike<number>>, obs?: QuantObserver): QuantRun {
  checkSpec(m);
  const T = raw.length;
  if (T === 0) throw new TinyrnnError({ code: 'RUN003', path: 'x', message: 'sequence has no time steps', expected: 'at least one step' });
  let seq: ArrayLike<number>[] = [];
  for (let t = 0; t < T; t++) {
    const v = quantizeInput(m, raw[t]);
    obs?.(-1, t, 'x', Int32Array.from(v));
    seq.push(v);
  }
  m.layers.forEach((l, i) => {
    switch (l.kind) {
      case 'elman':
      case 'lstm':
      case 'gru': {
        const st = newCellState(l);
        seq = seq.map((v, t) => cellStepQ(l, m.tables, v, st, observerFor(obs, i, t)));
        break;
      }
      case 'bidirectional': {
        const sf = newCellState(l.forward);
        const sb = newCellState(l.backward);
        const fwd = seq.map((v, t) => cellStepQ(l.forward, m.tables, v, sf, observerFor(obs, i, t, 'fwd.')));
        const bwd: Int8Array[] = new Array(T);
        for (let t = T - 1; t >= 0; t--) bwd[t] = cellStepQ(l.backward, m.tables, seq[t], sb, observerFor(obs, i, t, 'bwd.'));
        const Hf = l.forward.hidden;
        seq = fwd.map((f, t) => {
          const o = new Int8Array(qLayerOutputSize(l));
          o.set(f, 0);
          o.set(bwd[t], Hf);
          return o;
        });
        break;
      }
      case 'dense':
        seq = seq.map((v, t) => denseQ(l, m.tables, v, observerFor(obs, i, t)));
        break;
      case 'jordan': {
        const st = newJordanState(l);
        seq = seq.map((v, t) => jordanStepQ(l, m.tables, v, st, observerFor(obs, i, t)));
        break;
      }
      default:
        assertNever(l);
    }
  });
  const steps = seq.map((v) => Int32Array.from(v));
  return { steps, output: m.output === 'sequence' ? steps : [steps[T - 1]] };
}

// ---------------------------------------------------------------------------------------------
// Host helpers (floating point allowed: these run on the host, never on the device)

/** Raw integers the device is fed for a model-unit input vector x: round(x[f] * rawPerUnit[f]). */
export function rawInput(m: QuantModel, x: ArrayLike<number>): number[] {
  const out: number[] = new Array(x.length);
  for (let f = 0; f < x.length; f++) out[f] = Math.round(x[f] * m.input.rawPerUnit[f]);
  return out;
}

/** Raw integer sequence (T)(F) for a float sequence stored row-major (T*F). */
export function rawSequence(m: QuantModel, x: ArrayLike<number>): number[][] {
  const F = m.inputSize;
  const T = Math.floor(x.length / F);
  const out: number[][] = [];
  for (let t = 0; t < T; t++) {
    const row: number[] = new Array(F);
    for (let f = 0; f < F; f++) row[f] = Math.round(x[t * F + f] * m.input.rawPerUnit[f]);
    out.push(row);
  }
  return out;
}

/**
 * Real output values from the device's integers: (y - outputZp) * outputScale, then softmax
 * when the model's last layer is softmax (the device outputs logits).
 */
export function dequantizeOutput(m: QuantModel, y: ArrayLike<number>): Float64Array {
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = (y[i] - m.doc.outputZp) * m.doc.outputScale;
  const last = m.layers[m.layers.length - 1];
  if (last.kind === 'dense' && last.activation === 'softmax') {
    let mx = -Infinity;
    for (let i = 0; i < out.length; i++) if (out[i] > mx) mx = out[i];
    let s = 0;
    for (let i = 0; i < out.length; i++) s += out[i] = Math.exp(out[i] - mx);
    for (let i = 0; i < out.length; i++) out[i] /= s;
  }
  return out;
}

/** Collects a run's trace as { key: (T)(width) } with keys "x", "L<n>.<name>" (the golden-vector layout). */
export function traceCollector(): { obs: QuantObserver; trace: Record<string, number[][]> } {
  const trace: Record<string, number[][]> = {};
  const obs: QuantObserver = (layer, t, key, values) => {
    const k = layer < 0 ? key : `L${layer}.${key}`;
    (trace[k] ??= [])[t] = Array.from(values);
  };
  return { obs, trace };
}
