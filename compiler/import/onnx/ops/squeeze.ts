// Squeeze, Unsqueeze: at import time on constants, fills and shape vectors (a scalar <-> a
// one-element vector); on model data, only singleton axes come and go.

import { OnnxNode } from '../codec';
import { ImportContext, OpHandler } from '../context';
import { Dim, Value, describeValue } from '../values';
import { squeezeAxes } from './params';

function foldSqueeze(cx: ImportContext, n: OnnxNode): Value {
  const v = cx.need(n, 0, 'data');
  const axes = squeezeAxes(cx, n);
  if (n.opType === 'Unsqueeze' && !axes) cx.nodeFail(n, 'ONNX012', 'Unsqueeze needs axes');
  if (v.kind === 'shape') {
    if (n.opType === 'Unsqueeze' && v.scalar && axes && axes.length === 1 && (axes[0] === 0 || axes[0] === -1))
      return { kind: 'shape', scalar: false, elems: v.elems };
    if (n.opType === 'Squeeze' && !v.scalar && v.elems.length === 1 && (!axes || (axes.length === 1 && (axes[0] === 0 || axes[0] === -1))))
      return { kind: 'shape', scalar: true, elems: v.elems };
    cx.nodeFail(n, 'ONNX017', `${n.opType} of ${describeValue(v)} with axes [${axes?.join(', ') ?? ''}]`, {
      expected: 'a scalar <-> 1-element vector change',
    });
  }
  if (v.kind === 'fill') return { kind: 'fill', dims: squeezeDims(cx, n, v.dims, axes), value: v.value };
  if (v.kind !== 'const') cx.nodeFail(n, 'ONNX017', `${n.opType} of ${describeValue(v)}`);
  return { ...v, dims: squeezeDims(cx, n, v.dims, axes) as number[] };
}

function squeezeDims(cx: ImportContext, n: OnnxNode, dims: Dim[], axes: number[] | undefined): Dim[] {
  if (n.opType === 'Squeeze') {
    const rank = dims.length;
    const drop = axes ? axes.map((a) => cx.axis(n, a, rank)) : dims.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0);
    for (const a of drop) if (dims[a] !== 1) cx.nodeFail(n, 'ONNX013', `axis ${a} has size ${dims[a]}, cannot squeeze it`, { expected: 'size 1' });
    return dims.filter((_, i) => !drop.includes(i));
  }
  const rank = dims.length + (axes as number[]).length;
  const ins = (axes as number[]).map((a) => cx.axis(n, a, rank)).sort((a, b) => a - b);
  const out = dims.slice();
  for (const a of ins) out.splice(a, 0, 1);
  return out;
}

function squeezeAct(cx: ImportContext, n: OnnxNode): void {
  const a = cx.needLayoutAct(n, 0);
  const axes = squeezeAxes(cx, n);
  const rank = a.axes.length;
  let drop: number[];
  if (axes) drop = axes.map((x) => cx.axis(n, x, rank));
  else {
    drop = a.axes.map((x, i) => (x.size === 1 ? i : -1)).filter((i) => i >= 0);
  }
  for (const i of drop) {
    const x = a.axes[i];
    const r = cx.role(x);
    if (x.size !== 1)
      cx.nodeFail(n, 'ONNX013', `cannot squeeze axis ${i} (${r}${x.size !== undefined ? ` of size ${x.size}` : ''})`, { expected: 'an axis of size 1' });
    if (r === 'T' || r === 'x0' || r === 'x1') {
      cx.nodeFail(n, 'ONNX017', `squeezes the ${r === 'T' ? 'time' : 'leading input'} axis (fixed at length 1 in this graph)`, {
        expected: 'squeezing singleton axes only',
        hint: 'export with a dynamic sequence axis',
      });
    }
  }
  cx.out(
    n,
    a,
    a.axes.filter((_, i) => !drop.includes(i)),
  );
}

function unsqueezeAct(cx: ImportContext, n: OnnxNode): void {
  const a = cx.needLayoutAct(n, 0);
  const axes = squeezeAxes(cx, n);
  if (!axes) cx.nodeFail(n, 'ONNX012', 'Unsqueeze needs axes', { expected: 'axes' });
  const rank = a.axes.length + axes.length;
  const ins = axes.map((x) => cx.axis(n, x, rank)).sort((p, q) => p - q);
  const out = a.axes.slice();
  for (const i of ins) out.splice(i, 0, { role: '1', size: 1 });
  cx.out(n, a, out);
}

export const Squeeze: OpHandler = { fold: (cx, n) => cx.set(n, 0, foldSqueeze(cx, n)), act: squeezeAct, keepsFill: true, layoutOnly: true };
export const Unsqueeze: OpHandler = { fold: (cx, n) => cx.set(n, 0, foldSqueeze(cx, n)), act: unsqueezeAct, keepsFill: true, layoutOnly: true };
