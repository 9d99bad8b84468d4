// Test oracle: the ONNX RNN, GRU and LSTM operators computed straight from the equations of
// the ONNX operator specification, on ONNX's own weight layout and gate orders (RNN: i; GRU:
// z, r, h; LSTM: i, o, f, c; P: i, o, f). Written independently of the importer, so a wrong
// gate reordering or bias split in the importer shows up as a mismatch. float64 throughout.
//
// Legend: T steps, N batch, I input, H hidden, D directions.

import { Rng } from '../../../compiler/core/util/rng';

export interface RecurrentSpec {
  op: 'RNN' | 'GRU' | 'LSTM';
  H: number;
  direction: 'forward' | 'reverse' | 'bidirectional';
  layout: 0 | 1;
  W: Float32Array; // (D, G*H, I)
  R: Float32Array; // (D, G*H, H)
  B?: Float32Array; // (D, 2*G*H)
  P?: Float32Array; // (D, 3*H)
  clip?: number;
  rnnAct?: 'Tanh' | 'Relu';
  linearBeforeReset?: 0 | 1;
}

const sig = (x: number): number => 1 / (1 + Math.exp(-x));

/** X: (T, N, I) for layout 0, (N, T, I) for layout 1. Returns Y (T,D,N,H) / (N,T,D,H) and Y_h (D,N,H) / (N,D,H). */
export function onnxRecurrent(
  s: RecurrentSpec,
  X: ArrayLike<number>,
  T: number,
  N: number,
  I: number,
): { Y: Float64Array; Yh: Float64Array; Yc: Float64Array } {
  const { H } = s;
  const G = s.op === 'LSTM' ? 4 : s.op === 'GRU' ? 3 : 1;
  const D = s.direction === 'bidirectional' ? 2 : 1;
  const Y = new Float64Array(T * D * N * H);
  const Yh = new Float64Array(D * N * H);
  const Yc = new Float64Array(D * N * H);
  const cl = (v: number): number => (s.clip === undefined ? v : Math.max(-s.clip, Math.min(s.clip, v)));
  const x = (t: number, n: number, i: number): number => X[s.layout === 0 ? (t * N + n) * I + i : (n * T + t) * I + i];
  for (let d = 0; d < D; d++) {
    const reverse = s.direction === 'reverse' || d === 1;
    // row r of W/R/B for gate block g, unit j
    const w = (g: number, j: number, i: number): number => s.W[(d * G * H + g * H + j) * I + i];
    const r = (g: number, j: number, k: number): number => s.R[(d * G * H + g * H + j) * H + k];
    const wb = (g: number, j: number): number => (s.B ? s.B[d * 2 * G * H + g * H + j] : 0);
    const rb = (g: number, j: number): number => (s.B ? s.B[d * 2 * G * H + G * H + g * H + j] : 0);
    const p = (g: number, j: number): number => (s.P ? s.P[d * 3 * H + g * H + j] : 0);
    for (let n = 0; n < N; n++) {
      let h = new Float64Array(H);
      let c = new Float64Array(H);
      for (let step = 0; step < T; step++) {
        const t = reverse ? T - 1 - step : step;
        const xw = (g: number, j: number): number => {
          let v = wb(g, j);
          for (let i = 0; i < I; i++) v += w(g, j, i) * x(t, n, i);
          return v;
        };
        const hr = (g: number, j: number, hv: Float64Array): number => {
          let v = 0;
          for (let k = 0; k < H; k++) v += r(g, j, k) * hv[k];
          return v;
        };
        const hn = new Float64Array(H);
        const cn = new Float64Array(H);
        if (s.op === 'RNN') {
          for (let j = 0; j < H; j++) {
            const a = cl(xw(0, j) + hr(0, j, h) + rb(0, j));
            hn[j] = s.rnnAct === 'Relu' ? Math.max(0, a) : Math.tanh(a);
          }
        } else if (s.op === 'GRU') {
          // blocks: 0 z, 1 r, 2 h
          const z = new Float64Array(H);
          const rr = new Float64Array(H);
          for (let j = 0; j < H; j++) {
            z[j] = sig(cl(xw(0, j) + hr(0, j, h) + rb(0, j)));
            rr[j] = sig(cl(xw(1, j) + hr(1, j, h) + rb(1, j)));
          }
          const rh = h.map((v, k) => rr[k] * v);
          for (let j = 0; j < H; j++) {
            const cand = s.linearBeforeReset ? xw(2, j) + rr[j] * (hr(2, j, h) + rb(2, j)) : xw(2, j) + hr(2, j, rh) + rb(2, j);
            const ht = Math.tanh(cl(cand));
            hn[j] = (1 - z[j]) * ht + z[j] * h[j];
          }
        } else {
          // blocks: 0 i, 1 o, 2 f, 3 c ; P blocks: 0 i, 1 o, 2 f
          for (let j = 0; j < H; j++) {
            const it = sig(cl(xw(0, j) + hr(0, j, h) + rb(0, j) + p(0, j) * c[j]));
            const ft = sig(cl(xw(2, j) + hr(2, j, h) + rb(2, j) + p(2, j) * c[j]));
            const ct = Math.tanh(cl(xw(3, j) + hr(3, j, h) + rb(3, j)));
            cn[j] = ft * c[j] + it * ct;
            const ot = sig(cl(xw(1, j) + hr(1, j, h) + rb(1, j) + p(1, j) * cn[j]));
            hn[j] = ot * Math.tanh(cn[j]);
          }
        }
        h = hn;
        c = cn;
        for (let j = 0; j < H; j++) Y[s.layout === 0 ? ((t * D + d) * N + n) * H + j : ((n * T + t) * D + d) * H + j] = h[j];
      }
      for (let j = 0; j < H; j++) {
        const o = s.layout === 0 ? (d * N + n) * H + j : (n * D + d) * H + j;
        Yh[o] = h[j];
        Yc[o] = c[j];
      }
    }
  }
  return { Y, Yh, Yc };
}

/** Seeded float32 values in [-scale, scale]. */
export function randomF32(n: number, seed: number, scale = 0.5): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.uniform(-scale, scale));
}
