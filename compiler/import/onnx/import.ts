// ONNX graph -> FloatModel: the driver. The graph is walked in dependency order and every value
// is tracked abstractly (values.ts, context.ts): shape plumbing is folded to constants, and the
// tensors computed from the model input are followed through recurrent nodes, dense layers and
// activations, each becoming an IR layer. Each op's handling lives in one module under ops/
// (registry ops/index.ts, dispatch in dispatch.ts); the graph's inputs are read in input.ts, the
// outputs to import chosen in outputs.ts, and they become the model in result.ts (one output, or
// the final states of one node). Every operator/attribute combination that is not mapped exactly
// is refused with the node's index, name, op type and attribute, and what is supported.
//
// Diagnostic codes:
//   ONNX001 the bytes are not an ONNX protobuf (truncated, not ONNX)
//   ONNX002 no graph in the file
//   ONNX003 operator set: domain or version outside what tinyrnn reads (ai.onnx 7..22)
//   ONNX004 tensor data type not supported
//   ONNX005 tensor data does not match its dims
//   ONNX010 operator tinyrnn does not map (unknown op, custom domain)
//   ONNX011 attribute value not supported (direction reverse, non-default activations, ...)
//   ONNX012 a value is used but never defined (missing initializer or node output)
//   ONNX013 shapes do not fit (weights vs hidden_size, dense input width, axes out of range)
//   ONNX014 the graph's inputs/outputs are not one sequence in, one tensor out
//   ONNX015 sequence_lens that is not the full length of every sequence
//   ONNX016 initial state that is not zero
//   ONNX017 an operation on model data that has no exact IR equivalent
//   ONNX018 the chosen output is not a per-step or last-step model output nor final states
//           (Y_h, Y_c) of the last node, or final states feed a further layer
//   ONNX019 the graph has a cycle
//   ONNX020 external tensor data
//

import { OnnxModel, decodeOnnx } from './codec';
import { ImportContext } from './context';
import { evalChecked } from './dispatch';
import { neededNodes, topoOrder } from './graph';
import { bindModelInput } from './input';
import { ImportOptions, ImportResult } from './options';
import { chooseOutputs } from './outputs';
import { finish } from './result';
import { foldUnrolledRnns } from './unrolled';

export { MIN_OPSET, MAX_OPSET } from './context';
export { SUPPORTED_OPS } from './ops';
export type { ImportOptions, ImportResult, ImportedLayer, OutputSlice } from './options';

/** Imports a decoded ONNX model. Throws TinyrnnError (codes ONNX0xx) when it cannot map it exactly. */
export function importOnnxModel(m: OnnxModel, opts: ImportOptions = {}): ImportResult {
  const { model, folded } = foldUnrolledRnns(m, opts.work);
  const cx: ImportContext = new ImportContext(model, opts.work);
  cx.unrolled.push(...folded);
  const input = bindModelInput(cx, opts.bind ?? {});
  const { names, ignored } = chooseOutputs(cx, opts);
  const order = topoOrder(cx);
  const needed = new Set<number>();
  for (const name of names) for (const k of neededNodes(cx, name)) needed.add(k);
  for (const n of order) if (needed.has(n.index)) evalChecked(cx, n);
  const outs = names.map((name) => {
    const value = cx.values.get(name);
    if (!value) cx.fail('ONNX012', `graph.output ${JSON.stringify(name)}`, 'the output is never computed', { hint: 'no node produces it' });
    return { name, value };
  });
  return finish(cx, opts, input, outs, ignored, { needed: needed.size, total: order.length });
}

/** Decodes and imports the bytes of an .onnx file. */
export function importOnnx(bytes: Uint8Array, opts: ImportOptions = {}): ImportResult {
  return importOnnxModel(decodeOnnx(bytes, opts.work), opts);
}
