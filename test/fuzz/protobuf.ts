// ONNX inputs: the protobuf wire format parsed generically (field number, wire type, value),
// nested messages found by trying to parse every length-delimited field, one field mutated
// (varints set to sizes such as 2^33, 1e10, -5; packed ints and floats overwritten; fields
// dropped or repeated), and the message written back with consistent lengths.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Rng } from '../../compiler/core/util/rng';
import { EXTREME_NUMBERS, mutateBytes, pick } from './mutate';

interface Field {
  num: number;
  wire: number;
  /** varint: the value; 1/5: the raw bytes; 2: bytes or a parsed message */
  value: bigint | Uint8Array | Field[];
}

const MAX_FIELDS = 20000;

function readVarint(b: Uint8Array, at: { i: number }): bigint {
  let v = BigInt(0);
  for (let shift = 0; shift < 70; shift += 7) {
    if (at.i >= b.length) throw new Error('truncated varint');
    const x = b[at.i++];
    v |= BigInt(x & 0x7f) << BigInt(shift);
    if (x < 0x80) return v;
  }
  throw new Error('varint too long');
}

/** Parses a message, or returns undefined when the bytes are not one (then they stay bytes). */
function parse(b: Uint8Array, depth: number, budget: { n: number }): Field[] | undefined {
  const out: Field[] = [];
  const at = { i: 0 };
  try {
    while (at.i < b.length) {
      if (--budget.n < 0) return undefined;
      const key = Number(readVarint(b, at));
      const num = key >>> 3;
      const wire = key & 7;
      if (num === 0) return undefined;
      if (wire === 0) out.push({ num, wire, value: readVarint(b, at) });
      else if (wire === 1 || wire === 5) {
        const n = wire === 1 ? 8 : 4;
        if (at.i + n > b.length) return undefined;
        out.push({ num, wire, value: b.slice(at.i, (at.i += n)) });
      } else if (wire === 2) {
        const n = Number(readVarint(b, at));
        if (at.i + n > b.length) return undefined;
        const bytes = b.slice(at.i, (at.i += n));
        const inner = depth < 8 && bytes.length > 1 ? parse(bytes, depth + 1, budget) : undefined;
        out.push({ num, wire, value: inner ?? bytes });
      } else return undefined;
    }
  } catch {
    return undefined;
  }
  return out;
}

function varint(v: bigint): number[] {
  let x = BigInt.asUintN(64, v);
  const out: number[] = [];
  do {
    const low = Number(x & BigInt(0x7f));
    x >>= BigInt(7);
    out.push(x ? low | 0x80 : low);
  } while (x);
  return out;
}

function encode(fields: Field[]): Uint8Array {
  const parts: number[] = [];
  for (const f of fields) {
    parts.push(...varint(BigInt((f.num << 3) | f.wire)));
    if (typeof f.value === 'bigint') parts.push(...varint(f.value));
    else if (f.value instanceof Uint8Array && f.wire !== 2) parts.push(...f.value);
    else {
      const bytes = f.value instanceof Uint8Array ? f.value : encode(f.value);
      parts.push(...varint(BigInt(bytes.length)));
      for (const x of bytes) parts.push(x);
    }
  }
  return Uint8Array.from(parts);
}

function allFields(root: Field[]): { list: Field[]; field: Field; index: number }[] {
  const out: { list: Field[]; field: Field; index: number }[] = [];
  const stack: Field[][] = [root];
  while (stack.length) {
    const list = stack.pop() as Field[];
    list.forEach((field, index) => {
      out.push({ list, field, index });
      if (Array.isArray(field.value)) stack.push(field.value);
    });
  }
  return out;
}

function extremeInt(rng: Rng): bigint {
  const x = pick(rng, EXTREME_NUMBERS);
  if (!Number.isFinite(x)) return BigInt(2) ** BigInt(63) - BigInt(1);
  return BigInt(Math.trunc(x));
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
  else if (f.value instanceof Uint8Array && f.wire === 5) new DataView(f.value.buffer).setFloat32(0, pick(rng, EXTREME_NUMBERS), true);
  else if (f.value instanceof Uint8Array && f.wire === 1) new DataView(f.value.buffer).setBigInt64(0, extremeInt(rng), true);
  else if (f.value instanceof Uint8Array) f.value = mutateRaw(rng, f.value);
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

/** The messages at a path of field numbers below root (e.g. [7, 5]: ModelProto.graph.initializer). */
function messagesAt(root: Field[], path: readonly number[]): Field[][] {
  let level: Field[][] = [root];
  for (const num of path) level = level.flatMap((m) => m.filter((f) => f.num === num && Array.isArray(f.value)).map((f) => f.value as Field[]));
  return level;
}

// ONNX field paths: ModelProto.graph 7; GraphProto.node 1, .initializer 5, .input 11;
// NodeProto.attribute 5; AttributeProto.t 5; ValueInfoProto.type 2; TypeProto.tensor_type 1;
// TypeProto.Tensor.shape 2; TensorShapeProto.dim 1; TensorProto.data_type 2, .int64_data 7, .raw_data 9
const TENSOR_PATHS = [
  [7, 5],
  [7, 1, 5, 5],
];
const DIM_PATH = [7, 11, 2, 1, 2, 1];
const INT64 = BigInt(7);

/** One element of an int64 tensor (a shape, an axis, an index) set to an extreme value. */
function mutateInt64Tensor(rng: Rng, root: Field[]): boolean {
  const tensors = TENSOR_PATHS.flatMap((p) => messagesAt(root, p)).filter((t) => t.some((f) => f.num === 2 && f.value === INT64));
  if (!tensors.length) return false;
  const t = pick(rng, tensors);
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

/** A graph input dimension fixed to an extreme size (a symbolic batch or time made concrete). */
function mutateInputDim(rng: Rng, root: Field[]): boolean {
  const dims = messagesAt(root, DIM_PATH);
  if (!dims.length) return false;
  const d = pick(rng, dims);
  d.splice(0, d.length, { num: 1, wire: 0, value: extremeInt(rng) });
  return true;
}

function mutateAnyField(rng: Rng, root: Field[]): void {
  const { list, field, index } = pick(rng, allFields(root));
  const op = rng.int(8);
  if (op === 0) list.splice(index, 1);
  else if (op === 1) list.splice(index, 0, field);
  else mutateField(rng, field);
}

export function onnxInput(rng: Rng, seeds: Uint8Array[]): Uint8Array {
  const seed = pick(rng, seeds);
  const root = parse(seed, 0, { n: MAX_FIELDS });
  if (!root || rng.int(10) === 0) return mutateBytes(rng, seed);
  const rounds = 1 + rng.int(3);
  for (let r = 0; r < rounds; r++) {
    const op = rng.int(4);
    if (op < 2 && mutateInt64Tensor(rng, root)) continue;
    if (op === 2 && mutateInputDim(rng, root)) continue;
    mutateAnyField(rng, root);
  }
  return encode(root);
}
