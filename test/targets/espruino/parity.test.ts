// Every golden vector (test/vectors) gives exactly the reference's integers with the emitted
// JavaScript: in plain Node (no Espruino helpers: the plain path), and in the Espruino sandbox
// with the native helpers (E.convolve, E.toArrayBuffer, Storage, Espruino's number rules) and
// without them, with weights inline and in Storage, minified and not.
import { findBoard } from '../../../targets/boards';
import { generateModule } from '../../../targets/espruino/generate';
import { checkCase, loadInNode, loadInSandbox, vectorCases } from './harness';

const cases = vectorCases();
const puck = findBoard('PUCKJS');
const bangle2 = findBoard('BANGLEJS2');

describe('golden vectors, bit for bit', () => {
  test('there are golden vectors for every layer kind', () => {
    const kinds = new Set(
      cases.flatMap((c) =>
        c.model.layers.map((l) => (l.kind === 'bidirectional' ? `bi-${l.forward.kind}` : l.kind === 'reverse' ? `rev-${l.cell.kind}` : l.kind)),
      ),
    );
    for (const k of ['elman', 'lstm', 'gru', 'dense', 'bi-lstm', 'bi-gru', 'rev-lstm', 'rev-gru', 'rev-elman']) expect(kinds).toContain(k);
  });

  for (const c of cases) {
    test(`${c.name}: node (plain path), inline weights, loop and unrolled kernels`, () => {
      for (const kernel of ['loop', 'unrolled'] as const) {
        const gen = generateModule(c.model, { board: puck, weights: 'inline', moduleName: 'm', kernel });
        expect(gen.kernel).toBe(kernel);
        expect(checkCase(c, loadInNode(gen), `node-${kernel}`)).toEqual([]);
      }
    });
    test(`${c.name}: Espruino sandbox with helpers, Storage weights, Bangle.js 2, loop and unrolled kernels`, () => {
      for (const kernel of ['loop', 'unrolled'] as const) {
        const gen = generateModule(c.model, { board: bangle2, weights: 'storage', moduleName: 'm', kernel });
        const { sb, model } = loadInSandbox(gen, { board: bangle2 });
        expect(checkCase(c, model, `espruino-${kernel}`, () => sb.settle())).toEqual([]);
        expect(sb.helpers.convolveCalls).toBeGreaterThan(0);
      }
    });
  }

  test('minified modules and the sandbox without helpers agree too (every case)', () => {
    for (const c of cases) {
      const gen = generateModule(c.model, {
        board: bangle2,
        weights: 'inline',
        moduleName: 'mm',
        minify: true,
        kernel: c.name.length % 2 ? 'loop' : 'unrolled',
      });
      const { sb, model } = loadInSandbox(gen, { board: bangle2, helpers: false });
      expect(checkCase(c, model, 'espruino-plain-min', () => sb.settle())).toEqual([]);
      expect(sb.helpers.convolveCalls).toBe(0);
      expect(gen.source.length).toBeLessThan(
        generateModule(c.model, { board: bangle2, weights: 'inline', moduleName: 'mm', kernel: gen.kernel }).source.length,
      );
    }
  });
});
