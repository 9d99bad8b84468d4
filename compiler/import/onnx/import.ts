// ONNX graph -> FloatModel: the driver. The graph is walked in dependency order and every value
// is tracked abstractly (values.ts, context.ts): shape plumbing is folded to constants, and the
// tensors computed from the model input are followed through recurrent nodes, dense layers and
// activations, each becoming an IR layer. Each op's handling lives in one module under ops/
// (registry ops/index.ts, dispatch in dispatch.ts); the graph's inputs are read in input.ts and
// the chosen outputs become the model in result.ts (one output, or the final states of one node). Every operator/attribute combination that
// is not mapped exactly is refused with the node's index, name, op type and attribute, and what
// is supported.
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

import { TinyrnnError } from '../../core/ir/errors';
import { OnnxModel, decodeOnnx } from './codec';
import { ImportContext } from './context';
import { evalChecked } from './dispatch';
import { neededNodes, topoOrder } from './graph';
import { ModelInput, bindModelInput } from './input';
import { ImportOptions, ImportResult } from './options';
import { ChosenOutput, finish } from './result';
import { FinalPart } from '../../core/ir/model';
import { FinalState } from './values';
import { foldUnrolledRnns } from './unrolled';

export { MIN_OPSET, MAX_OPSET } from './context';
export { SUPPORTED_OPS } from './ops';
export type { ImportOptions, ImportResult, ImportedLayer, OutputSlice } from './options';

/** The graph outputs `opts.output` names, each once, each a graph output. */
function requestedOutputs(cx: ImportContext, output: string | readonly string[]): string[] {
  const outs = cx.m.graph.outputs.map((o) => o.name);
  const names = typeof output === 'string' ? [output] : [...output];
  if (names.length === 0) cx.fail('ONNX014', 'graph.output', 'no graph output is named', { expected: `one or more of ${outs.join(', ')}` });
  names.forEach((name, k) => {
    if (!outs.includes(name)) cx.fail('ONNX014', 'graph.output', `no graph output is named ${JSON.stringify(name)}`, { expected: outs.join(', ') });
    if (names.indexOf(name) !== k) cx.fail('ONNX014', 'graph.output', `graph output ${JSON.stringify(name)} is named twice`, { expected: 'each output once' });
  });
  return names;
}

/** One walk of the graph: the nodes the outputs `names` need, evaluated in dependency order. */
interface Walk {
  cx: ImportContext;
  input: ModelInput;
  outs: ChosenOutput[];
  counts: { needed: number; total: number };
}

function walk(m: OnnxModel, folded: string[], opts: ImportOptions, names: (cx: ImportContext) => string[]): Walk {
  const cx: ImportContext = new ImportContext(m, opts.work);
  cx.unrolled.push(...folded);
  const input = bindModelInput(cx, opts.bind ?? {});
  const outNames = names(cx);
  const order = topoOrder(cx);
  const needed = new Set<number>();
  for (const name of outNames) for (const k of neededNodes(cx, name)) needed.add(k);
  for (const n of order) if (needed.has(n.index)) evalChecked(cx, n);
  const outs = outNames.map((name) => {
    const value = cx.values.get(name);
    if (!value) cx.fail('ONNX012', `graph.output ${JSON.stringify(name)}`, 'the output is never computed', { hint: 'no node produces it' });
    return { name, value };
  });
  return { cx, input, outs, counts: { needed: needed.size, total: order.length } };
}

/** The final state (Y_h/Y_c) a chosen output is, if it is one. */
function stateOf(o: ChosenOutput): FinalState | undefined {
  return o.value.kind === 'act' ? o.value.state : undefined;
}

/** All the outputs are distinct final states of one node. */
function oneNodesStates(outs: ChosenOutput[]): boolean {
  const states = outs.map(stateOf);
  return states.every((s) => s && s.node === states[0]?.node) && new Set(states.map((s) => s?.part)).size === states.length;
}

/** The --output that would import the final states among the ignored outputs (those of the node most of them come from). */
function statesHint(ignored: ChosenOutput[]): string | undefined {
  const byNode = new Map<string, Map<FinalPart, string>>();
  for (const o of ignored) {
    const s = stateOf(o);
    if (!s) continue;
    const parts = byNode.get(s.node) ?? new Map<FinalPart, string>();
    if (!parts.has(s.part)) parts.set(s.part, o.name);
    byNode.set(s.node, parts);
  }
  const best = [...byNode.entries()].sort((a, b) => b[1].size - a[1].size)[0];
  return best && `--output ${[...best[1].values()].join(',')} imports the final states of ${best[0]} instead`;
}

function graphOutputs(cx: ImportContext): string[] {
  const outs = cx.m.graph.outputs;
  if (outs.length === 0) cx.fail('ONNX014', 'graph.output', 'the graph has no outputs', { expected: 'at least one output' });
  return outs.map((o) => o.name);
}

/**
 * With no --output: all the graph outputs when they are the final states of one node, else the
 * first (the others reported, with the --output that imports the final states among them).
 */
function importDefault(m: OnnxModel, folded: string[], opts: ImportOptions): ImportResult {
  if (m.graph.outputs.length > 1) {
    let all: Walk | undefined;
    try {
      all = walk(m, folded, opts, graphOutputs);
    } catch (e) {
      if (!(e instanceof TinyrnnError)) throw e;
    }
    if (all && oneNodesStates(all.outs)) return finish(all.cx, opts, all.input, all.outs, { names: [] }, all.counts);
    const hint = all && statesHint(all.outs.slice(1));
    const w = walk(m, folded, opts, (cx) => graphOutputs(cx).slice(0, 1));
    const names = m.graph.outputs.slice(1).map((o) => o.name);
    return finish(w.cx, opts, w.input, w.outs, { names, ...(hint ? { hint } : {}) }, w.counts);
  }
  const w = walk(m, folded, opts, (cx) => graphOutputs(cx).slice(0, 1));
  return finish(w.cx, opts, w.input, w.outs, { names: [] }, w.counts);
}

/** Imports a decoded ONNX model. Throws TinyrnnError (codes ONNX0xx) when it cannot map it exactly. */
export function importOnnxModel(m: OnnxModel, opts: ImportOptions = {}): ImportResult {
  const { model, folded } = foldUnrolledRnns(m, opts.work);
  const { output } = opts;
  if (output === undefined) return importDefault(model, folded, opts);
  const w = walk(model, folded, opts, (cx) => requestedOutputs(cx, output));
  const chosen = new Set(w.outs.map((o) => o.name));
  const names = model.graph.outputs.map((o) => o.name).filter((o) => !chosen.has(o));
  return finish(w.cx, opts, w.input, w.outs, { names }, w.counts);
}

/** Decodes and imports the bytes of an .onnx file. */
export function importOnnx(bytes: Uint8Array, opts: ImportOptions = {}): ImportResult {
  return importOnnxModel(decodeOnnx(bytes, opts.work), opts);
}
