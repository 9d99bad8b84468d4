// The .tnn file container, shared by float and quantised models.
//
// Layout (all integers little-endian):
//   offset 0   8 bytes  magic 0x89 'T' 'N' 'N' '\r' '\n' 0x1a '\n'
//                        (the PNG trick: a text-mode transfer or a truncated upload breaks it)
//   offset 8   u16      container format version (FORMAT_VERSION)
//   offset 10  u8       model kind: 1 float, 2 quantised
//   offset 11  u8       reserved, 0
//   offset 12  u32      payload length in bytes
//   offset 16  u32      CRC-32 (IEEE) of the payload
//   offset 20  payload  CBOR (RFC 8949) of the model object; typed arrays are kept as
//                       RFC 8746 typed-array tags (little-endian), so they come back as typed arrays.
//
// Reading never crashes and never returns a silently wrong model: every failure is a
// TinyrnnError with a TNN0xx code, and the decoded object is validated before it is returned.
// The payload's structure is checked (cbor-scan.ts) before the decoder allocates anything.
//   TNN001 truncated         TNN002 not a .tnn file (magic)   TNN003 newer format version
//   TNN004 checksum mismatch TNN005 corrupt payload           TNN006 wrong model kind
//   TNN007 trailing bytes    TNN008 cannot read/write the file

import * as fs from 'node:fs';
import { crc32 } from 'node:zlib';
import { CborDecoder, CborEncoder } from '@jsonjoy.com/json-pack/lib/cbor';
import { JsonPackExtension } from '@jsonjoy.com/json-pack/lib/JsonPackExtension';
import { DiagnosticCode, TinyrnnError, isTypedArray } from './errors';
import { CborScanError, scanCbor } from './cbor-scan';
import { writeUnit } from './write-unit';
import { FloatModel } from './model';
import { validateFloatModel } from './validate';
import { QuantModel, validateQuantModel } from './quant-model';

export const MAGIC = Uint8Array.from([0x89, 0x54, 0x4e, 0x4e, 0x0d, 0x0a, 0x1a, 0x0a]);
export const FORMAT_VERSION = 1;
export const HEADER_BYTES = 20;
export const MODEL_KINDS = { float: 1, quant: 2 } as const;
export type ModelKindName = keyof typeof MODEL_KINDS;

type TypedArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

// RFC 8746 tags for little-endian typed arrays.
const TAGS: [number, new (b: ArrayBuffer) => TypedArray][] = [
  [64, Uint8Array],
  [72, Int8Array],
  [69, Uint16Array],
  [77, Int16Array],
  [70, Uint32Array],
  [78, Int32Array],
  [85, Float32Array],
  [86, Float64Array],
];
const CTOR_BY_TAG = new Map(TAGS);

function tagOf(a: TypedArray): number {
  for (const [tag, ctor] of TAGS) if (isTypedArray(a, ctor.name)) return tag;
  throw new Error(`cannot store ${a.constructor.name} in a .tnn file`);
}

function wrap(v: unknown): unknown {
  if (ArrayBuffer.isView(v)) {
    const a = v as TypedArray;
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice();
    return new JsonPackExtension(tagOf(a), bytes);
  }
  if (Array.isArray(v)) return v.map(wrap);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = wrap(x);
    return out;
  }
  if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`cannot store the non-finite number ${v}`);
  return v;
}

function corrupt(message: string): TinyrnnError {
  return new TinyrnnError({
    code: 'TNN005',
    path: '',
    message: `corrupt payload: ${message}`,
    hint: 'the file was damaged after it was written; write it again from its source',
  });
}

function unwrap(v: unknown, depth = 0): unknown {
  if (depth > 64) throw corrupt('nesting deeper than 64 levels');
  if (v instanceof JsonPackExtension) {
    const ctor = CTOR_BY_TAG.get(v.tag);
    const bytes = v.val;
    if (!ctor || !(bytes instanceof Uint8Array)) throw corrupt(`unknown CBOR tag ${v.tag}`);
    const size = (ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
    if (bytes.byteLength % size !== 0) throw corrupt(`typed array of ${bytes.byteLength} bytes is not a whole number of ${size}-byte elements`);
    // copy: the decoder returns (possibly unaligned) views into the input; for a Node Buffer
    // input, Buffer views whose slice() is another view, so copy with the Uint8Array constructor
    return new ctor(new Uint8Array(bytes).buffer);
  }
  if (v instanceof Uint8Array) return new Uint8Array(v);
  if (Array.isArray(v)) return v.map((x) => unwrap(x, depth + 1));
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === '__proto__' || k === 'constructor' || k === 'prototype') throw corrupt(`forbidden key "${k}"`);
      out[k] = unwrap(x, depth + 1);
    }
    return out;
  }
  return v;
}

/** Encodes a model object into the .tnn container bytes. */
export function encodeContainer(kind: ModelKindName, model: object): Uint8Array {
  const payload = new CborEncoder().encode(wrap(model)).slice();
  const out = new Uint8Array(HEADER_BYTES + payload.length);
  const dv = new DataView(out.buffer);
  out.set(MAGIC, 0);
  dv.setUint16(8, FORMAT_VERSION, true);
  dv.setUint8(10, MODEL_KINDS[kind]);
  dv.setUint8(11, 0);
  dv.setUint32(12, payload.length, true);
  dv.setUint32(16, crc32(payload), true);
  out.set(payload, HEADER_BYTES);
  return out;
}

function err(code: DiagnosticCode, message: string, hint?: string): TinyrnnError {
  return new TinyrnnError({ code, path: '', message, ...(hint ? { hint } : {}) });
}

/** Decodes the container: checks magic, version, length and checksum; returns kind and raw object. */
export function decodeContainer(bytes: Uint8Array): { kind: ModelKindName; model: unknown } {
  const n = Math.min(bytes.length, MAGIC.length);
  for (let i = 0; i < n; i++) {
    if (bytes[i] !== MAGIC[i]) {
      throw err(
        'TNN002',
        `not a tinyrnn model file (byte ${i} is 0x${bytes[i].toString(16).padStart(2, '0')}, expected the .tnn magic)`,
        'give a .tnn file written by tinyrnn (train, import or quantize)',
      );
    }
  }
  if (bytes.length < HEADER_BYTES) {
    throw err('TNN001', `file is truncated: ${bytes.length} bytes, the header alone needs ${HEADER_BYTES}`, 'the file was cut short while copying or writing');
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint16(8, true);
  if (version > FORMAT_VERSION) {
    throw err('TNN003', `file format version ${version} is newer than this tinyrnn reads (up to ${FORMAT_VERSION})`, 'upgrade tinyrnn to read it');
  }
  if (version === 0) throw err('TNN005', 'corrupt header: format version 0');
  const kindByte = dv.getUint8(10);
  const kind = (Object.keys(MODEL_KINDS) as ModelKindName[]).find((k) => MODEL_KINDS[k] === kindByte);
  if (!kind) throw err('TNN005', `corrupt header: unknown model kind ${kindByte}`);
  if (dv.getUint8(11) !== 0) throw err('TNN005', `corrupt header: reserved byte is ${dv.getUint8(11)}, expected 0`);
  const len = dv.getUint32(12, true);
  const have = bytes.length - HEADER_BYTES;
  if (have < len) throw err('TNN001', `file is truncated: payload has ${have} of ${len} bytes`, 'the file was cut short while copying or writing');
  if (have > len) throw err('TNN007', `${have - len} unexpected bytes after the payload`, 'the file was damaged or two files were joined');
  const payload = bytes.subarray(HEADER_BYTES);
  const want = dv.getUint32(16, true);
  const got = crc32(payload);
  if (got !== want) {
    throw err(
      'TNN004',
      `checksum mismatch: payload CRC-32 is 0x${got.toString(16).padStart(8, '0')}, header says 0x${want.toString(16).padStart(8, '0')}`,
      'the file was damaged after it was written',
    );
  }
  let raw: unknown;
  try {
    scanCbor(payload);
  } catch (e) {
    if (e instanceof CborScanError) throw corrupt(e.message);
    throw e;
  }
  try {
    raw = new CborDecoder().decode(payload);
  } catch (e) {
    throw corrupt(`CBOR does not decode (${(e as Error).message})`);
  }
  return { kind, model: unwrap(raw) };
}

/** Writes a file atomically: a temporary file in the same folder, flushed, then renamed (write-unit.ts). */
export function writeFileAtomic(file: string, data: Uint8Array | string): void {
  writeUnit([{ file, data }]);
}

export function readFileBytes(file: string): Uint8Array {
  try {
    return new Uint8Array(fs.readFileSync(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TinyrnnError({ code: 'TNN008', path: '', message: code === 'ENOENT' ? 'no such file' : `cannot read: ${(e as Error).message}` }, file);
  }
}

export function encodeFloatModel(m: FloatModel): Uint8Array {
  validateFloatModel(m);
  return encodeContainer('float', m);
}

export function decodeFloatModel(bytes: Uint8Array, file?: string): FloatModel {
  try {
    const { kind, model } = decodeContainer(bytes);
    if (kind !== 'float') {
      throw err(
        'TNN006',
        `this is a ${kind === 'quant' ? 'quantised' : kind} model, a float model is needed here`,
        'use the float model (before tinyrnn quantize)',
      );
    }
    return validateFloatModel(model);
  } catch (e) {
    if (e instanceof TinyrnnError && file) throw e.inFile(file);
    throw e;
  }
}

export function saveFloatModel(file: string, m: FloatModel): void {
  writeFileAtomic(file, encodeFloatModel(m));
}

export function loadFloatModel(file: string): FloatModel {
  return decodeFloatModel(readFileBytes(file), file);
}

export function encodeQuantModel(m: QuantModel): Uint8Array {
  validateQuantModel(m);
  return encodeContainer('quant', m);
}

export function decodeQuantModel(bytes: Uint8Array, file?: string): QuantModel {
  try {
    const { kind, model } = decodeContainer(bytes);
    if (kind !== 'quant') {
      throw err(
        'TNN006',
        'this is a float model, a quantised model is needed here',
        'quantise it first: tinyrnn quantize MODEL.tnn --calib DATA -o MODEL.q.tnn',
      );
    }
    return validateQuantModel(model);
  } catch (e) {
    if (e instanceof TinyrnnError && file) throw e.inFile(file);
    throw e;
  }
}

export function saveQuantModel(file: string, m: QuantModel): void {
  writeFileAtomic(file, encodeQuantModel(m));
}

export function loadQuantModel(file: string): QuantModel {
  return decodeQuantModel(readFileBytes(file), file);
}

/** Loads either kind of model (commands that accept both, such as inspect and eval). */
export function loadAnyModel(file: string): FloatModel | QuantModel {
  const bytes = readFileBytes(file);
  try {
    return decodeContainer(bytes).kind === 'quant' ? decodeQuantModel(bytes, file) : decodeFloatModel(bytes, file);
  } catch (e) {
    if (e instanceof TinyrnnError && !e.file) throw e.inFile(file);
    throw e;
  }
}
