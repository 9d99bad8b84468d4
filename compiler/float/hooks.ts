// What each layer kind gives float inference (compiler/layers/<kind>/float.ts): its streaming
// state, one streaming step and a whole-sequence run. The registry is compiler/layers/float.ts;
// compiler/float/infer.ts runs a model through it.
//
// Legend: T steps, I layer input, H hidden, U output width.

import { CellLayer, JordanLayer, Layer, PoolLayer } from '../core/ir/model';
import type { LsmLayer } from '../layers/lsm/ir';
import type { QLsmState } from '../layers/lsm/reference';

export interface CellState {
  h: Float64Array; // (H)
  c: Float64Array; // (H) LSTM cell; unused (length 0) otherwise
}

/** A Jordan layer's state: its previous output y_{t-1}, fed back. */
export interface JordanState {
  y: Float64Array; // (U)
}

/** A pool layer's state: the step counter and per-segment sums and counts. */
export interface PoolState {
  t: number;
  sum: Float64Array; // (S, I)
  count: Float64Array; // (S)
}

/** The streaming state of a layer of type L (null: the layer keeps none). */
export type FloatStateOf<L extends Layer> = L extends CellLayer
  ? CellState
  : L extends JordanLayer
    ? JordanState
    : L extends PoolLayer
      ? PoolState
      : L extends LsmLayer
        ? QLsmState
        : null;

/** Observer of one layer's intermediates at one step. */
export type StepObserver = (key: string, values: Float64Array) => void;

/** The observer of step t of a layer (prefix: before every key, e.g. "fwd."). */
export type ObserverAt = (t: number, prefix?: string) => StepObserver | undefined;

/** A layer run over a whole sequence. */
export interface LayerRun {
  /** Output at every step (T)(layer output). */
  seq: Float64Array[];
  /** Final hidden state ([] for a layer without state; [fwd, bwd] for a bidirectional one; a Jordan layer's last output y). */
  hn: Float64Array[];
  /** Final LSTM cell state, as hn ([] for other kinds). */
  cn: Float64Array[];
}

export interface FloatHooks<L extends Layer> {
  /** A zeroed streaming state. */
  newState(l: L): FloatStateOf<L>;
  /** One streaming step on input x (I): updates st in place, returns the layer output (a fresh array). path: the layer's path in errors. */
  step(l: L, x: ArrayLike<number>, st: FloatStateOf<L>, obs: StepObserver | undefined, path: string): Float64Array;
  /** A whole sequence seq (T)(I) from zero state. */
  run(l: L, seq: readonly Float64Array[], obsAt: ObserverAt): LayerRun;
}
