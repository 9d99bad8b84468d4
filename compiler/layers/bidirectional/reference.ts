// The reference bidirectional layer: the forward cell over t = 0..T-1, the backward cell over
// t = T-1..0, each from reset state, outputs concatenated (fwd, bwd) per step. It needs the whole
// sequence, so it has no streaming step. Trace keys are the cells' with "fwd." / "bwd." prefixes.
// Legend: T steps, H hidden (per half).
import { TinyrnnError } from '../../core/ir/errors';
import type { QTables } from '../../core/ir/quant-types';
import type { Obs, RefHooks } from '../../core/reference/kernel';
import { CellKind } from '../cell/ir';
import { CellStepQ, QCellState, newCellState } from '../cell/reference';
import { elmanStepQ } from '../elman/reference';
import { gruStepQ } from '../gru/reference';
import { lstmStepQ } from '../lstm/reference';
import { QBidirectionalLayer, QCellLayer } from './ir';

const CELL_STEP: { readonly [K in CellKind]: CellStepQ<Extract<QCellLayer, { kind: K }>> } = { elman: elmanStepQ, lstm: lstmStepQ, gru: gruStepQ };

/** One step of a quantised cell of any kind: updates st in place, returns the new h8 (a fresh array). */
export function cellStepQ(l: QCellLayer, tables: QTables, x: ArrayLike<number>, st: QCellState, obs?: Obs): Int8Array {
  return (CELL_STEP[l.kind] as CellStepQ<QCellLayer>)(l, tables, x, st, obs);
}

function run(l: QBidirectionalLayer, tables: QTables, seq: ArrayLike<number>[], obsAt: (t: number, prefix?: string) => Obs): Int8Array[] {
  const T = seq.length;
  const sf = newCellState(l.forward);
  const sb = newCellState(l.backward);
  const fwd = seq.map((v, t) => cellStepQ(l.forward, tables, v, sf, obsAt(t, 'fwd.')));
  const bwd: Int8Array[] = new Array(T);
  for (let t = T - 1; t >= 0; t--) bwd[t] = cellStepQ(l.backward, tables, seq[t], sb, obsAt(t, 'bwd.'));
  const Hf = l.forward.hidden;
  return fwd.map((f, t) => {
    const o = new Int8Array(Hf + l.backward.hidden);
    o.set(f, 0);
    o.set(bwd[t], Hf);
    return o;
  });
}

export const reference: RefHooks<QBidirectionalLayer, null> = {
  newState: () => null,
  reset: () => undefined,
  step: (_l, _tables, _x, _st, _obs, path) => {
    throw new TinyrnnError({
      code: 'RUN002',
      path,
      message: 'a bidirectional layer cannot run step by step',
      hint: 'its backward half needs the whole sequence: use a whole-sequence run (runQuant)',
    });
  },
  run,
};
