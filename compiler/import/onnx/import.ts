// ONNX graph -> FloatModel. The graph is walked in dependency order and every value is tracked
// abstractly (values.ts): shape plumbing is folded to constants, and the tensors computed from
// the model input are followed through recurrent nodes, dense layers and activations, each
// becoming an IR layer. Every operator/attribute combination that is not mapped exactly is
// refused with the node's index, name, op type and attribute, and what is supported.
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
//   ONNX018 the chosen output is not a per-step or last-step model output
//   ONNX019 the graph has a cycle
//   ONNX020 external tensor data
//
// Legend: T steps, B batch, F features, I layer input, H hidden, G gates, D directions, U units.

import { Diagnostic, TinyrnnError } from '../../core/ir/errors';
import { CellLayer, DenseActivation, DenseLayer, FloatModel, Layer, LstmLayer, Task, emptyCell, isCellLayer, layerOutputSize } from '../../core/ir/model';
import { validateFloatModel } from '../../core/ir/validate';
import { OnnxModel, OnnxNode, OnnxTensor, decodeOnnx, dtypeName } from './codec';
import { binary, concatConst, constOf, expandTo, gatherConst, isFloatType, roundTo, sliceConst, sliceIndices, transposeConst } from './fold';
import { ONNX_ATTR_TYPE, ONNX_DTYPE } from './schema';
import {
  ActValue,
  Axis,
  ConstValue,
  Dim,
  MAX_FOLDED_ELEMENTS,
  MAX_FOLDED_TOTAL,
  ShapeLimitError,
  ShapeValue,
  Sym,
  Value,
  describeAxes,
  describeValue,
  featureWidth,
  numel,
} from './values';

export const MIN_OPSET = 7;
export const MAX_OPSET = 22;

export interface ImportOptions {
  /** Model name (default: the graph name, else "onnx-model"). */
  name?: string;
  /** Which graph output is the model's output (default: the first). */
  output?: string;
  /** Graph inputs bound to constants (as the ONNX test data sets bind weights given as inputs). */
  bind?: Record<string, OnnxTensor>;
  /** Overrides the task (default: classification when the model ends in softmax, else regression). */
  task?: Task;
  /** Class labels of a classifier (default: "0", "1", ... for a model that ends in softmax). */
  labels?: string[];
  /** Source file name, kept in meta.extra. */
  source?: string;
}

export interface ImportedLayer {
  index: number;
  kind: Layer['kind'];
  name: string;
  /** ONNX node the layer (or its weights) came from. */
  node: string;
}

export interface ImportResult {
  model: FloatModel;
  input: { name: string; layout: string; shape: (number | string | null)[] };
  output: { name: string; layout: string; mode: 'sequence' | 'last' };
  /** Graph outputs that were not imported (e.g. PyTorch's h_n/c_n). */
  ignoredOutputs: string[];
  layers: ImportedLayer[];
  opset: number;
  producer: string;
  /** Nodes evaluated at import time (shape plumbing, constants). */
  folded: number;
  /** Nodes the chosen output does not depend on. */
  unused: number;
}

/** Operators the importer maps, for messages. */
export const SUPPORTED_OPS = [
  'LSTM',
  'GRU',
  'RNN',
  'Gemm',
  'MatMul',
  'Add',
  'Sub',
  'Relu',
  'Sigmoid',
  'Tanh',
  'Softmax',
  'Transpose',
  'Squeeze',
  'Unsqueeze',
  'Reshape',
  'Flatten',
  'Gather',
  'Slice',
  'Shape',
  'Concat',
  'Expand',
  'ConstantOfShape',
  'ConstantFill',
  'Constant',
  'Identity',
  'Cast',
  'Dropout',
  'Mul',
  'Div',
  'Equal',
] as const;

type Bound = 'T' | 'B';

const LSTM_FROM_ONNX = [0, 2, 3, 1]; // IR gate (i,f,g,o) <- ONNX gate block (i,o,f,c)
const GRU_FROM_ONNX = [1, 0, 2]; // IR gate (r,z,n) <- ONNX gate block (z,r,h)
const PEEP_FROM_ONNX = [0, 2, 1]; // IR peephole (i,f,o) <- ONNX P block (i,o,f)

const DEFAULT_ACTS: Record<string, string[]> = { LSTM: ['Sigmoid', 'Tanh', 'Tanh'], GRU: ['Sigmoid', 'Tanh'], RNN: ['Tanh'] };

/** Structural operators through which a uniform tensor stays uniform. */
const FILL_PRESERVING = ['Identity', 'Cast', 'Slice', 'Gather', 'Squeeze', 'Unsqueeze', 'Reshape', 'Transpose', 'Expand', 'Dropout'];

const KNOWN_ATTRS: Record<string, string[]> = {
  LSTM: ['hidden_size', 'direction', 'activations', 'activation_alpha', 'activation_beta', 'clip', 'input_forget', 'layout', 'output_sequence'],
  GRU: ['hidden_size', 'direction', 'activations', 'activation_alpha', 'activation_beta', 'clip', 'linear_before_reset', 'layout', 'output_sequence'],
  RNN: ['hidden_size', 'direction', 'activations', 'activation_alpha', 'activation_beta', 'clip', 'layout', 'output_sequence'],
};

function where(n: OnnxNode, attr?: string): string {
  return `node ${n.index} ${JSON.stringify(n.name || `#${n.index}`)} (${n.opType})${attr ? `.${attr}` : ''}`;
}

class Importer {
  private readonly values = new Map<string, Value>();
  private readonly binding = new Map<Sym, Bound>();
  private readonly opset: number;
  private folded = 0;
  private foldedElements = 0;
  private inputName = '';
  private inputShape: (number | string | null)[] = [];
  private sawStaticSeqLens = false;

  constructor(
    private readonly m: OnnxModel,
    private readonly opts: ImportOptions,
  ) {
    this.opset = this.checkOpsets();
  }

  // ---- errors -------------------------------------------------------------------------------

  private fail(code: string, path: string, message: string, extra: Partial<Diagnostic> = {}): never {
    throw new TinyrnnError({ code, path, message, ...extra });
  }

  private nodeFail(n: OnnxNode, code: string, message: string, extra: Partial<Diagnostic> & { attr?: string } = {}): never {
    const { attr, ...rest } = extra;
    this.fail(code, where(n, attr), message, rest);
  }

  // ---- model-level checks ----------------------------------------------------------------------

  private checkOpsets(): number {
    let version: number | undefined;
    for (const o of this.m.opsets) {
      if (o.domain === '' || o.domain === 'ai.onnx') version = o.version;
    }
    if (version === undefined) {
      this.fail('ONNX003', 'opset_import', 'the model imports no ai.onnx operator set', { expected: `ai.onnx opset ${MIN_OPSET}..${MAX_OPSET}` });
    }
    if (!Number.isSafeInteger(version) || version < MIN_OPSET || version > MAX_OPSET) {
      this.fail('ONNX003', 'opset_import', `ai.onnx opset ${version} is not supported`, {
        value: version,
        expected: `${MIN_OPSET}..${MAX_OPSET}`,
        hint: version < MIN_OPSET ? 're-export with a newer exporter (torch.onnx.export(..., opset_version=14))' : 'export with opset_version <= 22',
      });
    }
    return version;
  }

  // ---- value access ---------------------------------------------------------------------------

  private get(n: OnnxNode, k: number): Value | undefined {
    const name = n.inputs[k];
    if (name === undefined || name === '') return undefined;
    const v = this.values.get(name);
    if (!v)
      this.nodeFail(n, 'ONNX012', `input ${k} ${JSON.stringify(name)} is not defined by any initializer, graph input or earlier node`, {
        hint: 'the file is incomplete (missing initializer?)',
      });
    return v;
  }

  private need(n: OnnxNode, k: number, what: string): Value {
    const v = this.get(n, k);
    if (!v) this.nodeFail(n, 'ONNX012', `missing input ${k} (${what})`, { expected: `the ${what} input` });
    return v;
  }

  private constInput(n: OnnxNode, k: number, what: string): ConstValue | undefined {
    const v = this.get(n, k);
    if (!v) return undefined;
    if (v.kind === 'shape') {
      const c = shapeToConst(v);
      if (c) return c;
    }
    if (v.kind !== 'const') {
      this.nodeFail(n, 'ONNX017', `input ${k} (${what}) must be known at import time, got ${describeValue(v)}`, {
        expected: `a constant ${what}`,
        hint: 'tinyrnn folds shape arithmetic that does not depend on the run-time sequence length',
      });
    }
    return v;
  }

  private needConst(n: OnnxNode, k: number, what: string): ConstValue {
    const c = this.constInput(n, k, what);
    if (!c) this.nodeFail(n, 'ONNX012', `missing input ${k} (${what})`, { expected: `a constant ${what}` });
    return c;
  }

  private intsOf(n: OnnxNode, c: ConstValue, what: string): number[] {
    const out = Array.from(c.data);
    for (const x of out) {
      if (Number.isNaN(x))
        this.nodeFail(n, 'ONNX013', `${what} uses the number of input features, which the graph input does not declare`, {
          expected: 'a graph input with a fixed feature dimension',
        });
      if (!Number.isInteger(x) && Number.isFinite(x)) this.nodeFail(n, 'ONNX013', `${what} holds a non-integer`, { value: x, expected: 'integers' });
    }
    return out;
  }

  private attrInt(n: OnnxNode, name: string, dflt: number): number {
    const a = n.attrs.get(name);
    if (!a) return dflt;
    if (a.i === undefined) this.nodeFail(n, 'ONNX011', 'attribute is not an integer', { attr: name, value: a.type, expected: 'an INT attribute' });
    if (!Number.isSafeInteger(a.i)) this.nodeFail(n, 'ONNX011', 'attribute is out of range', { attr: name, value: String(a.i), expected: 'an integer' });
    return a.i;
  }

  private attrInts(n: OnnxNode, name: string): number[] | undefined {
    const a = n.attrs.get(name);
    if (!a) return undefined;
    return (
      a.ints ??
      (a.type === ONNX_ATTR_TYPE.INTS ? [] : this.nodeFail(n, 'ONNX011', 'attribute is not a list of integers', { attr: name, expected: 'an INTS attribute' }))
    );
  }

  private attrStr(n: OnnxNode, name: string, dflt: string): string {
    const a = n.attrs.get(name);
    if (!a) return dflt;
    if (a.s === undefined) this.nodeFail(n, 'ONNX011', 'attribute is not a string', { attr: name, value: a.type, expected: 'a STRING attribute' });
    return a.s;
  }

  private attrStrings(n: OnnxNode, name: string): string[] | undefined {
    const a = n.attrs.get(name);
    if (!a) return undefined;
    if (a.strings === undefined && a.type !== ONNX_ATTR_TYPE.STRINGS)
      this.nodeFail(n, 'ONNX011', 'attribute is not a list of strings', { attr: name, value: a.type, expected: 'a STRINGS attribute' });
    return a.strings ?? [];
  }

  private attrFloat(n: OnnxNode, name: string, dflt: number): number {
    const a = n.attrs.get(name);
    if (!a) return dflt;
    if (a.f === undefined) this.nodeFail(n, 'ONNX011', 'attribute is not a float', { attr: name, expected: 'a FLOAT attribute' });
    return a.f;
  }

  private rejectUnknownAttrs(n: OnnxNode, known: readonly string[]): void {
    for (const a of n.attrs.keys()) {
      if (!known.includes(a)) {
        this.nodeFail(n, 'ONNX011', `attribute ${JSON.stringify(a)} is not understood`, {
          attr: a,
          expected: known.length ? `only ${known.join(', ')}` : 'no attributes',
        });
      }
    }
  }

  /** Normalises an axis against a rank, failing with ONNX013 if out of range. */
  private axis(n: OnnxNode, a: number, rank: number, what = 'axis'): number {
    const r = a < 0 ? a + rank : a;
    if (!Number.isInteger(r) || r < 0 || r >= rank)
      this.nodeFail(n, 'ONNX013', `${what} ${a} is out of range for rank ${rank}`, { expected: `-${rank}..${rank - 1}` });
    return r;
  }

  private role(a: Axis): Axis['role'] {
    if (a.role === 'x0' || a.role === 'x1') return this.binding.get(a.role) ?? a.role;
    return a.role;
  }

  private sym(d: Dim): Dim {
    return typeof d === 'string' && (d === 'x0' || d === 'x1') ? (this.binding.get(d) ?? d) : d;
  }

  // ---- entry point --------------------------------------------------------------------------

  run(): ImportResult {
    const g = this.m.graph;
    // Local functions (model.functions) need no check here: a node calling one is an unknown op.
    if (g.sparseInitializers > 0) {
      this.fail('ONNX004', 'graph.sparse_initializer', 'sparse initializers are not supported', {
        value: g.sparseInitializers,
        expected: 'dense initializers',
      });
    }
    for (const t of g.initializers) this.values.set(t.name, constOf(t.dtype, t.dims, t.data));
    const bind = this.opts.bind ?? {};
    const inputNames = new Set(g.inputs.map((i) => i.name));
    for (const name of Object.keys(bind)) {
      if (!inputNames.has(name)) {
        this.fail('ONNX014', `bind ${JSON.stringify(name)}`, 'no graph input has this name', { expected: `one of ${[...inputNames].join(', ')}` });
      }
      const t = bind[name];
      this.values.set(name, constOf(t.dtype, t.dims, t.data));
    }
    // The model input: the one graph input that is neither an initializer nor bound.
    const dynamic = g.inputs.filter((i) => !this.values.has(i.name));
    if (dynamic.length > 1) this.stateInputs(dynamic.map((d) => d.name));
    if (dynamic.length !== 1) {
      this.fail(
        'ONNX014',
        'graph.input',
        dynamic.length === 0
          ? 'the graph has no input left for the sequence data'
          : `the graph has ${dynamic.length} inputs that are not constants: ${dynamic.map((d) => d.name).join(', ')}`,
        {
          expected: 'exactly one input (the sequence, rank 3)',
          hint:
            dynamic.length > 1
              ? 'tinyrnn models take one sequence and start from a zero state; weights given as inputs can be bound to constants (tinyrnn import --bind NAME=tensor.pb)'
              : 'a graph input was bound or is an initializer',
        },
      );
    }
    const inp = dynamic[0];
    this.inputName = inp.name;
    if (inp.nonTensor) this.fail('ONNX014', `graph.input ${JSON.stringify(inp.name)}`, `the input is a ${inp.nonTensor}`, { expected: 'a float tensor' });
    if (inp.elemType !== undefined && !isFloatType(inp.elemType)) {
      this.fail('ONNX014', `graph.input ${JSON.stringify(inp.name)}`, `the input has element type ${dtypeName(inp.elemType)}`, { expected: 'float' });
    }
    const shape = inp.shape ?? [null, null, null];
    this.inputShape = shape;
    if (shape.length !== 3) {
      this.fail('ONNX014', `graph.input ${JSON.stringify(inp.name)}`, `the input has rank ${shape.length} (shape [${shape.join(', ')}])`, {
        expected: 'rank 3: (time, batch, features) or (batch, time, features)',
      });
    }
    const fdim = shape[2];
    const axes: Axis[] = [
      { role: 'x0', ...(typeof shape[0] === 'number' ? { size: shape[0] } : {}) },
      { role: 'x1', ...(typeof shape[1] === 'number' ? { size: shape[1] } : {}) },
      typeof fdim === 'number' ? (fdim === 1 ? { role: '1', size: 1 } : { role: 'F', size: fdim }) : { role: 'F' },
    ];
    this.values.set(inp.name, { kind: 'act', axes, mode: 'sequence', layers: [], origins: [] });

    // The output.
    if (g.outputs.length === 0) this.fail('ONNX014', 'graph.output', 'the graph has no outputs', { expected: 'at least one output' });
    const outName = this.opts.output ?? g.outputs[0].name;
    if (!g.outputs.some((o) => o.name === outName)) {
      this.fail('ONNX014', 'graph.output', `no graph output is named ${JSON.stringify(outName)}`, { expected: g.outputs.map((o) => o.name).join(', ') });
    }

    // Nodes: producer index, dependency order, and the part the output needs.
    const order = this.topoOrder();
    const needed = this.neededNodes(outName);
    for (const n of order) {
      if (!needed.has(n.index)) continue;
      this.evalChecked(n);
    }
    const out = this.values.get(outName);
    if (!out) this.fail('ONNX012', `graph.output ${JSON.stringify(outName)}`, 'the output is never computed', { hint: 'no node produces it' });
    return this.finish(outName, out, needed.size, order.length);
  }

  /** Graph inputs that feed a recurrent node's sequence_lens or initial state get their own diagnostics. */
  private stateInputs(names: string[]): void {
    for (const n of this.m.graph.nodes) {
      if (!['LSTM', 'GRU', 'RNN'].includes(n.opType)) continue;
      const k = n.inputs.findIndex((i, idx) => idx >= 4 && idx <= 6 && names.includes(i));
      if (k < 0) continue;
      const name = n.inputs[k];
      if (k === 4) {
        this.nodeFail(n, 'ONNX015', `sequence_lens is the graph input ${JSON.stringify(name)}: sequence lengths given at run time`, {
          expected: 'no sequence_lens, or a constant equal to the full sequence length',
          hint: 'tinyrnn runs every step of the sequence it is given: pass sequences of the length you want instead',
        });
      }
      this.nodeFail(n, 'ONNX016', `${k === 5 ? 'initial_h' : 'initial_c'} is the graph input ${JSON.stringify(name)}: an initial state given at run time`, {
        expected: 'a zero initial state (absent, zeros, or ConstantOfShape/Expand of 0)',
        hint: 'tinyrnn layers start every sequence from a zero state; export the model without h0/c0 inputs',
      });
    }
  }

  private topoOrder(): OnnxNode[] {
    const nodes = this.m.graph.nodes;
    const producer = new Map<string, number>();
    nodes.forEach((n) => n.outputs.forEach((o) => o && producer.set(o, n.index)));
    const indeg = nodes.map(() => 0);
    const users: number[][] = nodes.map(() => []);
    nodes.forEach((n) => {
      for (const i of new Set(n.inputs)) {
        const p = i ? producer.get(i) : undefined;
        if (p !== undefined && !this.values.has(i)) {
          indeg[n.index]++;
          users[p].push(n.index);
        }
      }
    });
    const ready = nodes.filter((n) => indeg[n.index] === 0).map((n) => n.index);
    const out: OnnxNode[] = [];
    while (ready.length) {
      const k = ready.shift() as number;
      out.push(nodes[k]);
      for (const u of users[k]) if (--indeg[u] === 0) ready.push(u);
    }
    if (out.length !== nodes.length) {
      const stuck = nodes.find((n) => indeg[n.index] > 0) as OnnxNode;
      this.nodeFail(stuck, 'ONNX019', 'the graph has a cycle through this node', { expected: 'an acyclic graph' });
    }
    return out;
  }

  private neededNodes(outName: string): Set<number> {
    const producer = new Map<string, OnnxNode>();
    for (const n of this.m.graph.nodes) for (const o of n.outputs) if (o && !this.values.has(o)) producer.set(o, n);
    const need = new Set<number>();
    const stack = [outName];
    while (stack.length) {
      const v = stack.pop() as string;
      const n = producer.get(v);
      if (!n || need.has(n.index)) continue;
      need.add(n.index);
      for (const i of n.inputs) if (i) stack.push(i);
    }
    return need;
  }

  // ---- node evaluation ------------------------------------------------------------------------

  private set(n: OnnxNode, k: number, v: Value): void {
    const name = n.outputs[k];
    if (name) this.values.set(name, v);
    if (v.kind === 'const') this.foldedElements += v.data.length;
  }

  /** evalNode, with sizes past the folding limits (values.ts) reported on the node: linear work, bounded memory. */
  private evalChecked(n: OnnxNode): void {
    try {
      this.evalNode(n);
      if (this.foldedElements > MAX_FOLDED_TOTAL)
        throw new ShapeLimitError(`constants folded so far hold ${this.foldedElements} elements, more than ${MAX_FOLDED_TOTAL}`);
    } catch (e) {
      if (!(e instanceof ShapeLimitError)) throw e;
      this.nodeFail(n, 'ONNX013', e.message, { expected: `tensors of at most ${MAX_FOLDED_ELEMENTS} elements with non-negative integer sizes` });
    }
  }

  private evalNode(n: OnnxNode): void {
    if (n.domain !== '' && n.domain !== 'ai.onnx') {
      this.nodeFail(n, 'ONNX010', `operator ${JSON.stringify(n.opType)} of domain ${JSON.stringify(n.domain)} is not supported`, {
        expected: `a standard ai.onnx operator: ${SUPPORTED_OPS.join(', ')}`,
      });
    }
    const ins = n.inputs.map((_, k) => this.get(n, k));
    const anyAct = ins.some((v) => v?.kind === 'act' || v?.kind === 'stack');
    const allKnown = ins.every((v) => v === undefined || v.kind === 'const');
    if (ins.some((v) => v?.kind === 'stack')) return this.stackPick(n);
    if (!anyAct && !['LSTM', 'GRU', 'RNN'].includes(n.opType)) {
      // Import-time evaluation (constants, shapes, fills).
      if (allKnown || ins.some((v) => v?.kind === 'shape' || v?.kind === 'fill')) {
        this.folded++;
        this.fold(n);
        return;
      }
    }
    switch (n.opType) {
      case 'LSTM':
      case 'GRU':
      case 'RNN':
        return this.recurrent(n);
      case 'Identity':
        return this.set(n, 0, this.needAct(n, 0));
      case 'Dropout':
        return this.dropout(n);
      case 'Cast':
        return this.castAct(n);
      case 'Transpose':
        return this.transposeAct(n);
      case 'Squeeze':
        return this.squeezeAct(n);
      case 'Unsqueeze':
        return this.unsqueezeAct(n);
      case 'Reshape':
        return this.reshapeAct(n);
      case 'Flatten':
        return this.flattenAct(n);
      case 'Gather':
        return this.gatherAct(n);
      case 'Slice':
        return this.sliceAct(n);
      case 'Shape':
        return this.shapeOfAct(n);
      case 'MatMul':
        return this.matmul(n);
      case 'Gemm':
        return this.gemm(n);
      case 'Add':
      case 'Sub':
        return this.addBias(n);
      case 'Mul':
      case 'Div':
        return this.scaleInput(n);
      case 'Relu':
      case 'Sigmoid':
      case 'Tanh':
        return this.activation(n, n.opType === 'Relu' ? 'relu' : n.opType === 'Sigmoid' ? 'sigmoid' : 'tanh');
      case 'Softmax':
        return this.softmax(n);
      case 'Concat':
        return this.concatAct(n);
      default:
        this.nodeFail(
          n,
          anyAct && SUPPORTED_OPS.includes(n.opType as (typeof SUPPORTED_OPS)[number]) ? 'ONNX017' : 'ONNX010',
          SUPPORTED_OPS.includes(n.opType as (typeof SUPPORTED_OPS)[number])
            ? `${n.opType} on model data has no exact IR equivalent`
            : `operator ${JSON.stringify(n.opType)} is not supported`,
          {
            expected: `one of ${SUPPORTED_OPS.join(', ')}`,
            hint:
              n.opType === 'LogSoftmax'
                ? 'tinyrnn heads end in softmax or plain logits: export the model without log_softmax (the predicted class is the same)'
                : n.opType === 'Loop' || n.opType === 'Scan'
                  ? 'the exporter may have written a recurrent layer as a loop: export with the LSTM/GRU/RNN operators (PyTorch 2.x: torch.onnx.export(..., dynamo=False); tf2onnx rewrites Keras LSTM/GRU layers to them)'
                  : 'tinyrnn imports recurrent layers (LSTM, GRU, RNN), dense heads (Gemm, MatMul+Add) and their activations, and folds shape plumbing',
          },
        );
    }
  }

  /** Gather/Slice of one part out of a concatenation of layer outputs (h_n[-1]). */
  private stackPick(n: OnnxNode): void {
    const st = this.need(n, 0, 'data');
    if (st.kind !== 'stack' || (n.opType !== 'Gather' && n.opType !== 'Slice' && n.opType !== 'Identity')) {
      this.nodeFail(n, 'ONNX017', `${n.opType} of a concatenation of different layers' outputs`, {
        expected: 'picking one of them back out (Gather or Slice of one index, e.g. h_n[-1])',
        hint: 'a head that reads several layers at once has no tinyrnn equivalent',
      });
    }
    if (n.opType === 'Identity') return this.set(n, 0, st);
    const rank = st.parts[0].axes.length;
    const count = st.parts.length;
    let pick: number;
    let keep: boolean;
    if (n.opType === 'Gather') {
      const axis = this.axis(n, this.attrInt(n, 'axis', 0), rank);
      const ic = this.needConst(n, 1, 'indices');
      const idx = this.intsOf(n, ic, 'indices');
      if (axis !== st.axis || idx.length !== 1)
        this.nodeFail(n, 'ONNX017', `Gather on axis ${axis} of a concatenation of layers' outputs along axis ${st.axis}`, {
          expected: `one index on axis ${st.axis}`,
        });
      pick = idx[0] < 0 ? idx[0] + count : idx[0];
      keep = ic.dims.length === 1;
    } else {
      const ps = this.sliceParams(n, rank);
      if (ps.length !== 1 || ps[0].axis !== st.axis)
        this.nodeFail(n, 'ONNX017', `Slice of a concatenation of layers' outputs off its axis ${st.axis}`, { expected: `one slice on axis ${st.axis}` });
      const got = sliceIndices(count, ps[0].start, ps[0].end, ps[0].step);
      if (got.length !== 1) this.nodeFail(n, 'ONNX017', `Slice takes ${got.length} of the concatenated layers' outputs`, { expected: 'exactly one' });
      pick = got[0];
      keep = true;
    }
    if (!(pick >= 0 && pick < count)) this.nodeFail(n, 'ONNX013', `index ${pick} is out of range for ${count} concatenated outputs`);
    const part = st.parts[pick];
    const axes = part.axes.slice();
    if (keep) axes[st.axis] = { role: '1', size: 1 };
    else axes.splice(st.axis, 1);
    this.out(n, part, axes);
  }

  private concatAct(n: OnnxNode): void {
    const parts = n.inputs.map((_, k) => this.need(n, k, `input ${k}`));
    const acts = parts.filter((p): p is ActValue => p.kind === 'act');
    const rank = acts[0].axes.length;
    const axis = this.axis(n, this.attrInt(n, 'axis', 0), rank);
    const ok = acts.length === parts.length && acts.every((a) => a.axes.length === rank && a.axes[axis].role === '1' && a.mode !== 'cell');
    if (!ok) {
      this.nodeFail(n, 'ONNX017', `Concat of ${parts.map(describeValue).join(' and ')} along axis ${axis}`, {
        expected: 'final states of stacked layers concatenated along their direction axis (PyTorch h_n), to pick one back out',
        hint: 'concatenating features from different layers has no tinyrnn equivalent',
      });
    }
    this.folded++;
    this.set(n, 0, { kind: 'stack', axis, parts: acts });
  }

  private needAct(n: OnnxNode, k: number): ActValue {
    const v = this.need(n, k, 'data');
    if (v.kind !== 'act') this.nodeFail(n, 'ONNX017', `input ${k} is ${describeValue(v)}`, { expected: 'model data' });
    if (v.mode === 'cell') {
      this.nodeFail(n, 'ONNX018', `input ${k} is an LSTM cell state (Y_c), which is not a layer output in tinyrnn`, { hint: 'use the hidden state Y or Y_h' });
    }
    if (v.mode === 'final-bidir') {
      this.nodeFail(
        n,
        'ONNX018',
        `input ${k} is the final state of a bidirectional node (Y_h): its backward half is the state after the first time step, which tinyrnn layers do not output`,
        {
          hint: 'use Y (per step outputs) and take its last step, e.g. output[:, -1] in PyTorch',
        },
      );
    }
    return v;
  }

  // ---- constant folding -----------------------------------------------------------------------

  private fold(n: OnnxNode): void {
    const op = n.opType;
    const first = n.inputs[0] ? this.values.get(n.inputs[0]) : undefined;
    if (first?.kind === 'fill' && FILL_PRESERVING.includes(op)) {
      // A uniform tensor stays uniform through structural operations; only its value matters.
      const value = op === 'Cast' && typeof first.value === 'number' ? roundTo(this.attrInt(n, 'to', -1), first.value) : first.value;
      for (let k = 1; k < n.inputs.length; k++) this.get(n, k);
      return this.set(n, 0, { kind: 'fill', dims: op === 'Identity' || op === 'Cast' ? first.dims : [], value });
    }
    if (op === 'Concat') {
      const parts = n.inputs.map((_, k) => this.need(n, k, `input ${k}`));
      if (parts.some((p) => p.kind === 'fill')) {
        const vals = new Set(parts.map((p) => (p.kind === 'fill' ? p.value : p.kind === 'const' && p.data.every((x) => x === p.data[0]) ? p.data[0] : NaN)));
        const [value] = [...vals];
        if (vals.size !== 1 || (typeof value === 'number' && Number.isNaN(value))) {
          this.nodeFail(n, 'ONNX017', 'Concat of a run-time-shaped constant with different values', { expected: 'parts that all hold the same value' });
        }
        return this.set(n, 0, { kind: 'fill', dims: [], value });
      }
    }
    switch (op) {
      case 'Constant': {
        const a = [...n.attrs.values()][0];
        if (!a || n.attrs.size !== 1)
          this.nodeFail(n, 'ONNX011', 'Constant needs exactly one value attribute', { expected: 'value, value_float(s) or value_int(s)' });
        let c: ConstValue;
        if (a.name === 'value' && a.t) c = constOf(a.t.dtype, a.t.dims, a.t.data);
        else if (a.name === 'value_float' && a.f !== undefined) c = constOf(ONNX_DTYPE.FLOAT, [], [a.f]);
        else if (a.name === 'value_floats') c = constOf(ONNX_DTYPE.FLOAT, [a.floats?.length ?? 0], a.floats ?? []);
        else if (a.name === 'value_int' && a.i !== undefined) c = constOf(ONNX_DTYPE.INT64, [], [a.i]);
        else if (a.name === 'value_ints') c = constOf(ONNX_DTYPE.INT64, [a.ints?.length ?? 0], a.ints ?? []);
        else
          this.nodeFail(n, 'ONNX011', `Constant with attribute ${JSON.stringify(a.name)} is not supported`, {
            attr: a.name,
            expected: 'value, value_float(s) or value_int(s)',
          });
        return this.set(n, 0, c);
      }
      case 'Identity':
        return this.set(n, 0, this.need(n, 0, 'input'));
      case 'Cast': {
        const v = this.need(n, 0, 'input');
        const to = this.attrInt(n, 'to', -1);
        if (v.kind === 'const') return this.set(n, 0, { ...v, dtype: to, data: v.data.map((x) => roundTo(to, x)) });
        if (v.kind === 'fill') return this.set(n, 0, v);
        return this.set(n, 0, v); // shape vectors are integers; a cast between integer types keeps them
      }
      case 'Shape': {
        const v = this.need(n, 0, 'input');
        const dims: Dim[] = v.kind === 'const' ? v.dims : v.kind === 'fill' ? v.dims : v.kind === 'shape' ? (v.scalar ? [] : [v.elems.length]) : [];
        return this.set(n, 0, this.shapeSlice(n, dims));
      }
      case 'Gather':
        return this.set(n, 0, this.foldGather(n));
      case 'Unsqueeze':
      case 'Squeeze':
        return this.set(n, 0, this.foldSqueeze(n));
      case 'Concat':
        return this.set(n, 0, this.foldConcat(n));
      case 'Slice':
        return this.set(n, 0, this.foldSlice(n));
      case 'Reshape': {
        const v = this.needConst(n, 0, 'data');
        const target = this.intsOf(n, this.needConst(n, 1, 'shape'), 'shape');
        return this.set(n, 0, { ...v, dims: this.reshapeDims(n, v.dims, target) });
      }
      case 'Transpose': {
        const v = this.needConst(n, 0, 'data');
        const perm = this.attrInts(n, 'perm') ?? v.dims.map((_, i) => v.dims.length - 1 - i);
        return this.set(
          n,
          0,
          transposeConst(
            v,
            perm.map((p) => this.axis(n, p, v.dims.length, 'perm entry')),
          ),
        );
      }
      case 'ConstantOfShape': {
        const a = n.attrs.get('value');
        if (a && (!a.t || a.t.data.length !== 1))
          this.nodeFail(n, 'ONNX011', 'value must be a one-element tensor', { attr: 'value', expected: 'a TENSOR attribute with one element' });
        const value = a?.t ? a.t.data[0] : 0;
        const dtype = a?.t ? a.t.dtype : ONNX_DTYPE.FLOAT;
        const s = this.need(n, 0, 'shape');
        if (s.kind === 'shape') {
          const c = shapeToConst(s);
          if (!c) return this.set(n, 0, { kind: 'fill', dims: s.elems, value });
          return this.set(n, 0, fullConst(dtype, this.intsOf(n, c, 'shape'), value));
        }
        if (s.kind !== 'const') this.nodeFail(n, 'ONNX017', `shape input is ${describeValue(s)}`, { expected: 'a shape' });
        return this.set(n, 0, fullConst(dtype, this.intsOf(n, s, 'shape'), value));
      }
      case 'ConstantFill': {
        // Experimental ONNX op of opset <= 8 exporters (PyTorch at opset 7/8 builds zero states with it).
        this.rejectUnknownAttrs(n, ['dtype', 'value', 'input_as_shape', 'shape', 'extra_shape']);
        const value = this.attrFloat(n, 'value', 0);
        const dtype = this.attrInt(n, 'dtype', ONNX_DTYPE.FLOAT);
        const extra = this.attrInts(n, 'extra_shape') ?? [];
        const s = this.get(n, 0);
        let dims: Dim[];
        if (this.attrInt(n, 'input_as_shape', 0)) {
          if (!s || (s.kind !== 'shape' && s.kind !== 'const')) this.nodeFail(n, 'ONNX017', 'input_as_shape needs a shape input', { attr: 'input_as_shape' });
          dims = s.kind === 'shape' ? s.elems : this.intsOf(n, s, 'shape');
        } else if (s) dims = s.kind === 'const' || s.kind === 'fill' ? s.dims : this.nodeFail(n, 'ONNX017', `ConstantFill shaped like ${describeValue(s)}`);
        else dims = this.attrInts(n, 'shape') ?? [];
        dims = [...dims, ...extra];
        if (dims.every((d): d is number => typeof d === 'number')) return this.set(n, 0, fullConst(dtype, dims, roundTo(dtype, value)));
        return this.set(n, 0, { kind: 'fill', dims, value: roundTo(dtype, value) });
      }
      case 'Expand': {
        const v = this.need(n, 0, 'input');
        const s = this.need(n, 1, 'shape');
        const sc = s.kind === 'shape' ? shapeToConst(s) : s.kind === 'const' ? s : undefined;
        if (v.kind === 'const' && sc) {
          const r = expandTo(v, this.intsOf(n, sc, 'shape'));
          if (!r) this.nodeFail(n, 'ONNX013', `cannot broadcast [${v.dims.join(', ')}] to [${Array.from(sc.data).join(', ')}]`);
          return this.set(n, 0, r);
        }
        if (v.kind === 'shape' && v.elems.length === 1) {
          // A run-time length broadcast to a vector: e.g. sequence_lens = [T] * batch.
          return this.set(n, 0, { kind: 'fill', dims: [], value: v.elems[0] });
        }
        const uniform = v.kind === 'fill' ? v.value : v.kind === 'const' && v.data.every((x) => x === v.data[0]) ? v.data[0] : undefined;
        if (uniform === undefined || (s.kind !== 'shape' && s.kind !== 'const')) {
          this.nodeFail(n, 'ONNX017', `Expand of ${describeValue(v)} to ${describeValue(s)} depends on the run-time sequence shape`, {
            expected: 'a uniform constant (e.g. zeros) expanded to a shape',
          });
        }
        const vd: Dim[] = v.kind === 'fill' || v.kind === 'const' ? v.dims : [];
        const se: Dim[] = s.kind === 'shape' ? s.elems : this.intsOf(n, s, 'shape');
        const rank = Math.max(vd.length, se.length);
        const dims: Dim[] = [];
        for (let i = 0; i < rank; i++) {
          const a = vd[vd.length - rank + i] ?? 1;
          const b = se[se.length - rank + i] ?? 1;
          dims.push(a === 1 ? b : a);
        }
        return this.set(n, 0, { kind: 'fill', dims, value: uniform });
      }
      case 'Add':
      case 'Sub':
      case 'Mul':
      case 'Div':
      case 'Equal': {
        const a = this.need(n, 0, 'A');
        const b = this.need(n, 1, 'B');
        const ac = a.kind === 'shape' ? shapeToConst(a) : a;
        const bc = b.kind === 'shape' ? shapeToConst(b) : b;
        if (ac?.kind !== 'const' || bc?.kind !== 'const') {
          this.nodeFail(n, 'ONNX017', `${op} on ${describeValue(a)} and ${describeValue(b)} needs the run-time sequence shape`, {
            expected: 'arithmetic on constants',
            hint: 'export with shapes that do not compute on the sequence length, or with fixed shapes',
          });
        }
        const r = binary(op, ac, bc);
        if (!r) this.nodeFail(n, 'ONNX013', `shapes [${ac.dims.join(', ')}] and [${bc.dims.join(', ')}] do not broadcast`);
        return this.set(n, 0, r);
      }
      case 'Dropout':
        this.set(n, 0, this.need(n, 0, 'data'));
        if (n.outputs[1]) this.set(n, 1, fullConst(ONNX_DTYPE.BOOL, [], 1));
        return;
      default:
        this.nodeFail(n, 'ONNX010', `operator ${JSON.stringify(op)} is not supported (on constants)`, { expected: `one of ${SUPPORTED_OPS.join(', ')}` });
    }
  }

  private shapeSlice(n: OnnxNode, dims: Dim[]): Value {
    let start = this.attrInt(n, 'start', 0);
    let end = this.attrInt(n, 'end', dims.length);
    const r = dims.length;
    start = Math.min(Math.max(start < 0 ? start + r : start, 0), r);
    end = Math.min(Math.max(end < 0 ? end + r : end, 0), r);
    const elems = dims.slice(start, Math.max(start, end)).map((d) => this.sym(d));
    return shapeOrConst({ kind: 'shape', scalar: false, elems });
  }

  private foldGather(n: OnnxNode): Value {
    const v = this.need(n, 0, 'data');
    const ic = this.needConst(n, 1, 'indices');
    const idx = this.intsOf(n, ic, 'indices');
    if (v.kind === 'shape') {
      const ax = this.axis(n, this.attrInt(n, 'axis', 0), 1);
      void ax;
      const len = v.elems.length;
      const picked = idx.map((i) => {
        const j = i < 0 ? i + len : i;
        if (j < 0 || j >= len) this.nodeFail(n, 'ONNX013', `index ${i} is out of range for a shape of rank ${len}`);
        return v.elems[j];
      });
      return shapeOrConst({ kind: 'shape', scalar: ic.dims.length === 0, elems: picked });
    }
    if (v.kind !== 'const') this.nodeFail(n, 'ONNX017', `Gather from ${describeValue(v)}`, { expected: 'a constant or a shape' });
    const axis = this.axis(n, this.attrInt(n, 'axis', 0), v.dims.length);
    const len = v.dims[axis];
    const norm = idx.map((i) => {
      const j = i < 0 ? i + len : i;
      if (j < 0 || j >= len) this.nodeFail(n, 'ONNX013', `index ${i} is out of range for axis ${axis} of length ${len}`);
      return j;
    });
    return gatherConst(v, axis, norm, ic.dims);
  }

  /** Axes of Squeeze/Unsqueeze: attribute before opset 13, input from 13. */
  private squeezeAxes(n: OnnxNode): number[] | undefined {
    if (this.opset >= 13) {
      const c = this.constInput(n, 1, 'axes');
      if (n.attrs.has('axes')) this.nodeFail(n, 'ONNX011', `axes is an input from opset 13 (this model is opset ${this.opset})`, { attr: 'axes' });
      return c ? this.intsOf(n, c, 'axes') : undefined;
    }
    if (n.inputs.length > 1 && n.inputs[1])
      this.nodeFail(n, 'ONNX011', `axes is an attribute before opset 13 (this model is opset ${this.opset})`, { expected: 'the axes attribute' });
    return this.attrInts(n, 'axes');
  }

  private foldSqueeze(n: OnnxNode): Value {
    const v = this.need(n, 0, 'data');
    const axes = this.squeezeAxes(n);
    if (n.opType === 'Unsqueeze' && !axes) this.nodeFail(n, 'ONNX012', 'Unsqueeze needs axes');
    if (v.kind === 'shape') {
      if (n.opType === 'Unsqueeze' && v.scalar && axes && axes.length === 1 && (axes[0] === 0 || axes[0] === -1))
        return { kind: 'shape', scalar: false, elems: v.elems };
      if (n.opType === 'Squeeze' && !v.scalar && v.elems.length === 1 && (!axes || (axes.length === 1 && (axes[0] === 0 || axes[0] === -1))))
        return { kind: 'shape', scalar: true, elems: v.elems };
      this.nodeFail(n, 'ONNX017', `${n.opType} of ${describeValue(v)} with axes [${axes?.join(', ') ?? ''}]`, {
        expected: 'a scalar <-> 1-element vector change',
      });
    }
    if (v.kind === 'fill') return { kind: 'fill', dims: this.squeezeDims(n, v.dims, axes), value: v.value };
    if (v.kind !== 'const') this.nodeFail(n, 'ONNX017', `${n.opType} of ${describeValue(v)}`);
    return { ...v, dims: this.squeezeDims(n, v.dims, axes) as number[] };
  }

  private squeezeDims(n: OnnxNode, dims: Dim[], axes: number[] | undefined): Dim[] {
    if (n.opType === 'Squeeze') {
      const rank = dims.length;
      const drop = axes ? axes.map((a) => this.axis(n, a, rank)) : dims.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0);
      for (const a of drop) if (dims[a] !== 1) this.nodeFail(n, 'ONNX013', `axis ${a} has size ${dims[a]}, cannot squeeze it`, { expected: 'size 1' });
      return dims.filter((_, i) => !drop.includes(i));
    }
    const rank = dims.length + (axes as number[]).length;
    const ins = (axes as number[]).map((a) => this.axis(n, a, rank)).sort((a, b) => a - b);
    const out = dims.slice();
    for (const a of ins) out.splice(a, 0, 1);
    return out;
  }

  private foldConcat(n: OnnxNode): Value {
    const parts = n.inputs.map((_, k) => this.need(n, k, `input ${k}`));
    if (parts.some((p) => p.kind === 'shape')) {
      const elems: Dim[] = [];
      for (const p of parts) {
        if (p.kind === 'shape' && !p.scalar) elems.push(...p.elems);
        else if (p.kind === 'const' && p.dims.length === 1) elems.push(...this.intsOf(n, p, 'shape part'));
        else this.nodeFail(n, 'ONNX017', `Concat of a shape with ${describeValue(p)}`, { expected: '1-D shape vectors' });
      }
      return shapeOrConst({ kind: 'shape', scalar: false, elems });
    }
    const cs = parts.map((p) => (p.kind === 'const' ? p : this.nodeFail(n, 'ONNX017', `Concat of ${describeValue(p)}`, { expected: 'constants' })));
    const rank = cs[0].dims.length;
    const axis = this.axis(n, this.attrInt(n, 'axis', 0), rank);
    for (const c of cs) {
      if (c.dims.length !== rank || c.dims.some((d, i) => i !== axis && d !== cs[0].dims[i])) {
        this.nodeFail(n, 'ONNX013', `Concat inputs [${c.dims.join(', ')}] and [${cs[0].dims.join(', ')}] differ off axis ${axis}`);
      }
    }
    return concatConst(cs, axis);
  }

  /** starts, ends, axes, steps of a Slice node (attributes before opset 10, inputs from 10). */
  private sliceParams(n: OnnxNode, rank: number): { axis: number; start: number; end: number; step: number }[] {
    let starts: number[], ends: number[], axes: number[] | undefined, steps: number[] | undefined;
    if (this.opset < 10) {
      starts = this.attrInts(n, 'starts') ?? this.nodeFail(n, 'ONNX012', 'Slice needs starts', { attr: 'starts' });
      ends = this.attrInts(n, 'ends') ?? this.nodeFail(n, 'ONNX012', 'Slice needs ends', { attr: 'ends' });
      axes = this.attrInts(n, 'axes');
    } else {
      starts = this.intsOf(n, this.needConst(n, 1, 'starts'), 'starts');
      ends = this.intsOf(n, this.needConst(n, 2, 'ends'), 'ends');
      const a = this.constInput(n, 3, 'axes');
      axes = a ? this.intsOf(n, a, 'axes') : undefined;
      const s = this.constInput(n, 4, 'steps');
      steps = s ? this.intsOf(n, s, 'steps') : undefined;
    }
    const ax = axes ?? starts.map((_, i) => i);
    if (ends.length !== starts.length || ax.length !== starts.length || (steps && steps.length !== starts.length)) {
      this.nodeFail(n, 'ONNX013', 'starts, ends, axes and steps differ in length');
    }
    return starts.map((start, i) => {
      const step = steps?.[i] ?? 1;
      if (step === 0) this.nodeFail(n, 'ONNX013', 'a Slice step is 0');
      return { axis: this.axis(n, ax[i], rank), start, end: ends[i], step };
    });
  }

  private foldSlice(n: OnnxNode): Value {
    const v = this.need(n, 0, 'data');
    if (v.kind === 'shape') {
      const ps = this.sliceParams(n, 1);
      let elems = v.elems;
      for (const p of ps) elems = sliceIndices(elems.length, p.start, p.end, p.step).map((i) => elems[i]);
      return shapeOrConst({ kind: 'shape', scalar: false, elems });
    }
    if (v.kind !== 'const') this.nodeFail(n, 'ONNX017', `Slice of ${describeValue(v)}`, { expected: 'a constant or shape' });
    const picks = new Map<number, number[]>();
    for (const p of this.sliceParams(n, v.dims.length)) picks.set(p.axis, sliceIndices(v.dims[p.axis], p.start, p.end, p.step));
    return sliceConst(v, picks);
  }

  private reshapeDims(n: OnnxNode, dims: number[], target: number[]): number[] {
    const allowzero = this.attrInt(n, 'allowzero', 0);
    const out = target.map((t, i) =>
      t === 0 && !allowzero ? (dims[i] ?? this.nodeFail(n, 'ONNX013', `shape entry ${i} is 0 but the input has rank ${dims.length}`)) : t,
    );
    const total = numel(dims);
    const minus = out.filter((d) => d === -1).length;
    if (minus > 1) this.nodeFail(n, 'ONNX013', 'Reshape shape has more than one -1');
    const known = out.reduce((p, d) => (d === -1 ? p : p * d), 1);
    if (minus) out[out.indexOf(-1)] = known === 0 ? 0 : total / known;
    if (numel(out) !== total || out.some((d) => !Number.isInteger(d) || d < 0)) {
      this.nodeFail(n, 'ONNX013', `cannot reshape [${dims.join(', ')}] to [${target.join(', ')}]`);
    }
    return out;
  }

  // ---- recurrent nodes ------------------------------------------------------------------------

  private recurrent(n: OnnxNode): void {
    const op = n.opType as 'LSTM' | 'GRU' | 'RNN';
    this.rejectUnknownAttrs(n, KNOWN_ATTRS[op]);
    const x = this.needAct(n, 0);
    if (x.mode !== 'sequence') {
      this.nodeFail(n, 'ONNX017', `the recurrent input is ${x.mode === 'last' ? 'a single (last) time step' : x.mode}`, { expected: 'a sequence' });
    }
    const W = this.needConst(n, 1, 'W');
    const R = this.needConst(n, 2, 'R');
    const B = this.constInput(n, 3, 'B');
    const direction = this.attrStr(n, 'direction', 'forward');
    if (direction === 'reverse') {
      this.nodeFail(n, 'ONNX011', 'direction "reverse" is not supported: a tinyrnn layer runs forwards, or both ways as a bidirectional layer', {
        attr: 'direction',
        value: direction,
        expected: 'forward or bidirectional',
        hint: 'a reverse-only layer would need the input sequence reversed on the device; re-export with a forward or bidirectional layer',
      });
    }
    if (direction !== 'forward' && direction !== 'bidirectional') {
      this.nodeFail(n, 'ONNX011', 'unknown direction', { attr: 'direction', value: direction, expected: 'forward or bidirectional' });
    }
    const D = direction === 'bidirectional' ? 2 : 1;
    const G = op === 'LSTM' ? 4 : op === 'GRU' ? 3 : 1;
    const layout = this.attrInt(n, 'layout', 0);
    if (layout !== 0 && layout !== 1)
      this.nodeFail(n, 'ONNX011', 'layout must be 0 or 1', {
        attr: 'layout',
        value: layout,
        expected: '0 (time, batch, features) or 1 (batch, time, features)',
      });

    // Weights and sizes.
    if (W.dims.length !== 3) this.nodeFail(n, 'ONNX013', `W has shape [${W.dims.join(', ')}]`, { expected: '[num_directions, G*hidden_size, input_size]' });
    const [, wgh, I] = W.dims;
    const hAttr = n.attrs.has('hidden_size') ? this.attrInt(n, 'hidden_size', 0) : undefined;
    const H = hAttr ?? wgh / G;
    const problems: Diagnostic[] = [];
    const p = where(n);
    const shapeCheck = (name: string, got: number[], want: number[], legend: string): void => {
      if (got.length !== want.length || got.some((d, i) => d !== want[i])) {
        problems.push({
          code: 'ONNX013',
          path: `${p}.${name}`,
          message: `${name} has shape [${got.join(', ')}]`,
          expected: `[${want.join(', ')}] = ${legend} (num_directions ${D}, hidden_size ${H}, input_size ${I}, ${G} gates)`,
        });
      }
    };
    if (!Number.isInteger(H) || H <= 0) this.nodeFail(n, 'ONNX013', `hidden_size ${H} is not a positive integer`, { attr: 'hidden_size' });
    shapeCheck('W', W.dims, [D, G * H, I], '[D, G*H, I]');
    shapeCheck('R', R.dims, [D, G * H, H], '[D, G*H, H]');
    if (B) shapeCheck('B', B.dims, [D, 2 * G * H], '[D, 2*G*H]');
    const P = op === 'LSTM' ? this.constInput(n, 7, 'P') : undefined;
    if (P) shapeCheck('P', P.dims, [D, 3 * H], '[D, 3*H]');
    const xw = featureWidth(x);
    const xAxes = x.axes;
    if (xAxes.length !== 3)
      problems.push({ code: 'ONNX013', path: `${p}.X`, message: `X has rank ${xAxes.length} (${describeAxes(xAxes)})`, expected: 'rank 3' });
    else if (xAxes[0].role === 'F' || xAxes[1].role === 'F' || (xAxes[2].role !== 'F' && xAxes[2].role !== '1')) {
      problems.push({ code: 'ONNX017', path: `${p}.X`, message: `X axes are (${describeAxes(xAxes)})`, expected: 'features on the last axis only' });
    } else if (xAxes[2].size !== undefined && xw !== I) {
      problems.push({ code: 'ONNX013', path: `${p}.X`, message: `X has ${xw} features`, expected: `input_size ${I} (from W)` });
    }
    if (problems.length) throw new TinyrnnError(problems);
    if (xAxes[2].size === undefined) xAxes[2] = I === 1 ? { role: '1', size: 1 } : { role: 'F', size: I };

    // Time and batch axes of X.
    const [tPos, bPos] = layout === 0 ? [0, 1] : [1, 0];
    this.bindAxis(n, xAxes[tPos], 'T');
    this.bindAxis(n, xAxes[bPos], 'B');
    const T = xAxes[tPos].size;
    const Bsz = xAxes[bPos].size;

    // Activations.
    const acts = this.attrStrings(n, 'activations');
    const dflt = DEFAULT_ACTS[op];
    let elmanAct: 'tanh' | 'relu' = 'tanh';
    if (acts) {
      const per = dflt.length;
      if (acts.length !== per * D)
        this.nodeFail(n, 'ONNX011', `${acts.length} activations given`, {
          attr: 'activations',
          value: acts.join(','),
          expected: `${per * D} (${per} per direction)`,
        });
      for (let d = 0; d < D; d++) {
        const mine = acts.slice(d * per, (d + 1) * per);
        // Activation names are matched without case, as onnxruntime does.
        const lower = mine.map((a) => a.toLowerCase());
        if (op === 'RNN' && (lower[0] === 'relu' || lower[0] === 'tanh')) {
          const a = lower[0] as 'relu' | 'tanh';
          if (d === 1 && a !== elmanAct)
            this.nodeFail(n, 'ONNX011', 'the two directions use different activations', {
              attr: 'activations',
              value: acts.join(','),
              expected: 'the same activation both ways',
            });
          elmanAct = a;
          continue;
        }
        if (lower.some((a, i) => a !== dflt[i].toLowerCase())) {
          this.nodeFail(n, 'ONNX011', `activations ${mine.join(', ')} are not supported`, {
            attr: 'activations',
            value: acts.join(','),
            expected: op === 'RNN' ? 'Tanh or Relu' : `the defaults ${dflt.join(', ')}`,
            hint:
              op === 'LSTM' || op === 'GRU' ? 'tinyrnn cells use sigmoid gates and tanh (Keras: recurrent_activation="sigmoid", activation="tanh")' : undefined,
          });
        }
      }
    }
    const alpha = n.attrs.get('activation_alpha');
    const beta = n.attrs.get('activation_beta');
    if ((alpha && (alpha.floats?.length ?? 0) > 0) || (beta && (beta.floats?.length ?? 0) > 0)) {
      this.nodeFail(n, 'ONNX011', 'activation_alpha/activation_beta are not supported', {
        attr: alpha ? 'activation_alpha' : 'activation_beta',
        expected: 'absent (activations without parameters)',
      });
    }
    const clipA = n.attrs.get('clip');
    const clip = clipA ? this.attrFloat(n, 'clip', 0) : undefined;
    if (clip !== undefined && !(clip > 0 && Number.isFinite(clip)))
      this.nodeFail(n, 'ONNX011', 'clip must be a positive number', { attr: 'clip', value: clip, expected: '> 0' });
    if (op === 'LSTM' && this.attrInt(n, 'input_forget', 0) !== 0) {
      this.nodeFail(n, 'ONNX011', 'input_forget = 1 (coupled input and forget gates) is not supported', {
        attr: 'input_forget',
        value: this.attrInt(n, 'input_forget', 0),
        expected: '0',
      });
    }
    let resetAfter = false;
    if (op === 'GRU') {
      const lbr = this.attrInt(n, 'linear_before_reset', 0);
      if (lbr !== 0 && lbr !== 1)
        this.nodeFail(n, 'ONNX011', 'linear_before_reset must be 0 or 1', { attr: 'linear_before_reset', value: lbr, expected: '0 or 1' });
      resetAfter = lbr === 1;
    }

    // sequence_lens: only "every sequence is full length" is exact.
    const sl = this.get(n, 4);
    if (sl) {
      const lens = sl.kind === 'const' ? Array.from(sl.data) : sl.kind === 'fill' ? [this.sym(sl.value)] : undefined;
      const full = lens !== undefined && lens.every((l) => l === 'T' || (T !== undefined && l === T));
      if (!full) {
        this.nodeFail(
          n,
          'ONNX015',
          sl.kind === 'act'
            ? 'sequence_lens depends on the model input'
            : lens
              ? `sequence_lens is [${lens.join(', ')}]`
              : `sequence_lens is ${describeValue(sl)}`,
          {
            value: lens ? lens.join(',') : undefined,
            expected:
              T === undefined && !lens?.includes('T')
                ? 'no sequence_lens (the sequence length is not fixed in this graph)'
                : `every length equal to the sequence length ${T}, or no sequence_lens`,
            hint: 'tinyrnn runs every step of the sequence it is given: pass sequences of the length you want instead',
          },
        );
      }
      if (lens.some((l) => l !== 'T')) this.sawStaticSeqLens = true;
    }
    // Initial states: zero only.
    for (const [k, what] of [
      [5, 'initial_h'],
      [6, 'initial_c'],
    ] as const) {
      if (k === 6 && op !== 'LSTM') continue;
      const s = this.get(n, k);
      if (!s) continue;
      const zero = s.kind === 'fill' ? s.value === 0 : s.kind === 'const' ? s.data.every((v) => v === 0) : false;
      if (!zero) {
        const nz = s.kind === 'const' ? s.data.find((v) => v !== 0) : s.kind === 'fill' ? s.value : undefined;
        this.nodeFail(
          n,
          'ONNX016',
          s.kind === 'act'
            ? `${what} is computed from the model input`
            : s.kind === 'const' || s.kind === 'fill'
              ? `${what} is not zero`
              : `${what} is ${describeValue(s)}`,
          {
            value: nz,
            expected: 'a zero initial state (absent, zeros, or ConstantOfShape/Expand of 0)',
            hint: 'tinyrnn layers start every sequence from h = 0 (and c = 0)',
          },
        );
      }
    }

    // Build the cells.
    const name = n.name || `${op.toLowerCase()}_${n.index}`;
    const kind = op === 'LSTM' ? 'lstm' : op === 'GRU' ? 'gru' : 'elman';
    const order = op === 'LSTM' ? LSTM_FROM_ONNX : op === 'GRU' ? GRU_FROM_ONNX : [0];
    const cells: CellLayer[] = [];
    for (let d = 0; d < D; d++) {
      const cell = emptyCell(kind, I, H, { activation: elmanAct, resetAfter });
      for (let g = 0; g < G; g++) {
        const og = order[g];
        for (let j = 0; j < H; j++) {
          const dst = g * H + j;
          const src = og * H + j;
          for (let i = 0; i < I; i++) cell.wx[dst * I + i] = W.data[(d * G * H + src) * I + i];
          for (let i = 0; i < H; i++) cell.wh[dst * H + i] = R.data[(d * G * H + src) * H + i];
          if (B) {
            cell.bx[dst] = B.data[d * 2 * G * H + src];
            cell.bh[dst] = B.data[d * 2 * G * H + G * H + src];
          }
        }
      }
      if (clip !== undefined) cell.clip = clip;
      if (P && cell.kind === 'lstm') {
        const peep = new Float32Array(3 * H); // (3, H) i, f, o
        for (let g = 0; g < 3; g++) for (let j = 0; j < H; j++) peep[g * H + j] = P.data[d * 3 * H + PEEP_FROM_ONNX[g] * H + j];
        (cell as LstmLayer).peepholes = peep;
      }
      cell.name = D === 2 ? `${name}.${d === 0 ? 'forward' : 'backward'}` : name;
      cells.push(cell);
    }
    const layer: Layer = D === 2 ? { kind: 'bidirectional', name, forward: cells[0], backward: cells[1] } : cells[0];
    const layers = [...x.layers, layer];
    const origins = [...x.origins, n.name || `#${n.index}`];
    const dAxis: Axis = D === 1 ? { role: '1', size: 1 } : { role: 'F', size: 2 };
    const hAxis: Axis = H === 1 ? { role: '1', size: 1 } : { role: 'F', size: H };
    const tAxis: Axis = { role: 'T', ...(T !== undefined ? { size: T } : {}) };
    const bAxis: Axis = { role: 'B', ...(Bsz !== undefined ? { size: Bsz } : {}) };
    const Y: Axis[] = layout === 0 ? [tAxis, dAxis, bAxis, hAxis] : [bAxis, tAxis, dAxis, hAxis];
    const S: Axis[] = layout === 0 ? [dAxis, bAxis, hAxis] : [bAxis, dAxis, hAxis];
    const norm = x.norm ? { norm: x.norm } : {};
    this.set(n, 0, { kind: 'act', axes: Y, mode: 'sequence', layers, origins, ...norm });
    this.set(n, 1, {
      kind: 'act',
      axes: S.map((a) => ({ ...a })),
      mode: D === 2 ? 'final-bidir' : 'last',
      layers,
      origins,
      note: `Y_h of ${where(n)}`,
      ...norm,
    });
    if (op === 'LSTM') this.set(n, 2, { kind: 'act', axes: S.map((a) => ({ ...a })), mode: 'cell', layers, origins, ...norm });
  }

  private bindAxis(n: OnnxNode, a: Axis, want: Bound): void {
    const r = this.role(a);
    if (r === want) return;
    if ((r === 'x0' || r === 'x1') && a.role === r) {
      this.binding.set(r, want);
      a.role = want;
      return;
    }
    this.nodeFail(n, 'ONNX017', `the ${want === 'T' ? 'time' : 'batch'} axis of X is the model's ${r === 'T' ? 'time' : r === 'B' ? 'batch' : r} axis`, {
      expected: `the ${want === 'T' ? 'time' : 'batch'} axis (check the layout attribute and the Transpose before this node)`,
    });
  }

  // ---- operations on model data ---------------------------------------------------------------

  private out(n: OnnxNode, a: ActValue, axes: Axis[], extra: Partial<ActValue> = {}): void {
    this.set(n, 0, { ...a, ...extra, axes: axes.map((x) => ({ ...x, role: this.role(x) })) });
  }

  private dropout(n: OnnxNode): void {
    const a = this.needAct(n, 0);
    const training = this.constInput(n, 2, 'training_mode');
    if (training && training.data[0] !== 0) this.nodeFail(n, 'ONNX017', 'Dropout in training mode', { expected: 'inference (training_mode false)' });
    if (n.outputs[1]) this.set(n, 1, fullConst(ONNX_DTYPE.BOOL, [], 1));
    this.out(n, a, a.axes);
  }

  private castAct(n: OnnxNode): void {
    const a = this.needAct(n, 0);
    const to = this.attrInt(n, 'to', -1);
    if (to !== ONNX_DTYPE.FLOAT && to !== ONNX_DTYPE.DOUBLE) {
      this.nodeFail(n, 'ONNX017', `Cast of model data to ${dtypeName(to)}`, {
        attr: 'to',
        value: dtypeName(to),
        expected: 'FLOAT or DOUBLE (a no-op for tinyrnn)',
      });
    }
    this.out(n, a, a.axes);
  }

  private checkFeatureOrder(n: OnnxNode, axes: Axis[], before: Axis[]): void {
    const fb = before.filter((x) => x.role === 'F');
    const fa = axes.filter((x) => x.role === 'F');
    if (fb.some((x, i) => x !== fa[i])) {
      this.nodeFail(n, 'ONNX017', `reorders feature axes (${describeAxes(before)} -> ${describeAxes(axes)})`, {
        expected: 'feature axes kept in order (a bidirectional Y as (T, B, 2, H) -> (T, B, 2H))',
      });
    }
  }

  private transposeAct(n: OnnxNode): void {
    const a = this.needAct(n, 0);
    const rank = a.axes.length;
    const perm = (this.attrInts(n, 'perm') ?? a.axes.map((_, i) => rank - 1 - i)).map((p) => this.axis(n, p, rank, 'perm entry'));
    if (perm.length !== rank || new Set(perm).size !== rank)
      this.nodeFail(n, 'ONNX013', `perm [${perm.join(', ')}] is not a permutation of rank ${rank}`, { attr: 'perm' });
    const axes = perm.map((p) => a.axes[p]);
    this.checkFeatureOrder(n, axes, a.axes);
    this.out(n, a, axes);
  }

  private squeezeAct(n: OnnxNode): void {
    const a = this.needAct(n, 0);
    const axes = this.squeezeAxes(n);
    const rank = a.axes.length;
    let drop: number[];
    if (axes) drop = axes.map((x) => this.axis(n, x, rank));
    else {
      drop = a.axes.map((x, i) => (x.size === 1 ? i : -1)).filter((i) => i >= 0);
    }
    for (const i of drop) {
      const x = a.axes[i];
      const r = this.role(x);
      if (x.size !== 1)
        this.nodeFail(n, 'ONNX013', `cannot squeeze axis ${i} (${r}${x.size !== undefined ? ` of size ${x.size}` : ''})`, { expected: 'an axis of size 1' });
      if (r === 'T' || r === 'x0' || r === 'x1') {
        this.nodeFail(n, 'ONNX017', `squeezes the ${r === 'T' ? 'time' : 'leading input'} axis (fixed at length 1 in this graph)`, {
          expected: 'squeezing singleton axes only',
          hint: 'export with a dynamic sequence axis',
        });
      }
    }
    this.out(
      n,
      a,
      a.axes.filter((_, i) => !drop.includes(i)),
    );
  }

  private unsqueezeAct(n: OnnxNode): void {
    const a = this.needAct(n, 0);
    const axes = this.squeezeAxes(n);
    if (!axes) this.nodeFail(n, 'ONNX012', 'Unsqueeze needs axes', { expected: 'axes' });
    const rank = a.axes.length + axes.length;
    const ins = axes.map((x) => this.axis(n, x, rank)).sort((p, q) => p - q);
    const out = a.axes.slice();
    for (const i of ins) out.splice(i, 0, { role: '1', size: 1 });
    this.out(n, a, out);
  }

  /** Maps a reshape of model data onto its axes: singleton axes come and go, adjacent feature axes merge or split. */
  private reshapeTo(n: OnnxNode, a: ActValue, target: Dim[]): Axis[] {
    const allowzero = this.attrInt(n, 'allowzero', 0);
    const dims = target.map((d, i) => {
      if (d === 0 && !allowzero) {
        const src = a.axes[i];
        if (!src) this.nodeFail(n, 'ONNX013', `shape entry ${i} is 0 but the input has rank ${a.axes.length}`);
        return src.role === 'F' || src.role === '1' ? (src.size as number) : (this.role(src) as Dim);
      }
      return this.sym(d);
    });
    if (dims.filter((d) => d === -1).length > 1) this.nodeFail(n, 'ONNX013', 'Reshape shape has more than one -1');
    const src = a.axes.filter((x) => x.role !== '1');
    const out: Axis[] = [];
    let k = 0;
    const bad = (why: string): never =>
      this.nodeFail(n, 'ONNX017', `Reshape of model data (${describeAxes(a.axes)}) to [${target.join(', ')}]: ${why}`, {
        expected: 'a reshape that keeps the time and batch axes and only merges or splits adjacent feature axes',
      });
    for (let di = 0; di < dims.length; di++) {
      const d = dims[di];
      if (d === 1) {
        const s1 = src[k];
        // A 1 is a new singleton unless it can only be a time/batch axis of static size 1.
        const mustMap = s1 !== undefined && s1.role !== 'F' && s1.size === 1 && dims.length - di <= src.length - k;
        if (!mustMap) {
          out.push({ role: '1', size: 1 });
          continue;
        }
      }
      const s = src[k];
      if (!s) bad('more dimensions than the data has');
      const r = this.role(s);
      if (r !== 'F') {
        if (d === r || d === -1 || (typeof d === 'number' && s.size === d)) {
          out.push({ ...s, role: r });
          k++;
          continue;
        }
        bad(`the ${r === 'T' ? 'time' : r === 'B' ? 'batch' : r} axis would be merged or split`);
      }
      // Feature axes: take adjacent F axes until their product reaches d.
      if (typeof d === 'string') return bad(`a feature axis would become the ${d} axis`);
      let prod = 1;
      if (d === -1) {
        while (src[k] && src[k].role === 'F') prod *= src[k++].size as number;
      } else {
        while (prod < d && src[k] && src[k].role === 'F') prod *= src[k++].size as number;
        if (prod !== d) bad(`feature size ${d} does not match the data's feature axes`);
      }
      out.push(prod === 1 ? { role: '1', size: 1 } : { role: 'F', size: prod });
    }
    if (k !== src.length) bad('fewer dimensions than the data has');
    return out;
  }

  private reshapeAct(n: OnnxNode): void {
    const a = this.needAct(n, 0);
    const s = this.need(n, 1, 'shape');
    const target: Dim[] =
      s.kind === 'shape'
        ? s.elems
        : s.kind === 'const'
          ? this.intsOf(n, s, 'shape')
          : this.nodeFail(n, 'ONNX017', `shape is ${describeValue(s)}`, { expected: 'a constant or shape vector' });
    const axes = this.reshapeTo(n, a, target);
    this.out(n, a, axes);
  }

  private flattenAct(n: OnnxNode): void {
    const a = this.needAct(n, 0);
    const rank = a.axes.length;
    const axis = this.attrInt(n, 'axis', 1);
    const ax = axis < 0 ? axis + rank : axis;
    if (ax < 0 || ax > rank) this.nodeFail(n, 'ONNX013', `axis ${axis} is out of range for rank ${rank}`, { attr: 'axis' });
    const left = a.axes.slice(0, ax).filter((x) => x.role !== '1');
    const right = a.axes.slice(ax).filter((x) => x.role !== '1');
    if (left.length > 1 || left.some((x) => x.role === 'F') || right.some((x) => x.role !== 'F')) {
      this.nodeFail(n, 'ONNX017', `Flatten at axis ${axis} of model data (${describeAxes(a.axes)})`, {
        expected: 'the batch axis before the flattening point and only feature axes after it',
      });
    }
    const w = right.reduce((p, x) => p * (x.size as number), 1);
    this.out(n, a, [left[0] ?? { role: '1', size: 1 }, w === 1 ? { role: '1', size: 1 } : { role: 'F', size: w }]);
  }

  private isLastIndex(i: number, len: number | undefined): boolean {
    return i === -1 || (len !== undefined && i === len - 1);
  }

  private gatherAct(n: OnnxNode): void {
    const a = this.needAct(n, 0);
    const ic = this.needConst(n, 1, 'indices');
    const idx = this.intsOf(n, ic, 'indices');
    const axis = this.axis(n, this.attrInt(n, 'axis', 0), a.axes.length);
    const x = a.axes[axis];
    const r = this.role(x);
    if (ic.dims.length > 1 || idx.length !== 1) this.nodeFail(n, 'ONNX017', `Gather of ${idx.length} indices from model data`, { expected: 'one index' });
    const i = idx[0];
    const keep = ic.dims.length === 1;
    const replace = (extra: Partial<ActValue> = {}): void => {
      const axes = a.axes.slice();
      if (keep) axes[axis] = { role: '1', size: 1 };
      else axes.splice(axis, 1);
      this.out(n, a, axes, extra);
    };
    if (r === 'T') {
      if (a.mode !== 'sequence') this.nodeFail(n, 'ONNX017', 'Gather on the time axis of data that is no longer a sequence');
      if (!this.isLastIndex(i, x.size)) {
        this.nodeFail(n, 'ONNX017', `Gather of time step ${i}`, {
          value: i,
          expected: `the last step (index -1${x.size !== undefined ? ` or ${x.size - 1}` : ''})`,
          hint: 'tinyrnn models output every step or the last step only',
        });
      }
      return replace({ mode: 'last', note: `${where(n)}` });
    }
    if (x.role === '1' || (r === 'B' && x.size === 1)) {
      if (i !== 0 && i !== -1) this.nodeFail(n, 'ONNX013', `index ${i} on an axis of size 1`);
      return replace();
    }
    this.nodeFail(n, 'ONNX017', `Gather on the ${r === 'F' ? 'feature' : r === 'B' ? 'batch' : r} axis of model data`, {
      expected: 'the last time step (index -1 on the time axis)',
    });
  }

  private sliceAct(n: OnnxNode): void {
    const a = this.needAct(n, 0);
    const axes = a.axes.slice();
    let mode = a.mode;
    for (const p of this.sliceParams(n, axes.length)) {
      const x = axes[p.axis];
      const r = this.role(x);
      const full =
        p.step === 1 &&
        (p.start === 0 || (x.size !== undefined && p.start <= -x.size)) &&
        (p.end >= Number.MAX_SAFE_INTEGER || (x.size !== undefined && p.end >= x.size));
      if (full) continue;
      if (r === 'T' && p.step === 1 && this.isLastIndex(p.start, x.size) && (p.end >= Number.MAX_SAFE_INTEGER || (x.size !== undefined && p.end >= x.size))) {
        if (mode !== 'sequence') this.nodeFail(n, 'ONNX017', 'Slice of the time axis of data that is no longer a sequence');
        axes[p.axis] = { role: '1', size: 1 };
        mode = 'last';
        continue;
      }
      if (x.size !== undefined && (r === 'F' || r === '1' || r === 'B')) {
        const got = sliceIndices(x.size, p.start, p.end, p.step);
        if (got.length === x.size && got.every((v, i) => v === i)) continue;
      }
      this.nodeFail(
        n,
        'ONNX017',
        `Slice [${p.start}:${p.end}:${p.step}] of the ${r === 'T' ? 'time' : r === 'F' ? 'feature' : r === 'B' ? 'batch' : r} axis of model data`,
        {
          expected: 'the last time step ([-1:]) or a full range',
        },
      );
    }
    this.out(n, a, axes, { mode, note: mode === 'last' && a.mode !== 'last' ? where(n) : a.note });
  }

  private shapeOfAct(n: OnnxNode): void {
    const a = this.need(n, 0, 'data') as ActValue;
    const dims: Dim[] = a.axes.map((x) => {
      const r = this.role(x);
      // An undeclared feature count stays NaN: harmless unless the graph computes with it (then intsOf refuses it).
      return r === 'F' || r === '1' ? (x.size ?? NaN) : (r as Sym);
    });
    this.folded++;
    this.set(n, 0, this.shapeSlice(n, dims));
  }

  /** The data's last axis must be its only feature axis (the one a matrix product contracts). */
  private contractAxis(n: OnnxNode, a: ActValue, what: string): number {
    const last = a.axes[a.axes.length - 1];
    const fs = a.axes.filter((x) => x.role === 'F');
    if (fs.length > 1 || (fs.length === 1 && last !== fs[0])) {
      this.nodeFail(n, 'ONNX017', `${what} on model data (${describeAxes(a.axes)}) whose features are not all on the last axis`, {
        expected: 'features on the last axis only',
      });
    }
    if (!last || (last.role !== 'F' && last.role !== '1'))
      this.nodeFail(n, 'ONNX017', `${what} would contract the ${this.role(last)} axis`, { expected: 'the feature axis' });
    return featureWidth(a);
  }

  private appendDense(n: OnnxNode, a: ActValue, dense: DenseLayer): void {
    const axes = a.axes.slice();
    axes[axes.length - 1] = dense.units === 1 ? { role: '1', size: 1 } : { role: 'F', size: dense.units };
    this.out(n, a, axes, { layers: [...a.layers, dense], origins: [...a.origins, n.name || `#${n.index}`] });
  }

  private matmul(n: OnnxNode): void {
    const a0 = this.need(n, 0, 'A');
    if (a0.kind !== 'act') this.nodeFail(n, 'ONNX017', 'MatMul with the model data on the right', { expected: 'data x constant weight matrix' });
    const a = this.needAct(n, 0);
    const w = this.needConst(n, 1, 'B');
    const K = this.contractAxis(n, a, 'MatMul');
    if (w.dims.length !== 2 || w.dims[0] !== K) {
      this.nodeFail(n, 'ONNX013', `weight matrix has shape [${w.dims.join(', ')}]`, { expected: `[${K}, units] (the data has ${K} features)` });
    }
    const U = w.dims[1];
    const d: DenseLayer = {
      kind: 'dense',
      name: n.name || `matmul_${n.index}`,
      inputSize: K,
      units: U,
      w: new Float32Array(U * K),
      b: new Float32Array(U),
      activation: 'none',
    };
    for (let u = 0; u < U; u++) for (let k = 0; k < K; k++) d.w[u * K + k] = w.data[k * U + u];
    this.appendDense(n, a, d);
  }

  private gemm(n: OnnxNode): void {
    this.rejectUnknownAttrs(n, ['alpha', 'beta', 'transA', 'transB']);
    const a = this.needAct(n, 0);
    if (this.attrInt(n, 'transA', 0) !== 0) this.nodeFail(n, 'ONNX017', 'transA = 1 transposes the model data', { attr: 'transA', value: 1, expected: '0' });
    if (a.axes.length !== 2)
      this.nodeFail(n, 'ONNX013', `Gemm input has rank ${a.axes.length} (${describeAxes(a.axes)})`, { expected: 'rank 2 (batch, features)' });
    const K = this.contractAxis(n, a, 'Gemm');
    const w = this.needConst(n, 1, 'B');
    const transB = this.attrInt(n, 'transB', 0);
    const alpha = this.attrFloat(n, 'alpha', 1);
    const beta = this.attrFloat(n, 'beta', 1);
    if (w.dims.length !== 2 || w.dims[transB ? 1 : 0] !== K) {
      this.nodeFail(n, 'ONNX013', `weight matrix has shape [${w.dims.join(', ')}] with transB ${transB}`, {
        expected: transB ? `[units, ${K}]` : `[${K}, units]`,
      });
    }
    const U = w.dims[transB ? 0 : 1];
    const d: DenseLayer = {
      kind: 'dense',
      name: n.name || `gemm_${n.index}`,
      inputSize: K,
      units: U,
      w: new Float32Array(U * K),
      b: new Float32Array(U),
      activation: 'none',
    };
    for (let u = 0; u < U; u++) for (let k = 0; k < K; k++) d.w[u * K + k] = Math.fround(alpha * (transB ? w.data[u * K + k] : w.data[k * U + u]));
    const c = this.constInput(n, 2, 'C');
    if (c) {
      const bias = this.biasVector(n, c, [a.axes[0], { role: 'F', size: U }], U);
      for (let u = 0; u < U; u++) d.b[u] = Math.fround(beta * bias[u]);
    }
    this.appendDense(n, a, d);
  }

  /** A constant that broadcasts against the data only along its feature axis: returns the (U) vector. */
  private biasVector(n: OnnxNode, c: ConstValue, axes: Axis[], U: number): Float64Array {
    if (c.dims.length > axes.length)
      this.nodeFail(n, 'ONNX013', `constant of shape [${c.dims.join(', ')}] has more dimensions than the data (${describeAxes(axes)})`);
    const off = axes.length - c.dims.length;
    let fAxis = -1;
    c.dims.forEach((d, i) => {
      const x = axes[off + i];
      if (d === 1) return;
      if (x.role === 'F' && d === x.size) fAxis = i;
      else
        this.nodeFail(
          n,
          'ONNX017',
          `adding a constant of shape [${c.dims.join(', ')}] varies along the ${this.role(x)} axis of the data (${describeAxes(axes)})`,
          { expected: `a bias of shape [${U}] (per feature)` },
        );
    });
    const v = new Float64Array(U);
    for (let u = 0; u < U; u++) v[u] = fAxis < 0 ? c.data[0] : c.data[u];
    return v;
  }

  private addBias(n: OnnxNode): void {
    const v0 = this.need(n, 0, 'A');
    const v1 = this.need(n, 1, 'B');
    let a: ActValue, cv: Value;
    if (v0.kind === 'act' && v1.kind !== 'act') [a, cv] = [this.needAct(n, 0), v1];
    else if (v1.kind === 'act' && v0.kind !== 'act' && n.opType === 'Add') [a, cv] = [this.needAct(n, 1), v0];
    else
      this.nodeFail(n, 'ONNX017', `${n.opType} of ${describeValue(v0)} and ${describeValue(v1)}`, {
        expected: 'model data plus a constant bias',
        hint: 'residual connections and other data-data arithmetic have no tinyrnn layer',
      });
    if (cv.kind !== 'const') this.nodeFail(n, 'ONNX017', `${n.opType} of model data and ${describeValue(cv)}`, { expected: 'a constant bias' });
    if (a.layers.length === 0) return this.normalizeStep(n, a, n.opType as 'Add' | 'Sub', cv);
    const U = this.contractAxis(n, a, n.opType);
    const bias = this.biasVector(n, cv, a.axes, U);
    const sign = n.opType === 'Sub' ? -1 : 1;
    const last = a.layers[a.layers.length - 1];
    if (last && last.kind === 'dense' && last.activation === 'none') {
      const d: DenseLayer = { ...last, b: last.b.slice() };
      for (let u = 0; u < U; u++) d.b[u] = Math.fround(d.b[u] + sign * bias[u]);
      return this.out(n, a, a.axes, {
        layers: [...a.layers.slice(0, -1), d],
        origins: [...a.origins.slice(0, -1), `${a.origins[a.origins.length - 1]}+${n.name || `#${n.index}`}`],
      });
    }
    const d = identityDense(n.name || `bias_${n.index}`, U);
    for (let u = 0; u < U; u++) d.b[u] = Math.fround(sign * bias[u]);
    this.appendDense(n, a, d);
  }

  /** Mul/Div by a constant: only as part of the input normalisation, before the first layer. */
  private scaleInput(n: OnnxNode): void {
    const v0 = this.need(n, 0, 'A');
    const v1 = this.need(n, 1, 'B');
    const dataFirst = v0.kind === 'act';
    const a = dataFirst ? this.needAct(n, 0) : n.opType === 'Mul' && v1.kind === 'act' ? this.needAct(n, 1) : undefined;
    const cv = dataFirst ? v1 : v0;
    if (!a || cv.kind !== 'const' || a.layers.length > 0) {
      this.nodeFail(n, 'ONNX017', `${n.opType} of ${describeValue(v0)} and ${describeValue(v1)}`, {
        expected: 'scaling of the model input by a per-feature constant (input normalisation, before the first layer)',
        hint: 'scaling inside the network has no exact tinyrnn layer',
      });
    }
    this.normalizeStep(n, a, n.opType as 'Mul' | 'Div', cv);
  }

  /** Folds (x + c), (x - c), (x * c), (x / c) on the raw input into the model's normalisation (x - mean) / std. */
  private normalizeStep(n: OnnxNode, a: ActValue, op: 'Add' | 'Sub' | 'Mul' | 'Div', c: ConstValue): void {
    const axes = a.axes.map((x) => ({ ...x }));
    const last = axes[axes.length - 1];
    if (last.role === 'F' && last.size === undefined) {
      const d = c.dims[c.dims.length - 1];
      if (d === undefined || d <= 1)
        this.nodeFail(n, 'ONNX013', 'the number of input features is not known', { expected: 'a graph input with a fixed feature dimension' });
      last.size = d;
    }
    const F = this.contractAxis(n, { ...a, axes }, n.opType);
    const v = this.biasVector(n, c, axes, F);
    const mean = a.norm ? a.norm.mean.slice() : new Float64Array(F);
    const std = a.norm ? a.norm.std.slice() : new Float64Array(F).fill(1);
    for (let f = 0; f < F; f++) {
      if ((op === 'Mul' || op === 'Div') && !(v[f] > 0 && Number.isFinite(v[f]))) {
        this.nodeFail(n, 'ONNX017', `input scale ${v[f]} for feature ${f}`, { value: v[f], expected: 'a positive finite per-feature scale' });
      }
      if (op === 'Add') mean[f] -= v[f] * std[f];
      else if (op === 'Sub') mean[f] += v[f] * std[f];
      else if (op === 'Mul') std[f] /= v[f];
      else std[f] *= v[f];
    }
    this.out(n, a, axes, { norm: { mean, std } });
  }

  private activation(n: OnnxNode, act: DenseActivation): void {
    const a = this.needAct(n, 0);
    const U = this.contractAxis(n, a, n.opType);
    const last = a.layers[a.layers.length - 1];
    if (last && last.kind === 'dense' && last.activation === 'none') {
      return this.out(n, a, a.axes, {
        layers: [...a.layers.slice(0, -1), { ...last, activation: act }],
        origins: [...a.origins.slice(0, -1), `${a.origins[a.origins.length - 1]}+${n.name || `#${n.index}`}`],
      });
    }
    if (a.layers.length === 0)
      this.nodeFail(n, 'ONNX017', `${n.opType} applied to the raw model input`, { expected: 'an activation after a dense or recurrent layer' });
    const d = identityDense(n.name || `${act}_${n.index}`, U);
    d.activation = act;
    this.appendDense(n, a, d);
  }

  private softmax(n: OnnxNode): void {
    const a = this.needAct(n, 0);
    const rank = a.axes.length;
    const axis = this.axis(n, this.attrInt(n, 'axis', this.opset >= 13 ? -1 : 1), rank);
    // Before opset 13 Softmax flattens the axes from `axis` on into one; from 13 it is one axis.
    const covered = this.opset >= 13 ? [a.axes[axis]] : a.axes.slice(axis);
    const fs = a.axes.filter((x) => x.role === 'F');
    if (covered.some((x) => x.role !== 'F' && x.role !== '1') || fs.some((x) => !covered.includes(x))) {
      this.nodeFail(n, 'ONNX017', `Softmax over axis ${axis} of model data (${describeAxes(a.axes)})`, {
        attr: 'axis',
        value: axis,
        expected: 'the feature axis',
      });
    }
    this.activation(n, 'softmax');
  }

  // ---- the model ------------------------------------------------------------------------------

  private finish(outName: string, v: Value, neededCount: number, total: number): ImportResult {
    const where0 = `graph.output ${JSON.stringify(outName)}`;
    if (v.kind !== 'act') {
      this.fail('ONNX018', where0, `the output is ${describeValue(v)}, which does not depend on the model input`, {
        expected: 'an output computed from the input sequence',
      });
    }
    if (v.mode === 'cell')
      this.fail('ONNX018', where0, 'the output is an LSTM cell state (Y_c)', {
        expected: 'a hidden state or a layer output',
        hint: 'import another output: --output NAME',
      });
    if (v.mode === 'final-bidir') {
      this.fail('ONNX018', where0, 'the output is the final state (Y_h) of a bidirectional node', {
        expected: 'per-step outputs or their last step',
        hint: 'the backward half of Y_h is its state after the first time step; export Y and take its last step instead',
      });
    }
    if (v.layers.length === 0) this.fail('ONNX018', where0, 'the output is the model input itself', { expected: 'an output computed by at least one layer' });
    const T = v.axes.filter((x) => this.role(x) === 'T');
    if (v.mode === 'sequence' && T.length !== 1)
      this.fail('ONNX018', where0, `the output (${describeAxes(v.axes)}) has no time axis`, { expected: 'a time axis, or a last-step selection' });
    const stray = v.axes.filter((x) => x.role === 'x0' || x.role === 'x1');
    if (stray.length) this.fail('ONNX018', where0, 'no recurrent node tells which input axis is time', { expected: 'at least one LSTM, GRU or RNN node' });
    const width = featureWidth(v);
    const lastLayer = v.layers[v.layers.length - 1];
    if (layerOutputSize(lastLayer) !== width) {
      this.fail('ONNX013', where0, `the output has ${width} features but the last layer gives ${layerOutputSize(lastLayer)}`);
    }
    if (!v.layers.some(isCellLayer) && !v.layers.some((l) => l.kind === 'bidirectional')) {
      this.fail('ONNX018', where0, 'the output does not pass through a recurrent node', { expected: 'at least one LSTM, GRU or RNN node' });
    }
    const g = this.m.graph;
    const inAxes = (this.values.get(this.inputName) as ActValue).axes;
    const inputLayout = inAxes.map((x) => this.role(x)).join(',');
    const outLayout = describeAxes(v.axes.map((x) => ({ ...x, role: this.role(x) })));
    const F = layerInputSizeOf(v.layers[0]);
    const isSoftmax = lastLayer.kind === 'dense' && lastLayer.activation === 'softmax';
    const ignoredOutputs = g.outputs.map((o) => o.name).filter((o) => o !== outName);
    const extra: Record<string, string> = {
      source: 'onnx',
      'onnx.producer': `${this.m.producerName} ${this.m.producerVersion}`.trim(),
      'onnx.opset': String(this.opset),
      'onnx.irVersion': String(this.m.irVersion),
      'onnx.graph': g.name,
      'onnx.input': this.inputName,
      'onnx.inputShape': `[${this.inputShape.map((d) => (d === null ? '?' : d)).join(', ')}]`,
      'onnx.inputLayout': inputLayout,
      'onnx.output': outName,
      'onnx.outputLayout': outLayout,
      'onnx.layers': v.origins.join(' | '),
    };
    if (this.opts.source) extra['onnx.file'] = this.opts.source;
    if (ignoredOutputs.length) extra['onnx.ignoredOutputs'] = ignoredOutputs.join(', ');
    if (this.sawStaticSeqLens) extra['onnx.sequenceLength'] = String(inAxes.find((x) => this.role(x) === 'T')?.size ?? '?');
    if (Object.keys(this.opts.bind ?? {}).length) extra['onnx.bound'] = Object.keys(this.opts.bind ?? {}).join(', ');
    for (const [k, val] of Object.entries(this.m.metadata)) extra[`onnx.meta.${k}`] = val;
    const task: Task = this.opts.task ?? (isSoftmax ? 'classification' : 'regression');
    const O = layerOutputSize(lastLayer);
    if (this.opts.labels && (task !== 'classification' || this.opts.labels.length !== O)) {
      this.fail('ONNX014', 'labels', task !== 'classification' ? 'labels given for a regression model' : `${this.opts.labels.length} labels given`, {
        expected: task !== 'classification' ? 'no labels, or --task classification' : `${O} (one per model output)`,
      });
    }
    const labels = task === 'classification' ? (this.opts.labels ?? Array.from({ length: O }, (_, i) => String(i))) : undefined;
    const model: FloatModel = {
      format: 'float',
      meta: {
        name: this.opts.name ?? defaultName(g.name, this.opts.source),
        features: Array.from({ length: F }, (_, i) => (F === 1 ? this.inputName : `${this.inputName}[${i}]`)),
        ...(labels ? { labels } : {}),
        extra,
      },
      task,
      output: v.mode === 'last' ? 'last' : 'sequence',
      inputSize: F,
      ...(v.norm ? { normalization: { mean: Float32Array.from(v.norm.mean), std: Float32Array.from(v.norm.std) } } : {}),
      layers: v.layers,
    };
    validateFloatModel(model);
    return {
      model,
      input: { name: this.inputName, layout: inputLayout, shape: this.inputShape },
      output: { name: outName, layout: outLayout, mode: model.output },
      ignoredOutputs,
      layers: v.layers.map((l, index) => ({ index, kind: l.kind, name: l.name ?? '', node: v.origins[index] })),
      opset: this.opset,
      producer: extra['onnx.producer'],
      folded: this.folded,
      unused: total - neededCount,
    };
  }
}

/** The graph name, unless it is an exporter's generic one; then the file name without extension. */
function defaultName(graph: string, source: string | undefined): string {
  if (graph && !/^(torch[-_]jit([-_]export)?|tf2onnx|main_graph|graph|g)$/i.test(graph)) return graph;
  const stem = source ? source.replace(/^.*[\\/]/, '').replace(/\.onnx$/i, '') : '';
  return stem || graph || 'onnx-model';
}

function layerInputSizeOf(l: Layer): number {
  return l.kind === 'bidirectional' ? l.forward.inputSize : l.inputSize;
}

function identityDense(name: string, U: number): DenseLayer {
  const d: DenseLayer = { kind: 'dense', name, inputSize: U, units: U, w: new Float32Array(U * U), b: new Float32Array(U), activation: 'none' };
  for (let u = 0; u < U; u++) d.w[u * U + u] = 1;
  return d;
}

function fullConst(dtype: number, dims: number[], value: number): ConstValue {
  return { kind: 'const', dtype, dims, data: new Float64Array(numel(dims)).fill(value) };
}

function shapeToConst(s: ShapeValue): ConstValue | undefined {
  if (s.elems.some((e) => typeof e !== 'number')) return undefined;
  return constOf(ONNX_DTYPE.INT64, s.scalar ? [] : [s.elems.length], s.elems as number[]);
}

function shapeOrConst(s: ShapeValue): Value {
  return shapeToConst(s) ?? s;
}

/** Imports a decoded ONNX model. Throws TinyrnnError (codes ONNX0xx) when it cannot map it exactly. */
export function importOnnxModel(m: OnnxModel, opts: ImportOptions = {}): ImportResult {
  return new Importer(m, opts).run();
}

/** Decodes and imports the bytes of an .onnx file. */
export function importOnnx(bytes: Uint8Array, opts: ImportOptions = {}): ImportResult {
  return importOnnxModel(decodeOnnx(bytes), opts);
}
