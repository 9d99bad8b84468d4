// Recurrent cells for training: forward over a window of T steps for a batch of B sequences,
// and backpropagation through time, on flat float64 workspaces allocated once.
//
// Legend: T steps in the window, B batch, I layer input, H hidden, G gates, GH = G*H,
//         s step index in processing order (s = t forwards, s = T-1-t for a backward half).
// Buffer layouts (row-major, all Float64Array, sized for the largest T and B once):
//   X   (T, B, I)   layer input by time t
//   out (T, B, O)   layer output by time t; this cell writes columns col..col+H-1
//   xp  (T, B, GH)  input projection wx x + bx, by time t
//   hs  (T+1, B, H) hidden state by step: slot 0 is the initial state, slot s+1 after step s
//   cs  (T+1, B, H) LSTM cell state, same slots
//   act (T, B, GH)  activated gates by step (lstm i f g o, gru r z n, elman h)
//   aux (T, B, H)   lstm tanh(c); gru reset-after Whn h + bhn; gru reset-before r*h
//   dP  (T, B, GH)  gradient of the input-side pre-activations, by step
//   dPh (T, B, GH)  gradient of the recurrent-side pre-activations (GRU), by step
// The forward arithmetic is the same, operation for operation, as compiler/float/infer.ts, so a
// trained network and the saved model give identical float64 outputs.
//
// Nothing here allocates after construction: the training loop runs on these buffers.

import { CellKind, gateCount } from '../ir/model';
import { sigmoid } from '../float/infer';

export interface CellOffsets {
  wx: number; // (GH, I)
  wh: number; // (GH, H)
  bx: number; // (GH)
  bh: number; // (GH)
}

export class TrainCell {
  readonly G: number;
  readonly GH: number;
  readonly xp: Float64Array;
  readonly hs: Float64Array;
  readonly cs: Float64Array;
  readonly act: Float64Array;
  readonly aux: Float64Array;
  readonly dP: Float64Array;
  readonly dPh: Float64Array;
  readonly dh: Float64Array; // (B, H) gradient flowing to the previous step
  readonly dc: Float64Array; // (B, H)
  readonly tmp: Float64Array; // (B, H) scratch
  readonly rec: Float64Array; // (GH) scratch: recurrent pre-activation of one batch row
  /** Carried state for truncated BPTT (B, H); used when forward() is told to carry. */
  readonly h0: Float64Array;
  readonly c0: Float64Array;

  constructor(
    readonly kind: CellKind,
    readonly I: number,
    readonly H: number,
    readonly relu: boolean,
    readonly resetAfter: boolean,
    readonly reverse: boolean,
    readonly p: CellOffsets,
    maxT: number,
    maxB: number,
  ) {
    this.G = gateCount(kind);
    const GH = (this.GH = this.G * H);
    const TB = maxT * maxB;
    this.xp = new Float64Array(TB * GH);
    this.hs = new Float64Array((maxT + 1) * maxB * H);
    this.cs = new Float64Array(kind === 'lstm' ? (maxT + 1) * maxB * H : 0);
    this.act = new Float64Array(TB * GH);
    this.aux = new Float64Array(kind === 'elman' ? 0 : TB * H);
    this.dP = new Float64Array(TB * GH);
    this.dPh = new Float64Array(kind === 'gru' ? TB * GH : 0);
    this.dh = new Float64Array(maxB * H);
    this.dc = new Float64Array(maxB * H);
    this.tmp = new Float64Array(maxB * H);
    this.rec = new Float64Array(GH);
    this.h0 = new Float64Array(maxB * H);
    this.c0 = new Float64Array(kind === 'lstm' ? maxB * H : 0);
  }

  /** Runs T steps for B sequences. carry: start from h0/c0 (else zero state). */
  forward(P: Float64Array, X: Float64Array, T: number, B: number, out: Float64Array, O: number, col: number, carry: boolean): void {
    const { I, H, GH, xp, hs, cs } = this;
    const { wx, bx } = this.p;
    const BH = B * H;
    // input projection for every (t, b) row at once
    const rows = T * B;
    for (let row = 0; row < rows; row++) {
      const xo = row * I;
      const po = row * GH;
      for (let r = 0; r < GH; r++) {
        let s = P[bx + r];
        const wo = wx + r * I;
        for (let i = 0; i < I; i++) s += P[wo + i] * X[xo + i];
        xp[po + r] = s;
      }
    }
    if (carry) {
      for (let k = 0; k < BH; k++) hs[k] = this.h0[k];
      if (this.kind === 'lstm') for (let k = 0; k < BH; k++) cs[k] = this.c0[k];
    } else {
      hs.fill(0, 0, BH);
      if (this.kind === 'lstm') cs.fill(0, 0, BH);
    }
    switch (this.kind) {
      case 'lstm':
        this.lstmForward(P, T, B, out, O, col);
        break;
      case 'gru':
        if (this.resetAfter) this.gruAfterForward(P, T, B, out, O, col);
        else this.gruBeforeForward(P, T, B, out, O, col);
        break;
      case 'elman':
        this.elmanForward(P, T, B, out, O, col);
        break;
    }
  }

  /** Keeps the final state of the last forward() as the start of the next window. */
  saveCarry(T: number, B: number): void {
    const BH = B * this.H;
    const o = T * BH;
    for (let k = 0; k < BH; k++) this.h0[k] = this.hs[o + k];
    if (this.kind === 'lstm') for (let k = 0; k < BH; k++) this.c0[k] = this.cs[o + k];
  }

  clearCarry(): void {
    this.h0.fill(0);
    this.c0.fill(0);
  }

  private recurrent(P: Float64Array, hb: number, rowFrom: number, rowTo: number): void {
    // rec[r] = bh[r] + wh[r, :] . hs[hb .. hb+H)
    const { H, hs, rec } = this;
    const { wh, bh } = this.p;
    for (let r = rowFrom; r < rowTo; r++) {
      let u = P[bh + r];
      const wo = wh + r * H;
      for (let j = 0; j < H; j++) u += P[wo + j] * hs[hb + j];
      rec[r] = u;
    }
  }

  private lstmForward(P: Float64Array, T: number, B: number, out: Float64Array, O: number, col: number): void {
    const { H, GH, xp, hs, cs, act, aux, rec } = this;
    const H2 = 2 * H;
    const H3 = 3 * H;
    for (let s = 0; s < T; s++) {
      const t = this.reverse ? T - 1 - s : s;
      for (let b = 0; b < B; b++) {
        const hp = (s * B + b) * H; // previous h and c
        const hn = hp + B * H; // next slot
        const pb = (t * B + b) * GH;
        const ab = (s * B + b) * GH;
        const tb = (s * B + b) * H;
        const ob = (t * B + b) * O + col;
        this.recurrent(P, hp, 0, GH);
        for (let j = 0; j < H; j++) {
          const gi = sigmoid(xp[pb + j] + rec[j]);
          const gf = sigmoid(xp[pb + H + j] + rec[H + j]);
          const gg = Math.tanh(xp[pb + H2 + j] + rec[H2 + j]);
          const go = sigmoid(xp[pb + H3 + j] + rec[H3 + j]);
          const c = gf * cs[hp + j] + gi * gg;
          const tc = Math.tanh(c);
          const h = go * tc;
          act[ab + j] = gi;
          act[ab + H + j] = gf;
          act[ab + H2 + j] = gg;
          act[ab + H3 + j] = go;
          aux[tb + j] = tc;
          cs[hn + j] = c;
          hs[hn + j] = h;
          out[ob + j] = h;
        }
      }
    }
  }

  private gruAfterForward(P: Float64Array, T: number, B: number, out: Float64Array, O: number, col: number): void {
    const { H, GH, xp, hs, act, aux, rec } = this;
    const H2 = 2 * H;
    for (let s = 0; s < T; s++) {
      const t = this.reverse ? T - 1 - s : s;
      for (let b = 0; b < B; b++) {
        const hp = (s * B + b) * H;
        const hn = hp + B * H;
        const pb = (t * B + b) * GH;
        const ab = (s * B + b) * GH;
        const tb = (s * B + b) * H;
        const ob = (t * B + b) * O + col;
        this.recurrent(P, hp, 0, GH);
        for (let j = 0; j < H; j++) {
          const r = sigmoid(xp[pb + j] + rec[j]);
          const z = sigmoid(xp[pb + H + j] + rec[H + j]);
          const hnv = rec[H2 + j];
          const n = Math.tanh(xp[pb + H2 + j] + r * hnv);
          const h = (1 - z) * n + z * hs[hp + j];
          act[ab + j] = r;
          act[ab + H + j] = z;
          act[ab + H2 + j] = n;
          aux[tb + j] = hnv;
          hs[hn + j] = h;
          out[ob + j] = h;
        }
      }
    }
  }

  private gruBeforeForward(P: Float64Array, T: number, B: number, out: Float64Array, O: number, col: number): void {
    const { H, GH, xp, hs, act, aux, rec } = this;
    const { wh, bh } = this.p;
    const H2 = 2 * H;
    for (let s = 0; s < T; s++) {
      const t = this.reverse ? T - 1 - s : s;
      for (let b = 0; b < B; b++) {
        const hp = (s * B + b) * H;
        const hn = hp + B * H;
        const pb = (t * B + b) * GH;
        const ab = (s * B + b) * GH;
        const tb = (s * B + b) * H;
        const ob = (t * B + b) * O + col;
        this.recurrent(P, hp, 0, H2);
        for (let j = 0; j < H; j++) {
          const r = sigmoid(xp[pb + j] + rec[j]);
          act[ab + j] = r;
          aux[tb + j] = r * hs[hp + j];
        }
        for (let j = 0; j < H; j++) {
          let u = P[bh + H2 + j];
          const wo = wh + (H2 + j) * H;
          for (let k = 0; k < H; k++) u += P[wo + k] * aux[tb + k];
          const z = sigmoid(xp[pb + H + j] + rec[H + j]);
          const n = Math.tanh(xp[pb + H2 + j] + u);
          const h = (1 - z) * n + z * hs[hp + j];
          act[ab + H + j] = z;
          act[ab + H2 + j] = n;
          hs[hn + j] = h;
          out[ob + j] = h;
        }
      }
    }
  }

  private elmanForward(P: Float64Array, T: number, B: number, out: Float64Array, O: number, col: number): void {
    const { H, GH, xp, hs, act, rec } = this;
    const relu = this.relu;
    for (let s = 0; s < T; s++) {
      const t = this.reverse ? T - 1 - s : s;
      for (let b = 0; b < B; b++) {
        const hp = (s * B + b) * H;
        const hn = hp + B * H;
        const pb = (t * B + b) * GH;
        const ab = (s * B + b) * GH;
        const ob = (t * B + b) * O + col;
        this.recurrent(P, hp, 0, GH);
        for (let j = 0; j < H; j++) {
          const a = xp[pb + j] + rec[j];
          const h = relu ? (a > 0 ? a : 0) : Math.tanh(a);
          act[ab + j] = h;
          hs[hn + j] = h;
          out[ob + j] = h;
        }
      }
    }
  }

  /**
   * Backpropagation through the window. dOut (T, B, O): gradient of the loss w.r.t. this cell's
   * outputs (columns col..col+H-1). Accumulates parameter gradients into Gr and, when dX is given,
   * adds the gradient w.r.t. the input X into dX (T, B, I). The gradient w.r.t. the initial state
   * is dropped (truncation).
   */
  backward(P: Float64Array, Gr: Float64Array, X: Float64Array, T: number, B: number, dOut: Float64Array, O: number, col: number, dX: Float64Array | null): void {
    this.dh.fill(0, 0, B * this.H);
    if (this.kind === 'lstm') this.dc.fill(0, 0, B * this.H);
    switch (this.kind) {
      case 'lstm':
        this.lstmBackward(P, T, B, dOut, O, col);
        break;
      case 'gru':
        this.gruBackward(P, T, B, dOut, O, col);
        break;
      case 'elman':
        this.elmanBackward(P, T, B, dOut, O, col);
        break;
    }
    this.paramGrads(P, Gr, X, T, B, dX);
  }

  /** dh[b] = dP[row] @ wh (rows rowFrom..rowTo of wh), plus what is already in dh when add. */
  private backRecurrent(P: Float64Array, dPx: Float64Array, ab: number, hb: number, rowFrom: number, rowTo: number): void {
    const { H, dh } = this;
    const wh = this.p.wh;
    for (let r = rowFrom; r < rowTo; r++) {
      const g = dPx[ab + r];
      if (g === 0) continue;
      const wo = wh + r * H;
      for (let j = 0; j < H; j++) dh[hb + j] += g * P[wo + j];
    }
  }

  private lstmBackward(P: Float64Array, T: number, B: number, dOut: Float64Array, O: number, col: number): void {
    const { H, GH, cs, act, aux, dP, dh, dc } = this;
    const H2 = 2 * H;
    const H3 = 3 * H;
    for (let s = T - 1; s >= 0; s--) {
      const t = this.reverse ? T - 1 - s : s;
      for (let b = 0; b < B; b++) {
        const hb = b * H;
        const cp = (s * B + b) * H; // c_{s-1}
        const ab = (s * B + b) * GH;
        const tb = (s * B + b) * H;
        const ob = (t * B + b) * O + col;
        for (let j = 0; j < H; j++) {
          const dhj = dh[hb + j] + dOut[ob + j];
          const gi = act[ab + j];
          const gf = act[ab + H + j];
          const gg = act[ab + H2 + j];
          const go = act[ab + H3 + j];
          const tc = aux[tb + j];
          const dcj = dc[hb + j] + dhj * go * (1 - tc * tc);
          dP[ab + j] = dcj * gg * gi * (1 - gi);
          dP[ab + H + j] = dcj * cs[cp + j] * gf * (1 - gf);
          dP[ab + H2 + j] = dcj * gi * (1 - gg * gg);
          dP[ab + H3 + j] = dhj * tc * go * (1 - go);
          dc[hb + j] = dcj * gf;
          dh[hb + j] = 0;
        }
        this.backRecurrent(P, dP, ab, hb, 0, GH);
      }
    }
  }

  private gruBackward(P: Float64Array, T: number, B: number, dOut: Float64Array, O: number, col: number): void {
    const { H, GH, hs, act, aux, dP, dPh, dh, tmp } = this;
    const H2 = 2 * H;
    const after = this.resetAfter;
    const wh = this.p.wh;
    for (let s = T - 1; s >= 0; s--) {
      const t = this.reverse ? T - 1 - s : s;
      for (let b = 0; b < B; b++) {
        const hb = b * H;
        const hp = (s * B + b) * H; // h_{s-1}
        const ab = (s * B + b) * GH;
        const tb = (s * B + b) * H;
        const ob = (t * B + b) * O + col;
        for (let j = 0; j < H; j++) {
          const dhj = dh[hb + j] + dOut[ob + j];
          const z = act[ab + H + j];
          const n = act[ab + H2 + j];
          const dAn = dhj * (1 - z) * (1 - n * n);
          const dAz = dhj * (hs[hp + j] - n) * z * (1 - z);
          dP[ab + H + j] = dAz;
          dPh[ab + H + j] = dAz;
          dP[ab + H2 + j] = dAn;
          tmp[hb + j] = dhj * z; // direct path to h_{s-1}
        }
        if (after) {
          for (let j = 0; j < H; j++) {
            const r = act[ab + j];
            const dAn = dP[ab + H2 + j];
            const dAr = dAn * aux[tb + j] * r * (1 - r);
            dP[ab + j] = dAr;
            dPh[ab + j] = dAr;
            dPh[ab + H2 + j] = dAn * r;
          }
          for (let j = 0; j < H; j++) dh[hb + j] = tmp[hb + j];
          this.backRecurrent(P, dPh, ab, hb, 0, GH);
        } else {
          // d(r*h) = dAn @ Whn, then r and h_{s-1}
          for (let j = 0; j < H; j++) dh[hb + j] = 0;
          this.backRecurrent(P, dP, ab, hb, H2, GH); // dh now holds d(rh)
          for (let j = 0; j < H; j++) {
            const r = act[ab + j];
            const drh = dh[hb + j];
            const dAr = drh * hs[hp + j] * r * (1 - r);
            dP[ab + j] = dAr;
            dPh[ab + j] = dAr;
            dPh[ab + H2 + j] = dP[ab + H2 + j];
            tmp[hb + j] += drh * r;
          }
          for (let j = 0; j < H; j++) dh[hb + j] = tmp[hb + j];
          this.backRecurrent(P, dP, ab, hb, 0, H2);
        }
      }
    }
    void wh;
  }

  private elmanBackward(P: Float64Array, T: number, B: number, dOut: Float64Array, O: number, col: number): void {
    const { H, GH, act, dP, dh } = this;
    const relu = this.relu;
    for (let s = T - 1; s >= 0; s--) {
      const t = this.reverse ? T - 1 - s : s;
      for (let b = 0; b < B; b++) {
        const hb = b * H;
        const ab = (s * B + b) * GH;
        const ob = (t * B + b) * O + col;
        for (let j = 0; j < H; j++) {
          const dhj = dh[hb + j] + dOut[ob + j];
          const h = act[ab + j];
          dP[ab + j] = relu ? (h > 0 ? dhj : 0) : dhj * (1 - h * h);
          dh[hb + j] = 0;
        }
        this.backRecurrent(P, dP, ab, hb, 0, GH);
      }
    }
  }

  /** Parameter gradients from the per-step pre-activation gradients; input gradient into dX. */
  private paramGrads(P: Float64Array, Gr: Float64Array, X: Float64Array, T: number, B: number, dX: Float64Array | null): void {
    const { I, H, GH, hs, aux, dP } = this;
    const { wx, wh, bx, bh } = this.p;
    const dPh = this.kind === 'gru' ? this.dPh : dP;
    const H2 = 2 * H;
    const nRowsFromRh = this.kind === 'gru' && !this.resetAfter ? H2 : GH; // rows paired with r*h after this
    for (let s = 0; s < T; s++) {
      const t = this.reverse ? T - 1 - s : s;
      for (let b = 0; b < B; b++) {
        const ab = (s * B + b) * GH;
        const xo = (t * B + b) * I;
        const ho = (s * B + b) * H;
        for (let r = 0; r < GH; r++) {
          const g = dP[ab + r];
          const gh = dPh[ab + r];
          Gr[bx + r] += g;
          Gr[bh + r] += gh;
          if (g !== 0) {
            const wo = wx + r * I;
            for (let i = 0; i < I; i++) Gr[wo + i] += g * X[xo + i];
          }
          if (gh !== 0) {
            const wo = wh + r * H;
            if (r < nRowsFromRh) for (let j = 0; j < H; j++) Gr[wo + j] += gh * hs[ho + j];
            else for (let j = 0; j < H; j++) Gr[wo + j] += gh * aux[ho + j];
          }
        }
        if (dX) {
          for (let r = 0; r < GH; r++) {
            const g = dP[ab + r];
            if (g === 0) continue;
            const wo = wx + r * I;
            for (let i = 0; i < I; i++) dX[xo + i] += g * P[wo + i];
          }
        }
      }
    }
  }
}
