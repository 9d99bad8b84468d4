// Constant, ConstantOfShape, ConstantFill: tensors made at import time (only ever folded).

import { OnnxNode } from '../codec';
import { ImportContext, OpHandler } from '../context';
import { constOf, fullConst, roundTo, shapeToConst } from '../fold';
import { ONNX_DTYPE } from '../schema';
import { ConstValue, Dim, describeValue } from '../values';

function constant(cx: ImportContext, n: OnnxNode): void {
  const a = [...n.attrs.values()][0];
  if (!a || n.attrs.size !== 1) cx.nodeFail(n, 'ONNX011', 'Constant needs exactly one value attribute', { expected: 'value, value_float(s) or value_int(s)' });
  let c: ConstValue;
  if (a.name === 'value' && a.t) c = constOf(a.t.dtype, a.t.dims, a.t.data);
  else if (a.name === 'value_float' && a.f !== undefined) c = constOf(ONNX_DTYPE.FLOAT, [], [a.f]);
  else if (a.name === 'value_floats') c = constOf(ONNX_DTYPE.FLOAT, [a.floats?.length ?? 0], a.floats ?? []);
  else if (a.name === 'value_int' && a.i !== undefined) c = constOf(ONNX_DTYPE.INT64, [], [a.i]);
  else if (a.name === 'value_ints') c = constOf(ONNX_DTYPE.INT64, [a.ints?.length ?? 0], a.ints ?? []);
  else
    cx.nodeFail(n, 'ONNX011', `Constant with attribute ${JSON.stringify(a.name)} is not supported`, {
      attr: a.name,
      expected: 'value, value_float(s) or value_int(s)',
    });
  cx.set(n, 0, c);
}

function constantOfShape(cx: ImportContext, n: OnnxNode): void {
  const a = n.attrs.get('value');
  if (a && (!a.t || a.t.data.length !== 1))
    cx.nodeFail(n, 'ONNX011', 'value must be a one-element tensor', { attr: 'value', expected: 'a TENSOR attribute with one element' });
  const value = a?.t ? a.t.data[0] : 0;
  const dtype = a?.t ? a.t.dtype : ONNX_DTYPE.FLOAT;
  const s = cx.need(n, 0, 'shape');
  if (s.kind === 'shape') {
    const c = shapeToConst(s);
    if (!c) return cx.set(n, 0, { kind: 'fill', dims: s.elems, value });
    return cx.set(n, 0, fullConst(dtype, cx.intsOf(n, c, 'shape'), value));
  }
  if (s.kind !== 'const') cx.nodeFail(n, 'ONNX017', `shape input is ${describeValue(s)}`, { expected: 'a shape' });
  cx.set(n, 0, fullConst(dtype, cx.intsOf(n, s, 'shape'), value));
}

/** The dims of a ConstantFill: from its shape input, the input's own dims, or the shape attribute. */
function constantFillDims(cx: ImportContext, n: OnnxNode): Dim[] {
  const s = cx.get(n, 0);
  if (cx.attrInt(n, 'input_as_shape', 0)) {
    if (!s || (s.kind !== 'shape' && s.kind !== 'const')) cx.nodeFail(n, 'ONNX017', 'input_as_shape needs a shape input', { attr: 'input_as_shape' });
    return s.kind === 'shape' ? s.elems : cx.intsOf(n, s, 'shape');
  }
  if (s) return s.kind === 'const' || s.kind === 'fill' ? s.dims : cx.nodeFail(n, 'ONNX017', `ConstantFill shaped like ${describeValue(s)}`);
  return cx.attrInts(n, 'shape') ?? [];
}

/** Experimental ONNX op of opset <= 8 exporters (PyTorch at opset 7/8 builds zero states with it). */
function constantFill(cx: ImportContext, n: OnnxNode): void {
  cx.rejectUnknownAttrs(n, ['dtype', 'value', 'input_as_shape', 'shape', 'extra_shape']);
  const value = cx.attrFloat(n, 'value', 0);
  const dtype = cx.attrInt(n, 'dtype', ONNX_DTYPE.FLOAT);
  const extra = cx.attrInts(n, 'extra_shape') ?? [];
  const dims = [...constantFillDims(cx, n), ...extra];
  if (dims.every((d): d is number => typeof d === 'number')) return cx.set(n, 0, fullConst(dtype, dims, roundTo(dtype, value)));
  cx.set(n, 0, { kind: 'fill', dims, value: roundTo(dtype, value) });
}

export const Constant: OpHandler = { fold: constant };
export const ConstantOfShape: OpHandler = { fold: constantOfShape };
export const ConstantFill: OpHandler = { fold: constantFill };
