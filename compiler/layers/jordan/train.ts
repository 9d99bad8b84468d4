// Training of a Jordan layer: forward over a window of T steps for a batch of B sequences and
// backpropagation through time, on float64 workspaces allocated once.
//
//   h_t = tanh(wx x_t + bx + wy y_{t-1})        (H)   y_{-1} = 0, or the carried y
//   y_t = outActivation(wo h_t + bo)            (U)   the layer's output, fed back
//
// Legend: T steps in the window, B batch, I layer input, H hidden, U output width (fed back).
// Buffer layouts (row-major, all Float64Array, sized for the largest T and B once):
//   X   (T, B, I)   layer input by time t
//   out (T, B, U)   layer output by time t (the node's output buffer)
//   hs  (T, B, H)   tanh hidden state
//   zs  (T, B, U)   output pre-activation wo h + bo
//   ys  (T+1, B, U) output by step: slot 0 is the initial (fed-back) output, slot t+1 after step t
//   y0  (B, U)      carried output for truncated BPTT (the next window's y_{-1})
// The forward arithmetic is the same, operation for operation, as jordanStep in
// compiler/layers/jordan/float.ts (bias first, then wx x in input order, then wy y in output order), so a
// trained network and the saved model give identical float64 outputs.
// The gradient flows through the feedback: dL/dy_{t-1} gets wy^T dL/dpre_t. The gradient w.r.t.
// the window's initial y is dropped (truncation), as the cells drop it for their initial h.
// Initialisation: the Elman scheme, with the output projection as a dense layer: wx Glorot
// uniform, wy (feedback) semi-orthogonal (H, U), wo Glorot uniform, zero biases.

import { TinyrnnError } from '../../core/ir/errors';
import { JordanLayer, JordanOutActivation, assertNever } from '../../core/ir/model';
import { Rng } from '../../core/util/rng';
import { sigmoid } from '../../float/activation';
import { NodeContext, TrainKindHooks, TrainNode } from '../../train/hooks';
import { glorot, semiOrthogonal } from '../../train/weights';

export interface JordanOffsets {
  wx: number; // (H, I)
  wy: number; // (H, U)
  bx: number; // (H)
  wo: number; // (U, H)
  bo: number; // (U)
}

export class TrainJordan {
  readonly hs: Float64Array;
  readonly zs: Float64Array;
  readonly ys: Float64Array;
  /** Carried output for truncated BPTT (B, U); used when forward() is told to carry. */
  readonly y0: Float64Array;
  private readonly dy: Float64Array; // (B, U) gradient flowing to the previous step's output
  private readonly dz: Float64Array; // (U) scratch
  private readonly dpre: Float64Array; // (H) scratch

  constructor(
    readonly I: number,
    readonly H: number,
    readonly U: number,
    readonly act: JordanOutActivation,
    readonly p: JordanOffsets,
    maxT: number,
    maxB: number,
  ) {
    const TB = maxT * maxB;
    this.hs = new Float64Array(TB * H);
    this.zs = new Float64Array(TB * U);
    this.ys = new Float64Array((maxT + 1) * maxB * U);
    this.y0 = new Float64Array(maxB * U);
    this.dy = new Float64Array(maxB * U);
    this.dz = new Float64Array(U);
    this.dpre = new Float64Array(H);
  }

  /** Runs T steps for B sequences, writing y into out (T, B, U). carry: start from y0 (else zero). */
  forward(P: Float64Array, X: Float64Array, T: number, B: number, out: Float64Array, carry: boolean): void {
    const { I, H, U, hs, zs, ys } = this;
    const { wx, wy, bx, wo, bo } = this.p;
    const BU = B * U;
    if (carry) for (let k = 0; k < BU; k++) ys[k] = this.y0[k];
    else ys.fill(0, 0, BU);
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const row = t * B + b;
        const xo = row * I;
        const yp = row * U; // y_{t-1}: slot t
        const yn = yp + BU; // y_t: slot t+1
        const ho = row * H;
        for (let j = 0; j < H; j++) {
          let s = P[bx + j];
          const rx = wx + j * I;
          for (let i = 0; i < I; i++) s += P[rx + i] * X[xo + i];
          const ry = wy + j * U;
          for (let u = 0; u < U; u++) s += P[ry + u] * ys[yp + u];
          hs[ho + j] = Math.tanh(s);
        }
        for (let u = 0; u < U; u++) {
          let s = P[bo + u];
          const ro = wo + u * H;
          for (let j = 0; j < H; j++) s += P[ro + j] * hs[ho + j];
          zs[row * U + u] = s;
          ys[yn + u] = activate(this.act, s);
          out[row * U + u] = ys[yn + u];
        }
      }
    }
  }

  /** Keeps the final output of the last forward() as the fed-back output of the next window. */
  saveCarry(T: number, B: number): void {
    const BU = B * this.U;
    const o = T * BU;
    for (let k = 0; k < BU; k++) this.y0[k] = this.ys[o + k];
  }

  clearCarry(): void {
    this.y0.fill(0);
  }

  /**
   * Backpropagation through the window. dOut (T, B, U): gradient of the loss w.r.t. the layer's
   * outputs. Accumulates parameter gradients into Gr and, when dX is given, adds the gradient
   * w.r.t. the input X into dX (T, B, I).
   */
  backward(P: Float64Array, Gr: Float64Array, X: Float64Array, T: number, B: number, dOut: Float64Array, dX: Float64Array | null): void {
    const { I, H, U, hs, zs, ys, dy, dz, dpre } = this;
    const { wx, wy, bx, wo, bo } = this.p;
    const BU = B * U;
    dy.fill(0, 0, BU);
    for (let t = T - 1; t >= 0; t--) {
      for (let b = 0; b < B; b++) {
        const row = t * B + b;
        const xo = row * I;
        const ho = row * H;
        const yp = row * U; // y_{t-1}
        const yo = yp + BU; // y_t
        const db = b * U;
        for (let u = 0; u < U; u++) dz[u] = activationGrad(this.act, zs[row * U + u], ys[yo + u]) * (dOut[row * U + u] + dy[db + u]);
        for (let j = 0; j < H; j++) dpre[j] = 0;
        for (let u = 0; u < U; u++) {
          const g = dz[u];
          if (g === 0) continue;
          Gr[bo + u] += g;
          const ro = wo + u * H;
          for (let j = 0; j < H; j++) {
            Gr[ro + j] += g * hs[ho + j];
            dpre[j] += g * P[ro + j];
          }
        }
        for (let j = 0; j < H; j++) {
          const h = hs[ho + j];
          dpre[j] *= 1 - h * h;
        }
        for (let u = 0; u < U; u++) dy[db + u] = 0;
        for (let j = 0; j < H; j++) {
          const g = dpre[j];
          if (g === 0) continue;
          Gr[bx + j] += g;
          const rx = wx + j * I;
          for (let i = 0; i < I; i++) Gr[rx + i] += g * X[xo + i];
          if (dX) for (let i = 0; i < I; i++) dX[xo + i] += g * P[rx + i];
          const ry = wy + j * U;
          for (let u = 0; u < U; u++) {
            Gr[ry + u] += g * ys[yp + u];
            dy[db + u] += g * P[ry + u];
          }
        }
      }
    }
  }
}

/** The output activation, the same arithmetic as the float reference. */
function activate(act: JordanOutActivation, z: number): number {
  switch (act) {
    case 'none':
      return z;
    case 'relu':
      return z < 0 ? 0 : z;
    case 'tanh':
      return Math.tanh(z);
    case 'sigmoid':
      return sigmoid(z);
    default:
      return assertNever(act);
  }
}

/** dy/dz of the output activation at pre-activation z with output y. */
function activationGrad(act: JordanOutActivation, z: number, y: number): number {
  switch (act) {
    case 'none':
      return 1;
    case 'relu':
      return z > 0 ? 1 : 0;
    case 'tanh':
      return 1 - y * y;
    case 'sigmoid':
      return y * (1 - y);
    default:
      return assertNever(act);
  }
}

/** A Jordan layer on the training network. */
export class JordanNode implements TrainNode {
  readonly kind = 'jordan' as const;
  readonly jordan: TrainJordan;
  readonly I: number;
  readonly O: number;
  readonly out: Float64Array;
  readonly dOut: Float64Array;

  constructor(l: JordanLayer, ctx: NodeContext) {
    const o = { wx: ctx.offset('wx'), wy: ctx.offset('wy'), bx: ctx.offset('bx'), wo: ctx.offset('wo'), bo: ctx.offset('bo') };
    this.jordan = new TrainJordan(l.inputSize, l.hidden, l.units, l.outActivation, o, ctx.maxSteps, ctx.maxBatch);
    this.I = l.inputSize;
    this.O = l.units;
    this.out = new Float64Array(ctx.maxSteps * ctx.maxBatch * l.units);
    this.dOut = new Float64Array(ctx.maxSteps * ctx.maxBatch * l.units);
  }

  forward(P: Float64Array, X: Float64Array, T: number, B: number, carry: boolean): void {
    this.jordan.forward(P, X, T, B, this.out, carry);
  }

  backward(P: Float64Array, G: Float64Array, X: Float64Array, T: number, B: number, dX: Float64Array | null): void {
    this.jordan.backward(P, G, X, T, B, this.dOut, dX);
  }

  saveCarry(T: number, B: number): void {
    this.jordan.saveCarry(T, B);
  }

  clearCarry(): void {
    this.jordan.clearCarry();
  }
}

export function initJordan(rng: Rng, l: JordanLayer): void {
  glorot(rng, l.wx, 0, l.wx.length, l.inputSize, l.hidden);
  semiOrthogonal(rng, l.wy, l.hidden, l.units);
  glorot(rng, l.wo, 0, l.wo.length, l.hidden, l.units);
  l.bx.fill(0);
  l.bo.fill(0);
}

export const jordanTrain = {
  recurrent: true,
  params: (l) => [
    { name: 'wx', values: l.wx },
    { name: 'wy', values: l.wy },
    { name: 'bx', values: l.bx },
    { name: 'wo', values: l.wo },
    { name: 'bo', values: l.bo },
  ],
  node: (l, ctx) => {
    if (ctx.output && ctx.task === 'classification') {
      throw new TinyrnnError({
        code: 'TRN004',
        path: ctx.path,
        message: 'a Jordan layer cannot be the output layer of a classifier: its output is fed back, so it has no softmax',
        hint: 'add a dense softmax layer after the Jordan layer (tinyrnn train --cell jordan does this for classification data)',
      });
    }
    return new JordanNode(l, ctx);
  },
  init: initJordan,
  workspaceWidth: (l) => Math.max(l.units, 4 * l.hidden),
} satisfies TrainKindHooks<JordanLayer, JordanNode>;
