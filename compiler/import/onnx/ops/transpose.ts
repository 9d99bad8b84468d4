// Transpose: at import time on constants; on model data, any permutation that keeps the
// feature axes in their order (so the feature vector stays the last layer's output).

import { OnnxNode } from '../codec';
import { ImportContext, OpHandler } from '../context';
import { transposeConst } from '../fold';
import { Axis, describeAxes } from '../values';

function transposeFold(cx: ImportContext, n: OnnxNode): void {
  const v = cx.needConst(n, 0, 'data');
  const perm = cx.attrInts(n, 'perm') ?? v.dims.map((_, i) => v.dims.length - 1 - i);
  cx.set(
    n,
    0,
    transposeConst(
      v,
      perm.map((p) => cx.axis(n, p, v.dims.length, 'perm entry')),
    ),
  );
}

function checkFeatureOrder(cx: ImportContext, n: OnnxNode, axes: Axis[], before: Axis[]): void {
  const fb = before.filter((x) => x.role === 'F');
  const fa = axes.filter((x) => x.role === 'F');
  if (fb.some((x, i) => x !== fa[i])) {
    cx.nodeFail(n, 'ONNX017', `reorders feature axes (${describeAxes(before)} -> ${describeAxes(axes)})`, {
      expected: 'feature axes kept in order (a bidirectional Y as (T, B, 2, H) -> (T, B, 2H))',
    });
  }
}

function transposeAct(cx: ImportContext, n: OnnxNode): void {
  const a = cx.needLayoutAct(n, 0);
  const rank = a.axes.length;
  const perm = (cx.attrInts(n, 'perm') ?? a.axes.map((_, i) => rank - 1 - i)).map((p) => cx.axis(n, p, rank, 'perm entry'));
  if (perm.length !== rank || new Set(perm).size !== rank)
    cx.nodeFail(n, 'ONNX013', `perm [${perm.join(', ')}] is not a permutation of rank ${rank}`, { attr: 'perm' });
  const axes = perm.map((p) => a.axes[p]);
  checkFeatureOrder(cx, n, axes, a.axes);
  cx.out(n, a, axes);
}

export const Transpose: OpHandler = { fold: transposeFold, act: transposeAct, keepsFill: true, layoutOnly: true };
