// Concat: at import time on shape vectors, constants and uniform fills; on model data, only
// PyTorch's h_n (final states of stacked layers side by side on a singleton axis), which
// becomes a "stack" value that a later Gather or Slice picks one layer's state back out of.

import { OnnxNode } from '../codec';
import { ImportContext, OpHandler } from '../context';
import { concatConst, shapeOrConst, sliceIndices } from '../fold';
import { ActValue, Dim, StackValue, Value, describeValue } from '../values';
import { sliceParams } from './params';

/** Concat of uniform fills (and uniform constants) of one value: a fill of that value. */
function concatFills(cx: ImportContext, n: OnnxNode, parts: Value[]): Value {
  const vals = new Set(parts.map((p) => (p.kind === 'fill' ? p.value : p.kind === 'const' && p.data.every((x) => x === p.data[0]) ? p.data[0] : NaN)));
  const [value] = [...vals];
  if (vals.size !== 1 || (typeof value === 'number' && Number.isNaN(value))) {
    cx.nodeFail(n, 'ONNX017', 'Concat of a run-time-shaped constant with different values', { expected: 'parts that all hold the same value' });
  }
  return { kind: 'fill', dims: [], value };
}

/** The inputs of a Concat: at least one (ONNX's minimum), each defined. */
function concatParts(cx: ImportContext, n: OnnxNode): Value[] {
  return Array.from({ length: Math.max(1, n.inputs.length) }, (_, k) => cx.need(n, k, `part ${k}`));
}

function foldConcat(cx: ImportContext, n: OnnxNode): Value {
  const parts = concatParts(cx, n);
  if (parts.some((p) => p.kind === 'shape')) {
    const elems: Dim[] = [];
    for (const p of parts) {
      if (p.kind === 'shape' && !p.scalar) elems.push(...p.elems);
      else if (p.kind === 'const' && p.dims.length === 1) elems.push(...cx.intsOf(n, p, 'shape part'));
      else cx.nodeFail(n, 'ONNX017', `Concat of a shape with ${describeValue(p)}`, { expected: '1-D shape vectors' });
    }
    return shapeOrConst({ kind: 'shape', scalar: false, elems });
  }
  const cs = parts.map((p) => (p.kind === 'const' ? p : cx.nodeFail(n, 'ONNX017', `Concat of ${describeValue(p)}`, { expected: 'constants' })));
  const rank = cs[0].dims.length;
  const axis = cx.axis(n, cx.attrInt(n, 'axis', 0), rank);
  for (const c of cs) {
    if (c.dims.length !== rank || c.dims.some((d, i) => i !== axis && d !== cs[0].dims[i])) {
      cx.nodeFail(n, 'ONNX013', `Concat inputs [${c.dims.join(', ')}] and [${cs[0].dims.join(', ')}] differ off axis ${axis}`);
    }
  }
  return concatConst(cs, axis);
}

function concatFold(cx: ImportContext, n: OnnxNode): void {
  const parts = concatParts(cx, n);
  cx.set(n, 0, parts.some((p) => p.kind === 'fill') ? concatFills(cx, n, parts) : foldConcat(cx, n));
}

function concatAct(cx: ImportContext, n: OnnxNode): void {
  const parts = concatParts(cx, n);
  const acts = parts.filter((p): p is ActValue => p.kind === 'act');
  const rank = acts[0].axes.length;
  const axis = cx.axis(n, cx.attrInt(n, 'axis', 0), rank);
  const ok = acts.length === parts.length && acts.every((a) => a.axes.length === rank && a.axes[axis].role === '1');
  if (!ok) {
    cx.nodeFail(n, 'ONNX017', `Concat of ${parts.map(describeValue).join(' and ')} along axis ${axis}`, {
      expected: 'final states of stacked layers concatenated along their direction axis (PyTorch h_n), to pick one back out',
      hint: 'concatenating features from different layers has no tinyrnn equivalent',
    });
  }
  cx.folded++;
  cx.set(n, 0, { kind: 'stack', axis, parts: acts });
}

/** Which part a Gather or Slice picks out of a stack, and whether the stacking axis stays (as a singleton). */
function stackIndex(cx: ImportContext, n: OnnxNode, st: StackValue): { pick: number; keep: boolean } {
  const rank = st.parts[0].axes.length;
  const count = st.parts.length;
  if (n.opType === 'Gather') {
    const axis = cx.axis(n, cx.attrInt(n, 'axis', 0), rank);
    const ic = cx.needConst(n, 1, 'indices');
    const idx = cx.intsOf(n, ic, 'indices');
    if (axis !== st.axis || idx.length !== 1)
      cx.nodeFail(n, 'ONNX017', `Gather on axis ${axis} of a concatenation of layers' outputs along axis ${st.axis}`, {
        expected: `one index on axis ${st.axis}`,
      });
    return { pick: idx[0] < 0 ? idx[0] + count : idx[0], keep: ic.dims.length === 1 };
  }
  const ps = sliceParams(cx, n, rank);
  if (ps.length !== 1 || ps[0].axis !== st.axis)
    cx.nodeFail(n, 'ONNX017', `Slice of a concatenation of layers' outputs off its axis ${st.axis}`, { expected: `one slice on axis ${st.axis}` });
  const got = sliceIndices(count, ps[0].start, ps[0].end, ps[0].step);
  if (got.length !== 1) cx.nodeFail(n, 'ONNX017', `Slice takes ${got.length} of the concatenated layers' outputs`, { expected: 'exactly one' });
  return { pick: got[0], keep: true };
}

/** Gather/Slice of one part out of a concatenation of layer outputs (h_n[-1]). */
export function stackPick(cx: ImportContext, n: OnnxNode): void {
  const st = cx.need(n, 0, 'data');
  if (st.kind !== 'stack' || (n.opType !== 'Gather' && n.opType !== 'Slice' && n.opType !== 'Identity')) {
    cx.nodeFail(n, 'ONNX017', `${n.opType} of a concatenation of different layers' outputs`, {
      expected: 'picking one of them back out (Gather or Slice of one index, e.g. h_n[-1])',
      hint: 'a head that reads several layers at once has no tinyrnn equivalent',
    });
  }
  if (n.opType === 'Identity') return cx.set(n, 0, st);
  const { pick, keep } = stackIndex(cx, n, st);
  const count = st.parts.length;
  if (!(pick >= 0 && pick < count)) cx.nodeFail(n, 'ONNX013', `index ${pick} is out of range for ${count} concatenated outputs`);
  const part = st.parts[pick];
  const axes = part.axes.slice();
  if (keep) axes[st.axis] = { role: '1', size: 1 };
  else axes.splice(st.axis, 1);
  cx.out(n, part, axes);
}

export const Concat: OpHandler = { fold: concatFold, act: concatAct };
