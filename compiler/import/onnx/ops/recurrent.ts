// LSTM, GRU, RNN: one ONNX recurrent node becomes one IR layer (a cell, a reverse layer, or a
// bidirectional pair of cells) appended to the data's layers. Outputs: Y (every step), Y_h (the
// last step of a forward node; the state after the first step of a reverse one; both directions'
// final states of a bidirectional one), Y_c (an LSTM's cell state). Y_h and Y_c carry their
// FinalState: as a graph output they become the model's output mode 'final' (result.ts).
//
// Legend: T steps, B batch, I layer input, H hidden, G gates, D directions.

import { CellLayer, Layer, LstmLayer, emptyCell } from '../../../core/ir/model';
import { OnnxNode } from '../codec';
import { ImportContext, OpHandler, where } from '../context';
import { ActValue, Axis } from '../values';
import {
  GATES,
  KNOWN_ATTRS,
  RecurrentOp,
  RecurrentWeights,
  bindAxis,
  cellAttrs,
  checkInitialStates,
  checkSequenceLens,
  checkWeights,
  Direction,
  directions,
  elmanActivation,
  layoutAttr,
} from './recurrent-checks';

const LSTM_FROM_ONNX = [0, 2, 3, 1]; // IR gate (i,f,g,o) <- ONNX gate block (i,o,f,c)
const GRU_FROM_ONNX = [1, 0, 2]; // IR gate (r,z,n) <- ONNX gate block (z,r,h)
const PEEP_FROM_ONNX = [0, 2, 1]; // IR peephole (i,f,o) <- ONNX P block (i,o,f)
const GATE_ORDER: Record<RecurrentOp, number[]> = { LSTM: LSTM_FROM_ONNX, GRU: GRU_FROM_ONNX, RNN: [0] };
const KIND = { LSTM: 'lstm', GRU: 'gru', RNN: 'elman' } as const;
/** What Y_h holds by direction: the last step's output, or final states that only a model output gives. */
const FINAL_MODE = { forward: 'last', reverse: 'final-reverse', bidirectional: 'final-bidir' } as const;

interface CellOptions {
  activation: 'tanh' | 'relu';
  resetAfter: boolean;
  clip?: number;
}

/** Direction d's cell, its gate blocks reordered from ONNX's to the IR's. */
function buildCell(op: RecurrentOp, w: RecurrentWeights, d: number, opts: CellOptions): CellLayer {
  const { W, R, B, P, I, H } = w;
  const G = GATES[op];
  const order = GATE_ORDER[op];
  const cell = emptyCell(KIND[op], I, H, { activation: opts.activation, resetAfter: opts.resetAfter });
  for (let g = 0; g < G; g++) {
    for (let j = 0; j < H; j++) {
      const dst = g * H + j;
      const src = order[g] * H + j;
      for (let i = 0; i < I; i++) cell.wx[dst * I + i] = W.data[(d * G * H + src) * I + i];
      for (let i = 0; i < H; i++) cell.wh[dst * H + i] = R.data[(d * G * H + src) * H + i];
      if (B) {
        cell.bx[dst] = B.data[d * 2 * G * H + src];
        cell.bh[dst] = B.data[d * 2 * G * H + G * H + src];
      }
    }
  }
  if (opts.clip !== undefined) cell.clip = opts.clip;
  if (P && cell.kind === 'lstm') {
    const peep = new Float32Array(3 * H); // (3, H) i, f, o
    for (let g = 0; g < 3; g++) for (let j = 0; j < H; j++) peep[g * H + j] = P.data[d * 3 * H + PEEP_FROM_ONNX[g] * H + j];
    (cell as LstmLayer).peepholes = peep;
  }
  return cell;
}

/** The IR layer of the node: its one cell (in a reverse layer for direction reverse), or its two as a bidirectional layer. */
function buildLayer(n: OnnxNode, op: RecurrentOp, w: RecurrentWeights, direction: Direction, opts: CellOptions): Layer {
  const D = direction === 'bidirectional' ? 2 : 1;
  const name = n.name || `${op.toLowerCase()}_${n.index}`;
  const cells: CellLayer[] = [];
  for (let d = 0; d < D; d++) {
    const cell = buildCell(op, w, d, opts);
    cell.name = D === 2 ? `${name}.${d === 0 ? 'forward' : 'backward'}` : name;
    cells.push(cell);
  }
  if (direction === 'reverse') return { kind: 'reverse', name, cell: cells[0] };
  return D === 2 ? { kind: 'bidirectional', name, forward: cells[0], backward: cells[1] } : cells[0];
}

/** Y, Y_h and Y_c as act values with the layer appended. */
function setOutputs(
  cx: ImportContext,
  n: OnnxNode,
  x: ActValue,
  layer: Layer,
  dims: { direction: Direction; H: number; layout: 0 | 1; T?: number; B?: number },
): void {
  const { direction, H, layout, T, B } = dims;
  const D = direction === 'bidirectional' ? 2 : 1;
  const layers = [...x.layers, layer];
  const origins = [...x.origins, n.name || `#${n.index}`];
  const dAxis: Axis = D === 1 ? { role: '1', size: 1 } : { role: 'F', size: 2 };
  const hAxis: Axis = H === 1 ? { role: '1', size: 1 } : { role: 'F', size: H };
  const tAxis: Axis = { role: 'T', ...(T !== undefined ? { size: T } : {}) };
  const bAxis: Axis = { role: 'B', ...(B !== undefined ? { size: B } : {}) };
  const Y: Axis[] = layout === 0 ? [tAxis, dAxis, bAxis, hAxis] : [bAxis, tAxis, dAxis, hAxis];
  const S: Axis[] = layout === 0 ? [dAxis, bAxis, hAxis] : [bAxis, dAxis, hAxis];
  const norm = x.norm ? { norm: x.norm } : {};
  cx.set(n, 0, { kind: 'act', axes: Y, mode: 'sequence', layers, origins, ...norm });
  const node = where(n);
  const state = (part: 'h' | 'c'): ActValue => ({
    kind: 'act',
    axes: S.map((a) => ({ ...a })),
    mode: part === 'h' ? FINAL_MODE[direction] : 'cell',
    layers,
    origins,
    note: `${part === 'h' ? 'Y_h' : 'Y_c'} of ${node}`,
    state: { part, node },
    ...norm,
  });
  cx.set(n, 1, state('h'));
  if (n.opType === 'LSTM') cx.set(n, 2, state('c'));
}

function recurrent(cx: ImportContext, n: OnnxNode): void {
  const op = n.opType as RecurrentOp;
  cx.rejectUnknownAttrs(n, KNOWN_ATTRS[op]);
  const x = cx.needAct(n, 0);
  if (x.mode !== 'sequence') {
    cx.nodeFail(n, 'ONNX017', `the recurrent input is ${x.mode === 'last' ? 'a single (last) time step' : x.mode}`, { expected: 'a sequence' });
  }
  const W = cx.needConst(n, 1, 'W');
  const R = cx.needConst(n, 2, 'R');
  const B = cx.constInput(n, 3, 'B');
  const { direction, D } = directions(cx, n);
  const layout = layoutAttr(cx, n);
  const w = checkWeights(cx, n, op, D, x, { W, R, B });
  const xAxes = x.axes;
  if (xAxes[2].size === undefined) xAxes[2] = w.I === 1 ? { role: '1', size: 1 } : { role: 'F', size: w.I };
  // Time and batch axes of X.
  const [tPos, bPos] = layout === 0 ? [0, 1] : [1, 0];
  bindAxis(cx, n, xAxes[tPos], 'T');
  bindAxis(cx, n, xAxes[bPos], 'B');
  const activation = elmanActivation(cx, n, op, D);
  const opts: CellOptions = { activation, ...cellAttrs(cx, n, op) };
  checkSequenceLens(cx, n, xAxes[tPos].size);
  checkInitialStates(cx, n, op);
  const layer = buildLayer(n, op, w, direction, opts);
  setOutputs(cx, n, x, layer, { direction, H: w.H, layout, T: xAxes[tPos].size, B: xAxes[bPos].size });
}

export const LSTM: OpHandler = { act: recurrent };
export const GRU: OpHandler = { act: recurrent };
export const RNN: OpHandler = { act: recurrent };
