// `tinyrnn import` end to end through the CLI entry (in-process): writes a loadable .tnn,
// reports in text and JSON, binds graph inputs from .pb files, and maps errors to exit codes.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../bin/cli/main';
import { loadFloatModel } from '../../../compiler/core/ir/format';
import { runFloat } from '../../../compiler/float/infer';
import { TESTDATA, loadTorchRef, torchInput } from '../../helpers/torch';
import { importOnnxFile } from '../../../index';

function io(cwd: string): { out: string[]; err: string[]; io: Parameters<typeof main>[1] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t) => out.push(t), err: (t) => err.push(t), isTTY: false, cwd } };
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-import-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('imports a PyTorch LSTM and prints a layer table', async () => {
  const c = io(dir);
  const code = await main(['import', path.join(TESTDATA, 'torch', 'lstm_h16.dyn.onnx'), '-o', 'lstm.tnn'], c.io);
  expect(c.err).toEqual([]);
  expect(code).toBe(0);
  const text = c.out.join('\n');
  expect(text).toMatch(/pytorch/);
  expect(text).toMatch(/lstm\s+hidden 16/);
  expect(text).toMatch(/not imported: graph outputs h_n, c_n/);
  expect(text).toMatch(/wrote lstm\.tnn/);
  const m = loadFloatModel(path.join(dir, 'lstm.tnn'));
  const ref = loadTorchRef('lstm_h16');
  const want = ref.outputs_float32.logits_seq.data.slice(0, 4);
  const got = runFloat(m, torchInput(ref, 0)).output[0];
  got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-5));
});

test('--json reports input, output, layers and their ONNX nodes', async () => {
  const c = io(dir);
  const code = await main(
    ['import', path.join(TESTDATA, 'torch', 'gru_h16.onnx'), '-o', 'gru.tnn', '--json', '--name', 'gru-demo', '--task', 'classification'],
    c.io,
  );
  expect(code).toBe(0);
  const r = JSON.parse(c.out.join(''));
  expect(r.name).toBe('gru-demo');
  expect(r.task).toBe('classification');
  expect(r.opset).toBe(14);
  expect(r.input).toEqual({ name: 'x', layout: 'B,T,F', shape: [4, 10, 3] });
  expect(r.output).toEqual({ name: 'logits_seq', layout: 'B,T,F4', mode: 'sequence', slices: [{ name: 'logits_seq', layout: 'B,T,F4', offset: 0, size: 4 }] });
  expect(r.ignoredOutputs).toEqual(['h_n']);
  expect(r.ignoredHint).toMatch(/^--output h_n imports the final states of node \d+ "\/m\/rnn\/GRU" \(GRU\) instead$/);
  expect(r.layers.map((l: { kind: string }) => l.kind)).toEqual(['gru', 'dense']);
  expect(r.layers[0].detail).toMatch(/reset after/);
  expect(r.layers[0].node).toBe('/m/rnn/GRU');
  expect(r.params).toBe(3 * 16 * (3 + 16 + 2) + 16 * 4 + 4);
});

test('--output h_n,c_n imports the final states and prints which output fills which slice (text and --json)', async () => {
  const file = path.join(TESTDATA, 'torch', 'lstm_h16.dyn.onnx');
  const c = io(dir);
  expect(await main(['import', file, '-o', 'states.tnn', '--output', 'h_n,c_n'], c.io)).toBe(0);
  const text = c.out.join('\n');
  expect(text).toMatch(/outputs: final states h, c after the whole sequence, task regression/);
  expect(text).toMatch(/\[0:16\] h = "h_n" \(1,B,F16\)\n\s+\[16:32\] c = "c_n" \(1,B,F16\)/);
  expect(text).toMatch(/not imported: graph outputs logits_seq/);
  const m = loadFloatModel(path.join(dir, 'states.tnn'));
  expect([m.output, m.final, m.meta.extra?.['onnx.outputs']]).toEqual(['final', ['h', 'c'], 'h_n[0:16], c_n[16:32]']);
  const j = io(dir);
  expect(await main(['import', file, '-o', 'c.tnn', '--output', 'c_n', '--json'], j.io)).toBe(0);
  const r = JSON.parse(j.out.join(''));
  expect(r.output).toEqual({
    name: 'c_n',
    layout: '1,B,F16',
    mode: 'final',
    final: ['c'],
    slices: [{ name: 'c_n', layout: '1,B,F16', offset: 0, size: 16, part: 'c' }],
  });
  const bad = io(dir);
  expect(await main(['import', file, '-o', 'x.tnn', '--output', 'h_n,'], bad.io)).not.toBe(0);
  expect(bad.err.join('\n')).toMatch(/--output "h_n," has an empty name/);
});

describe('a final-state model on the host: inspect, run and eval', () => {
  const ref = loadTorchRef('lstm_h16');
  const [B, T] = ref.input.shape;
  const H = 16;
  const want = (b: number): number[] => [...ref.outputs_float32.h_n.data.slice(b * H, (b + 1) * H), ...ref.outputs_float32.c_n.data.slice(b * H, (b + 1) * H)];
  beforeAll(async () => {
    const c = io(dir);
    expect(await main(['import', path.join(TESTDATA, 'torch', 'lstm_h16.onnx'), '-o', 'hc.tnn', '--output', 'h_n,c_n'], c.io)).toBe(0);
    // one answer per sequence: the final states at the last step (the earlier rows are not scored)
    const x = Array.from({ length: B }, (_, b) => torchInput(ref, b));
    const y = x.map((seq, b) => seq.map((_, t) => (t === T - 1 ? want(b) : new Array(2 * H).fill(0))));
    fs.writeFileSync(path.join(dir, 'hc.json'), JSON.stringify({ x, y }));
  });

  test('inspect shows the output mode and where each final state lies', async () => {
    const c = io(dir);
    expect(await main(['inspect', 'hc.tnn'], c.io)).toBe(0);
    const text = c.out.join('\n');
    expect(text).toMatch(/output per sequence \(the last layer's final states after the whole sequence\)/);
    expect(text).toMatch(/output 32 values: \[0:16\] h forward, \[16:32\] c forward/);
    const j = io(dir);
    expect(await main(['inspect', 'hc.tnn', '--json'], j.io)).toBe(0);
    const r = JSON.parse(j.out.join(''));
    expect([r.output, r.final, r.outputSize]).toEqual(['final', ['h', 'c'], 32]);
    expect(r.segments.map((g: { part: string; direction: string; offset: number; size: number }) => [g.part, g.direction, g.offset, g.size])).toEqual([
      ['h', 'forward', 0, 16],
      ['c', 'forward', 16, 16],
    ]);
    expect(r.extra['onnx.outputs']).toBe('h_n[0:16], c_n[16:32]');
  });

  test("run prints each sequence's final vector, PyTorch h_n then c_n", async () => {
    const c = io(dir);
    expect(await main(['run', 'hc.tnn', '--input', 'hc.json', '--json'], c.io)).toBe(0);
    const r = JSON.parse(c.out.join(''));
    expect([r.output, r.final, r.results.length]).toEqual(['final', ['h', 'c'], B]);
    r.results.forEach((res: { outputs: number[] }, b: number) => {
      expect(res.outputs).toHaveLength(2 * H);
      res.outputs.forEach((v, k) => expect(Math.abs(v - want(b)[k])).toBeLessThan(1e-5));
    });
    const t = io(dir);
    expect(await main(['run', 'hc.tnn', '--input', 'hc.json'], t.io)).toBe(0);
    expect(t.out.join('\n')).toMatch(/^sequence 0: h forward: -?\d\.\d{5}( -?\d\.\d{5}){15}  c forward: -?\d\.\d{5}( -?\d\.\d{5}){15}$/m);
  });

  test('eval scores one answer per sequence against the final states', async () => {
    const c = io(dir);
    expect(await main(['eval', 'hc.tnn', '--data', 'hc.json', '--json'], c.io)).toBe(0);
    const r = JSON.parse(c.out.join('')).report;
    expect([r.task, r.output, r.sequences]).toEqual(['regression', 'final', B]);
    expect([r.regression.n, r.regression.perTarget.length]).toEqual([B, 2 * H]); // one row per sequence, every state
    expect(r.regression.mae).toBeLessThan(1e-6);
    const h = io(dir);
    expect(await main(['eval', 'hc.tnn', '--data', 'hc.json', '--report', 'hc.html'], h.io)).toBe(0);
    const page = fs.readFileSync(path.join(dir, 'hc.html'), 'utf8');
    expect(page).toMatch(/The final states of each sequence \(one answer per sequence\)\./);
    expect(page).not.toMatch(/NaN/);
  });

  test('train never makes a final-state model', async () => {
    const c = io(dir);
    expect(await main(['train', '--data', 'hc.json', '--out', 'x.tnn', '--output', 'final'], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/--output "final" is not one of last, sequence: .*tinyrnn import --output/);
  });
});

test('--bind gives graph inputs their values from TensorProto files', async () => {
  const t = path.join(TESTDATA, 'onnx-node', 'test_lstm_with_initial_bias');
  const c = io(dir);
  const binds = ['W', 'R', 'B'].flatMap((n, k) => ['--bind', `${n}=${path.join(t, 'test_data_set_0', `input_${k + 1}.pb`)}`]);
  const code = await main(['import', path.join(t, 'model.onnx'), '-o', 'node.tnn', '--json', ...binds], c.io);
  expect(c.err).toEqual([]);
  expect(code).toBe(0);
  expect(JSON.parse(c.out.join('')).output.mode).toBe('last');
});

test('an unmappable model fails with exit code 1 and a diagnostic naming the file and node', async () => {
  const c = io(dir);
  const code = await main(['import', path.join(TESTDATA, 'onnx-node', 'test_gru_defaults', 'model.onnx'), '-o', 'x.tnn'], c.io);
  expect(code).toBe(1);
  expect(c.err.join('\n')).toMatch(/model\.onnx: error ONNX014: graph\.input: the graph has 3 inputs that are not constants: X, W, R/);
  expect(fs.existsSync(path.join(dir, 'x.tnn'))).toBe(false);
});

test('usage errors exit with 2', async () => {
  const c = io(dir);
  expect(await main(['import', 'a.onnx'], c.io)).toBe(2);
  expect(c.err.join('')).toMatch(/missing --out/);
  const d = io(dir);
  expect(await main(['import', 'a.onnx', '-o', 'b.tnn', '--bind', 'W'], d.io)).toBe(2);
  expect(d.err.join('')).toMatch(/NAME=FILE\.pb/);
});

test('the public API: importOnnxFile reads a file and names it in errors', () => {
  const r = importOnnxFile(path.join(TESTDATA, 'torch', 'rnn_tanh_h8.onnx'));
  expect(r.model.meta.name).toBe('rnn_tanh_h8');
  expect(r.model.layers[0].kind).toBe('elman');
  const bad = path.join(dir, 'bad.onnx');
  fs.writeFileSync(bad, Buffer.from([0x08, 0x07, 0x3a]));
  expect(() => importOnnxFile(bad)).toThrow(/bad\.onnx: error ONNX001/);
});

test('--labels names the classes of an imported classifier; a wrong count is refused', async () => {
  const fx = path.resolve(__dirname, '..', '..', 'fixtures', 'onnx', 'bilstm2_last.onnx');
  const c = io(dir);
  expect(await main(['import', fx, '-o', 'cls.tnn', '--labels', 'idle, walk,run,jump', '--json'], c.io)).toBe(0);
  const r = JSON.parse(c.out.join(''));
  expect([r.task, r.labels]).toEqual(['classification', ['idle', 'walk', 'run', 'jump']]);
  expect(loadFloatModel(path.join(dir, 'cls.tnn')).meta.labels).toEqual(['idle', 'walk', 'run', 'jump']);
  const d = io(dir);
  expect(await main(['import', fx, '-o', 'cls2.tnn', '--labels', 'a,b'], d.io)).toBe(1);
  expect(d.err.join('')).toMatch(/ONNX014: labels: 2 labels given, expected 4 \(one per model output\)/);
  const e = io(dir);
  expect(await main(['import', fx, '-o', 'cls3.tnn', '--json'], e.io)).toBe(0);
  expect(JSON.parse(e.out.join('')).labels).toEqual(['0', '1', '2', '3']);
});

test('a logits classifier: --labels alone makes it one, and run gives softmax probabilities from the host', async () => {
  const fx = path.resolve(__dirname, '..', '..', 'fixtures', 'onnx', 'lstm_logits_norm');
  const c = io(dir);
  expect(await main(['import', `${fx}.onnx`, '-o', 'logits.tnn', '--labels', 'a,b,c', '--json'], c.io)).toBe(0);
  expect(JSON.parse(c.out.join('')).task).toBe('classification');
  const ref = JSON.parse(fs.readFileSync(`${fx}.json`, 'utf8')) as { input: { shape: number[]; data: number[] } };
  const [, T, F] = ref.input.shape;
  const x = [0, 1].map((n) => Array.from({ length: T }, (_, t) => ref.input.data.slice((n * T + t) * F, (n * T + t + 1) * F)));
  fs.writeFileSync(path.join(dir, 'in.json'), JSON.stringify({ x }));
  const r = io(dir);
  const rc = await main(['run', path.join(dir, 'logits.tnn'), '--input', path.join(dir, 'in.json'), '--json'], r.io);
  expect(r.err).toEqual([]);
  expect(rc).toBe(0);
  const doc = JSON.parse(r.out.join('')) as { results: { outputs: number[]; prediction: string; probabilities: number[] }[] };
  for (const res of doc.results) {
    const e = res.outputs.map((v) => Math.exp(v));
    const sum = e.reduce((s, v) => s + v, 0);
    res.probabilities.forEach((p, k) => expect(p).toBeCloseTo(e[k] / sum, 12));
    expect(res.prediction).toBe('abc'[res.probabilities.indexOf(Math.max(...res.probabilities))]);
  }
});

describe('a graph [Y, Y_h, Y_c] (an ONNX node test): Y the output, the final states beside it', () => {
  const fx = path.resolve(__dirname, '..', '..', 'fixtures', 'onnx-node', 'test_lstm_bidirectional');
  const data = path.join(fx, 'test_data_set_0');
  const binds = ['W', 'R', 'B'].flatMap((n, k) => ['--bind', `${n}=${path.join(data, `input_${k + 1}.pb`)}`]);
  test('import says which graph output is which; inspect shows the segments; run prints the final vector', async () => {
    const c = io(dir);
    expect(await main(['import', path.join(fx, 'model.onnx'), '-o', 'yhc.tnn', ...binds], c.io)).toBe(0);
    const text = c.out.join('\n');
    expect(text).toMatch(/outputs: every time step and final states h, c after the whole sequence, task regression/);
    expect(text).toMatch(/\n\s+output \[0:\d+\] = "Y" \([^)]*\)\n\s+final \[0:(\d+)\] h = "Y_h" \([^)]*\)\n\s+final \[\1:\d+\] c = "Y_c" \([^)]*\)/);
    expect(text).not.toMatch(/not imported/);
    const m = loadFloatModel(path.join(dir, 'yhc.tnn'));
    const H = (m.layers[0] as { forward: { hidden: number } }).forward.hidden;
    expect([m.output, m.final, m.meta.extra?.['onnx.outputs']]).toEqual([
      'sequence',
      ['h', 'c'],
      `Y[0:${2 * H}]; final Y_h[0:${2 * H}], Y_c[${2 * H}:${4 * H}]`,
    ]);
    const i = io(dir);
    expect(await main(['inspect', 'yhc.tnn'], i.io)).toBe(0);
    expect(i.out.join('\n')).toContain(`final states beside the output, after the sequence: [0:${H}] h forward, [${H}:${2 * H}] h backward`);
    fs.writeFileSync(path.join(dir, 'yhc.json'), JSON.stringify({ x: [Array.from({ length: 3 }, (_, t) => [t / 3, 0.5, -t / 4].slice(0, m.inputSize))] }));
    const r = io(dir);
    expect(await main(['run', 'yhc.tnn', '--input', 'yhc.json', '--json'], r.io)).toBe(0);
    const res = JSON.parse(r.out.join('')).results[0];
    expect([res.outputs.length, res.final.length]).toEqual([3, 4 * H]);
  });
});
