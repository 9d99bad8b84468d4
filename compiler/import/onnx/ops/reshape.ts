// Reshape and Flatten: at import time on constants; on model data, only singleton axes coming
// and going and adjacent feature axes merging or splitting (time and batch stay whole).

import { OnnxNode } from '../codec';
import { ImportContext, OpHandler } from '../context';
import { ActValue, Axis, Dim, describeAxes, describeValue, numel } from '../values';

function reshapeDims(cx: ImportContext, n: OnnxNode, dims: number[], target: number[]): number[] {
  const allowzero = cx.attrInt(n, 'allowzero', 0);
  const out = target.map((t, i) =>
    t === 0 && !allowzero ? (dims[i] ?? cx.nodeFail(n, 'ONNX013', `shape entry ${i} is 0 but the input has rank ${dims.length}`)) : t,
  );
  const total = numel(dims);
  const minus = out.filter((d) => d === -1).length;
  if (minus > 1) cx.nodeFail(n, 'ONNX013', 'Reshape shape has more than one -1');
  const known = out.reduce((p, d) => (d === -1 ? p : p * d), 1);
  if (minus) out[out.indexOf(-1)] = known === 0 ? 0 : total / known;
  if (numel(out) !== total || out.some((d) => !Number.isInteger(d) || d < 0)) {
    cx.nodeFail(n, 'ONNX013', `cannot reshape [${dims.join(', ')}] to [${target.join(', ')}]`);
  }
  return out;
}

function reshapeFold(cx: ImportContext, n: OnnxNode): void {
  const v = cx.needConst(n, 0, 'data');
  const target = cx.intsOf(n, cx.needConst(n, 1, 'shape'), 'shape');
  cx.set(n, 0, { ...v, dims: reshapeDims(cx, n, v.dims, target) });
}

/** Reshape's target dims with 0 (copy the input's dim) resolved and the time/batch symbols bound. */
function reshapeTarget(cx: ImportContext, n: OnnxNode, a: ActValue, target: Dim[]): Dim[] {
  const allowzero = cx.attrInt(n, 'allowzero', 0);
  const dims = target.map((d, i) => {
    if (d === 0 && !allowzero) {
      const src = a.axes[i];
      if (!src) cx.nodeFail(n, 'ONNX013', `shape entry ${i} is 0 but the input has rank ${a.axes.length}`);
      return src.role === 'F' || src.role === '1' ? (src.size as number) : (cx.role(src) as Dim);
    }
    return cx.sym(d);
  });
  if (dims.filter((d) => d === -1).length > 1) cx.nodeFail(n, 'ONNX013', 'Reshape shape has more than one -1');
  return dims;
}

/** Adjacent feature axes from src[k] on whose sizes multiply to d (-1: all of them): their product and the next k. */
function takeFeatures(src: Axis[], k: number, d: number): { prod: number; k: number } {
  let prod = 1;
  if (d === -1) while (src[k] && src[k].role === 'F') prod *= src[k++].size as number;
  else while (prod < d && src[k] && src[k].role === 'F') prod *= src[k++].size as number;
  return { prod, k };
}

/** Maps a reshape of model data onto its axes: singleton axes come and go, adjacent feature axes merge or split. */
function reshapeTo(cx: ImportContext, n: OnnxNode, a: ActValue, target: Dim[]): Axis[] {
  const dims = reshapeTarget(cx, n, a, target);
  const src = a.axes.filter((x) => x.role !== '1');
  const out: Axis[] = [];
  let k = 0;
  const bad = (why: string): never =>
    cx.nodeFail(n, 'ONNX017', `Reshape of model data (${describeAxes(a.axes)}) to [${target.join(', ')}]: ${why}`, {
      expected: 'a reshape that keeps the time and batch axes and only merges or splits adjacent feature axes',
    });
  for (let di = 0; di < dims.length; di++) {
    const d = dims[di];
    // A 1 is a new singleton unless it can only be a time/batch axis of static size 1.
    if (d === 1 && !(src[k] !== undefined && src[k].role !== 'F' && src[k].size === 1 && dims.length - di <= src.length - k)) {
      out.push({ role: '1', size: 1 });
      continue;
    }
    const s = src[k];
    if (!s) bad('more dimensions than the data has');
    const r = cx.role(s);
    if (r !== 'F') {
      if (!(d === r || d === -1 || (typeof d === 'number' && s.size === d)))
        bad(`the ${r === 'T' ? 'time' : r === 'B' ? 'batch' : r} axis would be merged or split`);
      out.push({ ...s, role: r });
      k++;
      continue;
    }
    if (typeof d === 'string') return bad(`a feature axis would become the ${d} axis`);
    const f = takeFeatures(src, k, d);
    if (d !== -1 && f.prod !== d) bad(`feature size ${d} does not match the data's feature axes`);
    k = f.k;
    out.push(f.prod === 1 ? { role: '1', size: 1 } : { role: 'F', size: f.prod });
  }
  if (k !== src.length) bad('fewer dimensions than the data has');
  return out;
}

function reshapeAct(cx: ImportContext, n: OnnxNode): void {
  const a = cx.needLayoutAct(n, 0);
  const s = cx.need(n, 1, 'shape');
  const target: Dim[] =
    s.kind === 'shape'
      ? s.elems
      : s.kind === 'const'
        ? cx.intsOf(n, s, 'shape')
        : cx.nodeFail(n, 'ONNX017', `shape is ${describeValue(s)}`, { expected: 'a constant or shape vector' });
  const axes = reshapeTo(cx, n, a, target);
  cx.out(n, a, axes);
}

function flattenAct(cx: ImportContext, n: OnnxNode): void {
  const a = cx.needLayoutAct(n, 0);
  const rank = a.axes.length;
  const axis = cx.attrInt(n, 'axis', 1);
  const ax = axis < 0 ? axis + rank : axis;
  if (ax < 0 || ax > rank) cx.nodeFail(n, 'ONNX013', `axis ${axis} is out of range for rank ${rank}`, { attr: 'axis' });
  const left = a.axes.slice(0, ax).filter((x) => x.role !== '1');
  const right = a.axes.slice(ax).filter((x) => x.role !== '1');
  if (left.length > 1 || left.some((x) => x.role === 'F') || right.some((x) => x.role !== 'F')) {
    cx.nodeFail(n, 'ONNX017', `Flatten at axis ${axis} of model data (${describeAxes(a.axes)})`, {
      expected: 'the batch axis before the flattening point and only feature axes after it',
    });
  }
  const w = right.reduce((p, x) => p * (x.size as number), 1);
  cx.out(n, a, [left[0] ?? { role: '1', size: 1 }, w === 1 ? { role: '1', size: 1 } : { role: 'F', size: w }]);
}

export const Reshape: OpHandler = { fold: reshapeFold, act: reshapeAct, keepsFill: true, layoutOnly: true };
export const Flatten: OpHandler = { act: flattenAct, layoutOnly: true };
