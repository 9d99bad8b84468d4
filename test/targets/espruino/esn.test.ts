// Echo state networks on Espruino: the reservoir's Int8Arrays are created and filled at load by
// the JS generator instead of being stored (inline or in Storage). The arrays a loaded module
// holds equal the TypeScript generator's W8 and Win8 element by element, in Node and in the
// Espruino sandbox, with both kernel styles; the weight blobs do not contain them and the
// memory estimate states the bytes saved.
import { esn_generate } from '../../../compiler/core/spec/reservoir';
import { QElmanLayer } from '../../../compiler/core/ir/quant-model';
import { findBoard } from '../../../targets/boards';
import { generateModule } from '../../../targets/espruino/generate';
import { buildEspruino } from '../../../targets/espruino/target';
import { formatEstimate } from '../../../targets/espruino/estimate';
import { VectorCase, loadInNode, loadInSandbox, vectorCases } from './harness';

const cases = vectorCases().filter((c) => c.model.layers.some((l) => l.kind === 'elman' && l.reservoir));
const puck = findBoard('PUCKJS');
const bangle2 = findBoard('BANGLEJS2');

function reservoirOf(c: VectorCase): QElmanLayer {
  const l = c.model.layers[0];
  if (l.kind !== 'elman' || !l.reservoir) throw new Error('not a reservoir model');
  return l;
}

type Loaded = { layers: { WX: ArrayLike<number>; WH: ArrayLike<number> }[] };

test('the golden vectors include regenerated reservoirs', () => {
  expect(cases.map((c) => c.name).sort()).toEqual([
    'esn_gestures_h12',
    'esn_leaky_sines_h16',
    'esn_pool_mean_h12',
    'esn_pool_seg3_abs_h12',
    'esn_regen_sines_h16',
  ]);
});

for (const c of cases) {
  test(`${c.name}: the regenerated Int8Arrays equal the TypeScript reservoir (Node and sandbox, loop and unrolled)`, () => {
    const l = reservoirOf(c);
    const g = esn_generate({ inputSize: l.inputSize, units: l.hidden, densityQ16: l.reservoir!.densityQ16, seed: l.reservoir!.seed });
    for (const kernel of ['loop', 'unrolled'] as const) {
      const node = loadInNode(generateModule(c.model, { board: puck, weights: 'inline', moduleName: 'm', kernel })) as unknown as Loaded;
      expect(Array.from(node.layers[0].WH)).toEqual(Array.from(g.w));
      expect(Array.from(node.layers[0].WX)).toEqual(Array.from(g.win));
      const { model } = loadInSandbox(generateModule(c.model, { board: bangle2, weights: 'storage', moduleName: 'm', kernel }), { board: bangle2 });
      const sb = model as unknown as Loaded;
      expect(Array.from(sb.layers[0].WH)).toEqual(Array.from(g.w));
      expect(Array.from(sb.layers[0].WX)).toEqual(Array.from(g.win));
    }
  });

  test(`${c.name}: the reservoir is not in the weights, not in the code, and the estimate shows the bytes saved`, () => {
    const l = reservoirOf(c);
    const H = l.hidden;
    const I = l.inputSize;
    for (const kernel of ['loop', 'unrolled'] as const) {
      const gen = generateModule(c.model, { board: puck, weights: 'inline', moduleName: 'm', kernel });
      expect(gen.view.sections.some((s) => s.name === 'l0_wx' || s.name === 'l0_wh')).toBe(false);
      const blobBytes = gen.blobs.reduce((n, b) => n + b.bytes.length, 0);
      const weightSections = gen.view.sections.reduce((n, s) => n + s.data.byteLength, 0);
      expect(blobBytes).toBeGreaterThanOrEqual(weightSections);
      // the same model with the reservoir stored: its weights are H*H + H*I bytes larger
      const stored = structuredClone(c.model);
      delete (stored.layers[0] as QElmanLayer).reservoir;
      const sgen = generateModule(stored, { board: puck, weights: 'inline', moduleName: 'm', kernel });
      expect(sgen.view.sections.reduce((n, s) => n + s.data.byteLength, 0) - weightSections).toBe(H * H + H * I);
      // the regenerated input weights are not written into the unrolled code as literals either
      expect(gen.source).toContain(`esn_generate(L0WH, L0WX, ${H}, ${I}, ${l.reservoir!.densityQ16}, ${l.reservoir!.seed});`);
      if (kernel === 'unrolled') expect(gen.source).toMatch(/cv\(x,L0WX,0\)/);
    }
    const b = buildEspruino(c.model, { board: 'PUCKJS', weights: 'storage' });
    expect(b.estimate.reservoir).toEqual({ savedBytes: H * H + H * I, ramBytes: H * H + H * I });
    expect(formatEstimate(b.estimate, 'Puck.js')).toContain(`reservoir regenerated from its seed at load: ${H * H + H * I} B of int8 weights not stored`);
  });
}
