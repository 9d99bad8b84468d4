// Gather: at import time on constants and shape vectors; on model data, only the last time
// step (output[-1]) or index 0 of a singleton axis.

import { OnnxNode } from '../codec';
import { ImportContext, OpHandler, where } from '../context';
import { gatherConst, shapeOrConst } from '../fold';
import { ActValue, ConstValue, ShapeValue, Value, describeValue } from '../values';
import { isLastIndex } from './params';

/** Elements of a shape vector (the axis can only be 0). */
function gatherShape(cx: ImportContext, n: OnnxNode, v: ShapeValue, ic: ConstValue, idx: number[]): Value {
  cx.axis(n, cx.attrInt(n, 'axis', 0), 1);
  const len = v.elems.length;
  const picked = idx.map((i) => {
    const j = i < 0 ? i + len : i;
    if (j < 0 || j >= len) cx.nodeFail(n, 'ONNX013', `index ${i} is out of range for a shape of rank ${len}`);
    return v.elems[j];
  });
  return shapeOrConst({ kind: 'shape', scalar: ic.dims.length === 0, elems: picked });
}

function gatherFold(cx: ImportContext, n: OnnxNode): void {
  const v = cx.need(n, 0, 'data');
  const ic = cx.needConst(n, 1, 'indices');
  const idx = cx.intsOf(n, ic, 'indices');
  if (v.kind === 'shape') return cx.set(n, 0, gatherShape(cx, n, v, ic, idx));
  if (v.kind !== 'const') cx.nodeFail(n, 'ONNX017', `Gather from ${describeValue(v)}`, { expected: 'a constant or a shape' });
  const axis = cx.axis(n, cx.attrInt(n, 'axis', 0), v.dims.length);
  const len = v.dims[axis];
  const norm = idx.map((i) => {
    const j = i < 0 ? i + len : i;
    if (j < 0 || j >= len) cx.nodeFail(n, 'ONNX013', `index ${i} is out of range for axis ${axis} of length ${len}`);
    return j;
  });
  cx.set(n, 0, gatherConst(v, axis, norm, ic.dims));
}

function gatherAct(cx: ImportContext, n: OnnxNode): void {
  const a = cx.needLayoutAct(n, 0);
  const ic = cx.needConst(n, 1, 'indices');
  const idx = cx.intsOf(n, ic, 'indices');
  const axis = cx.axis(n, cx.attrInt(n, 'axis', 0), a.axes.length);
  const x = a.axes[axis];
  const r = cx.role(x);
  if (ic.dims.length > 1 || idx.length !== 1) cx.nodeFail(n, 'ONNX017', `Gather of ${idx.length} indices from model data`, { expected: 'one index' });
  const i = idx[0];
  const keep = ic.dims.length === 1;
  const replace = (extra: Partial<ActValue> = {}): void => {
    const axes = a.axes.slice();
    if (keep) axes[axis] = { role: '1', size: 1 };
    else axes.splice(axis, 1);
    cx.out(n, a, axes, extra);
  };
  if (r === 'T') {
    if (a.mode !== 'sequence') cx.nodeFail(n, 'ONNX017', 'Gather on the time axis of data that is no longer a sequence');
    if (!isLastIndex(i, x.size)) {
      cx.nodeFail(n, 'ONNX017', `Gather of time step ${i}`, {
        value: i,
        expected: `the last step (index -1${x.size !== undefined ? ` or ${x.size - 1}` : ''})`,
        hint: 'tinyrnn models output every step or the last step only',
      });
    }
    return replace({ mode: 'last', note: `${where(n)}` });
  }
  if (x.role === '1' || (r === 'B' && x.size === 1)) {
    if (i !== 0 && i !== -1) cx.nodeFail(n, 'ONNX013', `index ${i} on an axis of size 1`);
    return replace();
  }
  cx.refuseStatePart(n, a);
  cx.nodeFail(n, 'ONNX017', `Gather on the ${r === 'F' ? 'feature' : r === 'B' ? 'batch' : r} axis of model data`, {
    expected: 'the last time step (index -1 on the time axis)',
  });
}

export const Gather: OpHandler = { fold: gatherFold, act: gatherAct, keepsFill: true };
