// The state an ONNX import walks with, shared by the driver (import.ts) and the per-op handlers
// (ops/): the abstract value of every tensor name, which input axis turned out to be time or
// batch, the operator set, and the accessors every handler uses to read inputs and attributes
// and to refuse what it cannot map (coded ONNX0xx errors naming the node).

import { Diagnostic, DiagnosticCode, TinyrnnError } from '../../core/ir/errors';
import { WorkMeter } from '../../core/util/work';
import { OnnxModel, OnnxNode } from './codec';
import { shapeToConst } from './fold';
import { ONNX_ATTR_TYPE } from './schema';
import { ActValue, Axis, ConstValue, Dim, STATE_ONLY_MODES, Sym, Value, describeState, describeValue } from './values';

export const MIN_OPSET = 7;
export const MAX_OPSET = 22;

/** What a leading input axis (x0, x1) turned out to be once a recurrent node read it. */
export type Bound = 'T' | 'B';

/** "node 3 \"lstm\" (LSTM).direction": where a diagnostic points. */
export function where(n: OnnxNode, attr?: string): string {
  return `node ${n.index} ${JSON.stringify(n.name || `#${n.index}`)} (${n.opType})${attr ? `.${attr}` : ''}`;
}

export class ImportContext {
  /** The abstract value of every tensor name defined so far. */
  readonly values = new Map<string, Value>();
  readonly binding = new Map<Sym, Bound>();
  readonly opset: number;
  /** Nodes evaluated at import time. */
  folded = 0;
  /** A recurrent node had a constant sequence_lens equal to the static sequence length. */
  sawStaticSeqLens = false;
  /** Unrolled recurrences folded back into RNN nodes before the walk (unrolled.ts). */
  readonly unrolled: string[] = [];
  /** Elements of every constant folded so far (bounded by MAX_FOLDED_TOTAL: linear work, bounded memory). */
  foldedElements = 0;

  constructor(
    readonly m: OnnxModel,
    /** The import's work so far: nodes and edges walked (folded elements are bounded on their own, MAX_FOLDED_TOTAL). */
    readonly work = new WorkMeter(),
  ) {
    this.opset = this.checkOpsets();
  }

  fail(code: DiagnosticCode, path: string, message: string, extra: Partial<Diagnostic> = {}): never {
    throw new TinyrnnError({ code, path, message, ...extra });
  }

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

  nodeFail(n: OnnxNode, code: DiagnosticCode, message: string, extra: Partial<Diagnostic> & { attr?: string } = {}): never {
    const { attr, ...rest } = extra;
    this.fail(code, where(n, attr), message, rest);
  }

  get(n: OnnxNode, k: number): Value | undefined {
    const name = n.inputs[k];
    if (name === undefined || name === '') return undefined;
    const v = this.values.get(name);
    if (!v)
      this.nodeFail(n, 'ONNX012', `input ${k} ${JSON.stringify(name)} is not defined by any initializer, graph input or earlier node`, {
        hint: 'the file is incomplete (missing initializer?)',
      });
    return v;
  }

  need(n: OnnxNode, k: number, what: string): Value {
    const v = this.get(n, k);
    if (!v) this.nodeFail(n, 'ONNX012', `missing input ${k} (${what})`, { expected: `the ${what} input` });
    return v;
  }

  constInput(n: OnnxNode, k: number, what: string): ConstValue | undefined {
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

  needConst(n: OnnxNode, k: number, what: string): ConstValue {
    const c = this.constInput(n, k, what);
    if (!c) this.nodeFail(n, 'ONNX012', `missing input ${k} (${what})`, { expected: `a constant ${what}` });
    return c;
  }

  intsOf(n: OnnxNode, c: ConstValue, what: string): number[] {
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

  attrInt(n: OnnxNode, name: string, dflt: number): number {
    const a = n.attrs.get(name);
    if (!a) return dflt;
    if (a.i === undefined) this.nodeFail(n, 'ONNX011', 'attribute is not an integer', { attr: name, value: a.type, expected: 'an INT attribute' });
    if (!Number.isSafeInteger(a.i)) this.nodeFail(n, 'ONNX011', 'attribute is out of range', { attr: name, value: String(a.i), expected: 'an integer' });
    return a.i;
  }

  attrInts(n: OnnxNode, name: string): number[] | undefined {
    const a = n.attrs.get(name);
    if (!a) return undefined;
    return (
      a.ints ??
      (a.type === ONNX_ATTR_TYPE.INTS ? [] : this.nodeFail(n, 'ONNX011', 'attribute is not a list of integers', { attr: name, expected: 'an INTS attribute' }))
    );
  }

  attrStr(n: OnnxNode, name: string, dflt: string): string {
    const a = n.attrs.get(name);
    if (!a) return dflt;
    if (a.s === undefined) this.nodeFail(n, 'ONNX011', 'attribute is not a string', { attr: name, value: a.type, expected: 'a STRING attribute' });
    return a.s;
  }

  attrStrings(n: OnnxNode, name: string): string[] | undefined {
    const a = n.attrs.get(name);
    if (!a) return undefined;
    if (a.strings === undefined && a.type !== ONNX_ATTR_TYPE.STRINGS)
      this.nodeFail(n, 'ONNX011', 'attribute is not a list of strings', { attr: name, value: a.type, expected: 'a STRINGS attribute' });
    return a.strings ?? [];
  }

  attrFloat(n: OnnxNode, name: string, dflt: number): number {
    const a = n.attrs.get(name);
    if (!a) return dflt;
    if (a.f === undefined) this.nodeFail(n, 'ONNX011', 'attribute is not a float', { attr: name, expected: 'a FLOAT attribute' });
    return a.f;
  }

  rejectUnknownAttrs(n: OnnxNode, known: readonly string[]): void {
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
  axis(n: OnnxNode, a: number, rank: number, what = 'axis'): number {
    const r = a < 0 ? a + rank : a;
    if (!Number.isInteger(r) || r < 0 || r >= rank)
      this.nodeFail(n, 'ONNX013', `${what} ${a} is out of range for rank ${rank}`, { expected: `-${rank}..${rank - 1}` });
    return r;
  }

  role(a: Axis): Axis['role'] {
    if (a.role === 'x0' || a.role === 'x1') return this.binding.get(a.role) ?? a.role;
    return a.role;
  }

  sym(d: Dim): Dim {
    return typeof d === 'string' && (d === 'x0' || d === 'x1') ? (this.binding.get(d) ?? d) : d;
  }

  // ---- entry point --------------------------------------------------------------------------

  set(n: OnnxNode, k: number, v: Value): void {
    const name = n.outputs[k];
    if (name) this.values.set(name, v);
    if (v.kind === 'const') this.foldedElements += v.data.length;
  }

  out(n: OnnxNode, a: ActValue, axes: Axis[], extra: Partial<ActValue> = {}): void {
    this.set(n, 0, { ...a, ...extra, axes: axes.map((x) => ({ ...x, role: this.role(x) })) });
  }

  /**
   * Model data that a layer computes with: not a final state that only a model output can be
   * (ONNX018), and no longer a final state once computed with.
   */
  needAct(n: OnnxNode, k: number): ActValue {
    const v = this.needLayoutAct(n, k);
    if (STATE_ONLY_MODES.includes(v.mode)) {
      this.nodeFail(n, 'ONNX018', `input ${k} is ${describeState(v)}: tinyrnn outputs final states only as the model's output, never into a further layer`, {
        expected: 'a layer on Y (per-step outputs), or the final states themselves as a graph output',
        hint: "for a head on a forward layer take Y's last step (output[:, -1] in PyTorch); or make the final states themselves the model's output (tinyrnn import --output with the Y_h/Y_c names)",
      });
    }
    const { state: _state, ...rest } = v;
    return rest;
  }

  /** A final state that only a model output can be, cut apart by a Gather or Slice (one direction of a bidirectional Y_h): ONNX018. */
  refuseStatePart(n: OnnxNode, a: ActValue): void {
    if (!STATE_ONLY_MODES.includes(a.mode)) return;
    this.nodeFail(n, 'ONNX018', `takes part of ${describeState(a)}: tinyrnn outputs final states only whole, as the model's output`, {
      expected: 'the final states whole (layout changes only), as a graph output',
      hint: "for a head on the forward direction take Y's last step (output[:, -1] in PyTorch); or import Y_h/Y_c themselves as the model output",
    });
  }

  /** Model data that a layout-only operation (Squeeze, Reshape, Transpose, ...) moves: final states stay final states. */
  needLayoutAct(n: OnnxNode, k: number): ActValue {
    const v = this.need(n, k, 'data');
    if (v.kind !== 'act') this.nodeFail(n, 'ONNX017', `input ${k} is ${describeValue(v)}`, { expected: 'model data' });
    return v;
  }

  // ---- constant folding -----------------------------------------------------------------------
}

/**
 * One operator's handlers. `fold` evaluates it at import time on values that do not depend on
 * the model input (constants, shape vectors, uniform fills); `act` maps it on model data
 * (usually into an IR layer or a change of the data's axes). An op without `fold` is refused
 * on constants, one without `act` on model data. `keepsFill`: a uniform tensor stays uniform
 * through it, so only its value is carried on. `layoutOnly`: its `act` only moves axes, reading with
 * needLayoutAct (Gather and Slice read so too, but refuse to cut final states: refuseStatePart).
 */
export interface OpHandler {
  readonly fold?: (cx: ImportContext, n: OnnxNode) => void;
  readonly act?: (cx: ImportContext, n: OnnxNode) => void;
  readonly keepsFill?: boolean;
  /** It only moves the data's axes (Squeeze, Reshape, Transpose, ...): a final state (Y_h, Y_c) stays one through it. */
  readonly layoutOnly?: boolean;
}
