// Expand, evaluated at import time: a constant broadcast to a known shape, or a uniform value
// (exporters' zero initial states, a full-length sequence_lens) broadcast to a run-time shape.

import { OnnxNode } from '../codec';
import { ImportContext, OpHandler } from '../context';
import { expandTo, shapeToConst } from '../fold';
import { Dim, Value, describeValue } from '../values';

/** numpy broadcast of two partly symbolic shapes (a 1 takes the other's dim). */
function broadcastSym(vd: Dim[], se: Dim[]): Dim[] {
  const rank = Math.max(vd.length, se.length);
  const dims: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const a = vd[vd.length - rank + i] ?? 1;
    const b = se[se.length - rank + i] ?? 1;
    dims.push(a === 1 ? b : a);
  }
  return dims;
}

/** A uniform value expanded to a (partly run-time) shape: a fill. */
function expandUniform(cx: ImportContext, n: OnnxNode, v: Value, s: Value): Value {
  const uniform = v.kind === 'fill' ? v.value : v.kind === 'const' && v.data.every((x) => x === v.data[0]) ? v.data[0] : undefined;
  if (uniform === undefined || (s.kind !== 'shape' && s.kind !== 'const')) {
    cx.nodeFail(n, 'ONNX017', `Expand of ${describeValue(v)} to ${describeValue(s)} depends on the run-time sequence shape`, {
      expected: 'a uniform constant (e.g. zeros) expanded to a shape',
    });
  }
  const vd: Dim[] = v.kind === 'fill' || v.kind === 'const' ? v.dims : [];
  const se: Dim[] = s.kind === 'shape' ? s.elems : cx.intsOf(n, s, 'shape');
  return { kind: 'fill', dims: broadcastSym(vd, se), value: uniform };
}

function expandFold(cx: ImportContext, n: OnnxNode): void {
  const v = cx.need(n, 0, 'input');
  const s = cx.need(n, 1, 'shape');
  const sc = s.kind === 'shape' ? shapeToConst(s) : s.kind === 'const' ? s : undefined;
  if (v.kind === 'const' && sc) {
    const r = expandTo(v, cx.intsOf(n, sc, 'shape'));
    if (!r) cx.nodeFail(n, 'ONNX013', `cannot broadcast [${v.dims.join(', ')}] to [${Array.from(sc.data).join(', ')}]`);
    return cx.set(n, 0, r);
  }
  // A run-time length broadcast to a vector: e.g. sequence_lens = [T] * batch.
  if (v.kind === 'shape' && v.elems.length === 1) return cx.set(n, 0, { kind: 'fill', dims: [], value: v.elems[0] });
  cx.set(n, 0, expandUniform(cx, n, v, s));
}

export const Expand: OpHandler = { fold: expandFold, keepsFill: true };
