// What the three gated cells share in the reference: the streaming state, its reset, and the step
// frame: every row's requantised input-side and recurrent-side parts, then the cell's own
// activation (compiler/layers/<cell>/reference.ts), then the new output h8.
// Legend: I layer input, H hidden, G gates.
import type { QTables } from '../../core/ir/quant-types';
import { Obs, QLayerRun, RefHooks, dot, runBySteps } from '../../core/reference/kernel';
import { requantize } from '../../core/spec/fixed';
import { AnyCell, QCellCommon, gateCount, recurrentIsH8 } from './ir';

/**
 * Streaming state of one cell. LSTM, GRU and Elman tanh carry h16 (Q0.15), their recurrent
 * input; Elman relu carries h8 (its recurrent input). h8 of the other cells is their output only.
 */
export interface QCellState {
  h8: Int8Array; // (H) int8 output; the state of elman relu (reset to hZp)
  h16: Int16Array; // (H) Q0.15 state of lstm, gru, elman tanh (reset to 0); length 0 for elman relu
  c: Int16Array; // (H) LSTM cell, reset to 0 (length 0 for other cells)
}

type Cell = QCellCommon & AnyCell;

export function newCellState(l: Cell): QCellState {
  const st: QCellState = {
    h8: new Int8Array(l.hidden),
    h16: new Int16Array(recurrentIsH8(l) ? 0 : l.hidden),
    c: new Int16Array(l.kind === 'lstm' ? l.hidden : 0),
  };
  st.h8.fill(l.hZp);
  return st;
}

/** h8 = hZp, h16 = 0, c = 0. */
export function resetCellState(l: Cell, st: QCellState): void {
  st.h8.fill(l.hZp);
  st.h16.fill(0);
  st.c.fill(0);
}

/** v clamped to [-clip, clip]; clip 0 means no clamp. */
export const clamp = (v: number, clip: number): number => (clip > 0 ? (v > clip ? clip : v < -clip ? -clip : v) : v);

/** What a cell's activation reads and writes in one step. */
export interface CellStepFrame {
  /** Requantised input-side part of every row (G*H). */
  px: number[];
  /** Requantised recurrent-side part of the rows below recurrentRows; the others are the cell's to compute. */
  ph: number[];
  /** The new int8 output and Q0.15 state to fill (h16 has length 0 for elman relu). */
  h8: Int8Array;
  h16: Int16Array;
}

/**
 * One step of a cell on its input x (x16 for the first layer, int8 after it): computes the rows'
 * parts, runs `activate` (the cell's own arithmetic), updates st in place and returns the new h8
 * (a fresh array). recurrentRows: rows whose recurrent part is read from the state as it is (all,
 * except GRU reset-before, whose n rows read r*h).
 */
export function cellStep<Q extends Cell>(
  l: Q,
  x: ArrayLike<number>,
  st: QCellState,
  obs: Obs,
  recurrentRows: number,
  activate: (f: CellStepFrame) => void,
): Int8Array {
  const H = l.hidden;
  const GH = gateCount(l.kind) * H;
  // the recurrent input: h16 (Q0.15), or h8 for elman relu
  const hin: ArrayLike<number> = recurrentIsH8(l) ? st.h8 : st.h16;
  const f: CellStepFrame = { px: new Array<number>(GH), ph: new Array<number>(GH), h8: new Int8Array(H), h16: new Int16Array(recurrentIsH8(l) ? 0 : H) };
  for (let r = 0; r < GH; r++) {
    f.px[r] = requantize(l.bx[r] + dot(l.wx, r, l.inputSize, x), l.mx[r], l.sx[r]);
    if (r < recurrentRows) f.ph[r] = requantize(l.bh[r] + dot(l.wh, r, H, hin), l.mh[r], l.sh[r]);
  }
  activate(f);
  st.h8 = f.h8;
  st.h16 = f.h16;
  obs?.('h', f.h8);
  return f.h8;
}

/**
 * The states a cell holds after its last step (docs/quantization.md "Final-state outputs"): its
 * recurrent state (h16; h8 for an Elman relu) and an LSTM's cell c.
 */
export function cellFinal(l: Cell, st: QCellState): Pick<QLayerRun, 'hn' | 'cn'> {
  return { hn: [recurrentIsH8(l) ? st.h8 : st.h16], cn: l.kind === 'lstm' ? [st.c] : [] };
}

/** A cell's step, as its kind's reference gives it. */
export type CellStepQ<Q> = (l: Q, tables: QTables, x: ArrayLike<number>, st: QCellState, obs?: Obs) => Int8Array;

/** The reference hooks of a cell from its step: the state, reset and whole-sequence run are shared. */
export function cellReference<Q extends Cell>(stepQ: CellStepQ<Q>): RefHooks<Q, QCellState> {
  const step: RefHooks<Q, QCellState>['step'] = (l, tables, x, st, obs) => stepQ(l, tables, x, st, obs);
  return { newState: newCellState, reset: resetCellState, step, run: runBySteps({ newState: newCellState, step }, cellFinal) };
}
