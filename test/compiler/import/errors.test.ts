// One test per import diagnostic: malformed or unsupported ONNX files, built in the test with
// tinyrnn's schema (no binary fixtures), each giving its specific code, place and value.
import { TinyrnnError } from '../../../compiler/core/ir/errors';
import { importOnnx } from '../../../compiler/import/onnx/import';
import { decodeOnnx, decodeOnnxTensor, encodeOnnxModel, encodeOnnxTensor } from '../../../compiler/import/onnx/codec';
import { ONNX_DTYPE } from '../../../compiler/import/onnx/schema';
import { A, GraphSpec, buildModel, ftensor, itensor, modelObject, node, vinfo } from './onnx-builder';
import { randomF32 } from './onnx-ref';

type Obj = Record<string, unknown>;
const I = 2;
const H = 3;

/** A valid LSTM model: X (T, N, 2) -> LSTM(H 3) -> Y_h; parts can be overridden. */
function lstm(
  over: { attrs?: Obj[]; inputs?: string[]; inits?: Obj[]; extraNodes?: Obj[]; outputs?: Obj[]; opset?: number; graphInputs?: Obj[]; outs?: string[] } = {},
): GraphSpec {
  return {
    opset: over.opset ?? 14,
    nodes: [
      node('LSTM', over.inputs ?? ['X', 'W', 'R', 'B'], over.outs ?? ['Y', 'Y_h'], over.attrs ?? [A.i('hidden_size', H)], 'the_lstm'),
      ...(over.extraNodes ?? []),
    ],
    inits: over.inits ?? [
      ftensor('W', [1, 4 * H, I], randomF32(4 * H * I, 1)),
      ftensor('R', [1, 4 * H, H], randomF32(4 * H * H, 2)),
      ftensor('B', [1, 8 * H], randomF32(8 * H, 3)),
    ],
    inputs: over.graphInputs ?? [vinfo('X', ['T', 'N', I])],
    outputs: over.outputs ?? [vinfo('Y_h')],
  };
}

function diag(f: () => unknown): TinyrnnError {
  try {
    f();
  } catch (e) {
    if (e instanceof TinyrnnError) return e;
    throw e;
  }
  throw new Error('expected a TinyrnnError');
}

const imp = (g: GraphSpec) => () => importOnnx(buildModel(g));

test('the valid base model imports (so every failure below is caused by its one change)', () => {
  expect(importOnnx(buildModel(lstm())).model.layers[0].kind).toBe('lstm');
});

test('initializers also listed as graph inputs (older exporters) are constants, not model inputs', () => {
  const g = lstm({ graphInputs: [vinfo('X', ['T', 'N', I]), vinfo('W', [1, 4 * H, I]), vinfo('R', [1, 4 * H, H]), vinfo('B', [1, 8 * H])] });
  const r = importOnnx(buildModel(g));
  expect(r.input.name).toBe('X');
});

describe('ONNX001 unreadable protobuf', () => {
  test('truncated file', () => {
    const bytes = buildModel(lstm());
    const e = diag(() => importOnnx(bytes.subarray(0, Math.floor(bytes.length * 0.6))));
    expect(e.code).toBe('ONNX001');
    expect(e.message).toMatch(/not a readable ONNX protobuf/);
    expect(e.diagnostics[0].hint).toMatch(/truncated/);
  });
  test('not protobuf at all', () => {
    expect(diag(() => importOnnx(new TextEncoder().encode('\x0fthis is not onnx at all, just text'))).code).toBe('ONNX001');
  });
  test('a truncated TensorProto (.pb) file', () => {
    const pb = encodeOnnxTensor(ftensor('W', [4], [1, 2, 3, 4], true));
    expect(diag(() => decodeOnnxTensor(pb.subarray(0, pb.length - 3))).code).toBe('ONNX001');
  });
});

test('ONNX002 a protobuf with no graph', () => {
  const e = diag(() => importOnnx(encodeOnnxModel({ ir_version: 8, opset_import: [{ version: 14 }] })));
  expect(e.code).toBe('ONNX002');
  expect(e.diagnostics[0].path).toBe('graph');
});

describe('ONNX003 operator sets', () => {
  test.each([6, 23])('opset %i', (v) => {
    const e = diag(imp(lstm({ opset: v })));
    expect(e.code).toBe('ONNX003');
    expect(e.diagnostics[0].value).toBe(v);
    expect(e.diagnostics[0].expected).toBe('7..22');
  });
  test('no ai.onnx opset imported', () => {
    const o = modelObject(lstm());
    o.opset_import = [{ domain: 'com.example', version: 1 }];
    expect(diag(() => importOnnx(encodeOnnxModel(o))).code).toBe('ONNX003');
  });
});

describe('ONNX004 / ONNX005 / ONNX020 tensor data', () => {
  test('string tensor', () => {
    const g = lstm();
    g.inits!.push({ name: 'names', dims: [1], data_type: ONNX_DTYPE.STRING, string_data: [new Uint8Array([65])] });
    const e = diag(imp(g));
    expect(e.code).toBe('ONNX004');
    expect(e.diagnostics[0].path).toBe('graph.initializer[3].data_type');
  });
  test('raw_data shorter than the dims say', () => {
    const g = lstm();
    g.inits![0] = { name: 'W', dims: [1, 4 * H, I], data_type: ONNX_DTYPE.FLOAT, raw_data: new Uint8Array(4 * H * I * 4 - 4) };
    const e = diag(imp(g));
    expect(e.code).toBe('ONNX005');
    expect(e.message).toMatch(/raw_data has 92 bytes, expected 24 elements of FLOAT = 96 bytes/);
  });
  test('float_data with too many values', () => {
    const g = lstm();
    g.inits![2] = ftensor('B', [1, 8 * H], randomF32(8 * H + 1, 3));
    const e = diag(imp(g));
    expect(e.code).toBe('ONNX005');
    expect(e.diagnostics[0].path).toBe('graph.initializer[2].float_data');
  });
  test('external data', () => {
    const g = lstm();
    g.inits![1] = { name: 'R', dims: [1, 4 * H, H], data_type: ONNX_DTYPE.FLOAT, data_location: 1, external_data: [{ key: 'location', value: 'weights.bin' }] };
    const e = diag(imp(g));
    expect(e.code).toBe('ONNX020');
    expect(e.diagnostics[0].hint).toMatch(/save_as_external_data=False/);
  });
});

describe('ONNX010 operators tinyrnn does not map', () => {
  test('unknown op on the data path names the node, its index and op type', () => {
    const e = diag(imp(lstm({ extraNodes: [node('LayerNormalization', ['Y_h'], ['Z'], [], 'norm')], outputs: [vinfo('Z')] })));
    expect(e.code).toBe('ONNX010');
    expect(e.diagnostics[0].path).toBe('node 1 "norm" (LayerNormalization)');
    expect(e.diagnostics[0].expected).toMatch(/LSTM, GRU, RNN, Gemm/);
  });
  test('LogSoftmax gets a hint on how to export instead', () => {
    const e = diag(imp(lstm({ extraNodes: [node('LogSoftmax', ['Y_h'], ['Z'], [A.i('axis', -1)], 'logp')], outputs: [vinfo('Z')] })));
    expect(e.code).toBe('ONNX010');
    expect(e.diagnostics[0].hint).toMatch(/without log_softmax/);
  });
  test('a recurrent layer exported as a Loop gets a hint on how to export instead', () => {
    const e = diag(imp(lstm({ extraNodes: [node('Loop', ['', '', 'Y_h'], ['Z'], [], 'while')], outputs: [vinfo('Z')] })));
    expect(e.code).toBe('ONNX010');
    expect(e.diagnostics[0].hint).toMatch(/dynamo=False/);
  });
  test('custom domain', () => {
    const e = diag(imp(lstm({ extraNodes: [node('Relu', ['Y_h'], ['Z'], [], 'custom', 'com.microsoft')], outputs: [vinfo('Z')] })));
    expect(e.code).toBe('ONNX010');
    expect(e.message).toMatch(/domain "com.microsoft"/);
  });
  test('a node the chosen output does not need is not evaluated', () => {
    const r = importOnnx(buildModel(lstm({ extraNodes: [node('Foo', ['Y'], ['Z'], [], 'unused')], outputs: [vinfo('Y_h'), vinfo('Z')] })));
    expect(r.unused).toBe(1);
    expect(r.ignoredOutputs).toEqual(['Z']);
  });
});

describe('ONNX011 unsupported attribute values', () => {
  test.each([
    ['direction sideways', [A.i('hidden_size', H), A.s('direction', 'sideways')], 'direction', 'sideways'],
    ['hard sigmoid gates', [A.i('hidden_size', H), A.strings('activations', ['HardSigmoid', 'Tanh', 'Tanh'])], 'activations', 'HardSigmoid,Tanh,Tanh'],
    ['coupled input/forget gates', [A.i('hidden_size', H), A.i('input_forget', 1)], 'input_forget', 1],
    ['layout 2', [A.i('hidden_size', H), A.i('layout', 2)], 'layout', 2],
    ['unknown attribute', [A.i('hidden_size', H), A.i('mystery', 1)], 'mystery', undefined],
    ['activation alpha', [A.i('hidden_size', H), A.floats('activation_alpha', [0.5])], 'activation_alpha', undefined],
    ['negative clip', [A.i('hidden_size', H), A.f('clip', -1)], 'clip', -1],
    ['direction given as an integer', [A.i('hidden_size', H), A.i('direction', 1)], 'direction', 2],
    ['activations given as one string', [A.i('hidden_size', H), A.s('activations', 'Relu')], 'activations', 3],
    ['hidden_size given as a float', [A.f('hidden_size', 3)], 'hidden_size', 1],
  ])('%s', (_, attrs, attr, value) => {
    const e = diag(imp(lstm({ attrs: attrs as Obj[] })));
    expect(e.code).toBe('ONNX011');
    expect(e.diagnostics[0].path).toBe(`node 0 "the_lstm" (LSTM).${attr}`);
    if (value !== undefined) expect(e.diagnostics[0].value).toBe(value);
  });
  test('GRU linear_before_reset 2', () => {
    const g: GraphSpec = {
      nodes: [node('GRU', ['X', 'W', 'R'], ['Y'], [A.i('hidden_size', H), A.i('linear_before_reset', 2)], 'g')],
      inits: [ftensor('W', [1, 3 * H, I], randomF32(3 * H * I, 1)), ftensor('R', [1, 3 * H, H], randomF32(3 * H * H, 2))],
      inputs: [vinfo('X', ['T', 'N', I])],
      outputs: [vinfo('Y')],
    };
    const e = diag(imp(g));
    expect(e.code).toBe('ONNX011');
    expect(e.diagnostics[0].path).toBe('node 0 "g" (GRU).linear_before_reset');
  });
});

describe('ONNX012 undefined values', () => {
  test('missing initializer', () => {
    const g = lstm();
    g.inits = g.inits!.filter((t) => t.name !== 'R');
    const e = diag(imp(g));
    expect(e.code).toBe('ONNX012');
    expect(e.message).toMatch(/input 2 "R" is not defined/);
    expect(e.diagnostics[0].path).toBe('node 0 "the_lstm" (LSTM)');
  });
});

describe('ONNX013 shapes that do not fit', () => {
  test('every wrong weight shape is reported at once', () => {
    const g = lstm({
      inits: [
        ftensor('W', [1, 4 * H, I], randomF32(4 * H * I, 1)),
        ftensor('R', [1, 4 * H, H + 1], randomF32(4 * H * (H + 1), 2)),
        ftensor('B', [1, 4 * H], randomF32(4 * H, 3)),
      ],
    });
    const e = diag(imp(g));
    expect(e.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ['ONNX013', 'node 0 "the_lstm" (LSTM).R'],
      ['ONNX013', 'node 0 "the_lstm" (LSTM).B'],
    ]);
    expect(e.diagnostics[0].expected).toMatch(/\[1, 12, 3\]/);
  });
  test('input features differ from the weights', () => {
    const e = diag(imp(lstm({ graphInputs: [vinfo('X', ['T', 'N', 5])] })));
    expect(e.code).toBe('ONNX013');
    expect(e.message).toMatch(/X has 5 features/);
  });
  test('dense weight that does not match the hidden size', () => {
    const e = diag(
      imp(
        lstm({
          extraNodes: [node('MatMul', ['Y_h', 'Wd'], ['Z'], [], 'fc')],
          inits: [...lstm().inits!, ftensor('Wd', [H + 1, 2], randomF32(2 * H + 2, 9))],
          outputs: [vinfo('Z')],
        }),
      ),
    );
    expect(e.code).toBe('ONNX013');
    expect(e.diagnostics[0].path).toBe('node 1 "fc" (MatMul)');
  });
});

test('ONNX014 more than one non-constant graph input', () => {
  const e = diag(
    imp(
      lstm({
        extraNodes: [node('Add', ['Y_h', 'other'], ['Z'], [], 'mix')],
        graphInputs: [vinfo('X', ['T', 'N', I]), vinfo('other', ['N', H])],
        outputs: [vinfo('Z')],
      }),
    ),
  );
  expect(e.code).toBe('ONNX014');
  expect(e.message).toMatch(/2 inputs that are not constants: X, other/);
});

test('ONNX015 sequence_lens given as a graph input', () => {
  const e = diag(imp(lstm({ inputs: ['X', 'W', 'R', 'B', 'lens'], graphInputs: [vinfo('X', ['T', 'N', I]), vinfo('lens', ['N'], ONNX_DTYPE.INT32)] })));
  expect(e.code).toBe('ONNX015');
  expect(e.message).toMatch(/sequence_lens is the graph input "lens"/);
  expect(e.diagnostics[0].path).toBe('node 0 "the_lstm" (LSTM)');
});

test('ONNX016 initial state given as a graph input', () => {
  const e = diag(imp(lstm({ inputs: ['X', 'W', 'R', 'B', '', '', 'c0'], graphInputs: [vinfo('X', ['T', 'N', I]), vinfo('c0', [1, 'N', H])] })));
  expect(e.code).toBe('ONNX016');
  expect(e.message).toMatch(/initial_c is the graph input "c0"/);
});

describe('ONNX015 sequence_lens', () => {
  test('a constant that is not the full length', () => {
    const g = lstm({ inputs: ['X', 'W', 'R', 'B', 'lens'], graphInputs: [vinfo('X', [4, 2, I])] });
    g.inits!.push({ name: 'lens', dims: [2], data_type: ONNX_DTYPE.INT32, int32_data: [4, 3] });
    const e = diag(imp(g));
    expect(e.code).toBe('ONNX015');
    expect(e.diagnostics[0].value).toBe('4,3');
  });
  test('any constant when the sequence length is not fixed', () => {
    const g = lstm({ inputs: ['X', 'W', 'R', 'B', 'lens'] });
    g.inits!.push({ name: 'lens', dims: [2], data_type: ONNX_DTYPE.INT32, int32_data: [4, 4] });
    expect(diag(imp(g)).code).toBe('ONNX015');
  });
});

test('ONNX016 non-zero initial state', () => {
  const g = lstm({ inputs: ['X', 'W', 'R', 'B', '', 'h0'] });
  g.inits!.push(ftensor('h0', [1, 1, H], [0, 0.25, 0]));
  const e = diag(imp(g));
  expect(e.code).toBe('ONNX016');
  expect(e.diagnostics[0].value).toBe(0.25);
  expect(e.message).toMatch(/initial_h is not zero/);
});

describe('ONNX017 operations with no exact IR equivalent', () => {
  test('first time step instead of the last', () => {
    const e = diag(
      imp(
        lstm({
          extraNodes: [node('Gather', ['Y', 'zero'], ['Z'], [A.i('axis', 0)], 'first')],
          inits: [...lstm().inits!, itensor('zero', [], [0])],
          outputs: [vinfo('Z')],
        }),
      ),
    );
    expect(e.code).toBe('ONNX017');
    expect(e.diagnostics[0].value).toBe(0);
    expect(e.diagnostics[0].path).toBe('node 1 "first" (Gather)');
  });
  test('transpose that mixes the feature axes of a bidirectional output', () => {
    const g = lstm({
      inputs: ['X', 'W', 'R'],
      attrs: [A.i('hidden_size', H), A.s('direction', 'bidirectional')],
      extraNodes: [node('Transpose', ['Y'], ['Z'], [A.ints('perm', [0, 3, 2, 1])], 'swap')],
      outputs: [vinfo('Z')],
    });
    g.inits = [ftensor('W', [2, 4 * H, I], randomF32(8 * H * I, 1)), ftensor('R', [2, 4 * H, H], randomF32(8 * H * H, 2))];
    const e = diag(imp(g));
    expect(e.code).toBe('ONNX017');
    expect(e.message).toMatch(/reorders feature axes/);
  });
  test('a residual connection (data + data)', () => {
    const e = diag(imp(lstm({ extraNodes: [node('Add', ['Y_h', 'Y_h'], ['Z'], [], 'res')], outputs: [vinfo('Z')] })));
    expect(e.code).toBe('ONNX017');
  });
  test('Reshape merging time and batch', () => {
    const e = diag(
      imp(
        lstm({
          extraNodes: [node('Reshape', ['Y', 'shp'], ['Z'], [], 'flat')],
          inits: [...lstm().inits!, itensor('shp', [2], [-1, H])],
          outputs: [vinfo('Z')],
        }),
      ),
    );
    expect(e.code).toBe('ONNX017');
    expect(e.diagnostics[0].path).toBe('node 1 "flat" (Reshape)');
  });
});

describe('ONNX018 outputs that are not model outputs', () => {
  const bidir = (extraNodes: Obj[], outputs: Obj[], outs = ['Y', 'Y_h', 'Y_c']): GraphSpec => {
    const g = lstm({ inputs: ['X', 'W', 'R'], attrs: [A.i('hidden_size', H), A.s('direction', 'bidirectional')], extraNodes, outputs, outs });
    g.inits = [ftensor('W', [2, 4 * H, I], randomF32(8 * H * I, 1)), ftensor('R', [2, 4 * H, H], randomF32(8 * H * H, 2)), ...(g.inits ?? []).slice(3)];
    return g;
  };
  test('Y_h of a bidirectional node and an LSTM cell state Y_c are final states, not refusals', () => {
    expect(importOnnx(buildModel(bidir([], [vinfo('Y_h')]))).model.final).toEqual(['h']);
    expect(importOnnx(buildModel(lstm({ outs: ['Y', 'Y_h', 'Y_c'], outputs: [vinfo('Y_c')] }))).model.final).toEqual(['c']);
  });
  test('a dense head on the final states of a bidirectional node', () => {
    const g = bidir(
      [
        node('Transpose', ['Y_h'], ['hb'], [A.ints('perm', [1, 0, 2])]),
        node('Flatten', ['hb'], ['hf'], [], 'flat'),
        node('Gemm', ['hf', 'Wg'], ['Z'], [A.i('transB', 1)], 'fc'),
      ],
      [vinfo('Z')],
    );
    g.inits!.push(ftensor('Wg', [1, 2 * H], randomF32(2 * H, 4)));
    const e = diag(imp(g));
    expect([e.code, e.diagnostics[0].path]).toEqual(['ONNX018', 'node 3 "fc" (Gemm)']);
    expect(e.message).toMatch(/Y_h of node 0 "the_lstm" \(LSTM\), the final states of both directions of a bidirectional node/);
    expect(e.diagnostics[0].hint).toMatch(/output\[:, -1\]/);
  });
  test('an activation on the cell state Y_c', () => {
    const e = diag(imp(lstm({ outs: ['Y', 'Y_h', 'Y_c'], extraNodes: [node('Tanh', ['Y_c'], ['Z'], [], 'act')], outputs: [vinfo('Z')] })));
    expect([e.code, e.diagnostics[0].path]).toEqual(['ONNX018', 'node 1 "act" (Tanh)']);
    expect(e.message).toMatch(/an LSTM's cell state: tinyrnn outputs final states only as the model's output/);
  });
  test('one direction picked out of a bidirectional Y_h', () => {
    const g = bidir([node('Gather', ['Y_h', 'one'], ['Z'], [A.i('axis', 0)], 'pick')], [vinfo('Z')]);
    g.inits!.push(itensor('one', [], [1]));
    const e = diag(imp(g));
    expect([e.code, e.diagnostics[0].path]).toEqual(['ONNX018', 'node 1 "pick" (Gather)']);
    expect(e.message).toMatch(/takes part of Y_h/);
  });
  test('final states of stacked layers concatenated (a whole multi-layer h_n)', () => {
    const e = diag(imp(lstm({ extraNodes: [node('Concat', ['Y_h', 'Y_h'], ['Z'], [A.i('axis', 0)], 'cat')], outputs: [vinfo('Z')] })));
    expect(e.code).toBe('ONNX018');
    expect(e.message).toMatch(/concatenation of 2 layers' outputs/);
    expect(e.diagnostics[0].hint).toMatch(/h_n\[-1\]/);
  });
  test('several outputs of which two are not final states', () => {
    const g = lstm({ extraNodes: [node('Squeeze', ['Y', 'ax'], ['Y1'], [], 'sq')], outputs: [vinfo('Y'), vinfo('Y1'), vinfo('Y_h')] });
    g.inits!.push(itensor('ax', [1], [1]));
    const e = diag(() => importOnnx(buildModel(g), { output: ['Y1', 'Y'] }));
    expect([e.code, e.diagnostics[0].path]).toEqual(['ONNX018', 'graph.output "Y1"']);
    expect(e.message).toMatch(/not a final state/);
    expect(e.diagnostics[0].expected).toMatch(/at most one per-step output/);
  });
  test('Y_h beside a per-step output that a dense head computes', () => {
    const g = lstm({
      extraNodes: [node('Squeeze', ['Y', 'ax'], ['Y1'], [], 'sq'), node('MatMul', ['Y1', 'Wg'], ['z'], [], 'head')],
      outputs: [vinfo('z'), vinfo('Y_h')],
    });
    g.inits!.push(itensor('ax', [1], [1]), ftensor('Wg', [H, 2], randomF32(2 * H, 7)));
    const e = diag(() => importOnnx(buildModel(g), { output: ['z', 'Y_h'] }));
    expect([e.code, e.diagnostics[0].path]).toEqual(['ONNX018', 'graph.output "Y_h"']);
    expect(e.message).toMatch(/not the last layer of "z"/);
    // with no --output, z is the model output and Y_h is reported
    expect(importOnnx(buildModel(g)).ignoredOutputs).toEqual(['Y_h']);
  });
  test('final states of two different nodes', () => {
    const g = lstm({
      outs: ['Y', 'Y_h', 'Y_c'],
      extraNodes: [node('Squeeze', ['Y', 'ax'], ['Y1'], [], 'sq'), node('LSTM', ['Y1', 'W2', 'R2'], ['', 'Y_h2'], [A.i('hidden_size', H)], 'second')],
      outputs: [vinfo('Y_c'), vinfo('Y_h2')],
    });
    g.inits!.push(itensor('ax', [1], [1]), ftensor('W2', [1, 4 * H, H], randomF32(4 * H * H, 5)), ftensor('R2', [1, 4 * H, H], randomF32(4 * H * H, 6)));
    const e = diag(() => importOnnx(buildModel(g), { output: ['Y_h2', 'Y_c'] }));
    expect([e.code, e.diagnostics[0].path]).toEqual(['ONNX018', 'graph.output "Y_c"']);
    expect(e.message).toMatch(/a final state of node 0 "the_lstm" \(LSTM\), but "Y_h2" is one of node 2 "second" \(LSTM\)/);
    // With no --output these are not one node's states: the first is imported, the other reported.
    const r = importOnnx(buildModel(g));
    expect([r.model.output, r.model.final, r.ignoredOutputs]).toEqual(['final', ['c'], ['Y_h2']]);
    expect(r.ignoredHint).toBe('--output Y_h2 imports the final states of node 2 "second" (LSTM) instead');
  });
  test('an output that does not depend on the input', () => {
    const e = diag(imp(lstm({ extraNodes: [node('Identity', ['W'], ['Z'], [], 'id')], outputs: [vinfo('Z'), vinfo('Y_h')] })));
    expect(e.code).toBe('ONNX018');
  });
});

describe('ONNX014 choosing several outputs', () => {
  const g = () =>
    lstm({ outs: ['Y', 'Y_h', 'Y_c'], extraNodes: [node('Identity', ['Y_h'], ['Z'], [], 'id')], outputs: [vinfo('Y_h'), vinfo('Y_c'), vinfo('Z')] });
  test('the same final state twice', () => {
    const e = diag(() => importOnnx(buildModel(g()), { output: ['Y_h', 'Z'] }));
    expect([e.code, e.diagnostics[0].path]).toEqual(['ONNX014', 'graph.output "Z"']);
    expect(e.message).toMatch(/Y_h of node 0 "the_lstm" \(LSTM\) a second time/);
  });
  test('an output named twice, or not at all', () => {
    expect(diag(() => importOnnx(buildModel(g()), { output: ['Y_h', 'Y_h'] })).message).toMatch(/"Y_h" is named twice/);
    expect(diag(() => importOnnx(buildModel(g()), { output: ['Y_h', 'nope'] })).message).toMatch(/no graph output is named "nope"/);
    expect(diag(() => importOnnx(buildModel(g()), { output: [] })).code).toBe('ONNX014');
  });
  test('labels for final states', () => {
    const e = diag(() => importOnnx(buildModel(g()), { output: ['Y_h', 'Y_c'], labels: ['a', 'b', 'c'] }));
    expect([e.code, e.diagnostics[0].path]).toEqual(['ONNX014', 'labels']);
    expect(e.message).toMatch(/final states/);
  });
  test('with no --output, outputs that repeat a final state are not all imported', () => {
    const r = importOnnx(buildModel(g()));
    expect([r.model.output, r.model.final, r.ignoredOutputs]).toEqual(['last', undefined, ['Y_c', 'Z']]);
    expect(r.ignoredHint).toBe('--output Y_c,Z imports the final states of node 0 "the_lstm" (LSTM) instead');
  });
});

test('ONNX019 cycle', () => {
  const e = diag(
    imp(
      lstm({
        inputs: ['X2', 'W', 'R', 'B'],
        extraNodes: [node('Add', ['X', 'Yq'], ['X2'], [], 'a'), node('Squeeze', ['Y_h', 'ax'], ['Yq'], [], 'b')],
        inits: [...lstm().inits!, itensor('ax', [1], [0])],
      }),
    ),
  );
  expect(e.code).toBe('ONNX019');
});

test('decode keeps int64 exact and reads raw int64 sentinels as unbounded', () => {
  const m = decodeOnnx(
    buildModel(
      lstm({
        inits: [
          ...lstm().inits!,
          itensor('big', [3], ['9223372036854775807', '-9223372036854775808', '9007199254740991'], true),
          itensor('dims', [2], ['9007199254740991', '-3']),
        ],
      }),
    ),
  );
  const big = m.graph.initializers.find((t) => t.name === 'big')!;
  expect(Array.from(big.data)).toEqual([Infinity, -Infinity, 9007199254740991]);
  expect(Array.from(m.graph.initializers.find((t) => t.name === 'dims')!.data)).toEqual([9007199254740991, -3]);
});
