// The training network: a FloatModel's layers on one flat float64 parameter vector, with
// batched forward, losses and backpropagation through time on preallocated workspaces.
//
// Legend: T steps in the window, B batch, F model inputs, I layer input, H hidden, U dense units,
//         O layer output, K regression targets / classes, P parameter count.
// Parameter layout in P (and the gradient G): layer by layer in model order, each layer's tensors
// in the order its kind's params() lists them (compiler/layers/<kind>/train.ts): a cell stores
// wx (GH, I), wh (GH, H), bx (GH), bh (GH); a bidirectional layer its forward then backward
// cell; a dense layer w (U, I), b (U); a Jordan layer wx (H, I), wy (H, U), bx (H), wo (U, H), bo (U).
// Each layer is a node (its kind's TrainNode) found through the registry compiler/layers/train.ts.

import { TinyrnnError } from '../core/ir/errors';
import { FloatModel, Layer } from '../core/ir/model';
import { Rng } from '../core/util/rng';
import { TrainNetNode, trainHooks } from '../layers/train';

export type LossKind = 'ce' | 'mse';

type Node = TrainNetNode;

export interface NetOptions {
  maxSteps: number; // largest window T
  maxBatch: number; // largest batch B
  /** Dropout probability on the input of every layer after the first (training only). */
  dropout?: number;
  /** Compute dense layers at every step even for output 'last' (prediction of every step). */
  allSteps?: boolean;
}

export class Net {
  readonly P: Float64Array; // (P) parameters
  readonly G: Float64Array; // (P) gradients
  readonly nodes: Node[] = [];
  readonly F: number;
  readonly x0: Float64Array; // (T, B, F) normalised model input
  /** Dropped-out inputs and masks of layers 1.. (empty when no dropout). */
  private readonly dropIn: Float64Array[] = [];
  private readonly dropMask: Float64Array[] = [];
  readonly dropout: number;
  private readonly layout: { layer: number; path: string; off: number; len: number }[] = [];
  readonly maxSteps: number;
  readonly maxBatch: number;

  constructor(
    readonly model: FloatModel,
    opts: NetOptions,
  ) {
    const T = (this.maxSteps = opts.maxSteps);
    const B = (this.maxBatch = opts.maxBatch);
    this.dropout = opts.dropout ?? 0;
    this.F = model.inputSize;
    let off = 0;
    const lastRecurrent = model.layers.reduce((k, l, i) => (trainHooks(l.kind).recurrent ? i : k), -1);
    model.layers.forEach((l, i) => {
      off = this.addLayer(l, i, off, !opts.allSteps && model.output === 'last' && i > lastRecurrent);
    });
    this.P = new Float64Array(off);
    this.G = new Float64Array(off);
    this.x0 = new Float64Array(T * B * this.F);
    this.nodes.forEach((n, i) => {
      const need = this.dropout > 0 && i > 0;
      this.dropIn.push(new Float64Array(need ? T * B * n.I : 0));
      this.dropMask.push(new Float64Array(need ? T * B * n.I : 0));
    });
    this.readParams(model);
  }

  /** Lays out layer i's tensors in P from offset off and builds its node; returns the next free offset. */
  private addLayer(l: Layer, i: number, off: number, lastOnly: boolean): number {
    const hooks = trainHooks(l.kind);
    const path = `layers[${i}]`;
    const offsets = new Map<string, number>();
    for (const t of hooks.params(l)) {
      this.layout.push({ layer: i, path: `${path}.${t.name}`, off, len: t.values.length });
      offsets.set(t.name, off);
      off += t.values.length;
    }
    const offset = (name: string): number => {
      const o = offsets.get(name);
      if (o === undefined) throw new Error(`${path} has no parameter tensor ${name}`);
      return o;
    };
    const { maxSteps, maxBatch, model } = this;
    this.nodes.push(hooks.node(l, { path, offset, maxSteps, maxBatch, output: i === model.layers.length - 1, task: model.task, lastOnly }));
    return off;
  }

  get paramCount(): number {
    return this.P.length;
  }

  private arraysOf(m: FloatModel): Float32Array[] {
    return m.layers.flatMap((l) =>
      trainHooks(l.kind)
        .params(l)
        .map((t) => t.values),
    );
  }

  /** Copies the model's float32 parameters into P. */
  readParams(m: FloatModel): void {
    const arrays = this.arraysOf(m);
    arrays.forEach((a, k) => {
      const { off, len } = this.layout[k];
      if (a.length !== len) throw new Error(`parameter ${this.layout[k].path} has ${a.length} values, expected ${len}`);
      for (let i = 0; i < len; i++) this.P[off + i] = a[i];
    });
  }

  /** A copy of the model with P rounded to float32 in place of its parameters. */
  toModel(): FloatModel {
    const m = cloneModel(this.model);
    this.arraysOf(m).forEach((a, k) => {
      const { off, len } = this.layout[k];
      for (let i = 0; i < len; i++) a[i] = this.P[off + i];
    });
    return m;
  }

  /** Names and offsets of every parameter tensor (for gradient checks and reports). */
  tensors(): readonly { layer: number; path: string; off: number; len: number }[] {
    return this.layout;
  }

  clearCarry(): void {
    for (const n of this.nodes) n.clearCarry();
  }

  saveCarry(T: number, B: number): void {
    for (const n of this.nodes) n.saveCarry(T, B);
  }

  /** The output buffer of the last layer (T, B, O). */
  get output(): Float64Array {
    return this.nodes[this.nodes.length - 1].out;
  }

  get outputSize(): number {
    return this.nodes[this.nodes.length - 1].O;
  }

  /** Forward over x0 (T, B, F). rng given: training mode (dropout). carry: start from the carried state. */
  forward(T: number, B: number, rng: Rng | null, carry: boolean): void {
    const P = this.P;
    let X = this.x0;
    this.usedDropout = !!rng && this.dropout > 0;
    for (let li = 0; li < this.nodes.length; li++) {
      const n = this.nodes[li];
      if (li > 0 && this.dropout > 0 && rng) X = this.applyDropout(li, X, T * B * n.I, rng);
      n.forward(P, X, T, B, carry);
      X = n.out;
    }
  }

  private applyDropout(li: number, X: Float64Array, len: number, rng: Rng): Float64Array {
    const keep = 1 - this.dropout;
    const scale = 1 / keep;
    const mask = this.dropMask[li];
    const dst = this.dropIn[li];
    for (let k = 0; k < len; k++) {
      const m = rng.next() < keep ? scale : 0;
      mask[k] = m;
      dst[k] = X[k] * m;
    }
    return dst;
  }

  /**
   * Loss over the current window and, with grad, the gradient w.r.t. the last layer's output
   * (or pre-activation for softmax + cross-entropy) written into its dOut/dZ.
   * lastOnly: only step T-1 carries a loss. cls (T, B) class indices; reg (T, B, K) targets.
   * norm: the number of loss terms the total is divided by (so windows of one batch average).
   * Returns the summed (not yet divided) loss; counts correct predictions into stats.
   */
  loss(
    kind: LossKind,
    T: number,
    B: number,
    lastOnly: boolean,
    cls: Int32Array | null,
    reg: Float64Array | null,
    norm: number,
    grad: boolean,
    stats: { correct: number; count: number; absErr: number; sqErr: number },
  ): number {
    const last = this.nodes[this.nodes.length - 1];
    const O = last.O;
    const out = last.out;
    const from = lastOnly ? T - 1 : 0;
    let total = 0;
    const softmax = last.kind === 'dense' && last.act === 'softmax' ? last : null;
    if (grad) {
      if (kind === 'ce' && softmax) softmax.dZ.fill(0, 0, T * B * O);
      else last.dOut.fill(0, 0, T * B * O);
    }
    if (kind === 'ce') {
      if (!softmax) throw new TinyrnnError({ code: 'TRN002', path: 'layers', message: 'cross-entropy needs a dense softmax output layer' });
      const { z, dZ } = softmax;
      for (let t = from; t < T; t++) {
        for (let b = 0; b < B; b++) {
          const row = t * B + b;
          const o = row * O;
          const k = (cls as Int32Array)[row];
          let mx = -Infinity;
          let best = 0;
          for (let u = 0; u < O; u++) {
            if (z[o + u] > mx) mx = z[o + u];
            if (out[o + u] > out[o + best]) best = u;
          }
          let se = 0;
          for (let u = 0; u < O; u++) se += Math.exp(z[o + u] - mx);
          total += mx + Math.log(se) - z[o + k];
          if (best === k) stats.correct++;
          stats.count++;
          if (grad) {
            for (let u = 0; u < O; u++) dZ[o + u] = out[o + u] / norm;
            dZ[o + k] -= 1 / norm;
          }
        }
      }
    } else {
      const dOut = last.dOut;
      const r = reg as Float64Array;
      for (let t = from; t < T; t++) {
        for (let b = 0; b < B; b++) {
          const o = (t * B + b) * O;
          for (let u = 0; u < O; u++) {
            const e = out[o + u] - r[o + u];
            total += e * e;
            stats.absErr += Math.abs(e);
            stats.sqErr += e * e;
            if (grad) dOut[o + u] = (2 * e) / norm;
          }
          stats.count += O;
        }
      }
    }
    return total;
  }

  /** Backpropagation from the gradient loss() left in the last layer; accumulates into G. */
  backward(T: number, B: number, lossFused: boolean): void {
    const P = this.P;
    const G = this.G;
    for (let li = this.nodes.length - 1; li >= 0; li--) {
      const n = this.nodes[li];
      const prev = li > 0 ? this.nodes[li - 1] : null;
      const dropped = li > 0 && this.dropout > 0 && this.dropIn[li].length > 0 && this.usedDropout;
      const X = li === 0 ? this.x0 : dropped ? this.dropIn[li] : (prev as Node).out;
      const dX = prev ? prev.dOut : null;
      if (dX) dX.fill(0, 0, T * B * n.I);
      n.backward(P, G, X, T, B, dX, lossFused && li === this.nodes.length - 1);
      if (dX && dropped) {
        const mask = this.dropMask[li];
        const len = T * B * n.I;
        for (let k = 0; k < len; k++) dX[k] *= mask[k];
      }
    }
  }

  /** Whether the last forward() applied dropout (backward follows it). */
  private usedDropout = false;
}

/** A deep copy of a model (typed arrays copied; made in this realm, unlike structuredClone). */
export function cloneModel<T>(v: T): T {
  if (v instanceof Float32Array) return new Float32Array(v) as T;
  if (Array.isArray(v)) return v.map((x) => cloneModel(x)) as T;
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = cloneModel(x);
    return out as T;
  }
  return v;
}
