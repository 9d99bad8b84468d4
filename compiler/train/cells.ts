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
//   dPT (GH, T*B), dPhT (GH, T*B), hT (H, T*B), rhT (H, T*B), xT (I, T*B): transposed copies,
//                   columns in step order, so weight gradients are long contiguous dot products
//   whT (H, GH), wxT (I, GH): transposed weights for the input-gradient products
// The forward arithmetic is the same, operation for operation, as compiler/float/infer.ts, so a
// trained network and the saved model give identical float64 outputs.
//
// Nothing here allocates after construction: the training loop runs on these buffers.

import { TinyrnnError } from '../core/ir/errors';
import { CellKind, gateCount } from '../core/ir/model';
import { sigmoid } from '../float/infer';
import { gemmNT, packB, packedSize, transpose } from './kernels';

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
  readonly rec: Float64Array; // (B, GH) recurrent pre-activations of one step
  readonly dPT: Float64Array;
  readonly dPhT: Float64Array;
  readonly hT: Float64Array;
  readonly rhT: Float64Array;
  readonly xT: Float64Array;
  readonly whT: Float64Array;
  readonly wxT: Float64Array;
  /** wh packed for the SIMD kernel, once per window: forward (all gate rows, or r|z and n), backward. */
  private readonly packFwd: Float64Array;
  private readonly packFwdN: Float64Array;
  private readonly packBwd: Float64Array;
  private readonly packBwdN: Float64Array;
  private readonly packDx: Float64Array;
  /** Elman leak rate (forward only): h = (1 - leak) h_prev + leak tanh(pre). 1: no leak. */
  leak = 1;
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
    this.rec = new Float64Array(maxB * GH);
    this.dPT = new Float64Array(GH * TB);
    this.dPhT = new Float64Array(kind === 'gru' ? GH * TB : 0);
    this.hT = new Float64Array(H * TB);
    this.rhT = new Float64Array(kind === 'gru' && !resetAfter ? H * TB : 0);
    this.xT = new Float64Array(I * TB);
    this.whT = new Float64Array(H * GH);
    this.wxT = new Float64Array(I * GH);
    const before = kind === 'gru' && !resetAfter;
    this.packFwd = new Float64Array(packedSize(before ? 2 * H : GH, H));
    this.packFwdN = new Float64Array(before ? packedSize(H, H) : 0);
    this.packBwd = new Float64Array(packedSize(H, before ? 2 * H : GH));
    this.packBwdN = new Float64Array(before ? packedSize(H, H) : 0);
    this.packDx = new Float64Array(packedSize(I, GH));
    this.h0 = new Float64Array(maxB * H);
    this.c0 = new Float64Array(kind === 'lstm' ? maxB * H : 0);
  }

  /** Runs T steps for B sequences. carry: start from h0/c0 (else zero state). */
  forward(P: Float64Array, X: Float64Array, T: number, B: number, out: Float64Array, O: number, col: number, carry: boolean): void {
    const { I, H, GH, xp, hs, cs } = this;
    const BH = B * H;
    // input projection wx x + bx for every (t, b) row at once
    gemmNT(T * B, GH, I, X, 0, I, P, this.p.wx, I, xp, 0, GH, false, P, this.p.bx);
    const before = this.kind === 'gru' && !this.resetAfter;
    packB(before ? 2 * H : GH, H, P, this.p.wh, H, this.packFwd);
    if (before) packB(H, H, P, this.p.wh + 2 * H * H, H, this.packFwdN);
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

  /** rec (B, rows) = bh + h (B, H) wh^T for gate rows rowFrom..rowFrom+rows of step s's previous state. */
  private recurrent(P: Float64Array, src: Float64Array, srcOff: number, B: number, rowFrom: number, rows: number): void {
    const { H, GH } = this;
    const packed = rowFrom === 0 ? this.packFwd : this.packFwdN;
    gemmNT(B, rows, H, src, srcOff, H, P, this.p.wh + rowFrom * H, H, this.rec, rowFrom, GH, false, P, this.p.bh + rowFrom, packed);
  }

  private lstmForward(P: Float64Array, T: number, B: number, out: Float64Array, O: number, col: number): void {
    const { H, GH, xp, hs, cs, act, aux, rec } = this;
    const H2 = 2 * H;
    const H3 = 3 * H;
    for (let s = 0; s < T; s++) {
      const t = this.reverse ? T - 1 - s : s;
      this.recurrent(P, hs, s * B * H, B, 0, GH);
      for (let b = 0; b < B; b++) {
        const hp = (s * B + b) * H; // previous h and c
        const hn = hp + B * H; // next slot
        const pb = (t * B + b) * GH;
        const ab = (s * B + b) * GH;
        const rb = b * GH;
        const ob = (t * B + b) * O + col;
        for (let j = 0; j < H; j++) {
          const gi = sigmoid(xp[pb + j] + rec[rb + j]);
          const gf = sigmoid(xp[pb + H + j] + rec[rb + H + j]);
          const gg = Math.tanh(xp[pb + H2 + j] + rec[rb + H2 + j]);
          const go = sigmoid(xp[pb + H3 + j] + rec[rb + H3 + j]);
          const c = gf * cs[hp + j] + gi * gg;
          const tc = Math.tanh(c);
          const h = go * tc;
          act[ab + j] = gi;
          act[ab + H + j] = gf;
          act[ab + H2 + j] = gg;
          act[ab + H3 + j] = go;
          aux[hp + j] = tc;
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
      this.recurrent(P, hs, s * B * H, B, 0, GH);
      for (let b = 0; b < B; b++) {
        const hp = (s * B + b) * H;
        const hn = hp + B * H;
        const pb = (t * B + b) * GH;
        const ab = (s * B + b) * GH;
        const rb = b * GH;
        const ob = (t * B + b) * O + col;
        for (let j = 0; j < H; j++) {
          const r = sigmoid(xp[pb + j] + rec[rb + j]);
          const z = sigmoid(xp[pb + H + j] + rec[rb + H + j]);
          const hnv = rec[rb + H2 + j];
          const n = Math.tanh(xp[pb + H2 + j] + r * hnv);
          const h = (1 - z) * n + z * hs[hp + j];
          act[ab + j] = r;
          act[ab + H + j] = z;
          act[ab + H2 + j] = n;
          aux[hp + j] = hnv;
          hs[hn + j] = h;
          out[ob + j] = h;
        }
      }
    }
  }

  private gruBeforeForward(P: Float64Array, T: number, B: number, out: Float64Array, O: number, col: number): void {
    const { H, GH, xp, hs, act, aux, rec } = this;
    const H2 = 2 * H;
    for (let s = 0; s < T; s++) {
      const t = this.reverse ? T - 1 - s : s;
      this.recurrent(P, hs, s * B * H, B, 0, H2);
      for (let b = 0; b < B; b++) {
        const hp = (s * B + b) * H;
        const pb = (t * B + b) * GH;
        const ab = (s * B + b) * GH;
        const rb = b * GH;
        for (let j = 0; j < H; j++) {
          const r = sigmoid(xp[pb + j] + rec[rb + j]);
          act[ab + j] = r;
          aux[hp + j] = r * hs[hp + j];
        }
      }
      // candidate rows on r*h
      this.recurrent(P, aux, s * B * H, B, H2, H);
      for (let b = 0; b < B; b++) {
        const hp = (s * B + b) * H;
        const hn = hp + B * H;
        const pb = (t * B + b) * GH;
        const ab = (s * B + b) * GH;
        const rb = b * GH;
        const ob = (t * B + b) * O + col;
        for (let j = 0; j < H; j++) {
          const z = sigmoid(xp[pb + H + j] + rec[rb + H + j]);
          const n = Math.tanh(xp[pb + H2 + j] + rec[rb + H2 + j]);
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
      this.recurrent(P, hs, s * B * H, B, 0, GH);
      for (let b = 0; b < B; b++) {
        const hp = (s * B + b) * H;
        const hn = hp + B * H;
        const pb = (t * B + b) * GH;
        const ab = (s * B + b) * GH;
        const rb = b * GH;
        const ob = (t * B + b) * O + col;
        for (let j = 0; j < H; j++) {
          const a = xp[pb + j] + rec[rb + j];
          const h0 = relu ? (a > 0 ? a : 0) : Math.tanh(a);
          const h = this.leak === 1 ? h0 : (1 - this.leak) * hs[hp + j] + this.leak * h0;
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
  backward(
    P: Float64Array,
    Gr: Float64Array,
    X: Float64Array,
    T: number,
    B: number,
    dOut: Float64Array,
    O: number,
    col: number,
    dX: Float64Array | null,
  ): void {
    if (this.leak !== 1) {
      throw new TinyrnnError({
        code: 'TRN001',
        path: 'leak',
        message: 'training a leaky Elman layer by gradient descent is not supported',
        hint: 'leaky reservoirs are fitted in closed form by tinyrnn train --cell esn',
      });
    }
    const { H, GH, I } = this;
    this.dh.fill(0, 0, B * H);
    if (this.kind === 'lstm') this.dc.fill(0, 0, B * H);
    transpose(GH, H, P, this.p.wh, H, this.whT, 0, GH);
    const before = this.kind === 'gru' && !this.resetAfter;
    packB(H, before ? 2 * H : GH, this.whT, 0, GH, this.packBwd);
    if (before) packB(H, H, this.whT, 2 * H, GH, this.packBwdN);
    switch (this.kind) {
      case 'lstm':
        this.lstmBackward(T, B, dOut, O, col);
        break;
      case 'gru':
        this.gruBackward(T, B, dOut, O, col);
        break;
      case 'elman':
        this.elmanBackward(T, B, dOut, O, col);
        break;
    }
    this.paramGrads(Gr, X, T, B);
    if (dX) {
      transpose(GH, I, P, this.p.wx, I, this.wxT, 0, GH);
      packB(I, GH, this.wxT, 0, GH, this.packDx);
      for (let s = 0; s < T; s++) {
        const t = this.reverse ? T - 1 - s : s;
        gemmNT(B, I, GH, this.dP, s * B * GH, GH, this.wxT, 0, GH, dX, t * B * I, I, true, null, 0, this.packDx);
      }
    }
  }

  /** dh (B, H) (=|+=) dPx[step s] (B, rows) times the wh rows rowFrom..rowFrom+rows. */
  private backRecurrent(dPx: Float64Array, s: number, B: number, rowFrom: number, rows: number, dst: Float64Array, accumulate: boolean): void {
    const { H, GH } = this;
    const packed = rowFrom === 0 ? this.packBwd : this.packBwdN;
    gemmNT(B, H, rows, dPx, s * B * GH + rowFrom, GH, this.whT, rowFrom, GH, dst, 0, H, accumulate, null, 0, packed);
  }

  private lstmBackward(T: number, B: number, dOut: Float64Array, O: number, col: number): void {
    const { H, GH, cs, act, aux, dP, dh, dc } = this;
    const H2 = 2 * H;
    const H3 = 3 * H;
    for (let s = T - 1; s >= 0; s--) {
      const t = this.reverse ? T - 1 - s : s;
      for (let b = 0; b < B; b++) {
        const hb = b * H;
        const cp = (s * B + b) * H; // c_{s-1}; also tanh(c_s) in aux
        const ab = (s * B + b) * GH;
        const ob = (t * B + b) * O + col;
        for (let j = 0; j < H; j++) {
          const dhj = dh[hb + j] + dOut[ob + j];
          const gi = act[ab + j];
          const gf = act[ab + H + j];
          const gg = act[ab + H2 + j];
          const go = act[ab + H3 + j];
          const tc = aux[cp + j];
          const dcj = dc[hb + j] + dhj * go * (1 - tc * tc);
          dP[ab + j] = dcj * gg * gi * (1 - gi);
          dP[ab + H + j] = dcj * cs[cp + j] * gf * (1 - gf);
          dP[ab + H2 + j] = dcj * gi * (1 - gg * gg);
          dP[ab + H3 + j] = dhj * tc * go * (1 - go);
          dc[hb + j] = dcj * gf;
        }
      }
      this.backRecurrent(dP, s, B, 0, GH, dh, false);
    }
  }

  private gruBackward(T: number, B: number, dOut: Float64Array, O: number, col: number): void {
    const { H, GH, hs, act, aux, dP, dPh, dh, tmp } = this;
    const H2 = 2 * H;
    const after = this.resetAfter;
    for (let s = T - 1; s >= 0; s--) {
      const t = this.reverse ? T - 1 - s : s;
      for (let b = 0; b < B; b++) {
        const hb = b * H;
        const hp = (s * B + b) * H; // h_{s-1}
        const ab = (s * B + b) * GH;
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
          if (after) {
            const r = act[ab + j];
            const dAr = dAn * aux[hp + j] * r * (1 - r);
            dP[ab + j] = dAr;
            dPh[ab + j] = dAr;
            dPh[ab + H2 + j] = dAn * r;
          }
        }
      }
      if (after) {
        for (let k = 0; k < B * H; k++) dh[k] = tmp[k];
        this.backRecurrent(dPh, s, B, 0, GH, dh, true);
      } else {
        // d(r*h) = dAn times the candidate rows of wh, then through r and h_{s-1}
        this.backRecurrent(dP, s, B, H2, H, dh, false);
        for (let b = 0; b < B; b++) {
          const hb = b * H;
          const hp = (s * B + b) * H;
          const ab = (s * B + b) * GH;
          for (let j = 0; j < H; j++) {
            const r = act[ab + j];
            const drh = dh[hb + j];
            const dAr = drh * hs[hp + j] * r * (1 - r);
            dP[ab + j] = dAr;
            dPh[ab + j] = dAr;
            dPh[ab + H2 + j] = dP[ab + H2 + j];
            dh[hb + j] = tmp[hb + j] + drh * r;
          }
        }
        this.backRecurrent(dP, s, B, 0, H2, dh, true);
      }
    }
  }

  private elmanBackward(T: number, B: number, dOut: Float64Array, O: number, col: number): void {
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
        }
      }
      this.backRecurrent(dP, s, B, 0, GH, dh, false);
    }
  }

  /** Parameter gradients from the per-step pre-activation gradients, as long dot products. */
  private paramGrads(Gr: Float64Array, X: Float64Array, T: number, B: number): void {
    const { I, H, GH, hs, aux, dP, dPT, hT, xT } = this;
    const { wx, wh, bx, bh } = this.p;
    const N = T * B;
    const gru = this.kind === 'gru';
    const before = gru && !this.resetAfter;
    // columns in step order: n = s*B + b
    transpose(N, GH, dP, 0, GH, dPT, 0, N);
    const dPhT = gru ? this.dPhT : dPT;
    if (gru) transpose(N, GH, this.dPh, 0, GH, dPhT, 0, N);
    transpose(N, H, hs, 0, H, hT, 0, N);
    if (before) transpose(N, H, aux, 0, H, this.rhT, 0, N);
    for (let s = 0; s < T; s++) {
      const t = this.reverse ? T - 1 - s : s;
      transpose(B, I, X, t * B * I, I, xT, s * B, N);
    }
    gemmNT(GH, I, N, dPT, 0, N, xT, 0, N, Gr, wx, I, true);
    if (before) {
      gemmNT(2 * H, H, N, dPhT, 0, N, hT, 0, N, Gr, wh, H, true);
      gemmNT(H, H, N, dPhT, 2 * H * N, N, this.rhT, 0, N, Gr, wh + 2 * H * H, H, true);
    } else gemmNT(GH, H, N, dPhT, 0, N, hT, 0, N, Gr, wh, H, true);
    for (let r = 0; r < GH; r++) {
      let sx = 0;
      let sh = 0;
      const o = r * N;
      for (let n = 0; n < N; n++) {
        sx += dPT[o + n];
        sh += dPhT[o + n];
      }
      Gr[bx + r] += sx;
      Gr[bh + r] += sh;
    }
  }
}
