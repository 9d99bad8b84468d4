// Test helper: builds ONNX files with tinyrnn's own schema (no binary fixtures), plus small
// helpers for attributes and tensors. Field names are ONNX's (snake_case).
import { encodeOnnxModel } from '../../../compiler/import/onnx/codec';
import { ONNX_ATTR_TYPE, ONNX_DTYPE } from '../../../compiler/import/onnx/schema';

type Obj = Record<string, unknown>;

export const A = {
  i: (name: string, i: number): Obj => ({ name, type: ONNX_ATTR_TYPE.INT, i }),
  f: (name: string, f: number): Obj => ({ name, type: ONNX_ATTR_TYPE.FLOAT, f }),
  s: (name: string, s: string): Obj => ({ name, type: ONNX_ATTR_TYPE.STRING, s: new TextEncoder().encode(s) }),
  ints: (name: string, ints: (number | string)[]): Obj => ({ name, type: ONNX_ATTR_TYPE.INTS, ints }),
  floats: (name: string, floats: number[]): Obj => ({ name, type: ONNX_ATTR_TYPE.FLOATS, floats }),
  strings: (name: string, strings: string[]): Obj => ({ name, type: ONNX_ATTR_TYPE.STRINGS, strings: strings.map((s) => new TextEncoder().encode(s)) }),
  t: (name: string, t: Obj): Obj => ({ name, type: ONNX_ATTR_TYPE.TENSOR, t }),
};

/** A float tensor; raw: stored as raw_data (little-endian float32) instead of float_data. */
export function ftensor(name: string, dims: number[], data: ArrayLike<number>, raw = false): Obj {
  if (raw) return { name, dims, data_type: ONNX_DTYPE.FLOAT, raw_data: new Uint8Array(Float32Array.from(data).buffer) };
  return { name, dims, data_type: ONNX_DTYPE.FLOAT, float_data: Array.from(data) };
}

/** An int64 tensor; raw: as raw_data; values may be decimal strings (beyond 2^53). */
export function itensor(name: string, dims: number[], data: (number | string)[], raw = false): Obj {
  if (raw) return { name, dims, data_type: ONNX_DTYPE.INT64, raw_data: new Uint8Array(BigInt64Array.from(data.map((v) => BigInt(v))).buffer) };
  return { name, dims, data_type: ONNX_DTYPE.INT64, int64_data: data.map(String) };
}

export function node(op_type: string, input: string[], output: string[], attribute: Obj[] = [], name?: string, domain?: string): Obj {
  return { op_type, input, output, attribute, ...(name !== undefined ? { name } : { name: `${op_type}_${output[0]}` }), ...(domain ? { domain } : {}) };
}

export function vinfo(name: string, dims?: (number | string)[], elem_type: number = ONNX_DTYPE.FLOAT): Obj {
  return {
    name,
    type: { tensor_type: { elem_type, ...(dims ? { shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } : {}) } },
  };
}

export interface GraphSpec {
  nodes: Obj[];
  inits?: Obj[];
  inputs: Obj[];
  outputs: Obj[];
  opset?: number;
  name?: string;
}

export function modelObject(g: GraphSpec): Obj {
  return {
    ir_version: 8,
    producer_name: 'tinyrnn-test',
    opset_import: [{ domain: '', version: g.opset ?? 14 }],
    graph: { name: g.name ?? 'g', node: g.nodes, initializer: g.inits ?? [], input: g.inputs, output: g.outputs },
  };
}

export function buildModel(g: GraphSpec): Uint8Array {
  return encodeOnnxModel(modelObject(g));
}
