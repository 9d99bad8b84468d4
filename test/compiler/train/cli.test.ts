// tinyrnn train / eval on the command line: JSON summaries, log lines, checkpoints, resume after
// a SIGKILL and after Ctrl-C (SIGINT), usage errors.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { main } from '../../../bin/cli/main';
import { Io } from '../../../bin/cli/command';
import { loadCheckpoint } from '../../../compiler/train/checkpoint';
import { Progress } from '../../../bin/cli/commands/train';

function memIo(cwd: string): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { out: (t) => stdout.push(t), err: (t) => stderr.push(t), isTTY: false, cwd, stdout, stderr };
}

const ENTRY = path.join(__dirname, 'cli-entry.js');
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-train-cli-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const DATA = 'builtin:gestures?n=120&length=30';
const ARGS = ['--data', DATA, '--cell', 'lstm', '--hidden', '12', '--epochs', '25', '--seed', '4', '--name', 'g', '--dropout', '0.1'];

async function run(args: string[]): Promise<{ code: number; io: ReturnType<typeof memIo> }> {
  const io = memIo(dir);
  const code = await main(args, io);
  return { code, io };
}

/** Starts the CLI in a subprocess and returns it once the checkpoint file exists. */
function startAndWaitForCheckpoint(
  args: string[],
  ckpt: string,
): Promise<{ child: ReturnType<typeof spawn>; exit: Promise<{ code: number | null; signal: string | null; stderr: string }> }> {
  const child = spawn(process.execPath, [ENTRY, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (b) => (stderr += b));
  const exit = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return new Promise((resolve, reject) => {
    const poll = setInterval(() => {
      if (fs.existsSync(ckpt)) {
        clearInterval(poll);
        resolve({ child, exit });
      }
    }, 10);
    exit.then((e) => {
      clearInterval(poll);
      if (!fs.existsSync(ckpt)) reject(new Error(`exited before a checkpoint: ${e.stderr}`));
    });
  });
}

/** The model of the uninterrupted run (trained by the first test, or here when it was filtered out). */
async function wholeModel(): Promise<Buffer> {
  const file = path.join(dir, 'whole.tnn');
  if (!fs.existsSync(file)) expect((await run(['train', ...ARGS, '--out', 'whole.tnn', '--quiet'])).code).toBe(0);
  return fs.readFileSync(file);
}

describe('tinyrnn train and eval', () => {
  test('train --json: summary with test metrics; model and checkpoint written; log lines on stderr', async () => {
    const { code, io } = await run(['train', ...ARGS, '--out', 'whole.tnn', '--json']);
    expect(code).toBe(0);
    const s = JSON.parse(io.stdout.join(''));
    expect(s.stopped).toBe('completed');
    expect(s.epochs).toBe(25);
    expect(s.split).toEqual({ train: 84, val: 18, test: 18 });
    expect(s.test.classification.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(18);
    expect(s.test.classification.perClass).toHaveLength(6);
    expect(io.stderr.filter((l) => /^epoch \d+\/25: loss/.test(l))).toHaveLength(25);
    expect(loadCheckpoint(path.join(dir, 'whole.tnn.ckpt')).state.epoch).toBe(25);
  });

  test('text summary: accuracy, per-class table and confusion matrix', async () => {
    const { code, io } = await run(['train', ...ARGS, '--epochs', '2', '--out', 'short.tnn', '--quiet']);
    expect(code).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toMatch(/test: 18 sequences, 18 predictions: accuracy \d+\.\d%/);
    expect(text).toContain('precision  recall');
    expect(text).toContain('confusion (rows: true class, columns: predicted)');
    expect(io.stderr).toEqual([]);
  });

  test('eval reports the same metrics on any data, as JSON or text', async () => {
    await wholeModel();
    const { code, io } = await run(['eval', 'whole.tnn', '--data', 'builtin:gestures?n=60&length=30&seed=9', '--json']);
    expect(code).toBe(0);
    const r = JSON.parse(io.stdout.join(''));
    expect(r.report.sequences).toBe(60);
    expect(r.report.classification.n).toBe(60);
    expect(r.report.classification.accuracy).toBeGreaterThan(0.3);
    const t = await run(['eval', 'whole.tnn', '--data', 'builtin:gestures?n=60&length=30&seed=9']);
    expect(t.io.stdout.join('\n')).toMatch(/accuracy \d+\.\d%, macro F1/);
  });

  test('a killed training (SIGKILL) resumes from its checkpoint to the same bytes', async () => {
    const ckpt = path.join(dir, 'killed.tnn.ckpt');
    const { child, exit } = await startAndWaitForCheckpoint(['train', ...ARGS, '--out', 'killed.tnn'], ckpt);
    child.kill('SIGKILL');
    const e = await exit;
    const ck = loadCheckpoint(ckpt);
    expect(ck.state.epoch).toBeGreaterThanOrEqual(1);
    if (e.signal === 'SIGKILL') expect(fs.existsSync(path.join(dir, 'killed.tnn'))).toBe(false);
    const { code } = await run(['train', '--resume', 'killed.tnn.ckpt', '--out', 'killed.tnn', '--quiet']);
    expect(code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'killed.tnn')).equals(await wholeModel())).toBe(true);
  });

  test('Ctrl-C (SIGINT) saves a checkpoint mid-epoch and exits 130; resuming gives the same bytes', async () => {
    const ckpt = path.join(dir, 'int.tnn.ckpt');
    const { child, exit } = await startAndWaitForCheckpoint(['train', ...ARGS, '--out', 'int.tnn'], ckpt);
    child.kill('SIGINT');
    const e = await exit;
    if (e.code === 130) {
      expect(e.stderr).toContain('stopping after this batch to save a checkpoint');
      expect(e.stderr).toContain('interrupted: checkpoint saved to int.tnn.ckpt');
      expect(e.stderr).toContain('tinyrnn train --resume int.tnn.ckpt');
    } else expect(e.code).toBe(0); // finished before the signal arrived
    const { code } = await run(['train', '--resume', 'int.tnn.ckpt', '--out', 'int.tnn', '--quiet']);
    expect(code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'int.tnn')).equals(await wholeModel())).toBe(true);
  });

  test('--resume refuses settings that would change the run; --epochs extends it', async () => {
    await wholeModel();
    const bad = await run(['train', '--resume', 'whole.tnn.ckpt', '--out', 'x.tnn', '--hidden', '8']);
    expect(bad.code).toBe(2);
    expect(bad.io.stderr.join('\n')).toContain('--hidden cannot change them');
    const more = await run(['train', '--resume', 'whole.tnn.ckpt', '--out', 'more.tnn', '--epochs', '27', '--json']);
    expect(more.code).toBe(0);
    expect(JSON.parse(more.io.stdout.join('')).epochs).toBe(27);
  });

  test('progress bar on a terminal: epoch, batch, loss, accuracy, ETA, redrawn in place; log lines otherwise', () => {
    const raw: string[] = [];
    const io = memIo(dir);
    const bar = new Progress(io, true, false, 'acc', 0, (s) => raw.push(s));
    bar.batch({ epoch: 1, epochs: 3, batch: 2, batches: 4, loss: 0.5, metric: 0.75, samples: 64 });
    expect(raw).toHaveLength(1);
    expect(raw[0]).toMatch(/^\repoch 1\/3 \[#{10}\.{10}\] 2\/4 loss 0\.5000 acc 75\.0% ETA \d+\.\ds\x1b\[K$/);
    const rec = { epoch: 1, lr: 0.01, trainLoss: 0.5, trainMetric: 0.75, valLoss: 0.6, valMetric: 0.7, seconds: 0.2 };
    bar.epoch(rec, 3);
    expect(raw[1]).toBe('\r\x1b[K'); // the bar is cleared before the epoch's log line
    expect(io.stderr).toEqual(['epoch 1/3: loss 0.5000 acc 75.0%, val loss 0.6000 acc 70.0%, lr 0.0100, 0.20 s']);
    const plainRaw: string[] = [];
    const plain = new Progress(memIo(dir), false, false, 'rmse', 0, (s) => plainRaw.push(s));
    plain.batch({ epoch: 1, epochs: 3, batch: 2, batches: 4, loss: 0.5, metric: 0.1, samples: 64 });
    expect(plainRaw).toEqual([]);
  });

  test('usage and data errors', async () => {
    expect((await run(['train', '--data', DATA])).code).toBe(2);
    const r = await run(['train', '--data', 'builtin:nosuch', '--out', 'x.tnn']);
    expect(r.code).toBe(1);
    expect(r.io.stderr.join('\n')).toContain('DATA012');
    const c = await run(['train', '--data', DATA, '--out', 'x.tnn', '--cell', 'transformer']);
    expect(c.code).toBe(2);
    expect(c.io.stderr.join('\n')).toContain('--cell "transformer" is not one of elman, lstm, gru');
  });
});
