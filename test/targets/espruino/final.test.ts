// Output mode 'final' in the Espruino module (loop and unrolled kernels): run() and predict() answer
// with one Int16Array row, the final states in segment order; step() refuses (the model cannot
// stream); a build for a board runs it in window mode. Final states beside a per-step output: the
// module's final() returns them after run() or step() for every step, and the native kernel's module
// has final() too. Bit-exactness on every golden case is parity.test.ts's (the sandbox) and
// native-*.test.ts's (the native blob).
import { findBoard } from '../../../targets/boards';
import { generateModule } from '../../../targets/espruino/generate';
import { buildEspruino } from '../../../targets/espruino/target';
import { buildEspruinoDefault, buildEspruinoNative, chooseKernel } from '../../../targets/espruino/native/target';
import { armTest } from '../c/gate';
import { loadInNode, vectorCases } from './harness';

const finals = vectorCases().filter((c) => c.model.output === 'final');
const puck = findBoard('PUCKJS');

test('the golden vectors hold final-state models', () => expect(finals.map((c) => c.name)).toHaveLength(4));

describe.each(finals.map((c) => [c.name, c] as const))('%s', (_name, c) => {
  for (const kernel of ['loop', 'unrolled'] as const) {
    test(`${kernel}: predict() and run() give the one row of final states; step() refuses`, () => {
      const gen = generateModule(c.model, { board: puck, weights: 'inline', moduleName: 'm', kernel });
      expect(gen.source).toContain(`(${c.model.task}, output per sequence (final states))`);
      const mod = loadInNode(gen);
      const s = c.vectors.sequences[0];
      const got = mod.predict(s.raw) as Int16Array;
      expect(got.constructor.name).toBe('Int16Array');
      expect(Array.from(got)).toEqual(s.outputs[0]);
      expect(mod.run(s.raw).map((r) => Array.from(r))).toEqual(s.outputs);
      expect(() => mod.step(s.raw[0])).toThrow('tinyrnn: a model that outputs its final states cannot stream: use run(seq)');
      expect((mod as unknown as { streaming: boolean }).streaming).toBe(false);
    });
  }
});

test('a build for a board runs a final-state model on windows of samples', () => {
  const b = buildEspruino(finals[0].model, { board: 'PUCKJS' });
  const app = Buffer.from(b.files.find((f) => f.kind === 'app')?.bytes ?? new Uint8Array()).toString('latin1');
  expect(app).toContain('mode: "window"');
});

describe('final states beside a per-step output: final()', () => {
  const beside = vectorCases().filter((c) => c.model.output !== 'final' && c.model.final);
  test('the golden vectors hold a streaming and a whole-sequence one', () => expect(beside.map((c) => c.streaming).sort()).toEqual([false, true]));
  for (const c of beside)
    for (const kernel of ['loop', 'unrolled'] as const) {
      test(`${c.name}, ${kernel}: run() gives every step, final() the final states after run() and after step() x T`, () => {
        const gen = generateModule(c.model, { board: puck, weights: 'inline', moduleName: 'm', kernel });
        const mod = loadInNode(gen);
        const s = c.vectors.sequences[1];
        expect(mod.run(s.raw).map((r) => Array.from(r))).toEqual(s.outputs);
        const fin = mod.final!();
        expect([fin.constructor.name, Array.from(fin)]).toEqual(['Int16Array', s.final]);
        expect((mod as unknown as { finalSize: number }).finalSize).toBe(s.final!.length);
        if (c.streaming) {
          mod.reset();
          expect(Array.from(mod.final!())).not.toEqual(s.final);
          for (const r of s.raw) mod.step(r);
          expect(Array.from(mod.final!())).toEqual(s.final);
        }
      });
    }
  test('a model without final states has no final()', () => {
    const plain = vectorCases().find((c) => c.name === 'lstm_h4')!;
    expect(loadInNode(generateModule(plain.model, { board: puck, weights: 'inline', moduleName: 'm', kernel: 'loop' })).final).toBeUndefined();
  });
});

armTest('the native kernel builds a model with final states beside its output: its module has final(); compile picks native', async () => {
  const c = vectorCases().find((x) => x.name === 'seq_final_lstm_hc')!;
  const b = await buildEspruinoNative(c.model, { board: 'PUCKJS', name: 'm', countOnQemu: false });
  const source = Buffer.from(b.files.find((f) => f.name === 'm')!.bytes).toString('latin1');
  expect(source).toContain('exports.final = finalStates;');
  expect(source).toMatch(new RegExp(`NFIN = ${c.vectors.sequences[0].final!.length},`));
  expect(chooseKernel(puck, 'native')).toEqual({ kernel: 'native' });
  expect(chooseKernel(puck)).toEqual({ kernel: 'native' });
  const d = await buildEspruinoDefault(c.model, { board: 'PUCKJS', name: 'm' });
  expect([d.kernel, d.note]).toEqual(['native (m4)', undefined]);
});
