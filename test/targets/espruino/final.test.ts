// Output mode 'final' in the Espruino module (loop and unrolled kernels): run() and predict() answer
// with one Int16Array row, the final states in segment order; step() refuses (the model cannot
// stream); a build for a board runs it in window mode. Bit-exactness on every golden case is
// parity.test.ts's (the sandbox) and native-*.test.ts's (the native blob).
import { findBoard } from '../../../targets/boards';
import { generateModule } from '../../../targets/espruino/generate';
import { buildEspruino } from '../../../targets/espruino/target';
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
