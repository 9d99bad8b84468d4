// Add, Sub, Mul, Div, Equal: at import time on constants (and shape vectors). On model data, a
// constant bias after a layer (folded into the last dense layer or carried by an identity one),
// and before the first layer the input normalisation (x - mean) / std.

import { DenseLayer } from '../../../core/ir/model';
import { OnnxNode } from '../codec';
import { ImportContext, OpHandler } from '../context';
import { binary, shapeToConst } from '../fold';
import { ActValue, ConstValue, Value, describeValue } from '../values';
import { appendDense, biasVector, contractAxis, identityDense, replaceLast } from './dense';

function binaryFold(cx: ImportContext, n: OnnxNode): void {
  const a = cx.need(n, 0, 'A');
  const b = cx.need(n, 1, 'B');
  const ac = a.kind === 'shape' ? shapeToConst(a) : a;
  const bc = b.kind === 'shape' ? shapeToConst(b) : b;
  if (ac?.kind !== 'const' || bc?.kind !== 'const') {
    cx.nodeFail(n, 'ONNX017', `${n.opType} on ${describeValue(a)} and ${describeValue(b)} needs the run-time sequence shape`, {
      expected: 'arithmetic on constants',
      hint: 'export with shapes that do not compute on the sequence length, or with fixed shapes',
    });
  }
  const r = binary(n.opType, ac, bc);
  if (!r) cx.nodeFail(n, 'ONNX013', `shapes [${ac.dims.join(', ')}] and [${bc.dims.join(', ')}] do not broadcast`);
  cx.set(n, 0, r);
}

function addBias(cx: ImportContext, n: OnnxNode): void {
  const v0 = cx.need(n, 0, 'A');
  const v1 = cx.need(n, 1, 'B');
  let a: ActValue, cv: Value;
  if (v0.kind === 'act' && v1.kind !== 'act') [a, cv] = [cx.needAct(n, 0), v1];
  else if (v1.kind === 'act' && v0.kind !== 'act' && n.opType === 'Add') [a, cv] = [cx.needAct(n, 1), v0];
  else
    cx.nodeFail(n, 'ONNX017', `${n.opType} of ${describeValue(v0)} and ${describeValue(v1)}`, {
      expected: 'model data plus a constant bias',
      hint: 'residual connections and other data-data arithmetic have no tinyrnn layer',
    });
  if (cv.kind !== 'const') cx.nodeFail(n, 'ONNX017', `${n.opType} of model data and ${describeValue(cv)}`, { expected: 'a constant bias' });
  if (a.layers.length === 0) return normalizeStep(cx, n, a, n.opType as 'Add' | 'Sub', cv);
  const U = contractAxis(cx, n, a, n.opType);
  const bias = biasVector(cx, n, cv, a.axes, U);
  const sign = n.opType === 'Sub' ? -1 : 1;
  const last = a.layers[a.layers.length - 1];
  if (last && last.kind === 'dense' && last.activation === 'none') {
    const d: DenseLayer = { ...last, b: last.b.slice() };
    for (let u = 0; u < U; u++) d.b[u] = Math.fround(d.b[u] + sign * bias[u]);
    return replaceLast(cx, n, a, d);
  }
  const d = identityDense(n.name || `bias_${n.index}`, U);
  for (let u = 0; u < U; u++) d.b[u] = Math.fround(sign * bias[u]);
  appendDense(cx, n, a, d);
}

/** Mul/Div by a constant: only as part of the input normalisation, before the first layer. */
function scaleInput(cx: ImportContext, n: OnnxNode): void {
  const v0 = cx.need(n, 0, 'A');
  const v1 = cx.need(n, 1, 'B');
  const dataFirst = v0.kind === 'act';
  const a = dataFirst ? cx.needAct(n, 0) : n.opType === 'Mul' && v1.kind === 'act' ? cx.needAct(n, 1) : undefined;
  const cv = dataFirst ? v1 : v0;
  if (!a || cv.kind !== 'const' || a.layers.length > 0) {
    cx.nodeFail(n, 'ONNX017', `${n.opType} of ${describeValue(v0)} and ${describeValue(v1)}`, {
      expected: 'scaling of the model input by a per-feature constant (input normalisation, before the first layer)',
      hint: 'scaling inside the network has no exact tinyrnn layer',
    });
  }
  normalizeStep(cx, n, a, n.opType as 'Mul' | 'Div', cv);
}

/** Folds (x + c), (x - c), (x * c), (x / c) on the raw input into the model's normalisation (x - mean) / std. */
function normalizeStep(cx: ImportContext, n: OnnxNode, a: ActValue, op: 'Add' | 'Sub' | 'Mul' | 'Div', c: ConstValue): void {
  const axes = a.axes.map((x) => ({ ...x }));
  const last = axes[axes.length - 1];
  if (last.role === 'F' && last.size === undefined) {
    const d = c.dims[c.dims.length - 1];
    if (d === undefined || d <= 1)
      cx.nodeFail(n, 'ONNX013', 'the number of input features is not known', { expected: 'a graph input with a fixed feature dimension' });
    last.size = d;
  }
  const F = contractAxis(cx, n, { ...a, axes }, n.opType);
  const v = biasVector(cx, n, c, axes, F);
  const mean = a.norm ? a.norm.mean.slice() : new Float64Array(F);
  const std = a.norm ? a.norm.std.slice() : new Float64Array(F).fill(1);
  for (let f = 0; f < F; f++) {
    if ((op === 'Mul' || op === 'Div') && !(v[f] > 0 && Number.isFinite(v[f]))) {
      cx.nodeFail(n, 'ONNX017', `input scale ${v[f]} for feature ${f}`, { value: v[f], expected: 'a positive finite per-feature scale' });
    }
    if (op === 'Add') mean[f] -= v[f] * std[f];
    else if (op === 'Sub') mean[f] += v[f] * std[f];
    else if (op === 'Mul') std[f] /= v[f];
    else std[f] *= v[f];
  }
  cx.out(n, a, axes, { norm: { mean, std } });
}

export const Add: OpHandler = { fold: binaryFold, act: addBias };
export const Sub: OpHandler = { fold: binaryFold, act: addBias };
export const Mul: OpHandler = { fold: binaryFold, act: scaleInput };
export const Div: OpHandler = { fold: binaryFold, act: scaleInput };
export const Equal: OpHandler = { fold: binaryFold };
