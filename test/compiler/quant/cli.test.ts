// tinyrnn quantize / inspect / eval --compare through the CLI entry (in process).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { saveFloatModel, loadQuantModel, encodeContainer } from '../../../compiler/core/ir/format';
import { tinyModel } from '../../helpers/models';
import { Rng } from '../../../compiler/core/util/rng';
import { runCli } from '../../helpers/cli';

describe('tinyrnn quantize, inspect and eval of int8 models', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-qcli-'));
    saveFloatModel(path.join(dir, 'm.tnn'), tinyModel({ cell: 'gru', hidden: 6, outputs: 2 }));
    const rng = new Rng(8);
    const x = Array.from({ length: 30 }, () => Array.from({ length: 12 }, () => [rng.normal(), rng.normal(), rng.normal()]));
    const y = x.map((s) => (s.reduce((a, r) => a + r[0], 0) > 0 ? 'c1' : 'c0'));
    fs.writeFileSync(path.join(dir, 'data.json'), JSON.stringify({ x, y, features: ['f0', 'f1', 'f2'], labels: ['c0', 'c1'] }));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true }));

  test('quantize writes MODEL.q.tnn and prints bytes, device input and output, and float vs int8', async () => {
    const r = await runCli(['quantize', 'm.tnn', '--calib', 'data.json'], dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/m\.q\.tnn: int8 model "tiny" \(spec v1\), calibrated by min\/max over 30 sequences, 360 steps of/);
    expect(r.out).toMatch(/device input: raw integers r = round\(x \* rawPerUnit\): f0 x\d+/);
    expect(r.out).toMatch(/input stage: inputs are not integer-valued: raw input = round\(x \* rawPerUnit\) with the largest power of two/);
    expect(r.out).toMatch(/predictions identical \d+ of 30/);
    const q = loadQuantModel(path.join(dir, 'm.q.tnn'));
    expect(q.layers.map((l) => l.kind)).toEqual(['gru', 'dense']);
  });

  test('calibration data without labels (unlabelled recordings): quantised and compared, no task metric', async () => {
    const rng = new Rng(9);
    const x = Array.from({ length: 10 }, () => Array.from({ length: 12 }, () => [rng.normal(), rng.normal(), rng.normal()]));
    fs.writeFileSync(path.join(dir, 'unlabelled.json'), JSON.stringify({ x, features: ['f0', 'f1', 'f2'] }));
    const r = await runCli(['quantize', 'm.tnn', '--calib', 'unlabelled.json', '-o', 'u.q.tnn'], dir);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toMatch(/on the calibration data: no class labels in the calibration data, no task metric; output max \|error\| /);
  });

  test('--json, -o, --percentile and --raw-per-unit', async () => {
    const r = await runCli(['quantize', 'm.tnn', '--calib', 'data.json', '-o', 'p.q.tnn', '--percentile', '99.9', '--raw-per-unit', '1000', '--json'], dir);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.output).toBe('p.q.tnn');
    expect(j.calibration).toMatch(/percentile 99.9/);
    expect(j.input.map((i: { rawPerUnit: number }) => i.rawPerUnit)).toEqual([1000, 1000, 1000]);
    // the explicit raw unit wins; the normalisation mean 0.5 is 500 whole raw units, so no fraction is kept
    expect(j.inputStage.reason).toBe('explicit');
    expect(j.inputStage.text).toMatch(/^--raw-per-unit 1000 given: raw input = round\(x \* 1000\), offset in whole raw units/);
    expect(j.input.map((i: { bias: number }) => i.bias)).toEqual([0, 0, 0]);
    expect(j.onCalibration.agreement.predictions).toBe(30);
    expect(j.bytes).toBeGreaterThan(0);
  });

  test('usage errors: missing --calib, bad percentile; model errors: a quant model as input', async () => {
    expect((await runCli(['quantize', 'm.tnn'], dir)).code).toBe(2);
    const p = await runCli(['quantize', 'm.tnn', '--calib', 'data.json', '--percentile', '120'], dir);
    expect(p.code).toBe(2);
    expect(p.err).toMatch(/--percentile "120" is not a number >= 50 <= 100/);
    await runCli(['quantize', 'm.tnn', '--calib', 'data.json'], dir);
    const again = await runCli(['quantize', 'm.q.tnn', '--calib', 'data.json'], dir);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/TNN006: this is a quantised model/);
  });

  test('a model that cannot be quantised: exit 1, the file, the code and the tensor named', async () => {
    const bad = tinyModel({ cell: 'lstm', hidden: 4, outputs: 2 });
    (bad.layers[0] as { wh: Float32Array }).wh[7] = NaN;
    // the float validator refuses NaN when saving, so write it through the container; loading refuses it (TNN107)
    fs.writeFileSync(path.join(dir, 'nan.tnn'), encodeContainer('float', bad));
    const r = await runCli(['quantize', path.join(dir, 'nan.tnn'), '--calib', 'data.json'], dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/nan\.tnn: error TNN107: layers\[0\]\.wh\[7\]/);
    expect(fs.existsSync(path.join(dir, 'nan.q.tnn'))).toBe(false);
  });

  test('inspect shows an int8 model (text and --json)', async () => {
    await runCli(['quantize', 'm.tnn', '--calib', 'data.json'], dir);
    // inspect reads paths relative to the process, so pass an absolute one
    const r = await runCli(['inspect', path.join(dir, 'm.q.tnn')], dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/int8 model "tiny" \(quantisation spec v1\)/);
    expect(r.out).toMatch(/bytes of integer parameters/);
    const j = JSON.parse((await runCli(['inspect', path.join(dir, 'm.q.tnn'), '--json'], dir)).out);
    expect(j.format).toBe('quant');
    expect(j.layers[0]).toMatchObject({ kind: 'gru', input: 3, output: 6 });
  });

  test('eval of an int8 model alone, and --compare with its float original', async () => {
    await runCli(['quantize', 'm.tnn', '--calib', 'data.json'], dir);
    const plain = await runCli(['eval', 'm.q.tnn', '--data', 'data.json'], dir);
    expect(plain.code).toBe(0);
    expect(plain.out).toMatch(/m\.q\.tnn \(int8\) on .*accuracy/);
    const cmp = await runCli(['eval', 'm.q.tnn', '--data', 'data.json', '--compare', 'm.tnn'], dir);
    expect(cmp.code).toBe(0);
    expect(cmp.out).toMatch(/accuracy: float [\d.]+%, int8 [\d.]+%/);
    expect(cmp.out).toMatch(/predictions identical to float: \d+ of 30/);
    expect(cmp.out).toMatch(/L0 gru pre\.z/);
    expect(cmp.out).toMatch(/error over time/);
    const j = JSON.parse((await runCli(['eval', 'm.q.tnn', '--data', 'data.json', '--compare', 'm.tnn', '--json'], dir)).out);
    expect(j.report.agreement.predictions).toBe(30);
    expect(j.report.tensors.length).toBeGreaterThan(5);
    const bad = await runCli(['eval', 'm.tnn', '--data', 'data.json', '--compare', 'm.tnn'], dir);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--compare needs an int8 model/);
  });
});

describe('tinyrnn quantize of integer-valued data', () => {
  test('says the inputs are integer-valued, keeps the offset fraction, and the report shows it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-qcli-int-'));
    const m = tinyModel({ cell: 'gru', hidden: 4, outputs: 2 });
    m.normalization = { mean: Float32Array.from([8.37, 5.5, 11.81]), std: Float32Array.from([4.2, 3.1, 0.8]) };
    saveFloatModel(path.join(dir, 'm.tnn'), m);
    const rng = new Rng(9);
    const x = Array.from({ length: 20 }, () => Array.from({ length: 10 }, () => [rng.int(17), rng.int(17), rng.int(17)]));
    const y = x.map((s) => (s[0][0] > 8 ? 'c1' : 'c0'));
    fs.writeFileSync(path.join(dir, 'counts.json'), JSON.stringify({ x, y, features: ['a', 'b', 'c'], labels: ['c0', 'c1'] }));
    const r = await runCli(['quantize', 'm.tnn', '--calib', 'counts.json', '--report', 'q.html'], dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /input stage: inputs are integer-valued \(channel ranges f0 \d+\.\.\d+, f1 \d+\.\.\d+, f2 \d+\.\.\d+\): raw input = sensor reading \(rawPerUnit 1: firmware feeds its counts unscaled\), offset kept to 1\/2\^14 raw unit \(input\.bias\)/,
    );
    expect(loadQuantModel(path.join(dir, 'm.q.tnn')).input.bias).toBeDefined();
    expect(fs.readFileSync(path.join(dir, 'q.html'), 'utf8')).toMatch(/Device input[\s\S]*inputs are integer-valued/);
    const i = await runCli(['inspect', 'm.q.tnn'], dir);
    expect(i.out).toMatch(/f0 \(x1, offset 8\.37\d*\)/);
    fs.rmSync(dir, { recursive: true });
  });
});
