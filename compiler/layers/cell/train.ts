// What the three gated cells (Elman, LSTM, GRU) share in training: the workspace of a cell, its
// input projection, the recurrent products and the parameter gradients, around the step loops of
// the kind (its CellKernel, in compiler/layers/<kind>/train.ts): forward over a window of T steps
// for a batch of B sequences and backpropagation through time, on float64 workspaces allocated once.
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
// The forward arithmetic is the same, operation for operation, as the kind's float.ts, so a
// trained network and the saved model give identical float64 outputs.
//
// Nothing here allocates after construction: the training loop runs on these buffers.

import { CellLayer, gateCount, layerOutputSize } from '../../core/ir/model';
import { Rng } from '../../core/util/rng';
import { NodeContext, ParamTensor, TrainKindHooks, TrainNode, unsupported } from '../../train/hooks';
import { gemmNT, packB, packedSize, transpose } from '../../train/kernels';
import { glorot, orthogonal } from '../../train/weights';

/**
 * A cell kind's step loops on the shared workspace, and which buffers they need. Built per layer
 * by the kind (compiler/layers/<kind>/train.ts) from its settings.
 */
export interface CellKernel {
  readonly gates: number; // G
  /** Keeps a cell state c (LSTM): buffers cs, c0, dc. */
  readonly cellState: boolean;
  /** Uses the per-step aux buffer (T, B, H). */
  readonly aux: boolean;
  /** Has a gradient of the recurrent-side pre-activations apart from the input side's (GRU): dPh, dPhT. */
  readonly recurrentGrad: boolean;
  /** The candidate rows of wh act on r*h, so they are packed and differentiated apart (GRU reset-before): rhT. */
  readonly split: boolean;
  /** Runs the T steps after the input projection and the initial state are in place. */
  forward(c: TrainCell, P: Float64Array, T: number, B: number, out: Float64Array, O: number, col: number): void;
  /** Fills dP (and dPh) step by step from dOut (columns col..col+H-1), backwards. */
  backward(c: TrainCell, T: number, B: number, dOut: Float64Array, O: number, col: number): void;
}

export interface CellOffsets {
  wx: number; // (GH, I)
  wh: number; // (GH, H)
  bx: number; // (GH)
  bh: number; // (GH)
}

/** The workspace of one cell (one direction of a layer). */
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
  /** Carried state for truncated BPTT (B, H); used when forward() is told to carry. */
  readonly h0: Float64Array;
  readonly c0: Float64Array;

  constructor(
    readonly kernel: CellKernel,
    readonly I: number,
    readonly H: number,
    readonly reverse: boolean,
    readonly p: CellOffsets,
    maxT: number,
    maxB: number,
  ) {
    this.G = kernel.gates;
    const GH = (this.GH = this.G * H);
    const TB = maxT * maxB;
    this.xp = new Float64Array(TB * GH);
    this.hs = new Float64Array((maxT + 1) * maxB * H);
    this.cs = new Float64Array(kernel.cellState ? (maxT + 1) * maxB * H : 0);
    this.act = new Float64Array(TB * GH);
    this.aux = new Float64Array(kernel.aux ? TB * H : 0);
    this.dP = new Float64Array(TB * GH);
    this.dPh = new Float64Array(kernel.recurrentGrad ? TB * GH : 0);
    this.dh = new Float64Array(maxB * H);
    this.dc = new Float64Array(maxB * H);
    this.tmp = new Float64Array(maxB * H);
    this.rec = new Float64Array(maxB * GH);
    this.dPT = new Float64Array(GH * TB);
    this.dPhT = new Float64Array(kernel.recurrentGrad ? GH * TB : 0);
    this.hT = new Float64Array(H * TB);
    this.rhT = new Float64Array(kernel.split ? H * TB : 0);
    this.xT = new Float64Array(I * TB);
    this.whT = new Float64Array(H * GH);
    this.wxT = new Float64Array(I * GH);
    const before = kernel.split;
    this.packFwd = new Float64Array(packedSize(before ? 2 * H : GH, H));
    this.packFwdN = new Float64Array(before ? packedSize(H, H) : 0);
    this.packBwd = new Float64Array(packedSize(H, before ? 2 * H : GH));
    this.packBwdN = new Float64Array(before ? packedSize(H, H) : 0);
    this.packDx = new Float64Array(packedSize(I, GH));
    this.h0 = new Float64Array(maxB * H);
    this.c0 = new Float64Array(kernel.cellState ? maxB * H : 0);
  }

  /** Runs T steps for B sequences. carry: start from h0/c0 (else zero state). */
  forward(P: Float64Array, X: Float64Array, T: number, B: number, out: Float64Array, O: number, col: number, carry: boolean): void {
    const { I, H, GH, xp, hs, cs } = this;
    const BH = B * H;
    // input projection wx x + bx for every (t, b) row at once
    gemmNT(T * B, GH, I, X, 0, I, P, this.p.wx, I, xp, 0, GH, false, P, this.p.bx);
    const before = this.kernel.split;
    packB(before ? 2 * H : GH, H, P, this.p.wh, H, this.packFwd);
    if (before) packB(H, H, P, this.p.wh + 2 * H * H, H, this.packFwdN);
    if (carry) {
      for (let k = 0; k < BH; k++) hs[k] = this.h0[k];
      if (this.kernel.cellState) for (let k = 0; k < BH; k++) cs[k] = this.c0[k];
    } else {
      hs.fill(0, 0, BH);
      if (this.kernel.cellState) cs.fill(0, 0, BH);
    }
    this.kernel.forward(this, P, T, B, out, O, col);
  }

  /** Keeps the final state of the last forward() as the start of the next window. */
  saveCarry(T: number, B: number): void {
    const BH = B * this.H;
    const o = T * BH;
    for (let k = 0; k < BH; k++) this.h0[k] = this.hs[o + k];
    if (this.kernel.cellState) for (let k = 0; k < BH; k++) this.c0[k] = this.cs[o + k];
  }

  clearCarry(): void {
    this.h0.fill(0);
    this.c0.fill(0);
  }

  /** rec (B, rows) = bh + h (B, H) wh^T for gate rows rowFrom..rowFrom+rows of step s's previous state. */
  recurrent(P: Float64Array, src: Float64Array, srcOff: number, B: number, rowFrom: number, rows: number): void {
    const { H, GH } = this;
    const packed = rowFrom === 0 ? this.packFwd : this.packFwdN;
    gemmNT(B, rows, H, src, srcOff, H, P, this.p.wh + rowFrom * H, H, this.rec, rowFrom, GH, false, P, this.p.bh + rowFrom, packed);
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
    const { H, GH, I } = this;
    this.dh.fill(0, 0, B * H);
    if (this.kernel.cellState) this.dc.fill(0, 0, B * H);
    transpose(GH, H, P, this.p.wh, H, this.whT, 0, GH);
    const before = this.kernel.split;
    packB(H, before ? 2 * H : GH, this.whT, 0, GH, this.packBwd);
    if (before) packB(H, H, this.whT, 2 * H, GH, this.packBwdN);
    this.kernel.backward(this, T, B, dOut, O, col);
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
  backRecurrent(dPx: Float64Array, s: number, B: number, rowFrom: number, rows: number, dst: Float64Array, accumulate: boolean): void {
    const { H, GH } = this;
    const packed = rowFrom === 0 ? this.packBwd : this.packBwdN;
    gemmNT(B, H, rows, dPx, s * B * GH + rowFrom, GH, this.whT, rowFrom, GH, dst, 0, H, accumulate, null, 0, packed);
  }

  /** Parameter gradients from the per-step pre-activation gradients, as long dot products. */
  private paramGrads(Gr: Float64Array, X: Float64Array, T: number, B: number): void {
    const { I, H, GH, hs, aux, dP, dPT, hT, xT } = this;
    const { wx, wh, bx, bh } = this.p;
    const N = T * B;
    const gru = this.kernel.recurrentGrad;
    const before = this.kernel.split;
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

/** A recurrent layer on the training network: one cell, or a bidirectional layer's forward and backward cells. */
export class CellNode implements TrainNode {
  readonly kind = 'cell' as const;
  readonly out: Float64Array;
  readonly dOut: Float64Array;

  constructor(
    readonly cells: TrainCell[],
    readonly I: number,
    readonly O: number,
    ctx: NodeContext,
  ) {
    this.out = new Float64Array(ctx.maxSteps * ctx.maxBatch * O);
    this.dOut = new Float64Array(ctx.maxSteps * ctx.maxBatch * O);
  }

  /** Column of the layer output where cell k writes (the backward cell after the forward one). */
  private col(k: number): number {
    return k === 0 ? 0 : this.cells[0].H;
  }

  forward(P: Float64Array, X: Float64Array, T: number, B: number, carry: boolean): void {
    this.cells.forEach((c, k) => c.forward(P, X, T, B, this.out, this.O, this.col(k), carry));
  }

  backward(P: Float64Array, G: Float64Array, X: Float64Array, T: number, B: number, dX: Float64Array | null): void {
    this.cells.forEach((c, k) => c.backward(P, G, X, T, B, this.dOut, this.O, this.col(k), dX));
  }

  saveCarry(T: number, B: number): void {
    for (const c of this.cells) c.saveCarry(T, B);
  }

  clearCarry(): void {
    for (const c of this.cells) c.clearCarry();
  }
}

/** What a cell kind gives: its kernel for a layer (refusing settings it cannot train) and its initialisation. */
export interface CellTrainHooks<L extends CellLayer> {
  /** path: the cell's path in errors. */
  kernel(l: L, path: string): CellKernel;
  init(rng: Rng, l: L): void;
}

/** Names of a cell's tensors; half: the bidirectional half they belong to ('' for a plain cell). */
export function cellParams(l: CellLayer, half = ''): ParamTensor[] {
  const at = half ? `${half}.` : '';
  return [
    { name: `${at}wx`, values: l.wx },
    { name: `${at}wh`, values: l.wh },
    { name: `${at}bx`, values: l.bx },
    { name: `${at}bh`, values: l.bh },
  ];
}

/** The workspace of cell l (the half of a bidirectional layer, or ''); reverse: it runs backwards in time. */
export function newTrainCell<L extends CellLayer>(hooks: CellTrainHooks<L>, l: L, ctx: NodeContext, half: string, reverse: boolean): TrainCell {
  const path = half ? `${ctx.path}.${half}` : ctx.path;
  const kernel = hooks.kernel(l, path);
  if (l.clip !== undefined) unsupported(`${path}.clip`, 'training cells with a pre-activation clip is not supported');
  const at = half ? `${half}.` : '';
  const p = { wx: ctx.offset(`${at}wx`), wh: ctx.offset(`${at}wh`), bx: ctx.offset(`${at}bx`), bh: ctx.offset(`${at}bh`) };
  return new TrainCell(kernel, l.inputSize, l.hidden, reverse, p, ctx.maxSteps, ctx.maxBatch);
}

/**
 * Input weights Glorot uniform and recurrent weights orthogonal, per gate block (H, H); zero
 * biases (a kind may set some afterwards: the LSTM forget gate).
 */
export function initCell(rng: Rng, c: CellLayer): void {
  const G = gateCount(c.kind);
  const H = c.hidden;
  const I = c.inputSize;
  for (let g = 0; g < G; g++) {
    glorot(rng, c.wx, g * H * I, H * I, I, H);
    orthogonal(rng, c.wh, g * H * H, H);
  }
  c.bx.fill(0);
  c.bh.fill(0);
}

/** The training hooks of a cell kind. */
export function cellTrainHooks<L extends CellLayer>(hooks: CellTrainHooks<L>): TrainKindHooks<L, CellNode> {
  return {
    recurrent: true,
    params: (l) => cellParams(l),
    node: (l, ctx) => new CellNode([newTrainCell(hooks, l, ctx, '', false)], l.inputSize, layerOutputSize(l), ctx),
    init: (rng, l) => hooks.init(rng, l),
    workspaceWidth: (l) => 4 * l.hidden,
  };
}
