// Training of a dense layer y = act(w x + b): forward and backward over a window, and its
// initialisation (Glorot uniform, zero bias). Softmax is trainable on the output layer only,
// where the loss fuses it with cross-entropy.
//
// Legend: T steps in the window, B batch, I layer input, U units (= O).
// Buffers (T, B, U): z pre-activation, out, dOut gradient w.r.t. out, dZ gradient w.r.t. z.

import { DenseActivation, DenseLayer, assertNever } from '../../core/ir/model';
import { Rng } from '../../core/util/rng';
import { applyActivation } from '../../float/activation';
import { NodeContext, TrainKindHooks, TrainNode, unsupported } from '../../train/hooks';
import { glorot } from '../../train/weights';

export class DenseNode implements TrainNode {
  readonly kind = 'dense' as const;
  readonly I: number;
  readonly O: number;
  readonly act: DenseActivation;
  readonly w: number; // offset of (U, I)
  readonly b: number; // offset of (U)
  /** Only step T-1 is computed (output 'last' with nothing recurrent after). */
  readonly lastOnly: boolean;
  readonly z: Float64Array;
  readonly out: Float64Array;
  readonly dOut: Float64Array;
  readonly dZ: Float64Array;

  constructor(l: DenseLayer, ctx: NodeContext) {
    this.I = l.inputSize;
    this.O = l.units;
    this.act = l.activation;
    this.w = ctx.offset('w');
    this.b = ctx.offset('b');
    this.lastOnly = ctx.lastOnly;
    const n = ctx.maxSteps * ctx.maxBatch * l.units;
    this.z = new Float64Array(n);
    this.out = new Float64Array(n);
    this.dOut = new Float64Array(n);
    this.dZ = new Float64Array(n);
  }

  forward(P: Float64Array, X: Float64Array, T: number, B: number): void {
    const { I, O, z, out, w, b } = this;
    const from = this.lastOnly ? (T - 1) * B : 0;
    const to = T * B;
    for (let row = from; row < to; row++) {
      const xo = row * I;
      const zo = row * O;
      for (let u = 0; u < O; u++) {
        let s = P[b + u];
        const wo = w + u * I;
        for (let i = 0; i < I; i++) s += P[wo + i] * X[xo + i];
        z[zo + u] = s;
        out[zo + u] = s;
      }
      applyActivation(this.act, out, zo, O);
    }
  }

  backward(P: Float64Array, G: Float64Array, X: Float64Array, T: number, B: number, dX: Float64Array | null, fused: boolean): void {
    const { I, O, w, b, z, out, dOut, dZ } = this;
    const from = this.lastOnly ? (T - 1) * B : 0;
    const to = T * B;
    for (let row = from; row < to; row++) {
      const o = row * O;
      if (!fused) activationBackward(this.act, z, out, dOut, dZ, o, O);
      const xo = row * I;
      for (let u = 0; u < O; u++) {
        const g = dZ[o + u];
        if (g === 0) continue;
        G[b + u] += g;
        const wo = w + u * I;
        for (let i = 0; i < I; i++) G[wo + i] += g * X[xo + i];
        if (dX) for (let i = 0; i < I; i++) dX[xo + i] += g * P[wo + i];
      }
    }
  }

  /** A dense layer carries no state from window to window. */
  saveCarry(): void {}

  clearCarry(): void {}
}

function activationBackward(act: DenseActivation, z: Float64Array, y: Float64Array, dy: Float64Array, dz: Float64Array, o: number, n: number): void {
  switch (act) {
    case 'none':
      for (let i = o; i < o + n; i++) dz[i] = dy[i];
      return;
    case 'relu':
      for (let i = o; i < o + n; i++) dz[i] = z[i] > 0 ? dy[i] : 0;
      return;
    case 'tanh':
      for (let i = o; i < o + n; i++) dz[i] = dy[i] * (1 - y[i] * y[i]);
      return;
    case 'sigmoid':
      for (let i = o; i < o + n; i++) dz[i] = dy[i] * y[i] * (1 - y[i]);
      return;
    case 'softmax': {
      let dot = 0;
      for (let i = o; i < o + n; i++) dot += y[i] * dy[i];
      for (let i = o; i < o + n; i++) dz[i] = y[i] * (dy[i] - dot);
      return;
    }
    default:
      assertNever(act);
  }
}

/** Glorot uniform weights, zero bias. */
export function initDense(rng: Rng, d: DenseLayer): void {
  glorot(rng, d.w, 0, d.w.length, d.inputSize, d.units);
  d.b.fill(0);
}

export const denseTrain = {
  recurrent: false,
  params: (l) => [
    { name: 'w', values: l.w },
    { name: 'b', values: l.b },
  ],
  node: (l, ctx) => {
    if (l.activation === 'softmax' && !ctx.output) unsupported(`${ctx.path}.activation`, 'softmax is only trainable on the last layer');
    return new DenseNode(l, ctx);
  },
  init: initDense,
  workspaceWidth: (l) => l.units,
} satisfies TrainKindHooks<DenseLayer, DenseNode>;
