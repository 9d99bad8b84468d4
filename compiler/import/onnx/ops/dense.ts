// MatMul and Gemm with a constant weight matrix on model data: dense layers. Also the helpers
// every handler that appends a dense layer shares (the contracted axis, per-feature constants).

import { DenseLayer } from '../../../core/ir/model';
import { OnnxNode } from '../codec';
import { ImportContext, OpHandler } from '../context';
import { ActValue, Axis, ConstValue, describeAxes, featureWidth } from '../values';

/** A dense layer K -> U with zero weights and biases and no activation. */
function zeroDense(name: string, K: number, U: number): DenseLayer {
  return { kind: 'dense', name, inputSize: K, units: U, w: new Float32Array(U * K), b: new Float32Array(U), activation: 'none' };
}

/** The identity U -> U, a carrier for a bias or an activation that follows no dense layer. */
export function identityDense(name: string, U: number): DenseLayer {
  const d = zeroDense(name, U, U);
  for (let u = 0; u < U; u++) d.w[u * U + u] = 1;
  return d;
}

/** The data's last axis must be its only feature axis (the one a matrix product contracts). */
export function contractAxis(cx: ImportContext, n: OnnxNode, a: ActValue, what: string): number {
  const last = a.axes[a.axes.length - 1];
  const fs = a.axes.filter((x) => x.role === 'F');
  if (fs.length > 1 || (fs.length === 1 && last !== fs[0])) {
    cx.nodeFail(n, 'ONNX017', `${what} on model data (${describeAxes(a.axes)}) whose features are not all on the last axis`, {
      expected: 'features on the last axis only',
    });
  }
  if (!last || (last.role !== 'F' && last.role !== '1'))
    cx.nodeFail(n, 'ONNX017', `${what} would contract the ${cx.role(last)} axis`, { expected: 'the feature axis' });
  return featureWidth(a);
}

export function appendDense(cx: ImportContext, n: OnnxNode, a: ActValue, dense: DenseLayer): void {
  const axes = a.axes.slice();
  axes[axes.length - 1] = dense.units === 1 ? { role: '1', size: 1 } : { role: 'F', size: dense.units };
  cx.out(n, a, axes, { layers: [...a.layers, dense], origins: [...a.origins, n.name || `#${n.index}`] });
}

/** The data's last (dense) layer replaced by `d`, which absorbs this node (a bias or an activation). */
export function replaceLast(cx: ImportContext, n: OnnxNode, a: ActValue, d: DenseLayer): void {
  cx.out(n, a, a.axes, {
    layers: [...a.layers.slice(0, -1), d],
    origins: [...a.origins.slice(0, -1), `${a.origins[a.origins.length - 1]}+${n.name || `#${n.index}`}`],
  });
}

/** A constant that broadcasts against the data only along its feature axis: returns the (U) vector. */
export function biasVector(cx: ImportContext, n: OnnxNode, c: ConstValue, axes: Axis[], U: number): Float64Array {
  if (c.dims.length > axes.length)
    cx.nodeFail(n, 'ONNX013', `constant of shape [${c.dims.join(', ')}] has more dimensions than the data (${describeAxes(axes)})`);
  const off = axes.length - c.dims.length;
  let fAxis = -1;
  c.dims.forEach((d, i) => {
    const x = axes[off + i];
    if (d === 1) return;
    if (x.role === 'F' && d === x.size) fAxis = i;
    else
      cx.nodeFail(n, 'ONNX017', `adding a constant of shape [${c.dims.join(', ')}] varies along the ${cx.role(x)} axis of the data (${describeAxes(axes)})`, {
        expected: `a bias of shape [${U}] (per feature)`,
      });
  });
  const v = new Float64Array(U);
  for (let u = 0; u < U; u++) v[u] = fAxis < 0 ? c.data[0] : c.data[u];
  return v;
}

function matmul(cx: ImportContext, n: OnnxNode): void {
  const a0 = cx.need(n, 0, 'A');
  if (a0.kind !== 'act') cx.nodeFail(n, 'ONNX017', 'MatMul with the model data on the right', { expected: 'data x constant weight matrix' });
  const a = cx.needAct(n, 0);
  const w = cx.needConst(n, 1, 'B');
  const K = contractAxis(cx, n, a, 'MatMul');
  if (w.dims.length !== 2 || w.dims[0] !== K) {
    cx.nodeFail(n, 'ONNX013', `weight matrix has shape [${w.dims.join(', ')}]`, { expected: `[${K}, units] (the data has ${K} features)` });
  }
  const U = w.dims[1];
  const d = zeroDense(n.name || `matmul_${n.index}`, K, U);
  for (let u = 0; u < U; u++) for (let k = 0; k < K; k++) d.w[u * K + k] = w.data[k * U + u];
  appendDense(cx, n, a, d);
}

function gemm(cx: ImportContext, n: OnnxNode): void {
  cx.rejectUnknownAttrs(n, ['alpha', 'beta', 'transA', 'transB']);
  const a = cx.needAct(n, 0);
  if (cx.attrInt(n, 'transA', 0) !== 0) cx.nodeFail(n, 'ONNX017', 'transA = 1 transposes the model data', { attr: 'transA', value: 1, expected: '0' });
  if (a.axes.length !== 2)
    cx.nodeFail(n, 'ONNX013', `Gemm input has rank ${a.axes.length} (${describeAxes(a.axes)})`, { expected: 'rank 2 (batch, features)' });
  const K = contractAxis(cx, n, a, 'Gemm');
  const w = cx.needConst(n, 1, 'B');
  const transB = cx.attrInt(n, 'transB', 0);
  const alpha = cx.attrFloat(n, 'alpha', 1);
  const beta = cx.attrFloat(n, 'beta', 1);
  if (w.dims.length !== 2 || w.dims[transB ? 1 : 0] !== K) {
    cx.nodeFail(n, 'ONNX013', `weight matrix has shape [${w.dims.join(', ')}] with transB ${transB}`, {
      expected: transB ? `[units, ${K}]` : `[${K}, units]`,
    });
  }
  const U = w.dims[transB ? 0 : 1];
  const d = zeroDense(n.name || `gemm_${n.index}`, K, U);
  for (let u = 0; u < U; u++) for (let k = 0; k < K; k++) d.w[u * K + k] = Math.fround(alpha * (transB ? w.data[u * K + k] : w.data[k * U + u]));
  const c = cx.constInput(n, 2, 'C');
  if (c) {
    const bias = biasVector(cx, n, c, [a.axes[0], { role: 'F', size: U }], U);
    for (let u = 0; u < U; u++) d.b[u] = Math.fround(beta * bias[u]);
  }
  appendDense(cx, n, a, d);
}

export const MatMul: OpHandler = { act: matmul };
export const Gemm: OpHandler = { act: gemm };
