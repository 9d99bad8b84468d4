// ONNX inputs: a fixture's protobuf parsed generically (protobuf.ts), then 1..3 mutations, most of
// them aware of the ONNX schema so that the file still decodes and reaches the importer's later
// stages: sizes set to 2^33, 1e10, -5 in int64 tensors and graph input dims; attributes of the
// wrong type or with no value; tensors without dims or data, or with their data in another field;
// nodes without inputs or outputs; graph inputs without a type; dims made symbolic; opset imports
// removed; op types exchanged; repeated fields emptied. Generic field mutations and byte damage
// stay for what the schema does not describe.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Rng } from '../../compiler/core/util/rng';
import { encodeOnnxModel } from '../../compiler/import/onnx/codec';
import { EXTREME_NUMBERS, mutateBytes, pick } from './mutate';
import { Field, MAX_FIELDS, allFields, bytesField, cloneMessage, dropFields, encode, messagesAt, parse, varint } from './protobuf';

// ONNX field numbers (onnx.proto). ModelProto: graph 7, opset_import 8. GraphProto: node 1,
// initializer 5, input 11, output 12, value_info 13. NodeProto: input 1, output 2, op_type 4,
// attribute 5. AttributeProto: f 2, i 3, s 4, t 5, floats 7, ints 8, strings 9, tensors 10, type 20.
// TensorProto: dims 1, data_type 2, float_data 4, int32_data 5, int64_data 7, raw_data 9,
// double_data 10, uint64_data 11. ValueInfoProto: type 2. TypeProto: tensor_type 1, sequence_type 4.
// TypeProto.Tensor: elem_type 1, shape 2. TensorShapeProto: dim 1. Dimension: dim_value 1, dim_param 2.
const GRAPH = 7;
const NODES = [GRAPH, 1];
const ATTRS = [GRAPH, 1, 5];
const TENSOR_PATHS = [
  [GRAPH, 5],
  [GRAPH, 1, 5, 5],
];
const VALUE_INFO_PATHS = [11, 12, 13].map((n) => [GRAPH, n]);
const DIM_PATHS = VALUE_INFO_PATHS.map((p) => [...p, 2, 1, 2, 1]);
const ATTR_VALUES = [2, 3, 4, 5, 7, 8, 9, 10];
const TENSOR_DATA = [4, 5, 7, 9, 10, 11];
const INT64 = BigInt(7);

function extremeInt(rng: Rng): bigint {
  const x = pick(rng, EXTREME_NUMBERS);
  if (!Number.isFinite(x)) return BigInt(2) ** BigInt(63) - BigInt(1);
  return BigInt(Math.trunc(x));
}

function f32(x: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setFloat32(0, x, true);
  return out;
}

/** Bytes of a length-delimited field: a packed int list, int64/float raw_data, or a string. */
function mutateRaw(rng: Rng, b: Uint8Array): Uint8Array {
  const op = rng.int(3);
  if (op === 0) return Uint8Array.from(varint(extremeInt(rng)));
  if (op === 1 && b.length >= 8) {
    const out = b.slice();
    new DataView(out.buffer).setBigInt64(8 * rng.int(Math.floor(b.length / 8)), extremeInt(rng), true);
    return out;
  }
  return mutateBytes(rng, b);
}

function mutateField(rng: Rng, f: Field): void {
  if (typeof f.value === 'bigint') f.value = extremeInt(rng);
  else if (f.value instanceof Uint8Array && f.wire === 5) f.value = f32(pick(rng, EXTREME_NUMBERS));
  else if (f.value instanceof Uint8Array && f.wire === 1) {
    f.value = new Uint8Array(8);
    new DataView(f.value.buffer).setBigInt64(0, extremeInt(rng), true);
  } else if (f.value instanceof Uint8Array) f.value = mutateRaw(rng, f.value);
  else f.value = f.value.slice(0, rng.int(f.value.length + 1));
}

export function onnxSeeds(): Uint8Array[] {
  const dir = path.join(__dirname, '..', 'fixtures', 'onnx');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.onnx'))
    .sort()
    .map((f) => new Uint8Array(fs.readFileSync(path.join(dir, f))));
}

function tensors(root: Field[]): Field[][] {
  return TENSOR_PATHS.flatMap((p) => messagesAt(root, p));
}

/** One element of an int64 tensor (a shape, an axis, an index) set to an extreme value. */
function int64Tensor(rng: Rng, root: Field[]): boolean {
  const ts = tensors(root).filter((t) => t.some((f) => f.num === 2 && f.value === INT64));
  if (!ts.length) return false;
  const t = pick(rng, ts);
  const slots = t.filter((f) => f.num === 7 || f.num === 9);
  if (!slots.length) return false;
  const f = pick(rng, slots);
  const bytes = f.value instanceof Uint8Array ? f.value : encode(f.value as Field[]);
  if (f.num === 9 && bytes.length >= 8) {
    const out = bytes.slice();
    new DataView(out.buffer).setBigInt64(8 * rng.int(Math.floor(bytes.length / 8)), extremeInt(rng), true);
    f.value = out;
  } else if (typeof f.value === 'bigint') f.value = extremeInt(rng);
  else f.value = Uint8Array.from(varint(extremeInt(rng)));
  return true;
}

/** A dimension of a graph input, output or value_info: an extreme size, a name, or nothing. */
function dim(rng: Rng, root: Field[]): boolean {
  const dims = DIM_PATHS.flatMap((p) => messagesAt(root, p));
  if (!dims.length) return false;
  const d = pick(rng, dims);
  const op = rng.int(4);
  const value: Field[] =
    op === 0 ? [{ num: 1, wire: 0, value: extremeInt(rng) }] : op === 1 ? [bytesField(2, pick(rng, ['N', '', 'batch']))] : op === 2 ? [] : d.slice(0, 1);
  if (op === 3) d.push(bytesField(2, 'T'));
  else d.splice(0, d.length, ...value);
  return true;
}

/** A value of another attribute type (or none), with the type field kept, dropped or changed. */
function attribute(rng: Rng, root: Field[]): boolean {
  const attrs = messagesAt(root, ATTRS);
  if (!attrs.length) return false;
  const a = pick(rng, attrs);
  const value = [2, 3, 4, 5, 7, 8, 9, -1][rng.int(8)];
  for (const num of ATTR_VALUES) dropFields(a, num);
  const t = pick(rng, tensors(root).concat([[]]));
  if (value === 2) a.push({ num: 2, wire: 5, value: f32(pick(rng, EXTREME_NUMBERS)) });
  else if (value === 3) a.push({ num: 3, wire: 0, value: extremeInt(rng) });
  else if (value === 4) a.push(bytesField(4, pick(rng, ['', 'x', '3', 'tanh'])));
  else if (value === 5) a.push({ num: 5, wire: 2, value: t.slice() });
  else if (value === 7) a.push(bytesField(7, Uint8Array.from([...f32(pick(rng, EXTREME_NUMBERS)), ...f32(1)]).subarray(0, 4 * rng.int(3))));
  else if (value === 8) a.push(bytesField(8, Uint8Array.from([...varint(extremeInt(rng)), ...varint(BigInt(1))])));
  else if (value === 9) a.push(bytesField(9, pick(rng, ['Tanh', '', 'x'])));
  const type = rng.int(3);
  if (type === 0) dropFields(a, 20);
  else if (type === 1) {
    dropFields(a, 20);
    a.push({ num: 20, wire: 0, value: BigInt(rng.int(14)) });
  }
  return true;
}

/** A tensor without dims, without data, with its data in another field, or of another type. */
function tensor(rng: Rng, root: Field[]): boolean {
  const ts = tensors(root);
  if (!ts.length) return false;
  const t = pick(rng, ts);
  const op = rng.int(5);
  if (op === 0) dropFields(t, 1);
  else if (op === 1) for (const num of TENSOR_DATA) dropFields(t, num);
  else if (op === 2) {
    const to = pick(rng, TENSOR_DATA);
    for (const f of t) if (TENSOR_DATA.includes(f.num)) f.num = to;
  } else if (op === 3) {
    dropFields(t, 2);
    t.push({ num: 2, wire: 0, value: BigInt(pick(rng, [0, 1, 6, 7, 8, 9, 10, 11, 14, 16, 17, 99])) });
  } else t.push({ num: 1, wire: 0, value: extremeInt(rng) });
  return true;
}

/** A node without inputs or outputs, with an empty or unknown name among them, or another op. */
function node(rng: Rng, root: Field[]): boolean {
  const nodes = messagesAt(root, NODES);
  if (!nodes.length) return false;
  const n = pick(rng, nodes);
  const op = rng.int(6);
  if (op === 0 || op === 1) dropFields(n, op + 1);
  else if (op === 2 || op === 3) {
    const names = n.filter((f) => f.num === op - 1);
    if (names.length) pick(rng, names).value = new TextEncoder().encode(pick(rng, ['', 'nowhere', 'input']));
    else n.push(bytesField(op - 1, ''));
  } else if (op === 4) {
    const ops = nodes.flatMap((m) => m.filter((f) => f.num === 4));
    if (ops.length) dropFields(n, 4) && n.push({ ...pick(rng, ops) });
  } else dropFields(n, 5);
  return true;
}

/** A graph input, output or value_info without a type, with a non-tensor type, or without a shape. */
function valueInfo(rng: Rng, root: Field[]): boolean {
  const infos = VALUE_INFO_PATHS.flatMap((p) => messagesAt(root, p));
  if (!infos.length) return false;
  const v = pick(rng, infos);
  const op = rng.int(4);
  if (op === 0) return dropFields(v, 2) || true;
  const types = messagesAt(v, [2]);
  if (!types.length) return true;
  const ty = types[0];
  if (op === 1) ty.splice(0, ty.length, { num: 4, wire: 2, value: ty.slice() });
  else if (op === 2) for (const tt of messagesAt(ty, [1])) dropFields(tt, 2);
  else for (const tt of messagesAt(ty, [1])) dropFields(tt, 1) && tt.push({ num: 1, wire: 0, value: BigInt(pick(rng, [0, 7, 8, 11, 99])) });
  return true;
}

/** Opset imports removed, or one with another domain or an extreme version. */
function opset(rng: Rng, root: Field[]): boolean {
  const op = rng.int(3);
  if (op === 0) return dropFields(root, 8) || true;
  const sets = messagesAt(root, [8]);
  if (!sets.length) return false;
  const s = pick(rng, sets);
  if (op === 1) dropFields(s, 2) && s.push({ num: 2, wire: 0, value: extremeInt(rng) });
  else s.push(bytesField(1, pick(rng, ['ai.onnx.ml', 'com.microsoft', 'x'])));
  return true;
}

/** Every occurrence of one field of one message removed (a repeated field emptied). */
function emptied(rng: Rng, root: Field[]): boolean {
  const messages = [root, ...allFields(root).flatMap(({ field }) => (Array.isArray(field.value) ? [field.value] : []))];
  const m = pick(rng, messages);
  if (!m.length) return false;
  return dropFields(m, pick(rng, m).num);
}

function anyField(rng: Rng, root: Field[]): boolean {
  const all = allFields(root);
  if (!all.length) return false;
  const { list, field, index } = pick(rng, all);
  const op = rng.int(8);
  if (op === 0) list.splice(index, 1);
  else if (op === 1) list.splice(index, 0, field);
  else mutateField(rng, field);
  return true;
}

/** Each mutation with its weight; one that finds nothing to change falls back to anyField. */
const MUTATIONS: [(rng: Rng, root: Field[]) => boolean, number][] = [
  [int64Tensor, 4],
  [dim, 3],
  [attribute, 3],
  [tensor, 2],
  [node, 2],
  [valueInfo, 2],
  [opset, 1],
  [emptied, 1],
  [anyField, 4],
];
const TOTAL = MUTATIONS.reduce((a, [, w]) => a + w, 0);

function mutateOnce(rng: Rng, root: Field[]): void {
  let r = rng.int(TOTAL);
  for (const [m, w] of MUTATIONS) {
    if ((r -= w) < 0) {
      if (!m(rng, root)) anyField(rng, root);
      return;
    }
  }
}

/** Each seed parsed once; an input mutates a copy. */
const parsed = new WeakMap<Uint8Array, Field[] | undefined>();
function parseSeed(seed: Uint8Array): Field[] | undefined {
  if (!parsed.has(seed)) parsed.set(seed, parse(seed, 0, { n: MAX_FIELDS }));
  const root = parsed.get(seed);
  return root && cloneMessage(root);
}

export function onnxInput(rng: Rng, seeds: Uint8Array[]): Uint8Array {
  const seed = pick(rng, seeds);
  const root = parseSeed(seed);
  if (!root || rng.int(10) === 0) return mutateBytes(rng, seed);
  const rounds = 1 + rng.int(3);
  for (let r = 0; r < rounds; r++) mutateOnce(rng, root);
  return encode(root);
}

/** Graphs whose size is the point: a chain of n nodes, and n nodes that all read the graph input. */
export function onnxBulk(n: number): Uint8Array[] {
  const input = { name: 'x', type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_param: 'T' }, { dim_value: 1 }, { dim_value: 3 }] } } } };
  const graph = (nodes: object[], out: string): Uint8Array =>
    encodeOnnxModel({ ir_version: 8, opset_import: [{ version: 14 }], graph: { name: 'bulk', node: nodes, input: [input], output: [{ name: out }] } });
  const chain = Array.from({ length: n }, (_, k) => ({ op_type: 'Relu', input: [k ? `a${k - 1}` : 'x'], output: [`a${k}`] }));
  const fan = Array.from({ length: n }, (_, k) => ({ op_type: 'Relu', input: ['x'], output: [`b${k}`] }));
  return [graph(chain, `a${n - 1}`), graph(fan, `b${n - 1}`)];
}
