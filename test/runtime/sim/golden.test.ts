// Every golden vector (test/vectors), through every engine's device sessions: the integers the
// device code returns equal the vectors' outputs, step by step, across resets between sequences.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadQuantModel } from '../../../compiler/core/ir/format';
import { findBoard } from '../../../targets/boards';
import { engineProvider } from '../../../runtime/sim/engines';
import { PreparedEngine } from '../../../runtime/sim/engine';
import { RUNNABLE, reportNotRun } from './engines';

const VECTORS = path.resolve(__dirname, '..', '..', 'vectors');
interface Vectors {
  streaming: boolean;
  inputSize: number;
  outputSize: number;
  sequences: { raw: number[][]; outputs: number[][] }[];
}
const CASES = (JSON.parse(fs.readFileSync(path.join(VECTORS, 'index.json'), 'utf8')) as { name: string; streaming: boolean }[]).filter((c) => c.streaming);

test('the golden vectors are there', () => {
  expect(CASES.length).toBeGreaterThanOrEqual(15);
});

describe.each(RUNNABLE)('golden vectors on the $engine engine', ({ engine, board }) => {
  test.each(CASES.map((c) => c.name))('%s', async (name) => {
    const file = path.join(VECTORS, name, 'model.q.tnn');
    const v = JSON.parse(fs.readFileSync(path.join(VECTORS, name, 'vectors.json'), 'utf8')) as Vectors;
    const model = loadQuantModel(file);
    const b = findBoard(board);
    const provider = engineProvider(engine);
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-simgold-'));
    try {
      const prepared: PreparedEngine = await provider.prepare({ model, modelFile: file, board: b, workDir, measureTime: false });
      const session = await provider.open(prepared, model, b);
      const F = v.inputSize;
      const O = v.outputSize;
      const problems: string[] = [];
      try {
        for (const [k, seq] of v.sequences.entries()) {
          if (k > 0) await session.reset();
          const T = seq.raw.length;
          const raw = Int32Array.from(seq.raw.flat());
          expect(raw.length).toBe(T * F);
          const r = await session.run(raw, T);
          const want = seq.outputs.flat();
          let differ = 0;
          let first = '';
          for (let i = 0; i < want.length; i++) {
            if (r.out[i] !== want[i]) {
              if (!differ) first = `step ${Math.floor(i / O)} out[${i % O}]: got ${r.out[i]}, want ${want[i]}`;
              differ++;
            }
          }
          if (r.out.length !== want.length) problems.push(`${name}/seq${k}/${engine}: ${r.out.length} values, want ${want.length}`);
          else if (differ) problems.push(`${name}/seq${k}/${engine}: ${first} (${differ} of ${want.length} differ)`);
        }
      } finally {
        await session.close();
      }
      expect(problems).toEqual([]);
    } finally {
      fs.rmSync(workDir, { recursive: true, force: true });
    }
  });
});

reportNotRun('golden vectors');
