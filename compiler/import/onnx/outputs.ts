// Which graph outputs an import makes the model of, decided from the graph's structure before the
// walk: the ones --output names (ImportOptions.output), else all of them when they are the final
// states (Y_h, Y_c) of one recurrent node, or when the first is that node's per-step output Y and
// the others its final states ([Y, Y_h, Y_c]), else the first (the others reported, with the
// --output that would import the final states among them). The walk then checks each exactly (result.ts).

import { FinalPart } from '../../core/ir/model';
import { OnnxNode } from './codec';
import { ImportContext, where } from './context';
import { RECURRENT_OPS } from './dispatch';
import { opHandler } from './ops';
import { IgnoredOutputs, ImportOptions } from './options';

type Producers = Map<string, OnnxNode>;

function producers(cx: ImportContext): Producers {
  const producer: Producers = new Map();
  for (const n of cx.m.graph.nodes) for (const o of n.outputs) if (o) producer.set(o, n);
  return producer;
}

/** The recurrent node and output (0 Y, 1 Y_h, 2 Y_c) a tensor comes straight from (through layout-only ops), if it does. */
function traceOutput(cx: ImportContext, producer: Producers, name: string): { node: OnnxNode; k: number } | undefined {
  const seen = new Set<string>();
  for (let t = name; !seen.has(t);) {
    seen.add(t);
    cx.work.add(1);
    const n = producer.get(t);
    if (!n) return undefined;
    if (RECURRENT_OPS.includes(n.opType)) return { node: n, k: n.outputs.indexOf(t) };
    if (!opHandler(n.opType)?.layoutOnly || !n.inputs[0]) return undefined;
    t = n.inputs[0];
  }
  return undefined;
}

/** The recurrent node and final state a tensor comes straight from (through layout-only ops), if it does. */
function traceState(cx: ImportContext, producer: Producers, name: string): { node: OnnxNode; part: FinalPart } | undefined {
  const o = traceOutput(cx, producer, name);
  if (!o) return undefined;
  return o.k === 1 ? { node: o.node, part: 'h' } : o.k === 2 && o.node.opType === 'LSTM' ? { node: o.node, part: 'c' } : undefined;
}

/** True when `first` is the per-step output Y of the node whose final states are all of `rest`. */
function isYWithStates(cx: ImportContext, first: string, rest: string[]): boolean {
  const y = traceOutput(cx, producers(cx), first);
  const states = rest.length > 0 ? statesOfOneNode(cx, rest) : undefined;
  return y?.k === 0 && states?.node === y.node && states.names.length === rest.length;
}

/** The graph outputs `output` names, each once, each a graph output. */
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

/** The names, one per final state, of the node most of `names` are final states of (graph order), with that node. */
function statesOfOneNode(cx: ImportContext, names: string[]): { node: OnnxNode; names: string[] } | undefined {
  const producer = producers(cx);
  const byNode = new Map<OnnxNode, Map<FinalPart, string>>();
  for (const name of names) {
    const s = traceState(cx, producer, name);
    if (!s) continue;
    const parts = byNode.get(s.node) ?? new Map<FinalPart, string>();
    if (!parts.has(s.part)) parts.set(s.part, name);
    byNode.set(s.node, parts);
  }
  const best = [...byNode.entries()].sort((a, b) => b[1].size - a[1].size)[0];
  return best && { node: best[0], names: [...best[1].values()] };
}

/** The graph outputs to import, and the ones left out. */
export function chooseOutputs(cx: ImportContext, opts: ImportOptions): { names: string[]; ignored: IgnoredOutputs } {
  const all = cx.m.graph.outputs.map((o) => o.name);
  if (all.length === 0) cx.fail('ONNX014', 'graph.output', 'the graph has no outputs', { expected: 'at least one output' });
  if (opts.output !== undefined) {
    const names = requestedOutputs(cx, opts.output);
    return { names, ignored: { names: all.filter((o) => !names.includes(o)) } };
  }
  if (all.length > 1 && statesOfOneNode(cx, all)?.names.length === all.length) return { names: all, ignored: { names: [] } };
  const rest = all.slice(1);
  if (isYWithStates(cx, all[0], rest)) return { names: all, ignored: { names: [] } };
  const states = statesOfOneNode(cx, rest);
  const hint = states && `--output ${states.names.join(',')} imports the final states of ${where(states.node)} instead`;
  return { names: all.slice(0, 1), ignored: { names: rest, ...(hint ? { hint } : {}) } };
}
