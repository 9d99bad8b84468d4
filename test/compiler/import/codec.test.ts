// The ONNX decoder: every numeric tensor storage (raw_data little-endian and the typed fields),
// float16/bfloat16, int64 exactness, attribute types, and encode -> decode round trips.
import { decodeOnnx, decodeOnnxTensor, encodeOnnxTensor } from '../../../compiler/import/onnx/codec';
import { ONNX_DTYPE } from '../../../compiler/import/onnx/schema';
import { A, buildModel, ftensor, node, vinfo } from './onnx-builder';

const dec = (t: object) => decodeOnnxTensor(encodeOnnxTensor(t));

test('float32 from raw_data and from float_data decode to the same values', () => {
  const v = [0.1, -2.5, 3e-8, 65504, -0];
  expect(Array.from(dec(ftensor('a', [5], v, true)).data)).toEqual(v.map(Math.fround));
  expect(Array.from(dec(ftensor('a', [5], v, false)).data)).toEqual(v.map(Math.fround));
});

test('float16 and bfloat16, raw and in int32_data', () => {
  // 0x3c00 = 1, 0xc000 = -2, 0x0001 = 2^-24 (subnormal), 0x7bff = 65504
  const half = [0x3c00, 0xc000, 0x0001, 0x7bff];
  const want = [1, -2, 2 ** -24, 65504];
  expect(Array.from(dec({ dims: [4], data_type: ONNX_DTYPE.FLOAT16, int32_data: half }).data)).toEqual(want);
  expect(Array.from(dec({ dims: [4], data_type: ONNX_DTYPE.FLOAT16, raw_data: new Uint8Array(Uint16Array.from(half).buffer) }).data)).toEqual(want);
  // bfloat16 0x3f80 = 1, 0xc040 = -3
  expect(Array.from(dec({ dims: [2], data_type: ONNX_DTYPE.BFLOAT16, int32_data: [0x3f80, 0xc040] }).data)).toEqual([1, -3]);
});

test('integer types in raw_data and their typed fields', () => {
  expect(Array.from(dec({ dims: [3], data_type: ONNX_DTYPE.INT8, raw_data: Uint8Array.from([0xff, 0x80, 0x7f]) }).data)).toEqual([-1, -128, 127]);
  expect(Array.from(dec({ dims: [3], data_type: ONNX_DTYPE.INT32, int32_data: [-5, 0, 2147483647] }).data)).toEqual([-5, 0, 2147483647]);
  expect(Array.from(dec({ dims: [2], data_type: ONNX_DTYPE.UINT64, uint64_data: ['18446744073709551615', '7'] }).data)).toEqual([Infinity, 7]);
  expect(Array.from(dec({ dims: [2], data_type: ONNX_DTYPE.BOOL, int32_data: [1, 0] }).data)).toEqual([1, 0]);
  expect(Array.from(dec({ dims: [2], data_type: ONNX_DTYPE.DOUBLE, double_data: [0.1, 1e300] }).data)).toEqual([0.1, 1e300]);
  expect(Array.from(dec({ dims: [2], data_type: ONNX_DTYPE.INT64, int64_data: ['-9007199254740991', '42'] }).data)).toEqual([-9007199254740991, 42]);
});

test('dims beyond 2^53 are refused, not rounded', () => {
  expect(() => dec({ dims: ['9007199254740993'], data_type: ONNX_DTYPE.FLOAT, float_data: [] })).toThrow(
    /ONNX005: tensor\.dims\[0\]: dimension is not a non-negative integer/,
  );
});

test('model fields, names, value infos and attributes survive encode -> decode', () => {
  const bytes = buildModel({
    opset: 17,
    name: 'net',
    nodes: [
      node(
        'LSTM',
        ['X', 'W', 'R'],
        ['Y'],
        [A.i('hidden_size', 2), A.s('direction', 'forward'), A.f('clip', 1.5), A.strings('activations', ['Sigmoid', 'Tanh', 'Tanh']), A.ints('x', [1, -2])],
        'my lstm',
      ),
    ],
    inits: [ftensor('W', [1, 8, 1], new Float32Array(8)), ftensor('R', [1, 8, 2], new Float32Array(16))],
    inputs: [vinfo('X', ['time', 2, 1])],
    outputs: [vinfo('Y')],
  });
  const m = decodeOnnx(bytes);
  expect(m.opsets).toEqual([{ domain: '', version: 17 }]);
  expect(m.irVersion).toBe(8);
  expect(m.producerName).toBe('tinyrnn-test');
  expect(m.graph.name).toBe('net');
  expect(m.graph.inputs[0]).toEqual({ name: 'X', elemType: ONNX_DTYPE.FLOAT, shape: ['time', 2, 1] });
  const n = m.graph.nodes[0];
  expect([n.index, n.name, n.opType, n.inputs, n.outputs]).toEqual([0, 'my lstm', 'LSTM', ['X', 'W', 'R'], ['Y']]);
  expect(n.attrs.get('hidden_size')?.i).toBe(2);
  expect(n.attrs.get('direction')?.s).toBe('forward');
  expect(n.attrs.get('clip')?.f).toBe(1.5);
  expect(n.attrs.get('activations')?.strings).toEqual(['Sigmoid', 'Tanh', 'Tanh']);
  expect(n.attrs.get('x')?.ints).toEqual([1, -2]);
  expect(m.graph.initializers.map((t) => [t.name, t.dims])).toEqual([
    ['W', [1, 8, 1]],
    ['R', [1, 8, 2]],
  ]);
});
