// One node's evaluation: the input values decide whether the node is folded at import time
// (nothing in it depends on the model input) or mapped on model data, and the op's handler
// from the registry (ops/) does the work. Anything without a handler is refused here.

import { OnnxNode } from './codec';
import { ImportContext } from './context';
import { roundTo } from './fold';
import { SUPPORTED_OPS, opHandler } from './ops';
import { stackPick } from './ops/concat';
import { FillValue, MAX_FOLDED_ELEMENTS, MAX_FOLDED_TOTAL, ShapeLimitError } from './values';

export const RECURRENT_OPS = ['LSTM', 'GRU', 'RNN'];

/** A uniform tensor through a structural op: only its value matters (Cast rounds it). */
function passFill(cx: ImportContext, n: OnnxNode, first: FillValue): void {
  const op = n.opType;
  const value = op === 'Cast' && typeof first.value === 'number' ? roundTo(cx.attrInt(n, 'to', -1), first.value) : first.value;
  for (let k = 1; k < n.inputs.length; k++) cx.get(n, k);
  cx.set(n, 0, { kind: 'fill', dims: op === 'Identity' || op === 'Cast' ? first.dims : [], value });
}

/** Import-time evaluation (constants, shapes, fills). */
function foldNode(cx: ImportContext, n: OnnxNode): void {
  cx.folded++;
  const h = opHandler(n.opType);
  const first = n.inputs[0] ? cx.values.get(n.inputs[0]) : undefined;
  if (first?.kind === 'fill' && h?.keepsFill) return passFill(cx, n, first);
  if (!h?.fold)
    cx.nodeFail(n, 'ONNX010', `operator ${JSON.stringify(n.opType)} is not supported (on constants)`, { expected: `one of ${SUPPORTED_OPS.join(', ')}` });
  h.fold(cx, n);
}

function unsupportedHint(opType: string): string {
  if (opType === 'LogSoftmax') return 'tinyrnn heads end in softmax or plain logits: export the model without log_softmax (the predicted class is the same)';
  if (opType === 'Loop' || opType === 'Scan')
    return 'the exporter may have written a recurrent layer as a loop: export with the LSTM/GRU/RNN operators (PyTorch 2.x: torch.onnx.export(..., dynamo=False); tf2onnx rewrites Keras LSTM/GRU layers to them)';
  return 'tinyrnn imports recurrent layers (LSTM, GRU, RNN), dense heads (Gemm, MatMul+Add) and their activations, and folds shape plumbing';
}

/** An op on model data that no handler maps. */
function unsupported(cx: ImportContext, n: OnnxNode, known: boolean): never {
  cx.nodeFail(
    n,
    known ? 'ONNX017' : 'ONNX010',
    known ? `${n.opType} on model data has no exact IR equivalent` : `operator ${JSON.stringify(n.opType)} is not supported`,
    {
      expected: `one of ${SUPPORTED_OPS.join(', ')}`,
      hint: unsupportedHint(n.opType),
    },
  );
}

export function evalNode(cx: ImportContext, n: OnnxNode): void {
  if (n.domain !== '' && n.domain !== 'ai.onnx') {
    cx.nodeFail(n, 'ONNX010', `operator ${JSON.stringify(n.opType)} of domain ${JSON.stringify(n.domain)} is not supported`, {
      expected: `a standard ai.onnx operator: ${SUPPORTED_OPS.join(', ')}`,
    });
  }
  const ins = n.inputs.map((_, k) => cx.get(n, k));
  if (ins.some((v) => v?.kind === 'stack')) return stackPick(cx, n);
  // Every input is const, shape or fill: nothing depends on the model input.
  if (!ins.some((v) => v?.kind === 'act') && !RECURRENT_OPS.includes(n.opType)) return foldNode(cx, n);
  const h = opHandler(n.opType);
  if (!h?.act) return unsupported(cx, n, h !== undefined);
  h.act(cx, n);
}

/** evalNode, with sizes past the folding limits (values.ts) reported on the node (ONNX013): linear work, bounded memory. */
export function evalChecked(cx: ImportContext, n: OnnxNode): void {
  cx.work.add(1 + n.inputs.length + n.outputs.length);
  try {
    evalNode(cx, n);
    if (cx.foldedElements > MAX_FOLDED_TOTAL)
      throw new ShapeLimitError(`constants folded so far hold ${cx.foldedElements} elements, more than ${MAX_FOLDED_TOTAL}`);
  } catch (e) {
    if (!(e instanceof ShapeLimitError)) throw e;
    cx.nodeFail(n, 'ONNX013', e.message, { expected: `tensors of at most ${MAX_FOLDED_ELEMENTS} elements with non-negative integer sizes` });
  }
}
