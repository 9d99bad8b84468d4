// The reference bidirectional layer: the forward cell over t = 0..T-1, the backward cell over
// t = T-1..0, each from reset state, outputs concatenated (fwd, bwd) per step. It needs the whole
// sequence, so it has no streaming step. Trace keys are the cells' with "fwd." / "bwd." prefixes.
// Legend: T steps, H hidden (per half).
import { TinyrnnError } from '../../core/ir/errors';
import type { QTables } from '../../core/ir/quant-types';
import type { Obs, ObsAt, QLayerRun, RefHooks } from '../../core/reference/kernel';
import { CellKind } from '../cell/ir';
import { CellStepQ, QCellState, cellFinal, newCellState } from '../cell/reference';
import { elmanStepQ } from '../elman/reference';
import { gruStepQ } from '../gru/reference';
import { lstmStepQ } from '../lstm/reference';
import { QBidirectionalLayer, QCellLayer } from './ir';

const CELL_STEP: { readonly [K in CellKind]: CellStepQ<Extract<QCellLayer, { kind: K }>> } = { elman: elmanStepQ, lstm: lstmStepQ, gru: gruStepQ };

/** One step of a quantised cell of any kind: updates st in place, returns the new h8 (a fresh array). */
export function cellStepQ(l: QCellLayer, tables: QTables, x: ArrayLike<number>, st: QCellState, obs?: Obs): Int8Array {
  return (CELL_STEP[l.kind] as CellStepQ<QCellLayer>)(l, tables, x, st, obs);
}

/** A cell over t = T-1..0 from reset state: its h8 at every step (trace keys prefixed "bwd.") and its states after t = 0. */
export function runBackward(c: QCellLayer, tables: QTables, seq: ArrayLike<number>[], obsAt: ObsAt): QLayerRun & { seq: Int8Array[] } {
  const st = newCellState(c);
  const out: Int8Array[] = new Array(seq.length);
  for (let t = seq.length - 1; t >= 0; t--) out[t] = cellStepQ(c, tables, seq[t], st, obsAt(t, 'bwd.'));
  return { seq: out, ...cellFinal(c, st) };
}

/** The streaming step of a layer that needs the whole sequence (what: the layer, e.g. "a bidirectional layer"): RUN002. */
export function wholeSequenceStep(what: string): RefHooks<unknown, null>['step'] {
  return (_l, _tables, _x, _st, _obs, path) => {
    throw new TinyrnnError({
      code: 'RUN002',
      path,
      message: `${what} cannot run step by step`,
      hint: 'it runs backwards in time and needs the whole sequence: use a whole-sequence run (runQuant)',
    });
  };
}

function run(l: QBidirectionalLayer, tables: QTables, seq: ArrayLike<number>[], obsAt: ObsAt): QLayerRun {
  const sf = newCellState(l.forward);
  const fwd = seq.map((v, t) => cellStepQ(l.forward, tables, v, sf, obsAt(t, 'fwd.')));
  const bwd = runBackward(l.backward, tables, seq, obsAt);
  const Hf = l.forward.hidden;
  const out = fwd.map((f, t) => {
    const o = new Int8Array(Hf + l.backward.hidden);
    o.set(f, 0);
    o.set(bwd.seq[t], Hf);
    return o;
  });
  const ff = cellFinal(l.forward, sf);
  return { seq: out, hn: [...ff.hn, ...bwd.hn], cn: [...ff.cn, ...bwd.cn] };
}

export const reference: RefHooks<QBidirectionalLayer, null> = {
  newState: () => null,
  reset: () => undefined,
  step: wholeSequenceStep('a bidirectional layer'),
  run,
};
