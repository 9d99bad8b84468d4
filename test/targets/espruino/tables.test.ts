// The Espruino module stores only the activation tables its layers read: a tanh-only model
// carries no sigmoid table (2 KB of Int32 plus 1 KB of Int16), and still runs every vector exactly.
import { findBoard } from '../../../targets/boards';
import { generateModule } from '../../../targets/espruino/generate';
import { loadInSandbox, vectorCases } from './harness';

const puck = findBoard('PUCKJS');
const byName = new Map(vectorCases().map((c) => [c.name, c]));
const sections = (name: string): string[] =>
  generateModule(byName.get(name)!.model, { board: puck, weights: 'storage', moduleName: 'm', kernel: 'loop' }).view.sections.map((s) => s.name);

describe('activation tables in the Espruino module', () => {
  test.each([
    ['elman_tanh_h4', ['TS', 'TD'], ['SS', 'SD']],
    ['jordan_h6_none', ['TS', 'TD'], ['SS', 'SD']],
    ['elman_relu_h4', [], ['SS', 'SD', 'TS', 'TD']],
    ['lstm_h4', ['SS', 'SD', 'TS', 'TD'], []],
    ['dense_sigmoid_out', ['SS', 'SD'], []],
  ])('%s stores %j and not %j', (name, have, lack) => {
    const s = sections(name);
    for (const t of have) expect(s).toContain(t);
    for (const t of lack) expect(s).not.toContain(t);
  });

  test('a tanh-only model without the sigmoid table still replays its vectors exactly in the sandbox', () => {
    const c = byName.get('elman_tanh_h4')!;
    for (const kernel of ['loop', 'unrolled'] as const) {
      const { model } = loadInSandbox(generateModule(c.model, { board: puck, weights: 'storage', moduleName: 'm', kernel }), { board: puck });
      for (const sq of c.vectors.sequences) {
        model.reset();
        const out = sq.raw.map((r) => Array.from(model.step(r)));
        expect(out).toEqual(sq.outputs);
      }
    }
  });
});
