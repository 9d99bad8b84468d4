// Unrolled Elman recurrences folded back into one ONNX RNN node, before the graph is walked.
//
// PyTorch 2's default (dynamo) exporter writes nn.RNN as its T time steps, one after another:
//
//   P     = MatMul(X, Wih) + b_ih                        X (T, B, I) time-major, P (T, B, H)
//   x_t   = Squeeze(Slice(P, [t], [t+1], axis 0), 0)     (B, H)
//   h_0   = act(C0 + x_0)                                C0 = 0 @ Whh + b_hh (1, B, H): the zero state's term
//   h_t   = act((MatMul(h_{t-1}, Whh) + b_hh) + x_t)     act = Tanh or Relu, h_t (1, B, H)
//   Y     = Concat(h_0, ..., h_{T-1}, axis 0)            (T, B, H)
//
// which is exactly ONNX RNN(X, W = Wih^T, R = Whh^T, B = [b_ih, b_hh]) with a zero initial state,
// its Y (T, 1, B, H) squeezed on axis 1. Every part is checked (the slices take step t in order,
// the same weights every step, C0 the bias b_hh broadcast) and no intermediate value may be used
// outside the pattern; a graph that differs is left as it is (the walk then refuses the per-step
// Slice of the time axis with a hint to export with dynamo=False).
//
// Legend: T steps, B batch, I input features, H hidden.

import { WorkMeter } from '../../core/util/work';
import { OnnxModel, OnnxNode, OnnxTensor } from './codec';
import { ONNX_ATTR_TYPE, ONNX_DTYPE } from './schema';

interface GraphIndex {
  producer: Map<string, OnnxNode>;
  consumers: Map<string, OnnxNode[]>;
  consts: Map<string, OnnxTensor>;
  outputs: Set<string>;
  opset: number;
}

interface Affine {
  input: string;
  w: OnnxTensor; // (K, H) as MatMul's right operand
  b?: OnnxTensor; // (H)
}

interface Unrolled {
  concat: OnnxNode;
  act: 'Tanh' | 'Relu';
  x: string;
  ih: Affine;
  hh: Affine;
  used: Set<OnnxNode>;
}

function indexGraph(m: OnnxModel, work: WorkMeter): GraphIndex {
  const g = m.graph;
  const ix: GraphIndex = { producer: new Map(), consumers: new Map(), consts: new Map(), outputs: new Set(g.outputs.map((o) => o.name)), opset: 0 };
  for (const o of m.opsets) if (o.domain === '' || o.domain === 'ai.onnx') ix.opset = o.version;
  for (const t of g.initializers) ix.consts.set(t.name, t);
  for (const n of g.nodes) {
    work.add(1 + n.inputs.length + n.outputs.length);
    for (const o of n.outputs) if (o) ix.producer.set(o, n);
    for (const i of n.inputs) if (i) ix.consumers.get(i)?.push(n) ?? ix.consumers.set(i, [n]);
    const t = n.opType === 'Constant' && n.domain === '' ? n.attrs.get('value')?.t : undefined;
    if (t && n.outputs[0]) ix.consts.set(n.outputs[0], t);
  }
  return ix;
}

function producedBy(ix: GraphIndex, name: string | undefined, op: string): OnnxNode | undefined {
  const n = name ? ix.producer.get(name) : undefined;
  return n && n.opType === op && n.domain === '' ? n : undefined;
}

function intsNamed(ix: GraphIndex, name: string | undefined): number[] | undefined {
  const t = name ? ix.consts.get(name) : undefined;
  return t ? Array.from(t.data) : undefined;
}

function same(a: readonly number[] | undefined, b: readonly number[]): boolean {
  return a !== undefined && a.length === b.length && a.every((v, i) => v === b[i]);
}

/** x_t = Squeeze(Slice(P, [t], [t+1], axis 0, step 1), axis 0): the name of P. */
function stepSlice(ix: GraphIndex, name: string, t: number, used: OnnxNode[]): string | undefined {
  const sq = producedBy(ix, name, 'Squeeze');
  const sl = producedBy(ix, sq?.inputs[0], 'Slice');
  if (!sq || !sl || ix.opset < 13) return undefined;
  const [p, starts, ends, axes, steps] = sl.inputs;
  const ok =
    same(intsNamed(ix, sq.inputs[1]), [0]) &&
    same(intsNamed(ix, starts), [t]) &&
    same(intsNamed(ix, ends), [t + 1]) &&
    (!axes || same(intsNamed(ix, axes), [0])) &&
    (!steps || same(intsNamed(ix, steps), [1]));
  if (!ok) return undefined;
  used.push(sq, sl);
  return p;
}

/** MatMul(input, w) or MatMul(input, w) + b (either order) with constant w (K, H) and b (H). */
function affine(ix: GraphIndex, name: string, used: OnnxNode[]): Affine | undefined {
  const add = producedBy(ix, name, 'Add');
  const mmName = add ? add.inputs.find((i) => producedBy(ix, i, 'MatMul')) : name;
  const mm = producedBy(ix, mmName, 'MatMul');
  const w = mm ? ix.consts.get(mm.inputs[1]) : undefined;
  if (!mm || !w || w.dims.length !== 2) return undefined;
  const b = add ? ix.consts.get(add.inputs[add.inputs[0] === mmName ? 1 : 0]) : undefined;
  if (add && (!b || b.dims.length !== 1 || b.dims[0] !== w.dims[1])) return undefined;
  used.push(mm, ...(add ? [add] : []));
  return { input: mm.inputs[0], w, ...(b ? { b } : {}) };
}

/** The two operands of step t's Add, as (the recurrent term, P). */
function stepOperands(ix: GraphIndex, s: OnnxNode, t: number, used: OnnxNode[]): { r: string; p: string } | undefined {
  for (const k of [0, 1]) {
    const p = stepSlice(ix, s.inputs[k], t, used);
    if (p) return { r: s.inputs[1 - k], p };
  }
  return undefined;
}

function sameTensor(a: OnnxTensor, b: OnnxTensor): boolean {
  return same(a.dims, b.dims) && same(Array.from(a.data), Array.from(b.data));
}

function sameAffine(a: Affine, b: Affine): boolean {
  return sameTensor(a.w, b.w) && (a.b && b.b ? sameTensor(a.b, b.b) : a.b === b.b);
}

/** C0 is the zero state's recurrent term: b_hh (or 0) broadcast to (1, B, H). */
function zeroStateTerm(c0: OnnxTensor | undefined, hh: Affine): boolean {
  const H = hh.w.dims[1];
  if (!c0 || c0.dims.length !== 3 || c0.dims[0] !== 1 || c0.dims[2] !== H) return false;
  return c0.data.every((v, k) => v === (hh.b ? hh.b.data[k % H] : 0));
}

/** Step t of the chain: h_t = act(r_t + x_t); returns r_t's name and P's. */
function matchStep(ix: GraphIndex, h: string, t: number, act: string, used: OnnxNode[]): { r: string; p: string } | undefined {
  const a = producedBy(ix, h, act);
  const s = producedBy(ix, a?.inputs[0], 'Add');
  if (!a || !s) return undefined;
  used.push(a, s);
  return stepOperands(ix, s, t, used);
}

/** Matches the whole unrolled layer ending in `concat`, or undefined. */
function matchConcat(ix: GraphIndex, concat: OnnxNode): Unrolled | undefined {
  const hs = concat.inputs;
  const act = producedBy(ix, hs[0], 'Tanh') ? 'Tanh' : producedBy(ix, hs[0], 'Relu') ? 'Relu' : undefined;
  if (!act || hs.length < 2 || concat.attrs.get('axis')?.i !== 0) return undefined;
  const used: OnnxNode[] = [concat];
  let hh: Affine | undefined;
  let p: string | undefined;
  let c0: string | undefined;
  for (let t = 0; t < hs.length; t++) {
    const step = matchStep(ix, hs[t], t, act, used);
    if (!step || (p !== undefined && step.p !== p)) return undefined;
    p = step.p;
    if (t === 0) c0 = step.r;
    else {
      const r = affine(ix, step.r, used);
      if (!r || r.input !== hs[t - 1] || (hh && !sameAffine(r, hh))) return undefined;
      hh = r;
    }
  }
  const ih = p !== undefined ? affine(ix, p, used) : undefined;
  if (!ih || !hh || hh.w.dims[0] !== hh.w.dims[1] || ih.w.dims[1] !== hh.w.dims[1] || !zeroStateTerm(ix.consts.get(c0 ?? ''), hh)) return undefined;
  return { concat, act, x: ih.input, ih, hh, used: new Set(used) };
}

/** No value computed inside the pattern (but its result) is read outside it or is a graph output. */
function selfContained(ix: GraphIndex, u: Unrolled): boolean {
  for (const n of u.used) {
    if (n === u.concat) continue;
    for (const o of n.outputs) {
      if (ix.outputs.has(o) || (ix.consumers.get(o) ?? []).some((c) => !u.used.has(c))) return false;
    }
  }
  return true;
}

function tensor(name: string, dims: number[], data: ArrayLike<number>, dtype: number = ONNX_DTYPE.FLOAT): OnnxTensor {
  return { name, dtype, dims, data: Float64Array.from(data) };
}

/** (K, H) as MatMul's operand -> (1, H, K) as an RNN weight. */
function transposed(name: string, w: OnnxTensor): OnnxTensor {
  const [K, H] = w.dims;
  const out = new Float64Array(H * K);
  for (let h = 0; h < H; h++) for (let k = 0; k < K; k++) out[h * K + k] = w.data[k * H + h];
  return tensor(name, [1, H, K], out);
}

/** The layer's name: PyTorch's module name when the bias says it (rnn.bias_ih_l0 -> rnn, rnn.bias_ih_l1 -> rnn.l1). */
function layerName(u: Unrolled): string {
  const m = u.ih.b ? /^(.*)\.bias_ih_l(\d+)$/.exec(u.ih.b.name) : null;
  if (!m) return `rnn_${u.concat.index}`;
  return m[2] === '0' ? m[1] : `${m[1]}.l${m[2]}`;
}

/** The RNN node and the Squeeze of its Y that replace the pattern, and their constants. */
function replacement(u: Unrolled, k: number): { nodes: OnnxNode[]; inits: OnnxTensor[] } {
  const H = u.hh.w.dims[1];
  const pre = `tinyrnn.unrolled${k}`;
  const bias = new Float64Array(2 * H);
  if (u.ih.b) bias.set(u.ih.b.data, 0);
  if (u.hh.b) bias.set(u.hh.b.data, H);
  const inits = [
    transposed(`${pre}.W`, u.ih.w),
    transposed(`${pre}.R`, u.hh.w),
    tensor(`${pre}.B`, [1, 2 * H], bias),
    tensor(`${pre}.axes`, [1], [1], ONNX_DTYPE.INT64),
  ];
  const attrs = new Map([
    ['hidden_size', { name: 'hidden_size', type: ONNX_ATTR_TYPE.INT, i: H }],
    ['activations', { name: 'activations', type: ONNX_ATTR_TYPE.STRINGS, strings: [u.act] }],
  ]);
  const rnn: OnnxNode = {
    index: 0,
    name: layerName(u),
    opType: 'RNN',
    domain: '',
    inputs: [u.x, `${pre}.W`, `${pre}.R`, `${pre}.B`],
    outputs: [`${pre}.Y`],
    attrs,
  };
  const squeeze: OnnxNode = {
    index: 0,
    name: `${pre}.squeeze`,
    opType: 'Squeeze',
    domain: '',
    inputs: [`${pre}.Y`, `${pre}.axes`],
    outputs: [u.concat.outputs[0]],
    attrs: new Map(),
  };
  return { nodes: [rnn, squeeze], inits };
}

/** Where an unrolled layer was folded: "rnn: 25 steps of MatMul/Add/Tanh". */
function describeFold(u: Unrolled): string {
  return `${layerName(u)}: ${u.concat.inputs.length} steps of MatMul/Add/${u.act}`;
}

/**
 * The model with every unrolled Elman layer folded back into an RNN node (the same model when
 * there is none), and a description of each fold.
 */
export function foldUnrolledRnns(m: OnnxModel, work = new WorkMeter()): { model: OnnxModel; folded: string[] } {
  const ix = indexGraph(m, work);
  const found = m.graph.nodes
    .filter((n) => n.opType === 'Concat' && n.domain === '')
    .map((c) => matchConcat(ix, c))
    .filter((u): u is Unrolled => u !== undefined && selfContained(ix, u));
  if (found.length === 0) return { model: m, folded: [] };
  const removed = new Set(found.flatMap((u) => [...u.used]));
  const at = new Map(found.map((u, k) => [u.concat, k]));
  const nodes: OnnxNode[] = [];
  const inits: OnnxTensor[] = [...m.graph.initializers];
  for (const n of m.graph.nodes) {
    const u = at.get(n) ?? -1;
    work.add(1);
    if (u >= 0) {
      const r = replacement(found[u], u);
      nodes.push(...r.nodes);
      inits.push(...r.inits);
    } else if (!removed.has(n)) nodes.push(n);
  }
  const model = { ...m, graph: { ...m.graph, nodes: nodes.map((n, index) => ({ ...n, index })), initializers: inits } };
  return { model, folded: found.map(describeFold) };
}
