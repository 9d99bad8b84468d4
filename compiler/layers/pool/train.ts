// Training hooks of a pooling layer (compiler/layers/pool/ir.ts): no parameters; its node runs the
// running sums forward (the same sums, in the same order, as float.ts, so evaluation through the
// training network equals float inference) and passes the gradient back to its input: the mean of
// segment k after step t has d/dx_t' = 1 / count_k(t) for every step t' <= t of segment k, and
// its mean absolute value sign(x_t') / count_k(t).
// Legend: T steps in the window, B batch, I layer input, S segments, A = 2 with abs (else 1), O = S*A*I.
// Buffers: out, dOut (T, B, O); sum (B, S*A, I), cnt (B, S) the running state; cnts (T, B, S) the
// counts after each step (for the backward pass); carry* the state kept between windows.
import { PoolLayer } from '../../core/ir/model';
import { NodeContext, TrainKindHooks, TrainNode } from '../../train/hooks';
import { POOL_MAX_COUNT, poolSegment, poolWidth } from './ir';

export class PoolNode implements TrainNode {
  readonly kind = 'pool' as const;
  readonly I: number;
  readonly O: number;
  readonly S: number;
  readonly W: number;
  readonly abs: boolean;
  readonly out: Float64Array;
  readonly dOut: Float64Array;
  readonly cnts: Float64Array;
  readonly took: Uint8Array; // (T, B) 1 when step t's input was added (its segment was not full)
  readonly segs: Int32Array; // (T) the segment of step t
  sum: Float64Array;
  cnt: Float64Array;
  t = 0;
  carrySum: Float64Array;
  carryCnt: Float64Array;
  carryT = 0;

  constructor(l: PoolLayer, ctx: NodeContext) {
    this.I = l.inputSize;
    this.S = l.segments;
    this.W = l.window;
    this.abs = l.abs;
    this.O = poolWidth(l);
    const TB = ctx.maxSteps * ctx.maxBatch;
    this.out = new Float64Array(TB * this.O);
    this.dOut = new Float64Array(TB * this.O);
    this.cnts = new Float64Array(TB * this.S);
    this.took = new Uint8Array(TB);
    this.segs = new Int32Array(ctx.maxSteps);
    this.sum = new Float64Array(ctx.maxBatch * this.O);
    this.cnt = new Float64Array(ctx.maxBatch * this.S);
    this.carrySum = new Float64Array(ctx.maxBatch * this.O);
    this.carryCnt = new Float64Array(ctx.maxBatch * this.S);
  }

  forward(_P: Float64Array, X: Float64Array, T: number, B: number, carry: boolean): void {
    const { I, S, O } = this;
    const A = this.abs ? 2 : 1;
    if (carry) {
      this.sum.set(this.carrySum);
      this.cnt.set(this.carryCnt);
      this.t = this.carryT;
    } else {
      this.sum.fill(0);
      this.cnt.fill(0);
      this.t = 0;
    }
    for (let t = 0; t < T; t++) {
      const s = poolSegment(this.t, S, this.W);
      this.segs[t] = s;
      for (let b = 0; b < B; b++) {
        const row = t * B + b;
        const take = this.cnt[b * S + s] < POOL_MAX_COUNT;
        this.took[row] = take ? 1 : 0;
        if (take) {
          for (let i = 0; i < I; i++) this.sum[b * O + s * A * I + i] += X[row * I + i];
          if (this.abs) for (let i = 0; i < I; i++) this.sum[b * O + (s * A + 1) * I + i] += Math.abs(X[row * I + i]);
          this.cnt[b * S + s]++;
        }
        for (let k = 0; k < S; k++) {
          const c = this.cnt[b * S + k];
          this.cnts[row * S + k] = c;
          for (let j = 0; j < A * I; j++) this.out[row * O + k * A * I + j] = c ? this.sum[b * O + k * A * I + j] / c : 0;
        }
      }
      if (this.t < POOL_MAX_COUNT) this.t++;
    }
  }

  backward(_P: Float64Array, _G: Float64Array, X: Float64Array, T: number, B: number, dX: Float64Array | null): void {
    if (!dX) return;
    const { I, S, O } = this;
    const A = this.abs ? 2 : 1;
    const acc = new Float64Array(O); // sum over later steps of dOut / count, per segment and unit
    for (let b = 0; b < B; b++) {
      acc.fill(0);
      for (let t = T - 1; t >= 0; t--) {
        const row = t * B + b;
        for (let k = 0; k < S; k++) {
          const c = this.cnts[row * S + k];
          if (c) for (let j = 0; j < A * I; j++) acc[k * A * I + j] += this.dOut[row * O + k * A * I + j] / c;
        }
        if (!this.took[row]) continue;
        const at = this.segs[t] * A * I;
        for (let i = 0; i < I; i++) dX[row * I + i] += acc[at + i] + (this.abs ? acc[at + I + i] * Math.sign(X[row * I + i]) : 0);
      }
    }
  }

  saveCarry(): void {
    this.carrySum.set(this.sum);
    this.carryCnt.set(this.cnt);
    this.carryT = this.t;
  }

  clearCarry(): void {
    this.carrySum.fill(0);
    this.carryCnt.fill(0);
    this.carryT = 0;
  }
}

export const poolTrain = {
  recurrent: true,
  params: () => [],
  node: (l, ctx) => new PoolNode(l, ctx),
  init: () => undefined,
  workspaceWidth: (l) => poolWidth(l),
} satisfies TrainKindHooks<PoolLayer, PoolNode>;
