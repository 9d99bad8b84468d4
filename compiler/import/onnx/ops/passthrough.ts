// Identity, Cast, Dropout: operators that pass their input through (Cast only between float
// types on model data; Dropout only in inference mode).

import { OnnxNode, dtypeName } from '../codec';
import { ImportContext, OpHandler } from '../context';
import { fullConst, roundTo } from '../fold';
import { ONNX_DTYPE } from '../schema';

function castFold(cx: ImportContext, n: OnnxNode): void {
  const v = cx.need(n, 0, 'input');
  const to = cx.attrInt(n, 'to', -1);
  if (v.kind === 'const') return cx.set(n, 0, { ...v, dtype: to, data: v.data.map((x) => roundTo(to, x)) });
  cx.set(n, 0, v); // a fill keeps its value; shape vectors are integers, and a cast between integer types keeps them
}

function dropoutFold(cx: ImportContext, n: OnnxNode): void {
  cx.set(n, 0, cx.need(n, 0, 'data'));
  if (n.outputs[1]) cx.set(n, 1, fullConst(ONNX_DTYPE.BOOL, [], 1));
}

function dropout(cx: ImportContext, n: OnnxNode): void {
  const a = cx.needLayoutAct(n, 0);
  const training = cx.constInput(n, 2, 'training_mode');
  if (training && training.data[0] !== 0) cx.nodeFail(n, 'ONNX017', 'Dropout in training mode', { expected: 'inference (training_mode false)' });
  if (n.outputs[1]) cx.set(n, 1, fullConst(ONNX_DTYPE.BOOL, [], 1));
  cx.out(n, a, a.axes);
}

function castAct(cx: ImportContext, n: OnnxNode): void {
  const a = cx.needLayoutAct(n, 0);
  const to = cx.attrInt(n, 'to', -1);
  if (to !== ONNX_DTYPE.FLOAT && to !== ONNX_DTYPE.DOUBLE) {
    cx.nodeFail(n, 'ONNX017', `Cast of model data to ${dtypeName(to)}`, {
      attr: 'to',
      value: dtypeName(to),
      expected: 'FLOAT or DOUBLE (a no-op for tinyrnn)',
    });
  }
  cx.out(n, a, a.axes);
}

export const Identity: OpHandler = {
  fold: (cx, n) => cx.set(n, 0, cx.need(n, 0, 'input')),
  act: (cx, n) => cx.set(n, 0, cx.needLayoutAct(n, 0)),
  keepsFill: true,
  layoutOnly: true,
};
export const Cast: OpHandler = { fold: castFold, act: castAct, keepsFill: true, layoutOnly: true };
export const Dropout: OpHandler = { fold: dropoutFold, act: dropout, keepsFill: true, layoutOnly: true };
