// The leaf of the reference kernels: the observer of one layer's intermediates, the integer dot
// product every layer's rows use, and the hooks every layer kind gives the reference stage
// (compiler/layers/<kind>/reference.ts, gathered in compiler/layers/reference.ts). The drivers in
// ./index.ts look a layer's kind up and never switch on it.
import type { QTables } from '../ir/quant-types';

/** An observer of one layer's intermediates (key, values), or none. */
export type Obs = ((key: string, v: ArrayLike<number>) => void) | undefined;

/** The observer of one layer at step t; prefix names a bidirectional half ("fwd." / "bwd."). */
export type ObsAt = (t: number, prefix?: string) => Obs;

/** sum_i w[row*n + i] * x[i] (an exact integer: |sum| < 2^31 by the bounds of section 6). */
export function dot(w: Int8Array, row: number, n: number, x: ArrayLike<number>): number {
  let s = 0;
  const o = row * n;
  for (let i = 0; i < n; i++) s += w[o + i] * x[i];
  return s;
}

/**
 * A layer run over a whole sequence: its output at every step, and the states it holds at the end
 * (output mode 'final', docs/quantization.md "Final-state outputs"), one per direction as the
 * kind's `finalStates` orders them: hn the recurrent state (h16, or h8 for an Elman relu), cn an
 * LSTM's cell c; both [] for a kind without final states.
 */
export interface QLayerRun {
  seq: ArrayLike<number>[];
  hn: ArrayLike<number>[];
  cn: ArrayLike<number>[];
}

/** A kind's reference hooks: Q its quantised layer, S its streaming state (null: stateless). */
export interface RefHooks<Q, S> {
  /** The state at reset. */
  newState(l: Q): S;
  /** Puts a state back to its reset value in place. */
  reset(l: Q, st: S): void;
  /** One streaming step on the layer input x (x16 for the first layer, int8 after it); path names the layer in errors. */
  step(l: Q, tables: QTables, x: ArrayLike<number>, st: S, obs: Obs, path: string): ArrayLike<number>;
  /** The whole sequence (T)(I) from reset state: (T)(outputs) and the final states. */
  run(l: Q, tables: QTables, seq: ArrayLike<number>[], obsAt: ObsAt): QLayerRun;
}

/**
 * The whole-sequence run of a kind that streams: its steps from a fresh state, in time order;
 * `final` reads the final states out of the state after the last step (absent: none).
 */
export function runBySteps<Q, S>(
  hooks: Pick<RefHooks<Q, S>, 'newState' | 'step'>,
  final?: (l: Q, st: S) => Pick<QLayerRun, 'hn' | 'cn'>,
): RefHooks<Q, S>['run'] {
  return (l, tables, seq, obsAt) => {
    const st = hooks.newState(l);
    const out = seq.map((v, t) => hooks.step(l, tables, v, st, obsAt(t), ''));
    return { seq: out, ...(final ? final(l, st) : { hn: [], cn: [] }) };
  };
}
