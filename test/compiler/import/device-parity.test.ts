// Imported models on device code: PyTorch exports (also a PyTorch 2 dynamo export, and a classifier whose head ends in logits) imported, quantised, compiled for the C and
// Espruino targets and run in the simulator's device sessions (C built for the host and for an
// emulated Cortex-M4 under QEMU, the Espruino module in the Espruino-semantics sandbox). Every output integer equals the
// TypeScript integer reference (runQuant), step by step: no tolerance.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { importOnnx } from '../../../compiler/import/onnx/import';
import { quantizeModel } from '../../../compiler/quant/quantize';
import { saveQuantModel } from '../../../compiler/core/ir/format';
import { rawInput, runQuant } from '../../../compiler/core/reference';
import { engineProvider } from '../../../runtime/sim/engines';
import { findBoard } from '../../../targets/boards';
import { TESTDATA, loadTorchRef, torchInput } from '../../helpers/torch';

interface Case {
  name: string;
  file: string;
  seqs: number[][][]; // (N)(T)(F)
  /** Class labels: import as a classifier. */
  labels?: string[];
}

function torchCase(name: string): Case {
  const ref = loadTorchRef(name);
  return { name, file: path.join(TESTDATA, 'torch', `${name}.dyn.onnx`), seqs: Array.from({ length: ref.input.shape[0] }, (_, b) => torchInput(ref, b)) };
}

function fixtureCase(name: string): Case {
  const dir = path.resolve(__dirname, '..', '..', 'fixtures', 'onnx');
  const fx = JSON.parse(fs.readFileSync(path.join(dir, `${name}.json`), 'utf8')) as { batch_first: boolean; input: { shape: number[]; data: number[] } };
  const [a, b, F] = fx.input.shape;
  const [B, T] = fx.batch_first ? [a, b] : [b, a];
  const seqs = Array.from({ length: B }, (_, n) =>
    Array.from({ length: T }, (_, t) => {
      const o = (fx.batch_first ? n * T + t : t * B + n) * F;
      return fx.input.data.slice(o, o + F);
    }),
  );
  return { name, file: path.join(dir, `${name}.onnx`), seqs };
}

/** PyTorch 2's dynamo export, its unrolled nn.RNN folded back into one Elman layer. */
function torch2Case(): Case {
  const dir = path.join(TESTDATA, 'torch2');
  const ref = JSON.parse(fs.readFileSync(path.join(dir, 'rnn_tanh_seq_h8.json'), 'utf8')) as { x: number[][][] };
  return { name: 'rnn_tanh_seq_h8.dynamo', file: path.join(dir, 'rnn_tanh_seq_h8.dynamo.onnx'), seqs: ref.x };
}

const CASES: Case[] = [
  torchCase('lstm_h16'),
  torchCase('gru_h16'),
  torchCase('rnn_tanh_h8'),
  fixtureCase('gru2_hn'),
  fixtureCase('lstm_last_op8'),
  { ...fixtureCase('rnn2_seq_logits'), labels: ['a', 'b', 'c', 'd'] },
  torch2Case(),
];
const ENGINES = [
  { engine: 'c' as const, board: 'NRF52840' },
  { engine: 'js' as const, board: 'BANGLEJS2' },
  { engine: 'qemu' as const, board: 'NRF52840' },
];

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-import-device-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe.each(ENGINES)('$engine engine', ({ engine, board }) => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s: device integers equal the reference', async (_, c) => {
    const { model } = importOnnx(new Uint8Array(fs.readFileSync(c.file)), c.labels ? { labels: c.labels } : {});
    const q = quantizeModel(model, c.seqs, { source: `${c.name} inputs` });
    const qFile = path.join(dir, `${c.name}.${engine}.q.tnn`);
    saveQuantModel(qFile, q);
    const b = findBoard(board);
    const provider = engineProvider(engine);
    expect(provider.unavailable(b)).toBeNull();
    const workDir = fs.mkdtempSync(path.join(dir, `${c.name}-${engine}-`));
    const prepared = await provider.prepare({ model: q, modelFile: qFile, board: b, workDir, measureTime: false });
    const session = await provider.open(prepared, q, b);
    const problems: string[] = [];
    try {
      for (const [k, seq] of c.seqs.entries()) {
        if (k > 0) await session.reset();
        const raw = seq.map((x) => rawInput(q, x));
        const want = runQuant(q, raw).steps;
        const got = await session.run(Int32Array.from(raw.flat()), raw.length);
        const O = want[0].length;
        expect(got.out.length).toBe(want.length * O);
        want.forEach((w, t) =>
          w.forEach((v, o) => {
            if (got.out[t * O + o] !== v) problems.push(`seq ${k} step ${t} out[${o}]: got ${got.out[t * O + o]}, want ${v}`);
          }),
        );
      }
    } finally {
      await session.close();
    }
    expect(problems).toEqual([]);
  });
});
