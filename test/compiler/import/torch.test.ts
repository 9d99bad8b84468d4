// The PyTorch-exported reference models (../shared/testdata/torch): fixed-shape and dynamic-axes
// .onnx files import to the same IR and reproduce PyTorch's float32 logits within 1e-5.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { importOnnx } from '../../../compiler/import/onnx/import';
import { runFloat } from '../../../compiler/float/infer';
import { TESTDATA, TORCH_MODELS, loadTorchRef, torchInput, torchToModel } from '../../helpers/torch';
import { encodeFloatModel, decodeFloatModel } from '../../../compiler/core/ir/format';

const cases = TORCH_MODELS.flatMap((name) => [
  [name, `${name}.onnx`],
  [name, `${name}.dyn.onnx`],
]);

describe.each(cases)('%s from %s', (name, file) => {
  const ref = loadTorchRef(name);
  const bytes = new Uint8Array(fs.readFileSync(path.join(TESTDATA, 'torch', file)));
  const res = importOnnx(bytes, { source: file });
  const m = res.model;

  test('maps to one recurrent layer and a dense head with PyTorch names kept', () => {
    const kind = ref.config.kind === 'rnn_tanh' || ref.config.kind === 'rnn' ? 'elman' : ref.config.kind;
    expect(m.layers.map((l) => l.kind)).toEqual([kind === 'lstm' || kind === 'gru' ? kind : 'elman', 'dense']);
    expect(m.output).toBe('sequence');
    expect(m.inputSize).toBe(3);
    expect(m.meta.features).toEqual(['x[0]', 'x[1]', 'x[2]']);
    expect(m.meta.extra?.['onnx.input']).toBe('x');
    expect(m.meta.extra?.['onnx.output']).toBe('logits_seq');
    expect(m.meta.extra?.['onnx.inputLayout']).toBe('B,T,F');
    expect(m.meta.extra?.['onnx.file']).toBe(file);
    expect(m.meta.extra?.['onnx.ignoredOutputs']).toBe(kind === 'lstm' ? 'h_n, c_n' : 'h_n');
    const op = kind === 'lstm' ? 'LSTM' : kind === 'gru' ? 'GRU' : 'RNN';
    const states = kind === 'lstm' ? 'h_n,c_n' : 'h_n';
    expect(res.ignoredHint).toMatch(new RegExp(`^--output ${states} imports the final states of node \\d+ "/m/rnn/${op}" \\(${op}\\) instead$`));
    expect(m.layers[0].name).toMatch(/^\/m\/rnn\//);
    expect(res.layers[1].node).toMatch(/MatMul/);
  });

  test('weights equal the PyTorch state_dict (ONNX gate order translated back)', () => {
    const direct = torchToModel(ref);
    expect(m.layers).toHaveLength(direct.layers.length);
    m.layers.forEach((l, i) => {
      const d = direct.layers[i] as unknown as Record<string, Float32Array>;
      for (const key of l.kind === 'dense' ? ['w', 'b'] : ['wx', 'wh', 'bx', 'bh']) {
        expect(Array.from((l as unknown as Record<string, Float32Array>)[key])).toEqual(Array.from(d[key]));
      }
    });
  });

  test('reproduces PyTorch float32 logits_seq within 1e-5', () => {
    const want = ref.outputs_float32.logits_seq;
    const [B, T, O] = want.shape;
    let worst = 0;
    for (let b = 0; b < B; b++) {
      const r = runFloat(m, torchInput(ref, b));
      for (let t = 0; t < T; t++) for (let o = 0; o < O; o++) worst = Math.max(worst, Math.abs(r.output[t][o] - want.data[(b * T + t) * O + o]));
    }
    expect(worst).toBeLessThan(1e-5);
  });

  test('--output h_n imports the recurrent layer alone as a last-step model that gives PyTorch h_n', () => {
    const hn = importOnnx(bytes, { output: 'h_n' }).model;
    expect(hn.output).toBe('last');
    expect(hn.layers).toHaveLength(1);
    const want = ref.outputs_float32.h_n; // (1, B, H)
    const [, B, H] = want.shape;
    let worst = 0;
    for (let b = 0; b < B; b++) {
      const got = runFloat(hn, torchInput(ref, b)).output[0];
      for (let j = 0; j < H; j++) worst = Math.max(worst, Math.abs(got[j] - want.data[b * H + j]));
    }
    expect(worst).toBeLessThan(1e-5);
  });

  if (name === 'lstm_h16')
    test("--output c_n and --output h_n,c_n import the LSTM's final states (output mode final) that give PyTorch c_n and h_n", () => {
      const cn = importOnnx(bytes, { output: 'c_n' });
      expect([cn.model.output, cn.model.final, cn.model.layers.length]).toEqual(['final', ['c'], 1]);
      const both = importOnnx(bytes, { output: ['h_n', 'c_n'] });
      expect([both.model.output, both.model.final, both.ignoredOutputs]).toEqual(['final', ['h', 'c'], ['logits_seq']]);
      expect(both.model.meta.extra?.['onnx.outputs']).toBe('h_n[0:16], c_n[16:32]');
      const [, B, H] = ref.outputs_float32.c_n.shape;
      let worst = 0;
      for (let b = 0; b < B; b++) {
        const c = runFloat(cn.model, torchInput(ref, b)).output;
        const hc = runFloat(both.model, torchInput(ref, b)).output;
        expect([c.length, hc.length, hc[0].length]).toEqual([1, 1, 2 * H]);
        for (let j = 0; j < H; j++) {
          worst = Math.max(worst, Math.abs(c[0][j] - ref.outputs_float32.c_n.data[b * H + j]));
          worst = Math.max(worst, Math.abs(hc[0][j] - ref.outputs_float32.h_n.data[b * H + j]));
          worst = Math.max(worst, Math.abs(hc[0][H + j] - ref.outputs_float32.c_n.data[b * H + j]));
        }
      }
      expect(worst).toBeLessThan(1e-5);
    });

  test('survives the .tnn round trip', () => {
    const back = decodeFloatModel(encodeFloatModel(m));
    expect(back.meta.extra).toEqual(m.meta.extra);
    expect(runFloat(back, torchInput(ref, 0)).output).toEqual(runFloat(m, torchInput(ref, 0)).output);
  });
});
