// PyTorch 2's dynamo export of nn.RNN (../shared/testdata/torch2, and its ReLU and two-layer
// variants in test/fixtures/onnx): the recurrence unrolled into
// per-step Slice/MatMul/Add/Tanh nodes folds back into one Elman layer that reproduces PyTorch's
// outputs (max error at most 1e-6 of the largest output); a graph that breaks the pattern is
// refused with the reason and the fix.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OnnxModel, decodeOnnx } from '../../../compiler/import/onnx/codec';
import { importOnnx, importOnnxModel } from '../../../compiler/import/onnx/import';
import { runFloat } from '../../../compiler/float/infer';
import { TESTDATA } from '../../helpers/torch';

const dir = path.join(TESTDATA, 'torch2');
const bytes = new Uint8Array(fs.readFileSync(path.join(dir, 'rnn_tanh_seq_h8.dynamo.onnx')));
const ref = JSON.parse(fs.readFileSync(path.join(dir, 'rnn_tanh_seq_h8.json'), 'utf8')) as { x: number[][][]; torch_out: number[][][] };

/** Worst |float model - expected| over the batch, and the largest |expected| output. */
function compare(res: ReturnType<typeof importOnnx>, x: number[][][], expected: number[][][]): { worst: number; scale: number } {
  let worst = 0;
  let scale = 0;
  x.forEach((seq, b) => {
    const out = runFloat(res.model, seq).output;
    expected[b].forEach((row, t) =>
      row.forEach((want, o) => {
        worst = Math.max(worst, Math.abs(out[t][o] - want));
        scale = Math.max(scale, Math.abs(want));
      }),
    );
  });
  return { worst, scale };
}

describe('PyTorch 2 dynamo export of nn.RNN (unrolled)', () => {
  const res = importOnnx(bytes, { source: 'rnn_tanh_seq_h8.dynamo.onnx' });

  test('folds the 25 unrolled steps back into one Elman layer and the Linear head', () => {
    expect(res.model.layers.map((l) => l.kind)).toEqual(['elman', 'dense']);
    const rnn = res.model.layers[0];
    expect(rnn.kind === 'elman' && [rnn.name, rnn.inputSize, rnn.hidden, rnn.activation]).toEqual(['rnn', 2, 8, 'tanh']);
    expect(res.model.output).toBe('sequence');
    expect(res.input.layout).toBe('B,T,F');
    expect(res.unused).toBe(0);
    expect(res.model.meta.extra?.['onnx.unrolled']).toBe('rnn: 25 steps of MatMul/Add/Tanh');
  });

  test("reproduces PyTorch's outputs within 1e-6 of the largest output", () => {
    const { worst, scale } = compare(res, ref.x, ref.torch_out);
    expect(scale).toBeGreaterThan(0.1);
    expect(worst).toBeLessThanOrEqual(1e-6 * scale);
  });

  /** The decoded model with one node's input k renamed. */
  function rewired(pick: (m: OnnxModel) => { node: number; input: number; to: string }): OnnxModel {
    const m = decodeOnnx(bytes);
    const { node, input, to } = pick(m);
    m.graph.nodes[node] = { ...m.graph.nodes[node], inputs: m.graph.nodes[node].inputs.map((v, i) => (i === input ? to : v)) };
    return m;
  }

  test('a step that reads the wrong time step is not folded and is refused with the reason and the fix', () => {
    // Step 2's Add reads time step 1's slice instead of its own.
    const m = rewired((g) => {
      const k = g.graph.nodes.findIndex((n) => n.name === 'node_add_2');
      const s = g.graph.nodes[k].inputs.findIndex((i) => i.startsWith('getitem_'));
      return { node: k, input: s, to: 'getitem_2' };
    });
    expect(() => importOnnxModel(m)).toThrow(/ONNX017[\s\S]*unrolled recurrence[\s\S]*dynamo=False/);
  });

  test('a step whose state is also read elsewhere (here a graph output) is not folded', () => {
    const m = decodeOnnx(bytes);
    m.graph.outputs.push({ name: 'tanh_3' });
    expect(() => importOnnxModel(m)).toThrow(/ONNX017[\s\S]*dynamo=False/);
  });

  test('a nonzero initial state is not folded', () => {
    const m = decodeOnnx(bytes);
    const c0 = m.graph.initializers.find((t) => t.name === 'linear_1');
    expect(c0).toBeDefined();
    c0!.data[0] += 0.5;
    expect(() => importOnnxModel(m)).toThrow(/ONNX017[\s\S]*dynamo=False/);
  });
});

test('the ReLU form (test/fixtures/onnx, the export with Tanh made Relu, evaluated node by node with numpy) folds exactly too', () => {
  const fx = path.resolve(__dirname, '..', '..', 'fixtures', 'onnx', 'rnn_relu_seq_h8.dynamo');
  const want = JSON.parse(fs.readFileSync(`${fx}.json`, 'utf8')) as { x: number[][][]; out: number[][][] };
  const res = importOnnx(new Uint8Array(fs.readFileSync(`${fx}.onnx`)));
  const rnn = res.model.layers[0];
  expect(rnn.kind === 'elman' && rnn.activation).toBe('relu');
  expect(res.model.meta.extra?.['onnx.unrolled']).toBe('rnn: 25 steps of MatMul/Add/Relu');
  const { worst, scale } = compare(res, want.x, want.out);
  expect(scale).toBeGreaterThan(0.1);
  expect(worst).toBeLessThanOrEqual(1e-6 * scale);
});

test('two stacked unrolled layers (a second layer added to the export, evaluated with numpy) fold into two Elman layers', () => {
  const fx = path.resolve(__dirname, '..', '..', 'fixtures', 'onnx', 'rnn2_tanh_seq_h8.dynamo');
  const want = JSON.parse(fs.readFileSync(`${fx}.json`, 'utf8')) as { x: number[][][]; out: number[][][] };
  const res = importOnnx(new Uint8Array(fs.readFileSync(`${fx}.onnx`)));
  expect(res.model.layers.map((l) => `${l.kind} ${l.name}`)).toEqual(['elman rnn', 'elman rnn.l1', 'dense node_MatMul_164']);
  expect(res.model.meta.extra?.['onnx.unrolled']).toBe('rnn: 25 steps of MatMul/Add/Tanh; rnn.l1: 25 steps of MatMul/Add/Tanh');
  expect(res.unused).toBe(0);
  const { worst, scale } = compare(res, want.x, want.out);
  expect(scale).toBeGreaterThan(0.1);
  expect(worst).toBeLessThanOrEqual(1e-6 * scale);
});
