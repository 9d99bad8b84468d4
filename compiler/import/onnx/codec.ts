// ONNX bytes <-> plain TypeScript structures. Decoding checks what later stages rely on:
// the protobuf parses, a graph is present, every tensor's element count matches its dims, its
// data type is one tinyrnn can read, and int64 dims are exact integers.
//
// Tensor values are held as float64 (exact for every float32, float16, bfloat16 and every
// integer up to 2^53). int64/uint64 values beyond 2^53 can only be "to the end" sentinels
// (Slice ends such as INT64_MAX): they become +-Infinity, which is what they mean. Anything that
// must be an exact integer (a dim, an axis, an index) is checked with Number.isSafeInteger.

import * as protobuf from 'protobufjs/light';
import { DiagnosticCode, TinyrnnError } from '../../core/ir/errors';
import { WorkMeter } from '../../core/util/work';
import { ONNX_DTYPE, ONNX_DTYPE_NAMES, onnxTypes } from './schema';

export interface OnnxTensor {
  name: string;
  dtype: number; // ONNX_DTYPE
  dims: number[];
  data: Float64Array; // (product of dims) row-major
}

export interface OnnxAttribute {
  name: string;
  type: number; // ONNX_ATTR_TYPE
  f?: number;
  i?: number;
  s?: string;
  t?: OnnxTensor;
  floats?: number[];
  ints?: number[];
  strings?: string[];
  /** Set for attributes tinyrnn never reads (graphs, sparse tensors, type protos, references). */
  opaque?: boolean;
}

export interface OnnxNode {
  /** Position in the graph's node list. */
  index: number;
  name: string;
  opType: string;
  domain: string;
  inputs: string[]; // '' marks an omitted optional input
  outputs: string[];
  attrs: Map<string, OnnxAttribute>;
}

export interface OnnxValueInfo {
  name: string;
  elemType?: number;
  /** Dims: a number, a symbolic name, or null (unknown); undefined when no shape is given. */
  shape?: (number | string | null)[];
  /** Set when the value is not a tensor (sequence, map, optional, sparse). */
  nonTensor?: string;
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  valueInfo: OnnxValueInfo[];
  sparseInitializers: number;
}

export interface OnnxModel {
  irVersion: number;
  producerName: string;
  producerVersion: string;
  opsets: { domain: string; version: number }[];
  metadata: Record<string, string>;
  functions: number;
  graph: OnnxGraph;
}

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function err(code: DiagnosticCode, path: string, message: string, extra: { value?: unknown; expected?: string; hint?: string } = {}): TinyrnnError {
  return new TinyrnnError({ code, path, message, ...extra });
}

/** int64 as delivered by protobufjs (Long, number or decimal string) to a JS number; beyond 2^53: +-Infinity. */
export function int64(v: unknown): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  const b = BigInt(typeof v === 'string' ? v : String(v));
  if (b > BigInt(Number.MAX_SAFE_INTEGER)) return Infinity;
  if (b < BigInt(-Number.MAX_SAFE_INTEGER)) return -Infinity;
  return Number(b);
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

function bf16ToFloat(h: number): number {
  const b = new DataView(new ArrayBuffer(4));
  b.setUint32(0, (h & 0xffff) << 16);
  return b.getFloat32(0);
}

const ELEMENT_BYTES: Record<number, number> = {
  [ONNX_DTYPE.FLOAT]: 4,
  [ONNX_DTYPE.UINT8]: 1,
  [ONNX_DTYPE.INT8]: 1,
  [ONNX_DTYPE.UINT16]: 2,
  [ONNX_DTYPE.INT16]: 2,
  [ONNX_DTYPE.INT32]: 4,
  [ONNX_DTYPE.INT64]: 8,
  [ONNX_DTYPE.BOOL]: 1,
  [ONNX_DTYPE.FLOAT16]: 2,
  [ONNX_DTYPE.DOUBLE]: 8,
  [ONNX_DTYPE.UINT32]: 4,
  [ONNX_DTYPE.UINT64]: 8,
  [ONNX_DTYPE.BFLOAT16]: 2,
};

export function dtypeName(t: number): string {
  return ONNX_DTYPE_NAMES[t] ?? `type ${t}`;
}

function readRaw(raw: Uint8Array, dtype: number, n: number, path: string): Float64Array {
  const size = ELEMENT_BYTES[dtype];
  if (raw.length !== n * size) {
    throw err('ONNX005', path, `raw_data has ${raw.length} bytes`, { expected: `${n} elements of ${dtypeName(dtype)} = ${n * size} bytes (from dims)` });
  }
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const o = k * size;
    switch (dtype) {
      case ONNX_DTYPE.FLOAT:
        out[k] = dv.getFloat32(o, true);
        break;
      case ONNX_DTYPE.DOUBLE:
        out[k] = dv.getFloat64(o, true);
        break;
      case ONNX_DTYPE.UINT8:
      case ONNX_DTYPE.BOOL:
        out[k] = dv.getUint8(o);
        break;
      case ONNX_DTYPE.INT8:
        out[k] = dv.getInt8(o);
        break;
      case ONNX_DTYPE.UINT16:
        out[k] = dv.getUint16(o, true);
        break;
      case ONNX_DTYPE.INT16:
        out[k] = dv.getInt16(o, true);
        break;
      case ONNX_DTYPE.INT32:
        out[k] = dv.getInt32(o, true);
        break;
      case ONNX_DTYPE.UINT32:
        out[k] = dv.getUint32(o, true);
        break;
      case ONNX_DTYPE.INT64:
        out[k] = int64(dv.getBigInt64(o, true).toString());
        break;
      case ONNX_DTYPE.UINT64:
        out[k] = int64(dv.getBigUint64(o, true).toString());
        break;
      case ONNX_DTYPE.FLOAT16:
        out[k] = halfToFloat(dv.getUint16(o, true));
        break;
      case ONNX_DTYPE.BFLOAT16:
        out[k] = bf16ToFloat(dv.getUint16(o, true));
        break;
    }
  }
  return out;
}

/** Converts a decoded TensorProto (protobufjs object) into an OnnxTensor. */
export function tensorFromProto(t: Obj, path: string): OnnxTensor {
  const name: string = t.name ?? '';
  const dtype: number = t.data_type ?? 0;
  const dims = ((t.dims ?? []) as unknown[]).map(int64);
  dims.forEach((d, i) => {
    if (!Number.isSafeInteger(d) || d < 0)
      throw err('ONNX005', `${path}.dims[${i}]`, `dimension is not a non-negative integer`, { value: String(d), expected: 'an integer >= 0' });
  });
  const n = dims.reduce((a, b) => a * b, 1);
  if ((t.data_location ?? 0) === 1 || (t.external_data ?? []).length > 0) {
    throw err('ONNX020', path, `tensor ${JSON.stringify(name)} keeps its data in an external file`, {
      expected: 'weights stored inside the .onnx file',
      hint: 'save the model without external data (onnx.save(model, path, save_as_external_data=False)); small models never need it',
    });
  }
  if (!(dtype in ELEMENT_BYTES)) {
    throw err('ONNX004', `${path}.data_type`, `tensor ${JSON.stringify(name)} has data type ${dtypeName(dtype)}`, {
      expected: 'a numeric type (float, double, float16, bfloat16, int8..int64, uint8..uint64, bool)',
    });
  }
  const raw: Uint8Array | undefined = t.raw_data && t.raw_data.length > 0 ? t.raw_data : undefined;
  let data: Float64Array;
  let field = 'raw_data';
  if (raw) data = readRaw(raw, dtype, n, `${path}.raw_data`);
  else {
    let src: unknown[];
    switch (dtype) {
      case ONNX_DTYPE.FLOAT:
        src = t.float_data ?? [];
        field = 'float_data';
        break;
      case ONNX_DTYPE.DOUBLE:
        src = t.double_data ?? [];
        field = 'double_data';
        break;
      case ONNX_DTYPE.INT64:
        src = t.int64_data ?? [];
        field = 'int64_data';
        break;
      case ONNX_DTYPE.UINT32:
      case ONNX_DTYPE.UINT64:
        src = t.uint64_data ?? [];
        field = 'uint64_data';
        break;
      default:
        src = t.int32_data ?? [];
        field = 'int32_data';
    }
    data = new Float64Array(src.length);
    for (let k = 0; k < src.length; k++) {
      const v = src[k];
      data[k] =
        dtype === ONNX_DTYPE.FLOAT16 ? halfToFloat(Number(v)) : dtype === ONNX_DTYPE.BFLOAT16 ? bf16ToFloat(Number(v)) : typeof v === 'number' ? v : int64(v);
    }
    if (data.length !== n) {
      throw err('ONNX005', `${path}.${field}`, `tensor ${JSON.stringify(name)} has ${data.length} values`, { expected: `${n} (dims [${dims.join(', ')}])` });
    }
  }
  return { name, dtype, dims, data };
}

function attrFromProto(a: Obj, path: string): OnnxAttribute {
  const td = new TextDecoder();
  const out: OnnxAttribute = { name: a.name ?? '', type: a.type ?? 0 };
  if (a.ref_attr_name) out.opaque = true;
  if (a.f !== undefined) out.f = a.f;
  if (a.i !== undefined) out.i = int64(a.i);
  if (a.s !== undefined) out.s = td.decode(a.s);
  if (a.t !== undefined) out.t = tensorFromProto(a.t, `${path}.t`);
  if (a.floats?.length) out.floats = a.floats.slice();
  if (a.ints?.length) out.ints = (a.ints as unknown[]).map(int64);
  if (a.strings?.length) out.strings = (a.strings as Uint8Array[]).map((s) => td.decode(s));
  if (a.g !== undefined || a.graphs?.length || a.tensors?.length || a.sparse_tensor !== undefined) out.opaque = true;
  // Files written by old exporters leave `type` unset: infer it from the member present.
  if (!out.type)
    out.type = out.f !== undefined ? 1 : out.i !== undefined ? 2 : out.s !== undefined ? 3 : out.t ? 4 : out.floats ? 6 : out.ints ? 7 : out.strings ? 8 : 0;
  return out;
}

function valueInfoFromProto(v: Obj): OnnxValueInfo {
  const out: OnnxValueInfo = { name: v.name ?? '' };
  const ty = v.type;
  if (!ty) return out;
  if (!ty.tensor_type) {
    out.nonTensor = ty.sequence_type
      ? 'sequence'
      : ty.map_type
        ? 'map'
        : ty.optional_type
          ? 'optional'
          : ty.sparse_tensor_type
            ? 'sparse tensor'
            : 'unknown type';
    return out;
  }
  out.elemType = ty.tensor_type.elem_type;
  if (ty.tensor_type.shape) {
    out.shape = ((ty.tensor_type.shape.dim ?? []) as Obj[]).map((d) =>
      d.dim_value !== undefined ? int64(d.dim_value) : d.dim_param ? String(d.dim_param) : null,
    );
  }
  return out;
}

/** Decodes the bytes of an .onnx file; `work` counts the bytes, nodes and tensor elements. Throws TinyrnnError ONNX001/002/004/005/020. */
export function decodeOnnx(bytes: Uint8Array, work = new WorkMeter()): OnnxModel {
  work.add(bytes.length);
  const { Model } = onnxTypes();
  let obj: Obj;
  try {
    obj = Model.toObject(Model.decode(bytes), { defaults: false, arrays: true });
  } catch (e) {
    throw err('ONNX001', '', `not a readable ONNX protobuf (${(e as Error).message})`, {
      expected: 'an ONNX ModelProto (.onnx file)',
      hint: 'the file may be truncated or not an ONNX model; re-export it',
    });
  }
  const g = obj.graph as Obj | undefined;
  if (!g || (!g.node?.length && !g.output?.length)) {
    throw err('ONNX002', 'graph', 'the file has no graph', { expected: 'a ModelProto with a graph (field 7)', hint: 'is this an ONNX model file?' });
  }
  const tensor = (t: Obj, path: string): OnnxTensor => {
    const out = tensorFromProto(t, path);
    work.add(out.data.length);
    return out;
  };
  const nodes: OnnxNode[] = ((g.node ?? []) as Obj[]).map((n, index) => {
    work.add(1 + (n.input?.length ?? 0) + (n.output?.length ?? 0) + (n.attribute?.length ?? 0));
    const attrs = new Map<string, OnnxAttribute>();
    ((n.attribute ?? []) as Obj[]).forEach((a, k) => attrs.set(a.name, attrFromProto(a, `graph.node[${index}].attribute[${k}]`)));
    for (const a of attrs.values()) work.add(a.t?.data.length ?? 0);
    return {
      index,
      name: n.name ?? '',
      opType: n.op_type ?? '',
      domain: n.domain ?? '',
      inputs: (n.input ?? []).slice(),
      outputs: (n.output ?? []).slice(),
      attrs,
    };
  });
  const metadata: Record<string, string> = {};
  for (const p of (obj.metadata_props ?? []) as Obj[]) metadata[p.key ?? ''] = p.value ?? '';
  return {
    irVersion: int64(obj.ir_version),
    producerName: obj.producer_name ?? '',
    producerVersion: obj.producer_version ?? '',
    opsets: ((obj.opset_import ?? []) as Obj[]).map((o) => ({ domain: o.domain ?? '', version: int64(o.version) })),
    metadata,
    functions: (obj.functions ?? []).length,
    graph: {
      name: g.name ?? '',
      nodes,
      initializers: ((g.initializer ?? []) as Obj[]).map((t, k) => tensor(t, `graph.initializer[${k}]`)),
      inputs: ((g.input ?? []) as Obj[]).map(valueInfoFromProto),
      outputs: ((g.output ?? []) as Obj[]).map(valueInfoFromProto),
      valueInfo: ((g.value_info ?? []) as Obj[]).map(valueInfoFromProto),
      sparseInitializers: (g.sparse_initializer ?? []).length,
    },
  };
}

/** Decodes a serialized TensorProto (the .pb files of ONNX test data sets). */
export function decodeOnnxTensor(bytes: Uint8Array, path = 'tensor'): OnnxTensor {
  const { Tensor } = onnxTypes();
  let obj: Obj;
  try {
    obj = Tensor.toObject(Tensor.decode(bytes), { defaults: false, arrays: true });
  } catch (e) {
    throw err('ONNX001', path, `not a readable ONNX TensorProto (${(e as Error).message})`, { expected: 'a serialized onnx TensorProto' });
  }
  return tensorFromProto(obj, path);
}

function encodeWith(type: protobuf.Type, obj: object): Uint8Array {
  const msg = type.fromObject(obj);
  const problem = type.verify(msg);
  if (problem) throw err('ONNX001', '', `cannot encode ${type.name}: ${problem}`);
  return type.encode(msg).finish();
}

/**
 * Encodes a ModelProto given as a plain object with the ONNX field names (snake_case), e.g.
 * { ir_version: 8, opset_import: [{ version: 14 }], graph: { node: [...], ... } }.
 * tinyrnn's tests build their ONNX files with it; tools can too.
 */
export function encodeOnnxModel(obj: object): Uint8Array {
  return encodeWith(onnxTypes().Model, obj);
}

export function encodeOnnxTensor(obj: object): Uint8Array {
  return encodeWith(onnxTypes().Tensor, obj);
}
