// Shape: the dims of a tensor as a shape vector, symbolic (T, B) where the model input's
// time and batch lengths are only known at run time. Always evaluated at import time.

import { OnnxNode } from '../codec';
import { ImportContext, OpHandler } from '../context';
import { shapeOrConst } from '../fold';
import { Dim, Sym, Value, describeValue } from '../values';

function shapeSlice(cx: ImportContext, n: OnnxNode, dims: Dim[]): Value {
  let start = cx.attrInt(n, 'start', 0);
  let end = cx.attrInt(n, 'end', dims.length);
  const r = dims.length;
  start = Math.min(Math.max(start < 0 ? start + r : start, 0), r);
  end = Math.min(Math.max(end < 0 ? end + r : end, 0), r);
  const elems = dims.slice(start, Math.max(start, end)).map((d) => cx.sym(d));
  return shapeOrConst({ kind: 'shape', scalar: false, elems });
}

function shapeFold(cx: ImportContext, n: OnnxNode): void {
  const v = cx.need(n, 0, 'input');
  const dims: Dim[] = v.kind === 'const' || v.kind === 'fill' ? v.dims : v.kind === 'shape' ? (v.scalar ? [] : [v.elems.length]) : [];
  cx.set(n, 0, shapeSlice(cx, n, dims));
}

function shapeOfAct(cx: ImportContext, n: OnnxNode): void {
  const a = cx.need(n, 0, 'data');
  // Shape has one input: model data reached this handler through another one.
  if (a.kind !== 'act')
    cx.nodeFail(n, 'ONNX017', `input 0 is ${describeValue(a)} and Shape has one input`, {
      expected: 'Shape of one tensor',
      hint: 'the file is malformed: re-export it',
    });
  const dims: Dim[] = a.axes.map((x) => {
    const r = cx.role(x);
    // An undeclared feature count stays NaN: harmless unless the graph computes with it (then intsOf refuses it).
    return r === 'F' || r === '1' ? (x.size ?? NaN) : (r as Sym);
  });
  cx.folded++;
  cx.set(n, 0, shapeSlice(cx, n, dims));
}

export const Shape: OpHandler = { fold: shapeFold, act: shapeOfAct };
