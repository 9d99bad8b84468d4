// Operator parameters several handlers read the same way: Slice's starts/ends/axes/steps and
// Squeeze/Unsqueeze's axes (attributes before an opset, inputs from it), and "the last index".

import { OnnxNode } from '../codec';
import { ImportContext } from '../context';

export interface SliceParam {
  axis: number;
  start: number;
  end: number;
  step: number;
}

/** starts, ends, axes, steps of a Slice node (attributes before opset 10, inputs from 10). */
export function sliceParams(cx: ImportContext, n: OnnxNode, rank: number): SliceParam[] {
  let starts: number[], ends: number[], axes: number[] | undefined, steps: number[] | undefined;
  if (cx.opset < 10) {
    starts = cx.attrInts(n, 'starts') ?? cx.nodeFail(n, 'ONNX012', 'Slice needs starts', { attr: 'starts' });
    ends = cx.attrInts(n, 'ends') ?? cx.nodeFail(n, 'ONNX012', 'Slice needs ends', { attr: 'ends' });
    axes = cx.attrInts(n, 'axes');
  } else {
    starts = cx.intsOf(n, cx.needConst(n, 1, 'starts'), 'starts');
    ends = cx.intsOf(n, cx.needConst(n, 2, 'ends'), 'ends');
    const a = cx.constInput(n, 3, 'axes');
    axes = a ? cx.intsOf(n, a, 'axes') : undefined;
    const s = cx.constInput(n, 4, 'steps');
    steps = s ? cx.intsOf(n, s, 'steps') : undefined;
  }
  const ax = axes ?? starts.map((_, i) => i);
  if (ends.length !== starts.length || ax.length !== starts.length || (steps && steps.length !== starts.length)) {
    cx.nodeFail(n, 'ONNX013', 'starts, ends, axes and steps differ in length');
  }
  return starts.map((start, i) => {
    const step = steps?.[i] ?? 1;
    if (step === 0) cx.nodeFail(n, 'ONNX013', 'a Slice step is 0');
    return { axis: cx.axis(n, ax[i], rank), start, end: ends[i], step };
  });
}
/** Axes of Squeeze/Unsqueeze: attribute before opset 13, input from 13. */
export function squeezeAxes(cx: ImportContext, n: OnnxNode): number[] | undefined {
  if (cx.opset >= 13) {
    const c = cx.constInput(n, 1, 'axes');
    if (n.attrs.has('axes')) cx.nodeFail(n, 'ONNX011', `axes is an input from opset 13 (this model is opset ${cx.opset})`, { attr: 'axes' });
    return c ? cx.intsOf(n, c, 'axes') : undefined;
  }
  if (n.inputs.length > 1 && n.inputs[1])
    cx.nodeFail(n, 'ONNX011', `axes is an attribute before opset 13 (this model is opset ${cx.opset})`, { expected: 'the axes attribute' });
  return cx.attrInts(n, 'axes');
}
export function isLastIndex(i: number, len: number | undefined): boolean {
  return i === -1 || (len !== undefined && i === len - 1);
}
