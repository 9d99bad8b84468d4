// What the three gated cells (Elman, LSTM, GRU) share in float inference: the state, the input
// and recurrent projections of a step, and the whole-sequence run. Each cell kind's float.ts
// gives its gate update.
//
// Legend: T steps, I layer input, H hidden, G gates.

import { CellLayer, gateCount } from '../../core/ir/model';
import { CellState, LayerRun, ObserverAt, StepObserver } from '../../float/hooks';

/**
 * A cell kind's gate update: from the projections ax = wx x + bx and ah = wh h + bh (G*H; ah may
 * be overwritten), writes the new hidden state into h (H), updating st.c if the kind keeps it.
 * st.h is still the previous state.
 */
export type GateUpdate<L extends CellLayer> = (l: L, ax: Float64Array, ah: Float64Array, st: CellState, h: Float64Array, obs?: StepObserver) => void;

/** A cell kind's float hooks (they fit FloatHooks<L>); run may go backwards in time (the backward half of a bidirectional layer). */
export interface CellFloatHooks<L extends CellLayer> {
  newState(l: L): CellState;
  step(l: L, x: ArrayLike<number>, st: CellState, obs?: StepObserver): Float64Array;
  run(l: L, seq: readonly Float64Array[], obsAt: ObserverAt, reverse?: boolean): LayerRun;
}

/** One step of a recurrent cell; updates st in place and returns the new h (a fresh array). */
function cellStep<L extends CellLayer>(update: GateUpdate<L>, l: L, x: ArrayLike<number>, st: CellState, obs?: StepObserver): Float64Array {
  const H = l.hidden;
  const I = l.inputSize;
  const G = gateCount(l.kind);
  const ax = new Float64Array(G * H); // (G*H) wx x + bx
  const ah = new Float64Array(G * H); // (G*H) wh h + bh
  for (let r = 0; r < G * H; r++) {
    let s = l.bx[r];
    const o = r * I;
    for (let i = 0; i < I; i++) s += l.wx[o + i] * x[i];
    ax[r] = s;
    let u = l.bh[r];
    const oh = r * H;
    for (let j = 0; j < H; j++) u += l.wh[oh + j] * st.h[j];
    ah[r] = u;
  }
  const h = new Float64Array(H);
  update(l, ax, ah, st, h, obs);
  st.h.set(h);
  obs?.('h', h);
  return h;
}

/** The float hooks of a cell kind with the given gate update; keepsC: the kind has a cell state (LSTM). */
export function cellFloatHooks<L extends CellLayer>(update: GateUpdate<L>, keepsC: boolean): CellFloatHooks<L> {
  const newState = (l: L): CellState => ({ h: new Float64Array(l.hidden), c: new Float64Array(keepsC ? l.hidden : 0) });
  const step = (l: L, x: ArrayLike<number>, st: CellState, obs?: StepObserver): Float64Array => cellStep(update, l, x, st, obs);
  const run = (l: L, seq: readonly Float64Array[], obsAt: ObserverAt, reverse = false): LayerRun => {
    const T = seq.length;
    const st = newState(l);
    const out: Float64Array[] = new Array(T);
    for (let s = 0; s < T; s++) {
      const t = reverse ? T - 1 - s : s;
      out[t] = step(l, seq[t], st, obsAt(t));
    }
    return { seq: out, hn: [st.h], cn: keepsC ? [st.c] : [] };
  };
  return { newState, step, run };
}
