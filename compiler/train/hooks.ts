// What each layer kind gives training (compiler/layers/<kind>/train.ts): its parameter tensors,
// its node on the training network (forward over a window, backpropagation through time, the
// carried state of truncated BPTT), its initialisation and the size of its workspaces. The
// registry is compiler/layers/train.ts; compiler/train/net.ts and init.ts go through it.
//
// Legend: T steps in the window, B batch, I layer input, O layer output, P parameter count.

import { TinyrnnError } from '../core/ir/errors';
import { Layer, Task } from '../core/ir/model';
import { Rng } from '../core/util/rng';

/** A layer on the training network, on float64 workspaces allocated once. */
export interface TrainNode {
  readonly kind: string;
  readonly I: number;
  readonly O: number;
  readonly out: Float64Array; // (T, B, O)
  readonly dOut: Float64Array; // (T, B, O) gradient of the loss w.r.t. out
  /** Runs the window X (T, B, I) into out. carry: start from the carried state (else zero state). */
  forward(P: Float64Array, X: Float64Array, T: number, B: number, carry: boolean): void;
  /**
   * Backpropagation from dOut: accumulates parameter gradients into G and, when dX is given, adds
   * the gradient w.r.t. X into dX (T, B, I). fused: the loss left the gradient of a softmax output
   * layer's pre-activation (softmax and cross-entropy together), not of its output.
   */
  backward(P: Float64Array, G: Float64Array, X: Float64Array, T: number, B: number, dX: Float64Array | null, fused: boolean): void;
  /** Keeps the final state of the last forward() as the start of the next window. */
  saveCarry(T: number, B: number): void;
  clearCarry(): void;
}

/** Where a layer sits on the network being built. */
export interface NodeContext {
  /** The layer's path in errors, e.g. layers[2]. */
  path: string;
  /** Offset in P of the layer's tensor of this name (as params() names it). */
  offset(name: string): number;
  maxSteps: number; // largest window T
  maxBatch: number; // largest batch B
  /** The layer is the model's output layer. */
  output: boolean;
  task: Task;
  /** Only the last step of a window needs computing (output 'last' with nothing recurrent after the layer). */
  lastOnly: boolean;
}

/** One parameter tensor of a layer: its name under the layer's path, and its values in the model. */
export interface ParamTensor {
  name: string;
  values: Float32Array;
}

export interface TrainKindHooks<L extends Layer, N extends TrainNode = TrainNode> {
  /** The layer carries state from step to step (so every step of its input matters). */
  readonly recurrent: boolean;
  /** The layer's parameter tensors, in their order in P. */
  params(l: L): ParamTensor[];
  /** Checks that the layer can be trained (TRN001, TRN004) and builds its node. */
  node(l: L, ctx: NodeContext): N;
  /** Initialises the layer's parameters in place from rng. */
  init(rng: Rng, l: L): void;
  /** The widest per-(step, sequence) row of the node's workspaces, to size prediction batches. */
  workspaceWidth(l: L): number;
}

/** A layer setting that training does not support (TRN001). */
export function unsupported(path: string, message: string, hint?: string): never {
  throw new TinyrnnError({ code: 'TRN001', path, message, ...(hint ? { hint } : {}) });
}
