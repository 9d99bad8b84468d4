// The unrolled Jordan kernel (compiler/layers/jordan/espruino.ts): a model with Jordan layers is
// unrolled entirely (no loop kernel in the module, the step calls the layer functions directly),
// gives the reference's integers at every stage (h16 and the fed-back output y, step by step),
// also for shapes the golden vectors do not have (input and feedback wider than the inlined
// width, so both dot products go through E.convolve), and costs fewer estimated instructions
// than the loop kernel. A model whose unrolled code does not fit falls back to (and reports)
// the loop kernels, or is refused when unrolled code was asked for.
import { FloatModel, JordanLayer, emptyJordan } from '../../../compiler/core/ir/model';
import { QJordanLayer, QuantModel } from '../../../compiler/core/ir/quant-model';
import { quantizeModel } from '../../../compiler/quant/quantize';
import { Rng } from '../../../compiler/core/util/rng';
import { createQuantState, stepQuant, traceCollector } from '../../../compiler/core/reference';
import { findBoard } from '../../../targets/boards';
import { GeneratedModule, generateModule } from '../../../targets/espruino/generate';
import { buildEspruino, measureStepCost } from '../../../targets/espruino/target';
import { assertFits } from '../../../targets/espruino/estimate';
import { UNROLL_MAX_ROWS, modelRows } from '../../../targets/espruino/unroll';
import { INLINE_INPUT_MAX } from '../../../targets/espruino/unroll-code';
import { INT8_BIAS } from '../../../targets/espruino/arith';
import { DeviceModel, diffRow, loadInNode, loadInSandbox, vectorCases } from './harness';

const bangle2 = findBoard('BANGLEJS2');
const puck = findBoard('PUCKJS');

/** The layer objects of a Jordan layer as the module exposes them (f: recurrent part, b: projection). */
interface JordanObj {
  kind: number;
  f: { h16: Int16Array };
  b: { o: ArrayLike<number> };
}

/** What a fully unrolled module looks like: no loop kernels, every layer a function, a direct step. */
function expectFullyUnrolled(gen: GeneratedModule, layers: number): void {
  expect(gen.kernel).toBe('unrolled');
  for (const k of ['gates', 'jordan', 'dense', 'elmanTanh', 'lstm', 'gru']) expect(gen.source).not.toMatch(new RegExp(`function ${k}\\(`));
  for (let i = 0; i < layers; i++) expect(gen.source).toMatch(new RegExp(`l${i}\\.fn ?= ?f_l${i};`));
  expect(gen.source).toMatch(/var v ?= ?f_l\d+\(/);
}

/**
 * Steps the module through raw sequences (from reset) and compares, per step, the output and for
 * every Jordan layer its h16 and its output y (the state) with the reference's traces.
 */
function compareSteps(q: QuantModel, mod: DeviceModel, raws: number[][][], where: string, settle: () => void = () => undefined): string[] {
  const fails: string[] = [];
  raws.forEach((raw, si) => {
    const st = createQuantState(q);
    mod.reset();
    raw.forEach((r, t) => {
      const { obs, trace } = traceCollector();
      const want = stepQuant(q, st, r, obs, t);
      const got = Array.from(mod.step(r));
      settle();
      const tag = `${where} seq ${si} step ${t}`;
      const d = diffRow(`${tag} output`, got, want);
      if (d) fails.push(d);
      q.layers.forEach((l, li) => {
        if (l.kind !== 'jordan') return;
        const L = mod.layers[li] as unknown as JordanObj;
        const dh = diffRow(`${tag} L${li}.h16`, Array.from(L.f.h16), trace[`L${li}.h16`][t]);
        const y = Array.from(L.b.o, (v) => (l.outType === 's16' ? v : v - INT8_BIAS));
        const dy = diffRow(`${tag} L${li}.out`, y, trace[`L${li}.out`][t]);
        for (const x of [dh, dy]) if (x) fails.push(x);
      });
    });
  });
  return fails;
}

describe('golden Jordan cases: fully unrolled, exact at every stage', () => {
  const cases = vectorCases().filter((c) => c.model.layers.some((l) => l.kind === 'jordan'));

  test('the golden vectors have Jordan cases', () => {
    expect(cases.map((c) => c.name)).toEqual(expect.arrayContaining(['jordan_h6_none', 'jordan_tanh_head', 'jordan_stacked']));
  });

  for (const c of cases) {
    test(`${c.name}: Node (inline) and sandbox (Storage, minified), h16 and y per step`, () => {
      const raws = c.vectors.sequences.map((s) => s.raw);
      const node = generateModule(c.model, { board: puck, weights: 'inline', moduleName: 'm', kernel: 'unrolled' });
      expectFullyUnrolled(node, c.model.layers.length);
      const dev = generateModule(c.model, { board: bangle2, weights: 'storage', moduleName: 'm', minify: true, kernel: 'unrolled' });
      expectFullyUnrolled(dev, c.model.layers.length);
      const { sb, model } = loadInSandbox(dev, { board: 'BANGLEJS2' });
      const fails = [...compareSteps(c.model, loadInNode(node), raws, 'node'), ...compareSteps(c.model, model, raws, 'espruino', () => sb.settle())];
      expect(fails.slice(0, 5)).toEqual([]);
      // the vectors' outputs too (the reference above is the same code that wrote them)
      model.reset();
      const out = c.vectors.sequences[0].raw.map((r) => Array.from(model.step(r)));
      expect(out).toEqual(c.vectors.sequences[0].outputs);
    });
  }

  test("jordan_h6_none: the unrolled step costs less than half the loop kernel's (cost model, Puck.js)", () => {
    const c = cases.find((k) => k.name === 'jordan_h6_none')!;
    const cost = (kernel: 'loop' | 'unrolled') =>
      measureStepCost(generateModule(c.model, { board: puck, weights: 'storage', moduleName: 'm', kernel }), puck, c.model);
    const loop = cost('loop');
    const unrolled = cost('unrolled');
    expect(unrolled.instructionsPerStep).toBeLessThan(loop.instructionsPerStep / 2);
    // the unrolled code calls no JS function per step besides the layer's own and the input stage
    expect(unrolled.breakdown.jsCalls).toBeLessThan(loop.breakdown.jsCalls);
  });
});

/** A random float Jordan model from the layers' shapes, quantised on random calibration data. */
function wideModel(seed: number, F: number, shapes: [number, number, JordanLayer['outActivation']][]): QuantModel {
  const rng = new Rng(seed);
  const fill = (a: Float32Array, s: number) => {
    for (let i = 0; i < a.length; i++) a[i] = rng.normal() * s;
  };
  let width = F;
  const layers = shapes.map(([H, U, act]) => {
    const j = emptyJordan(width, H, U, act);
    fill(j.wx, 0.6);
    fill(j.wy, 0.4);
    fill(j.bx, 0.2);
    fill(j.wo, 0.5);
    fill(j.bo, 0.2);
    width = U;
    return j;
  });
  const fm: FloatModel = {
    format: 'float',
    meta: { name: `jwide${seed}`, features: Array.from({ length: F }, (_, i) => `f${i}`) },
    task: 'regression',
    output: 'sequence',
    inputSize: F,
    layers,
  };
  const calib = Array.from({ length: 6 }, () => Array.from({ length: 40 }, () => Array.from({ length: F }, () => rng.normal() * 1.5)));
  return quantizeModel(fm, calib);
}

function rawSequences(q: QuantModel, seed: number): number[][][] {
  const rng = new Rng(seed);
  const seq = (T: number) =>
    Array.from({ length: T }, () =>
      Array.from({ length: q.inputSize }, (_, f) => {
        const r = rng.u32() % 16;
        if (r === 0) return 2 ** 30; // saturates x16
        if (r === 1) return -(2 ** 30);
        return q.input.offset[f] + Math.round(rng.normal() * 2 * q.input.rawPerUnit[f]);
      }),
    );
  return [seq(60), seq(7)];
}

describe('Jordan shapes wider than the inlined vectors', () => {
  const models: [string, QuantModel][] = [
    // an accelerometer model: 3 inputs (inlined), hidden 16, 8 outputs fed back as int16 (E.convolve)
    ['jordan 3 -> 16, feedback 8 (int16)', wideModel(71, 3, [[16, 8, 'none']])],
    // 6 inputs (E.convolve on x16), an int8 feedback of 5 (E.convolve on the biased y), then a
    // last Jordan layer on that int8 output (E.convolve on the biased x8) with an inlined int16 feedback of 2
    [
      'jordan 6 -> 7/5 tanh -> 4/2 sigmoid',
      wideModel(72, 6, [
        [7, 5, 'tanh'],
        [4, 2, 'sigmoid'],
      ]),
    ],
  ];

  test('the shapes are as intended', () => {
    const [a, b] = models.map(([, q]) => q.layers as QJordanLayer[]);
    expect(a[0].units).toBeGreaterThan(INLINE_INPUT_MAX);
    expect(a[0].outType).toBe('s16');
    expect(b[0].inputSize).toBeGreaterThan(INLINE_INPUT_MAX);
    expect(b[0].units).toBeGreaterThan(INLINE_INPUT_MAX);
    expect(b[0].outType).toBe('s8');
    expect(b[1].inputSize).toBeGreaterThan(INLINE_INPUT_MAX);
    expect(b[1].units).toBeLessThanOrEqual(INLINE_INPUT_MAX);
  });

  for (const [name, q] of models) {
    test(`${name}: loop and unrolled, Node and sandbox, exact per step`, () => {
      const raws = rawSequences(q, q.inputSize);
      const fails: string[] = [];
      for (const kernel of ['loop', 'unrolled'] as const) {
        const node = generateModule(q, { board: puck, weights: 'inline', moduleName: 'j', kernel });
        const dev = generateModule(q, { board: bangle2, weights: 'storage', moduleName: 'j', minify: kernel === 'unrolled', kernel });
        if (kernel === 'unrolled') {
          expectFullyUnrolled(node, q.layers.length);
          // the wide vectors go through the native dot product: feedback (o) and input (x)
          expect(node.source).toMatch(/cv\(o,L0RWY,/);
          if (q.inputSize > INLINE_INPUT_MAX) expect(node.source).toMatch(/cv\(x,L0RWX,[^]*cv\(x,L1RWX,/);
        }
        const { sb, model } = loadInSandbox(dev, { board: 'BANGLEJS2' });
        fails.push(...compareSteps(q, loadInNode(node), raws, `node-${kernel}`), ...compareSteps(q, model, raws, `espruino-${kernel}`, () => sb.settle()));
      }
      expect(fails.slice(0, 5)).toEqual([]);
    });

    test(`${name}: the unrolled step costs fewer estimated instructions than the loop kernel`, () => {
      const cost = (kernel: 'loop' | 'unrolled') =>
        measureStepCost(generateModule(q, { board: puck, weights: 'storage', moduleName: 'j', kernel }), puck, q).instructionsPerStep;
      expect(cost('unrolled')).toBeLessThan(cost('loop'));
    });
  }
});

describe('a Jordan model whose unrolled code does not fit the board', () => {
  // 150 weight rows (unrolled by default), but the unrolled module with its weights needs more
  // than Puck.js's 40 KB of Storage; the loop kernels fit.
  const q = wideModel(73, 8, [[120, 30, 'tanh']]);

  test('by default the build falls back to the loop kernels and says so; asked for unrolled, it is refused (ESP302)', () => {
    expect(modelRows(q)).toBeLessThanOrEqual(UNROLL_MAX_ROWS);
    const auto = buildEspruino(q, { board: 'PUCKJS' });
    expect(auto.estimate.fits).toBe(true);
    expect(auto.gen.kernel).toBe('loop');
    expect(auto.gen.source).toMatch(/function jordan\(/);
    const forced = buildEspruino(q, { board: 'PUCKJS', kernel: 'unrolled' });
    expect(forced.gen.kernel).toBe('unrolled');
    expect(forced.estimate.fits).toBe(false);
    expect(() => assertFits(forced.estimate, forced.board.name)).toThrow(/ESP302/);
  });
});
