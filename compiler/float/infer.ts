// Float reference inference (float64 arithmetic on the model's float32 parameters).
// One cell-step function serves both the streaming API (stepFloat) and whole-sequence runs
// (runFloat), so the two give identical numbers by construction; tests check it anyway.
//
// Legend: T steps, F features, I layer input, H hidden, G gates, U dense units, O outputs.

import { TinyrnnError } from '../core/ir/errors';
import { CellLayer, DenseLayer, FloatModel, JordanLayer, Layer, assertNever, gateCount, layerOutputSize } from '../core/ir/model';

/** Optional observer of every intermediate, used by calibration and the error report. */
export type FloatObserver = (layer: number, t: number, key: string, values: Float64Array) => void;

export interface CellState {
  h: Float64Array; // (H)
  c: Float64Array; // (H) LSTM cell; unused (length 0) otherwise
}

/** A Jordan layer's state: its previous output y_{t-1}, fed back. */
export interface JordanState {
  y: Float64Array; // (U)
}

/** Streaming state: one entry per layer (null for dense and bidirectional layers). */
export interface FloatState {
  layers: (CellState | JordanState | null)[];
}

export const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

function newCellState(l: CellLayer): CellState {
  return { h: new Float64Array(l.hidden), c: new Float64Array(l.kind === 'lstm' ? l.hidden : 0) };
}

export function createFloatState(m: FloatModel): FloatState {
  return {
    layers: m.layers.map((l: Layer) => {
      switch (l.kind) {
        case 'elman':
        case 'lstm':
        case 'gru':
          return newCellState(l);
        case 'jordan':
          return { y: new Float64Array(l.units) };
        case 'bidirectional':
        case 'dense':
          return null;
        default:
          return assertNever(l);
      }
    }),
  };
}

export function resetFloatState(s: FloatState): void {
  for (const st of s.layers) {
    if (st && 'y' in st) st.y.fill(0);
    else if (st) {
      st.h.fill(0);
      st.c.fill(0);
    }
  }
}

const clipTo = (v: number, clip: number | undefined): number => (clip === undefined ? v : v > clip ? clip : v < -clip ? -clip : v);

/** One step of a recurrent cell; updates st in place and returns the new h (a fresh array). */
export function cellStep(l: CellLayer, x: ArrayLike<number>, st: CellState, obs?: (key: string, v: Float64Array) => void): Float64Array {
  const H = l.hidden;
  const I = l.inputSize;
  const G = gateCount(l.kind);
  const ax = new Float64Array(G * H); // (G*H) wx x + bx
  const ah = new Float64Array(G * H); // (G*H) wh h + bh
  for (let r = 0; r < G * H; r++) {
    let s = l.bx[r];
    const o = r * I;
    for (let i = 0; i < I; i++) s += l.wx[o + i] * x[i];
    ax[r] = s;
    let u = l.bh[r];
    const oh = r * H;
    for (let j = 0; j < H; j++) u += l.wh[oh + j] * st.h[j];
    ah[r] = u;
  }
  const h = new Float64Array(H);
  switch (l.kind) {
    case 'elman': {
      const pre = new Float64Array(H);
      for (let j = 0; j < H; j++) {
        const a = clipTo(ax[j] + ah[j], l.clip);
        pre[j] = a;
        h[j] = l.activation === 'tanh' ? Math.tanh(a) : a > 0 ? a : 0;
        // leaky (tanh only): h_t = (1 - a) h_{t-1} + a tanh(pre)
        if (l.leak !== undefined && l.leak !== 1) h[j] = (1 - l.leak) * st.h[j] + l.leak * h[j];
      }
      obs?.('pre', pre);
      break;
    }
    case 'lstm': {
      // gates i, f, g, o
      const pre = new Float64Array(4 * H);
      const gates = new Float64Array(4 * H);
      const c = st.c;
      const p = l.peepholes;
      for (let j = 0; j < H; j++) {
        let ai = ax[j] + ah[j];
        let af = ax[H + j] + ah[H + j];
        let ag = ax[2 * H + j] + ah[2 * H + j];
        let ao = ax[3 * H + j] + ah[3 * H + j];
        if (p) {
          ai += p[j] * c[j];
          af += p[H + j] * c[j];
        }
        ai = clipTo(ai, l.clip);
        af = clipTo(af, l.clip);
        ag = clipTo(ag, l.clip);
        const gi = sigmoid(ai);
        const gf = sigmoid(af);
        const gg = Math.tanh(ag);
        const cn = gf * c[j] + gi * gg;
        if (p) ao += p[2 * H + j] * cn;
        ao = clipTo(ao, l.clip);
        const go = sigmoid(ao);
        c[j] = cn;
        h[j] = go * Math.tanh(cn);
        pre[j] = ai;
        pre[H + j] = af;
        pre[2 * H + j] = ag;
        pre[3 * H + j] = ao;
        gates[j] = gi;
        gates[H + j] = gf;
        gates[2 * H + j] = gg;
        gates[3 * H + j] = go;
      }
      obs?.('pre', pre);
      obs?.('gates', gates);
      obs?.('c', c);
      break;
    }
    case 'gru': {
      // gates r, z, n
      const pre = new Float64Array(3 * H);
      const gates = new Float64Array(3 * H);
      const r = new Float64Array(H);
      for (let j = 0; j < H; j++) {
        const ar = clipTo(ax[j] + ah[j], l.clip);
        pre[j] = ar;
        r[j] = sigmoid(ar);
      }
      if (!l.resetAfter) {
        // n = tanh(Wn x + bxn + Whn (r*h) + bhn): recompute the n rows of wh on r*h
        const rh = new Float64Array(H);
        for (let j = 0; j < H; j++) rh[j] = r[j] * st.h[j];
        for (let j = 0; j < H; j++) {
          let u = l.bh[2 * H + j];
          const oh = (2 * H + j) * H;
          for (let k = 0; k < H; k++) u += l.wh[oh + k] * rh[k];
          ah[2 * H + j] = u;
        }
      }
      for (let j = 0; j < H; j++) {
        const az = clipTo(ax[H + j] + ah[H + j], l.clip);
        const an = clipTo(l.resetAfter ? ax[2 * H + j] + r[j] * ah[2 * H + j] : ax[2 * H + j] + ah[2 * H + j], l.clip);
        const z = sigmoid(az);
        const n = Math.tanh(an);
        h[j] = (1 - z) * n + z * st.h[j];
        pre[H + j] = az;
        pre[2 * H + j] = an;
        gates[j] = r[j];
        gates[H + j] = z;
        gates[2 * H + j] = n;
      }
      obs?.('pre', pre);
      obs?.('gates', gates);
      break;
    }
    default:
      return assertNever(l);
  }
  st.h.set(h);
  obs?.('h', h);
  return h;
}

/**
 * One step of a Jordan layer: h = tanh(wx x + bx + wy y_prev), y = outActivation(wo h + bo).
 * Updates st.y (the fed-back output) and returns y (a fresh array).
 */
export function jordanStep(l: JordanLayer, x: ArrayLike<number>, st: JordanState, obs?: (key: string, v: Float64Array) => void): Float64Array {
  const H = l.hidden;
  const I = l.inputSize;
  const U = l.units;
  const pre = new Float64Array(H);
  const h = new Float64Array(H);
  for (let j = 0; j < H; j++) {
    let s = l.bx[j];
    for (let i = 0; i < I; i++) s += l.wx[j * I + i] * x[i];
    for (let u = 0; u < U; u++) s += l.wy[j * U + u] * st.y[u];
    pre[j] = s;
    h[j] = Math.tanh(s);
  }
  const y = new Float64Array(U);
  for (let u = 0; u < U; u++) {
    let s = l.bo[u];
    for (let j = 0; j < H; j++) s += l.wo[u * H + j] * h[j];
    y[u] = s;
  }
  obs?.('pre', pre);
  obs?.('h', h);
  obs?.('ypre', y.slice());
  applyActivation(l.outActivation, y);
  obs?.('out', y);
  st.y.set(y);
  return y;
}

export function denseForward(l: DenseLayer, x: ArrayLike<number>, obs?: (key: string, v: Float64Array) => void): Float64Array {
  const U = l.units;
  const I = l.inputSize;
  const y = new Float64Array(U);
  for (let u = 0; u < U; u++) {
    let s = l.b[u];
    const o = u * I;
    for (let i = 0; i < I; i++) s += l.w[o + i] * x[i];
    y[u] = s;
  }
  obs?.('pre', y.slice());
  applyActivation(l.activation, y);
  obs?.('out', y);
  return y;
}

export function applyActivation(act: DenseLayer['activation'], y: Float64Array): void {
  switch (act) {
    case 'none':
      return;
    case 'relu':
      for (let i = 0; i < y.length; i++) if (y[i] < 0) y[i] = 0;
      return;
    case 'tanh':
      for (let i = 0; i < y.length; i++) y[i] = Math.tanh(y[i]);
      return;
    case 'sigmoid':
      for (let i = 0; i < y.length; i++) y[i] = sigmoid(y[i]);
      return;
    case 'softmax': {
      let mx = -Infinity;
      for (let i = 0; i < y.length; i++) if (y[i] > mx) mx = y[i];
      let s = 0;
      for (let i = 0; i < y.length; i++) s += y[i] = Math.exp(y[i] - mx);
      for (let i = 0; i < y.length; i++) y[i] /= s;
      return;
    }
    default:
      assertNever(act);
  }
}

export function normalizeInput(m: FloatModel, x: ArrayLike<number>): Float64Array {
  const F = m.inputSize;
  if (x.length !== F) {
    throw new TinyrnnError({ code: 'RUN001', path: 'x', message: `input step has ${x.length} features`, expected: `${F} (${m.meta.features.join(', ')})` });
  }
  const out = new Float64Array(F);
  const n = m.normalization;
  for (let i = 0; i < F; i++) out[i] = n ? (x[i] - n.mean[i]) / n.std[i] : x[i];
  return out;
}

function observerFor(obs: FloatObserver | undefined, layer: number, t: number, prefix = ''): ((key: string, v: Float64Array) => void) | undefined {
  return obs ? (key, v) => obs(layer, t, prefix + key, v) : undefined;
}

/**
 * One streaming step: consumes one input sample (F raw feature values) and returns the model's
 * output at this step (O). Bidirectional models cannot stream (the backward half needs the future).
 */
export function stepFloat(m: FloatModel, s: FloatState, x: ArrayLike<number>, obs?: FloatObserver, t = 0): Float64Array {
  let v: Float64Array = normalizeInput(m, x);
  obs?.(-1, t, 'x', v);
  m.layers.forEach((l, i) => {
    switch (l.kind) {
      case 'elman':
      case 'lstm':
      case 'gru':
        v = cellStep(l, v, s.layers[i] as CellState, observerFor(obs, i, t));
        break;
      case 'dense':
        v = denseForward(l, v, observerFor(obs, i, t));
        break;
      case 'jordan':
        v = jordanStep(l, v, s.layers[i] as JordanState, observerFor(obs, i, t));
        break;
      case 'bidirectional':
        throw new TinyrnnError({
          code: 'RUN002',
          path: `layers[${i}]`,
          message: 'a bidirectional layer cannot run step by step',
          hint: 'its backward half needs the whole sequence: use a whole-sequence run',
        });
      default:
        assertNever(l);
    }
  });
  return v;
}

export interface FloatRun {
  /** Model output at every step (T)(O): for output mode "last" only the final entry is the model's answer. */
  steps: Float64Array[];
  /** The model's answer: all steps for output "sequence", the last step for "last". */
  output: Float64Array[];
  /** Final hidden state of each recurrent layer ([fwd] or [fwd, bwd]; a Jordan layer's last output y); [] for dense layers. */
  hn: Float64Array[][];
  /** Final LSTM cell state per layer, as hn. */
  cn: Float64Array[][];
}

/** Runs a whole sequence x (T)(F) from zero state. */
export function runFloat(m: FloatModel, x: ArrayLike<ArrayLike<number>>, obs?: FloatObserver): FloatRun {
  const T = x.length;
  if (T === 0) throw new TinyrnnError({ code: 'RUN003', path: 'x', message: 'sequence has no time steps', expected: 'at least one step' });
  let seq: Float64Array[] = [];
  for (let t = 0; t < T; t++) {
    const v = normalizeInput(m, x[t]);
    obs?.(-1, t, 'x', v);
    seq.push(v);
  }
  const hn: Float64Array[][] = [];
  const cn: Float64Array[][] = [];
  m.layers.forEach((l, i) => {
    switch (l.kind) {
      case 'elman':
      case 'lstm':
      case 'gru': {
        const st = newCellState(l);
        seq = seq.map((v, t) => cellStep(l, v, st, observerFor(obs, i, t)));
        hn.push([st.h]);
        cn.push(l.kind === 'lstm' ? [st.c] : []);
        break;
      }
      case 'bidirectional': {
        const sf = newCellState(l.forward);
        const sb = newCellState(l.backward);
        const fwd = seq.map((v, t) => cellStep(l.forward, v, sf, observerFor(obs, i, t, 'fwd.')));
        const bwd: Float64Array[] = new Array(T);
        for (let t = T - 1; t >= 0; t--) bwd[t] = cellStep(l.backward, seq[t], sb, observerFor(obs, i, t, 'bwd.'));
        const Hf = l.forward.hidden;
        seq = fwd.map((f, t) => {
          const o = new Float64Array(layerOutputSize(l));
          o.set(f, 0);
          o.set(bwd[t], Hf);
          return o;
        });
        hn.push([sf.h, sb.h]);
        cn.push(l.kind === 'bidirectional' && l.forward.kind === 'lstm' ? [sf.c, sb.c] : []);
        break;
      }
      case 'dense':
        seq = seq.map((v, t) => denseForward(l, v, observerFor(obs, i, t)));
        hn.push([]);
        cn.push([]);
        break;
      case 'jordan': {
        const st: JordanState = { y: new Float64Array(l.units) };
        seq = seq.map((v, t) => jordanStep(l, v, st, observerFor(obs, i, t)));
        hn.push([st.y]);
        cn.push([]);
        break;
      }
      default:
        assertNever(l);
    }
  });
  return { steps: seq, output: m.output === 'sequence' ? seq : [seq[T - 1]], hn, cn };
}

/** Index of the largest value (first on ties). */
export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}
