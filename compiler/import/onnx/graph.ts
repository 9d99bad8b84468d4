// The graph walk: nodes in dependency order (refusing cycles) and the nodes an output needs.
// Values known before the walk (initializers, bound inputs) are not edges.

import { OnnxNode } from './codec';
import { ImportContext } from './context';

export function topoOrder(cx: ImportContext): OnnxNode[] {
  const nodes = cx.m.graph.nodes;
  const producer = new Map<string, number>();
  nodes.forEach((n) => n.outputs.forEach((o) => o && producer.set(o, n.index)));
  const indeg = nodes.map(() => 0);
  const users: number[][] = nodes.map(() => []);
  nodes.forEach((n) => {
    cx.work.add(1 + n.inputs.length + n.outputs.length);
    for (const i of new Set(n.inputs)) {
      const p = i ? producer.get(i) : undefined;
      if (p !== undefined && !cx.values.has(i)) {
        indeg[n.index]++;
        users[p].push(n.index);
      }
    }
  });
  const ready = nodes.filter((n) => indeg[n.index] === 0).map((n) => n.index);
  const out: OnnxNode[] = [];
  for (let q = 0; q < ready.length; q++) {
    const k = ready[q];
    out.push(nodes[k]);
    for (const u of users[k]) if (--indeg[u] === 0) ready.push(u);
  }
  if (out.length !== nodes.length) {
    const stuck = nodes.find((n) => indeg[n.index] > 0) as OnnxNode;
    cx.nodeFail(stuck, 'ONNX019', 'the graph has a cycle through this node', { expected: 'an acyclic graph' });
  }
  return out;
}

/** The indices of the nodes `outName` depends on. */
export function neededNodes(cx: ImportContext, outName: string): Set<number> {
  const producer = new Map<string, OnnxNode>();
  for (const n of cx.m.graph.nodes) for (const o of n.outputs) if (o && !cx.values.has(o)) producer.set(o, n);
  const need = new Set<number>();
  const stack = [outName];
  while (stack.length) {
    const v = stack.pop() as string;
    cx.work.add(1);
    const n = producer.get(v);
    if (!n || need.has(n.index)) continue;
    need.add(n.index);
    for (const i of n.inputs) if (i) stack.push(i);
  }
  return need;
}
