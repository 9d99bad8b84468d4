// The subset of the ONNX protobuf schema tinyrnn reads, written out field by field with
// protobufjs reflection. Field numbers and wire types are those of the public ONNX IR
// specification (onnx.proto, proto2 syntax); messages and fields tinyrnn has no use for
// (training info, functions, sparse tensors' contents, quantisation annotations) are left out
// and skipped by the decoder as unknown fields. A few are declared only so the importer can
// notice them and refuse clearly (external data, sparse initializers, local functions).

import * as protobuf from 'protobufjs/light';

/** ONNX TensorProto.DataType values. */
export const ONNX_DTYPE = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
} as const;

export const ONNX_DTYPE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(ONNX_DTYPE).map(([k, v]) => [v, k]));

/** ONNX AttributeProto.AttributeType values. */
export const ONNX_ATTR_TYPE = {
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
  SPARSE_TENSOR: 11,
  SPARSE_TENSORS: 12,
  TYPE_PROTO: 13,
  TYPE_PROTOS: 14,
} as const;

type FieldSpec = [name: string, id: number, type: string, rule?: 'repeated' | 'optional', packed?: boolean];

function message(name: string, fields: FieldSpec[]): protobuf.Type {
  const t = new protobuf.Type(name);
  for (const [fname, id, type, rule, packed] of fields) {
    t.add(new protobuf.Field(fname, id, type, rule ?? 'optional', undefined, packed ? { packed: true } : undefined));
  }
  return t;
}

function build(): protobuf.Root {
  const root = new protobuf.Root();
  const ns = root.define('tinyrnn_onnx');
  ns.add(
    message('StringStringEntryProto', [
      ['key', 1, 'string'],
      ['value', 2, 'string'],
    ]),
  );
  ns.add(
    message('OperatorSetIdProto', [
      ['domain', 1, 'string'],
      ['version', 2, 'int64'],
    ]),
  );
  ns.add(
    message('TensorProto', [
      ['dims', 1, 'int64', 'repeated', true],
      ['data_type', 2, 'int32'],
      ['float_data', 4, 'float', 'repeated', true],
      ['int32_data', 5, 'int32', 'repeated', true],
      ['string_data', 6, 'bytes', 'repeated'],
      ['int64_data', 7, 'int64', 'repeated', true],
      ['name', 8, 'string'],
      ['raw_data', 9, 'bytes'],
      ['double_data', 10, 'double', 'repeated', true],
      ['uint64_data', 11, 'uint64', 'repeated', true],
      ['doc_string', 12, 'string'],
      ['external_data', 13, 'StringStringEntryProto', 'repeated'],
      ['data_location', 14, 'int32'],
    ]),
  );
  ns.add(
    message('Dimension', [
      ['dim_value', 1, 'int64'],
      ['dim_param', 2, 'string'],
      ['denotation', 3, 'string'],
    ]),
  );
  ns.add(message('TensorShapeProto', [['dim', 1, 'Dimension', 'repeated']]));
  ns.add(
    message('TensorTypeProto', [
      ['elem_type', 1, 'int32'],
      ['shape', 2, 'TensorShapeProto'],
    ]),
  );
  // TypeProto: only the tensor member of the oneof is read; the others are noticed (as bytes)
  // so a non-tensor graph input is reported, not silently treated as a tensor.
  ns.add(
    message('TypeProto', [
      ['tensor_type', 1, 'TensorTypeProto'],
      ['sequence_type', 4, 'bytes'],
      ['map_type', 5, 'bytes'],
      ['denotation', 6, 'string'],
      ['sparse_tensor_type', 8, 'bytes'],
      ['optional_type', 9, 'bytes'],
    ]),
  );
  ns.add(
    message('ValueInfoProto', [
      ['name', 1, 'string'],
      ['type', 2, 'TypeProto'],
      ['doc_string', 3, 'string'],
    ]),
  );
  ns.add(
    message('AttributeProto', [
      ['name', 1, 'string'],
      ['f', 2, 'float'],
      ['i', 3, 'int64'],
      ['s', 4, 'bytes'],
      ['t', 5, 'TensorProto'],
      ['g', 6, 'GraphProto'],
      ['floats', 7, 'float', 'repeated', true],
      ['ints', 8, 'int64', 'repeated', true],
      ['strings', 9, 'bytes', 'repeated'],
      ['tensors', 10, 'TensorProto', 'repeated'],
      ['graphs', 11, 'GraphProto', 'repeated'],
      ['doc_string', 13, 'string'],
      ['type', 20, 'int32'],
      ['ref_attr_name', 21, 'string'],
      ['sparse_tensor', 22, 'bytes'],
    ]),
  );
  ns.add(
    message('NodeProto', [
      ['input', 1, 'string', 'repeated'],
      ['output', 2, 'string', 'repeated'],
      ['name', 3, 'string'],
      ['op_type', 4, 'string'],
      ['attribute', 5, 'AttributeProto', 'repeated'],
      ['doc_string', 6, 'string'],
      ['domain', 7, 'string'],
    ]),
  );
  ns.add(
    message('GraphProto', [
      ['node', 1, 'NodeProto', 'repeated'],
      ['name', 2, 'string'],
      ['initializer', 5, 'TensorProto', 'repeated'],
      ['doc_string', 10, 'string'],
      ['input', 11, 'ValueInfoProto', 'repeated'],
      ['output', 12, 'ValueInfoProto', 'repeated'],
      ['value_info', 13, 'ValueInfoProto', 'repeated'],
      ['sparse_initializer', 15, 'bytes', 'repeated'],
    ]),
  );
  ns.add(
    message('ModelProto', [
      ['ir_version', 1, 'int64'],
      ['producer_name', 2, 'string'],
      ['producer_version', 3, 'string'],
      ['domain', 4, 'string'],
      ['model_version', 5, 'int64'],
      ['doc_string', 6, 'string'],
      ['graph', 7, 'GraphProto'],
      ['opset_import', 8, 'OperatorSetIdProto', 'repeated'],
      ['metadata_props', 14, 'StringStringEntryProto', 'repeated'],
      ['functions', 25, 'bytes', 'repeated'],
    ]),
  );
  root.resolveAll();
  return root;
}

let cached: protobuf.Root | undefined;

/** The reflected ONNX message types (built once). */
export function onnxTypes(): { Model: protobuf.Type; Tensor: protobuf.Type; Graph: protobuf.Type; Node: protobuf.Type } {
  cached ??= build();
  return {
    Model: cached.lookupType('tinyrnn_onnx.ModelProto'),
    Tensor: cached.lookupType('tinyrnn_onnx.TensorProto'),
    Graph: cached.lookupType('tinyrnn_onnx.GraphProto'),
    Node: cached.lookupType('tinyrnn_onnx.NodeProto'),
  };
}
