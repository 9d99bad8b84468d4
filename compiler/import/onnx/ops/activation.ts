// Relu, Sigmoid, Tanh, Softmax on model data: the activation of the last dense layer, or of an
// identity dense layer after a recurrent one.

import { DenseActivation } from '../../../core/ir/model';
import { OnnxNode } from '../codec';
import { ImportContext, OpHandler } from '../context';
import { describeAxes } from '../values';
import { appendDense, contractAxis, identityDense, replaceLast } from './dense';

function activation(cx: ImportContext, n: OnnxNode, act: DenseActivation): void {
  const a = cx.needAct(n, 0);
  const U = contractAxis(cx, n, a, n.opType);
  const last = a.layers[a.layers.length - 1];
  if (last && last.kind === 'dense' && last.activation === 'none') {
    return replaceLast(cx, n, a, { ...last, activation: act });
  }
  if (a.layers.length === 0)
    cx.nodeFail(n, 'ONNX017', `${n.opType} applied to the raw model input`, { expected: 'an activation after a dense or recurrent layer' });
  const d = identityDense(n.name || `${act}_${n.index}`, U);
  d.activation = act;
  appendDense(cx, n, a, d);
}

function softmax(cx: ImportContext, n: OnnxNode): void {
  const a = cx.needAct(n, 0);
  const rank = a.axes.length;
  const axis = cx.axis(n, cx.attrInt(n, 'axis', cx.opset >= 13 ? -1 : 1), rank);
  // Before opset 13 Softmax flattens the axes from `axis` on into one; from 13 it is one axis.
  const covered = cx.opset >= 13 ? [a.axes[axis]] : a.axes.slice(axis);
  const fs = a.axes.filter((x) => x.role === 'F');
  if (covered.some((x) => x.role !== 'F' && x.role !== '1') || fs.some((x) => !covered.includes(x))) {
    cx.nodeFail(n, 'ONNX017', `Softmax over axis ${axis} of model data (${describeAxes(a.axes)})`, {
      attr: 'axis',
      value: axis,
      expected: 'the feature axis',
    });
  }
  activation(cx, n, 'softmax');
}

export const Relu: OpHandler = { act: (cx, n) => activation(cx, n, 'relu') };
export const Sigmoid: OpHandler = { act: (cx, n) => activation(cx, n, 'sigmoid') };
export const Tanh: OpHandler = { act: (cx, n) => activation(cx, n, 'tanh') };
export const Softmax: OpHandler = { act: softmax };
