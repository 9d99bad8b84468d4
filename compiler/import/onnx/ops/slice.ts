// Slice: at import time on constants and shape vectors; on model data, only full ranges and
// the last time step (output[:, -1:]).

import { OnnxNode } from '../codec';
import { ImportContext, OpHandler, where } from '../context';
import { shapeOrConst, sliceConst, sliceIndices } from '../fold';
import { Axis, Value, describeValue } from '../values';
import { SliceParam, isLastIndex, sliceParams } from './params';

function foldSlice(cx: ImportContext, n: OnnxNode): Value {
  const v = cx.need(n, 0, 'data');
  if (v.kind === 'shape') {
    const ps = sliceParams(cx, n, 1);
    let elems = v.elems;
    for (const p of ps) elems = sliceIndices(elems.length, p.start, p.end, p.step).map((i) => elems[i]);
    return shapeOrConst({ kind: 'shape', scalar: false, elems });
  }
  if (v.kind !== 'const') cx.nodeFail(n, 'ONNX017', `Slice of ${describeValue(v)}`, { expected: 'a constant or shape' });
  const picks = new Map<number, number[]>();
  for (const p of sliceParams(cx, n, v.dims.length)) picks.set(p.axis, sliceIndices(v.dims[p.axis], p.start, p.end, p.step));
  return sliceConst(v, picks);
}

/** Hint for a Slice that takes single time steps out: the trace of an unrolled recurrence. */
export const UNROLLED_HINT =
  "this graph holds an unrolled recurrence (one Slice, MatMul, Add and Tanh per time step, as PyTorch 2's dynamo exporter writes nn.RNN); " +
  'tinyrnn folds back only the plain unrolled Elman layer (zero initial state, the same weights every step, all steps concatenated), ' +
  'which this graph is not: export with torch.onnx.export(..., dynamo=False) to get an RNN, GRU or LSTM node';

function refuse(cx: ImportContext, n: OnnxNode, p: SliceParam, r: Axis['role']): never {
  const axis = r === 'T' ? 'time' : r === 'F' ? 'feature' : r === 'B' ? 'batch' : r;
  cx.nodeFail(n, 'ONNX017', `Slice [${p.start}:${p.end}:${p.step}] of the ${axis} axis of model data`, {
    expected: 'the last time step ([-1:]) or a full range',
    ...(r === 'T' || r === 'x0' || r === 'x1' ? { hint: UNROLLED_HINT } : {}),
  });
}

/** The slice runs to the end of the axis. */
function reachesEnd(p: SliceParam, x: Axis): boolean {
  return p.end >= Number.MAX_SAFE_INTEGER || (x.size !== undefined && p.end >= x.size);
}

function sliceAct(cx: ImportContext, n: OnnxNode): void {
  const a = cx.needLayoutAct(n, 0);
  const axes = a.axes.slice();
  let mode = a.mode;
  for (const p of sliceParams(cx, n, axes.length)) {
    const x = axes[p.axis];
    const r = cx.role(x);
    const full = p.step === 1 && (p.start === 0 || (x.size !== undefined && p.start <= -x.size)) && reachesEnd(p, x);
    if (full) continue;
    if (r === 'T' && p.step === 1 && isLastIndex(p.start, x.size) && reachesEnd(p, x)) {
      if (mode !== 'sequence') cx.nodeFail(n, 'ONNX017', 'Slice of the time axis of data that is no longer a sequence');
      axes[p.axis] = { role: '1', size: 1 };
      mode = 'last';
      continue;
    }
    if (x.size !== undefined && (r === 'F' || r === '1' || r === 'B')) {
      const got = sliceIndices(x.size, p.start, p.end, p.step);
      if (got.length === x.size && got.every((v, i) => v === i)) continue;
    }
    cx.refuseStatePart(n, a);
    refuse(cx, n, p, r);
  }
  cx.out(n, a, axes, { mode, note: mode === 'last' && a.mode !== 'last' ? where(n) : a.note });
}

export const Slice: OpHandler = { fold: (cx, n) => cx.set(n, 0, foldSlice(cx, n)), act: sliceAct, keepsFill: true };
