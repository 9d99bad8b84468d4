// Reverse and bidirectional RNN, GRU and LSTM node tests in ONNX's backend-test format
// (test/fixtures/onnx-node, written by make_node_tests.py with PyTorch's outputs). Every expected
// output agrees with the ONNX-spec oracle (onnx-ref.ts) at upstream's tolerance (rtol 1e-3, atol
// 1e-7); a reverse node's Y imports as a reverse layer, a bidirectional node's as a bidirectional
// layer, and both reproduce them. What the IR cannot express yet is refused with its code: a
// reverse or bidirectional Y_h or an LSTM Y_c as the model output (ONNX018).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OnnxTensor, decodeOnnx, decodeOnnxTensor } from '../../../compiler/import/onnx/codec';
import { importOnnx } from '../../../compiler/import/onnx/import';
import { runFloat } from '../../../compiler/float/infer';
import { onnxRecurrent } from './onnx-ref';

const DIR = path.resolve(__dirname, '..', '..', 'fixtures', 'onnx-node');
const TESTS = ['rnn', 'gru', 'lstm'].flatMap((op) => [`test_${op}_reverse`, `test_${op}_bidirectional`]);

function readPb(dir: string, prefix: string): OnnxTensor[] {
  const out: OnnxTensor[] = [];
  for (let k = 0; fs.existsSync(path.join(dir, `${prefix}_${k}.pb`)); k++)
    out.push(decodeOnnxTensor(new Uint8Array(fs.readFileSync(path.join(dir, `${prefix}_${k}.pb`)))));
  return out;
}

function close(got: number, want: number): boolean {
  return Math.abs(got - want) <= 1e-7 + 1e-3 * Math.abs(want);
}

describe.each(TESTS)('%s', (name) => {
  const dir = path.join(DIR, name);
  const bytes = new Uint8Array(fs.readFileSync(path.join(dir, 'model.onnx')));
  const node = decodeOnnx(bytes).graph.nodes[0];
  const [X, W, R, B] = readPb(path.join(dir, 'test_data_set_0'), 'input');
  const outputs = readPb(path.join(dir, 'test_data_set_0'), 'output');
  const direction = node.attrs.get('direction')?.s as 'reverse' | 'bidirectional';
  const [T, N, I] = X.dims;
  const H = node.attrs.get('hidden_size')?.i as number;
  const bind = { W, R, B };

  test("PyTorch's expected outputs agree with the ONNX-spec oracle", () => {
    const spec = { op: node.opType as 'RNN' | 'GRU' | 'LSTM', H, direction, layout: 0 as const, linearBeforeReset: 1 as const };
    const ref = onnxRecurrent({ ...spec, W: Float32Array.from(W.data), R: Float32Array.from(R.data), B: Float32Array.from(B.data) }, X.data, T, N, I);
    const want = [ref.Y, ref.Yh, ref.Yc];
    expect(outputs).toHaveLength(node.opType === 'LSTM' ? 3 : 2);
    outputs.forEach((o, k) => {
      expect(o.data.length).toBe(want[k].length);
      const bad = Array.from(o.data).findIndex((v, i) => !close(want[k][i], v));
      expect([node.outputs[k], bad]).toEqual([node.outputs[k], -1]);
    });
  });

  const D = direction === 'bidirectional' ? 2 : 1;

  test(`Y imports as one ${direction} layer and reproduces the expected outputs`, () => {
    const m = importOnnx(bytes, { bind }).model;
    expect(m.layers.map((l) => l.kind)).toEqual([direction]);
    expect(m.output).toBe('sequence');
    const Y = outputs[0]; // (T, D, N, H)
    let checked = 0;
    for (let n = 0; n < N; n++) {
      const seq = Array.from({ length: T }, (_, t) => Array.from(X.data.subarray((t * N + n) * I, (t * N + n + 1) * I)));
      const out = runFloat(m, seq).output; // (T)(D*H): forward then backward
      for (let t = 0; t < T; t++)
        for (let d = 0; d < D; d++)
          for (let j = 0; j < H; j++) {
            const want = Y.data[((t * D + d) * N + n) * H + j];
            if (!close(out[t][d * H + j], want)) throw new Error(`Y t=${t} d=${d} n=${n} j=${j}: got ${out[t][d * H + j]}, want ${want}`);
            checked++;
          }
    }
    expect(checked).toBe(Y.data.length);
  });

  test('its final states as the model output are refused (ONNX018) until the IR has that output mode', () => {
    for (const out of node.outputs.slice(1)) expect(() => importOnnx(bytes, { bind, output: out })).toThrow(/ONNX018/);
  });
});
