// tinyrnn train --cell jordan on the command line: the model it builds for forecasting (the
// model's output fed back) and for classification (--feedback units, then the softmax head),
// byte-identical reruns and resume, eval of the saved model, help text and usage errors.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../bin/cli/main';
import { Io } from '../../../bin/cli/command';
import { loadFloatModel } from '../../../compiler/core/ir/format';
import { loadCheckpoint } from '../../../compiler/train/checkpoint';

function memIo(cwd: string): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { out: (t) => stdout.push(t), err: (t) => stderr.push(t), isTTY: false, cwd, stdout, stderr };
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-jordan-cli-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memIo(dir);
  const code = await main(args, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

const SINES = ['--data', 'builtin:sines?n=40&length=40', '--cell', 'jordan', '--hidden', '6', '--seed', '3', '--bptt', '15', '--batch', '8', '--name', 'j'];
const GESTURES = ['--data', 'builtin:gestures?n=60&length=20', '--cell', 'jordan', '--hidden', '6', '--epochs', '2'];
const bytes = (f: string): Buffer => fs.readFileSync(path.join(dir, f));

describe('tinyrnn train --cell jordan', () => {
  test('forecasting: one Jordan layer whose output (no activation) is the model output; rerun gives the same bytes', async () => {
    const a = await run(['train', ...SINES, '--epochs', '4', '--out', 'a.tnn', '--json']);
    expect(a.code).toBe(0);
    const s = JSON.parse(a.out);
    // 1 input, 6 hidden, 1 output fed back: wx 6 + wy 6 + bx 6 + wo 6 + bo 1
    expect(s.params).toBe(25);
    expect(s.config.cell).toBe('jordan');
    expect(s.test.regression.rmse).toBeGreaterThan(0);
    expect(a.err).toContain('training jordan 6 (25 parameters)');
    const m = loadFloatModel(path.join(dir, 'a.tnn'));
    expect(m.layers.map((l) => (l.kind === 'jordan' ? [l.kind, l.units, l.outActivation] : [l.kind]))).toEqual([['jordan', 1, 'none']]);
    expect(m.meta.extra?.architecture).toBe('jordan 6 (feeds back 1 output, none)');
    expect((await run(['train', ...SINES, '--epochs', '4', '--out', 'b.tnn', '--quiet'])).code).toBe(0);
    expect(bytes('a.tnn').equals(bytes('b.tnn'))).toBe(true);
    // eval reads the saved Jordan model and scores it on other data
    const e = await run(['eval', 'a.tnn', '--data', 'builtin:sines?n=10&length=40&seed=5', '--json']);
    expect(e.code).toBe(0);
    expect(JSON.parse(e.out).report.regression.n).toBe(400);
  });

  test('resume: a checkpoint of 2 epochs extended to 4 gives the bytes of a 4-epoch run', async () => {
    if (!fs.existsSync(path.join(dir, 'a.tnn'))) expect((await run(['train', ...SINES, '--epochs', '4', '--out', 'a.tnn', '--quiet'])).code).toBe(0);
    expect((await run(['train', ...SINES, '--epochs', '2', '--out', 'half.tnn', '--quiet'])).code).toBe(0);
    expect(loadCheckpoint(path.join(dir, 'half.tnn.ckpt')).state.epoch).toBe(2);
    const r = await run(['train', '--resume', 'half.tnn.ckpt', '--epochs', '4', '--out', 'resumed.tnn', '--quiet']);
    expect(r.code).toBe(0);
    expect(bytes('resumed.tnn').equals(bytes('a.tnn'))).toBe(true);
    const bad = await run(['train', '--resume', 'half.tnn.ckpt', '--out', 'x.tnn', '--feedback', '2']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--feedback cannot change them');
  });

  test('classification: Jordan layer with --feedback tanh units, then the softmax head; --layers puts Elman layers below', async () => {
    const r = await run(['train', ...GESTURES, '--feedback', '4', '--out', 'g.tnn', '--quiet']);
    expect(r.code).toBe(0);
    const m = loadFloatModel(path.join(dir, 'g.tnn'));
    expect(
      m.layers.map((l) => (l.kind === 'jordan' ? `jordan ${l.units} ${l.outActivation}` : l.kind === 'dense' ? `dense ${l.units} ${l.activation}` : l.kind)),
    ).toEqual(['jordan 4 tanh', 'dense 6 softmax']);
    const d = await run(['train', ...GESTURES, '--layers', '2', '--activation', 'relu', '--out', 'g2.tnn', '--quiet']);
    expect(d.code).toBe(0);
    const m2 = loadFloatModel(path.join(dir, 'g2.tnn'));
    // default feedback width: the number of classes
    expect(m2.layers.map((l) => (l.kind === 'jordan' ? `jordan ${l.units}` : l.kind === 'elman' ? `elman ${l.activation}` : l.kind))).toEqual([
      'elman relu',
      'jordan 6',
      'dense',
    ]);
    expect(m2.meta.extra?.architecture).toBe('1x elman(relu) 6 + jordan 6 (feeds back 6 outputs, tanh)');
  });

  test('help names the Jordan cell and its options', async () => {
    const h = await run(['train', '--help']);
    expect(h.code).toBe(0);
    const text = h.out + h.err;
    expect(text).toContain('jordan');
    expect(text).toContain('--feedback');
  });

  test.each([
    [['--cell', 'lstm', '--feedback', '3'], '--feedback applies to --cell jordan only'],
    [['--cell', 'jordan', '--feedback', '0'], '--feedback'],
    [['--cell', 'jordan', '--bidirectional'], '--bidirectional does not apply to --cell jordan'],
    [['--cell', 'jordan', '--gru-reset', 'before'], '--gru-reset does not apply to --cell jordan'],
    [['--cell', 'jordan', '--activation', 'relu'], '--activation applies to the Elman layers below the Jordan layer'],
  ])('usage error: %j', async (args, message) => {
    const r = await run(['train', '--data', 'builtin:gestures?n=30', '--out', 'u.tnn', ...args]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });

  test('forecasting: dense layers need --feedback (TRN010 without); with it a tanh feedback, dense layers, a linear output', async () => {
    const r = await run(['train', ...SINES, '--dense', '4', '--out', 'd.tnn']);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('TRN010');
    expect(r.err).toContain("without a feedback width the Jordan layer's output is the model's output");
    expect(r.err).toContain('--feedback N');
    const f = await run(['train', ...SINES, '--epochs', '1', '--feedback', '3', '--dense', '4', '--out', 'f.tnn', '--quiet']);
    expect(f.code).toBe(0);
    const m = loadFloatModel(path.join(dir, 'f.tnn'));
    expect(
      m.layers.map((l) => (l.kind === 'jordan' ? `jordan ${l.units} ${l.outActivation}` : l.kind === 'dense' ? `dense ${l.units} ${l.activation}` : l.kind)),
    ).toEqual(['jordan 3 tanh', 'dense 4 relu', 'dense 1 none']);
  });
});
