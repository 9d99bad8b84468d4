// The training network: a FloatModel's layers on one flat float64 parameter vector, with
// batched forward, losses and backpropagation through time on preallocated workspaces.
//
// Legend: T steps in the window, B batch, F model inputs, I layer input, H hidden, U dense units,
//         O layer output, K regression targets / classes, P parameter count.
// Parameter layout in P (and the gradient G): layer by layer in model order; a cell stores
// wx (GH, I), wh (GH, H), bx (GH), bh (GH); a bidirectional layer its forward then backward
// cell; a dense layer w (U, I), b (U); a Jordan layer wx (H, I), wy (H, U), bx (H), wo (U, H), bo (U).

import { TinyrnnError } from '../core/ir/errors';
import { CellLayer, DenseActivation, DenseLayer, FloatModel, Layer, assertNever, layerOutputSize } from '../core/ir/model';
import { sigmoid } from '../float/infer';
import { Rng } from '../core/util/rng';
import { CellOffsets, TrainCell } from './cells';
import { TrainJordan } from './jordan';

export type LossKind = 'ce' | 'mse';

interface CellNode {
  kind: 'cell';
  cells: TrainCell[]; // one, or [forward, backward]
  I: number;
  O: number;
  out: Float64Array; // (T, B, O)
  dOut: Float64Array; // (T, B, O)
}

interface DenseNode {
  kind: 'dense';
  I: number;
  O: number;
  act: DenseActivation;
  w: number; // offset of (U, I)
  b: number; // offset of (U)
  /** First time step that must be computed (output 'last' with nothing recurrent after: T-1). */
  lastOnly: boolean;
  z: Float64Array; // (T, B, U) pre-activation
  out: Float64Array; // (T, B, U)
  dOut: Float64Array; // (T, B, U)
  dZ: Float64Array; // (T, B, U)
}

interface JordanNode {
  kind: 'jordan';
  jordan: TrainJordan;
  I: number;
  O: number;
  out: Float64Array; // (T, B, U)
  dOut: Float64Array; // (T, B, U)
}

type Node = CellNode | DenseNode | JordanNode;

export interface NetOptions {
  maxSteps: number; // largest window T
  maxBatch: number; // largest batch B
  /** Dropout probability on the input of every layer after the first (training only). */
  dropout?: number;
  /** Compute dense layers at every step even for output 'last' (prediction of every step). */
  allSteps?: boolean;
}

function unsupported(path: string, message: string, hint?: string): never {
  throw new TinyrnnError({ code: 'TRN001', path, message, ...(hint ? { hint } : {}) });
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
    const take = (layer: number, path: string, len: number): number => {
      this.layout.push({ layer, path, off, len });
      const o = off;
      off += len;
      return o;
    };
    const cellOffsets = (l: CellLayer, i: number, path: string): CellOffsets => {
      if (l.kind === 'lstm' && l.peepholes)
        unsupported(`${path}.peepholes`, 'training LSTM peepholes is not supported', 'remove the peepholes or train in the framework the model came from');
      if (l.clip !== undefined) unsupported(`${path}.clip`, 'training cells with a pre-activation clip is not supported');
      return {
        wx: take(i, `${path}.wx`, l.wx.length),
        wh: take(i, `${path}.wh`, l.wh.length),
        bx: take(i, `${path}.bx`, l.bx.length),
        bh: take(i, `${path}.bh`, l.bh.length),
      };
    };
    const mkCell = (l: CellLayer, o: CellOffsets, reverse: boolean): TrainCell => {
      const cell = new TrainCell(
        l.kind,
        l.inputSize,
        l.hidden,
        l.kind === 'elman' && l.activation === 'relu',
        l.kind === 'gru' && l.resetAfter,
        reverse,
        o,
        T,
        B,
      );
      // a leaky Elman layer (echo state network) runs forwards here (evaluation); backward refuses it
      if (l.kind === 'elman' && l.leak !== undefined) cell.leak = l.leak;
      return cell;
    };
    const lastCell = model.layers.reduce((k, l, i) => (l.kind === 'dense' ? k : i), -1);
    model.layers.forEach((l: Layer, i) => {
      const path = `layers[${i}]`;
      const O = layerOutputSize(l);
      switch (l.kind) {
        case 'elman':
        case 'lstm':
        case 'gru':
          this.nodes.push({
            kind: 'cell',
            cells: [mkCell(l, cellOffsets(l, i, path), false)],
            I: l.inputSize,
            O,
            out: new Float64Array(T * B * O),
            dOut: new Float64Array(T * B * O),
          });
          break;
        case 'bidirectional': {
          const f = mkCell(l.forward, cellOffsets(l.forward, i, `${path}.forward`), false);
          const b = mkCell(l.backward, cellOffsets(l.backward, i, `${path}.backward`), true);
          this.nodes.push({ kind: 'cell', cells: [f, b], I: l.forward.inputSize, O, out: new Float64Array(T * B * O), dOut: new Float64Array(T * B * O) });
          break;
        }
        case 'dense': {
          if (l.activation === 'softmax' && i !== model.layers.length - 1) unsupported(`${path}.activation`, 'softmax is only trainable on the last layer');
          const w = take(i, `${path}.w`, l.w.length);
          const b = take(i, `${path}.b`, l.b.length);
          const n = T * B * O;
          this.nodes.push({
            kind: 'dense',
            I: l.inputSize,
            O,
            act: l.activation,
            w,
            b,
            lastOnly: !opts.allSteps && model.output === 'last' && i > lastCell,
            z: new Float64Array(n),
            out: new Float64Array(n),
            dOut: new Float64Array(n),
            dZ: new Float64Array(n),
          });
          break;
        }
        case 'jordan': {
          if (i === model.layers.length - 1 && model.task === 'classification') {
            throw new TinyrnnError({
              code: 'TRN004',
              path,
              message: 'a Jordan layer cannot be the output layer of a classifier: its output is fed back, so it has no softmax',
              hint: 'add a dense softmax layer after the Jordan layer (tinyrnn train --cell jordan does this for classification data)',
            });
          }
          const o = {
            wx: take(i, `${path}.wx`, l.wx.length),
            wy: take(i, `${path}.wy`, l.wy.length),
            bx: take(i, `${path}.bx`, l.bx.length),
            wo: take(i, `${path}.wo`, l.wo.length),
            bo: take(i, `${path}.bo`, l.bo.length),
          };
          const jordan = new TrainJordan(l.inputSize, l.hidden, l.units, l.outActivation, o, T, B);
          this.nodes.push({ kind: 'jordan', jordan, I: l.inputSize, O, out: new Float64Array(T * B * O), dOut: new Float64Array(T * B * O) });
          break;
        }
        default:
          assertNever(l);
      }
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

  get paramCount(): number {
    return this.P.length;
  }

  private arraysOf(m: FloatModel): Float32Array[] {
    const out: Float32Array[] = [];
    const cell = (c: CellLayer): void => {
      out.push(c.wx, c.wh, c.bx, c.bh);
    };
    for (const l of m.layers) {
      if (l.kind === 'bidirectional') {
        cell(l.forward);
        cell(l.backward);
      } else if (l.kind === 'dense') out.push(l.w, l.b);
      else if (l.kind === 'jordan') out.push(l.wx, l.wy, l.bx, l.wo, l.bo);
      else cell(l);
    }
    return out;
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
    for (const n of this.nodes) {
      if (n.kind === 'cell') for (const c of n.cells) c.clearCarry();
      else if (n.kind === 'jordan') n.jordan.clearCarry();
    }
  }

  saveCarry(T: number, B: number): void {
    for (const n of this.nodes) {
      if (n.kind === 'cell') for (const c of n.cells) c.saveCarry(T, B);
      else if (n.kind === 'jordan') n.jordan.saveCarry(T, B);
    }
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
      if (n.kind === 'cell') {
        n.cells[0].forward(P, X, T, B, n.out, n.O, 0, carry);
        if (n.cells.length > 1) n.cells[1].forward(P, X, T, B, n.out, n.O, n.cells[0].H, carry);
      } else if (n.kind === 'jordan') n.jordan.forward(P, X, T, B, n.out, carry);
      else this.denseForward(n, X, T, B);
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

  private denseForward(n: DenseNode, X: Float64Array, T: number, B: number): void {
    const P = this.P;
    const { I, O, z, out, w, b } = n;
    const from = n.lastOnly ? (T - 1) * B : 0;
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
      activate(n.act, out, zo, O);
    }
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
    const fused = kind === 'ce' && last.kind === 'dense' && last.act === 'softmax';
    if (grad) {
      if (fused) (last as DenseNode).dZ.fill(0, 0, T * B * O);
      else last.dOut.fill(0, 0, T * B * O);
    }
    if (kind === 'ce') {
      if (!fused) throw new TinyrnnError({ code: 'TRN002', path: 'layers', message: 'cross-entropy needs a dense softmax output layer' });
      const z = (last as DenseNode).z;
      const dZ = (last as DenseNode).dZ;
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
      if (n.kind === 'cell') {
        n.cells[0].backward(P, G, X, T, B, n.dOut, n.O, 0, dX);
        if (n.cells.length > 1) n.cells[1].backward(P, G, X, T, B, n.dOut, n.O, n.cells[0].H, dX);
      } else if (n.kind === 'jordan') n.jordan.backward(P, G, X, T, B, n.dOut, dX);
      else this.denseBackward(n, X, T, B, dX, lossFused && li === this.nodes.length - 1);
      if (dX && dropped) {
        const mask = this.dropMask[li];
        const len = T * B * n.I;
        for (let k = 0; k < len; k++) dX[k] *= mask[k];
      }
    }
  }

  /** Whether the last forward() applied dropout (backward follows it). */
  private usedDropout = false;

  private denseBackward(n: DenseNode, X: Float64Array, T: number, B: number, dX: Float64Array | null, fused: boolean): void {
    const P = this.P;
    const G = this.G;
    const { I, O, w, b, z, out, dOut, dZ } = n;
    const from = n.lastOnly ? (T - 1) * B : 0;
    const to = T * B;
    for (let row = from; row < to; row++) {
      const o = row * O;
      if (!fused) activationBackward(n.act, z, out, dOut, dZ, o, O);
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

/** In-place activation of v[o .. o+n), the same arithmetic as the float reference. */
function activate(act: DenseActivation, v: Float64Array, o: number, n: number): void {
  switch (act) {
    case 'none':
      return;
    case 'relu':
      for (let i = o; i < o + n; i++) if (v[i] < 0) v[i] = 0;
      return;
    case 'tanh':
      for (let i = o; i < o + n; i++) v[i] = Math.tanh(v[i]);
      return;
    case 'sigmoid':
      for (let i = o; i < o + n; i++) v[i] = sigmoid(v[i]);
      return;
    case 'softmax': {
      let mx = -Infinity;
      for (let i = o; i < o + n; i++) if (v[i] > mx) mx = v[i];
      let s = 0;
      for (let i = o; i < o + n; i++) s += v[i] = Math.exp(v[i] - mx);
      for (let i = o; i < o + n; i++) v[i] /= s;
      return;
    }
    default:
      assertNever(act);
  }
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

export type { DenseLayer };
