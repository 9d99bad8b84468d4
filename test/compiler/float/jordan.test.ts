// The Jordan layer in the float IR: validation, the .tnn round trip, and float inference checked
// against a hand-written recurrence (output fed back), whole-sequence and streaming.
import { FloatModel, JordanLayer, emptyDense, emptyJordan, layerOutputSize, layerParamCount } from '../../../compiler/core/ir/model';
import { floatModelProblems } from '../../../compiler/core/ir/validate';
import { decodeFloatModel, encodeFloatModel } from '../../../compiler/core/ir/format';
import { createFloatState, runFloat, stepFloat } from '../../../compiler/float/infer';
import { Rng } from '../../../compiler/core/util/rng';

function jordanModel(outActivation: JordanLayer['outActivation'], head = false): FloatModel {
  const rng = new Rng(7);
  const j = emptyJordan(2, 3, 2, outActivation);
  for (const a of [j.wx, j.wy, j.bx, j.wo, j.bo]) for (let i = 0; i < a.length; i++) a[i] = rng.normal() * 0.7;
  const layers: FloatModel['layers'] = [j];
  if (head) {
    const d = emptyDense(2, 2, 'softmax');
    for (let i = 0; i < d.w.length; i++) d.w[i] = rng.normal();
    layers.push(d);
  }
  return {
    format: 'float',
    meta: { name: 'jordan', features: ['a', 'b'], ...(head ? { labels: ['x', 'y'] } : {}) },
    task: head ? 'classification' : 'regression',
    output: 'sequence',
    inputSize: 2,
    layers,
  };
}

/** The recurrence written out directly, in float64, for the test only. */
function handRun(j: JordanLayer, xs: number[][]): number[][] {
  const act = (v: number): number =>
    j.outActivation === 'none' ? v : j.outActivation === 'relu' ? Math.max(0, v) : j.outActivation === 'tanh' ? Math.tanh(v) : 1 / (1 + Math.exp(-v));
  let y = [0, 0];
  const out: number[][] = [];
  for (const x of xs) {
    const h = [0, 1, 2].map((r) => Math.tanh(j.bx[r] + j.wx[r * 2] * x[0] + j.wx[r * 2 + 1] * x[1] + j.wy[r * 2] * y[0] + j.wy[r * 2 + 1] * y[1]));
    y = [0, 1].map((u) => act(j.bo[u] + j.wo[u * 3] * h[0] + j.wo[u * 3 + 1] * h[1] + j.wo[u * 3 + 2] * h[2]));
    out.push(y);
  }
  return out;
}

const xs = [
  [0.5, -1],
  [1, 0.25],
  [-0.75, 0.5],
  [0, 0],
  [2, -2],
];

describe('Jordan layer (float IR)', () => {
  test('sizes and parameter count', () => {
    const j = jordanModel('none').layers[0] as JordanLayer;
    expect(layerOutputSize(j)).toBe(2);
    expect(layerParamCount(j)).toBe(3 * 2 + 3 * 2 + 3 + 2 * 3 + 2);
  });

  test.each(['none', 'relu', 'tanh', 'sigmoid'] as const)('inference with %s output equals the written-out recurrence, whole and streaming', (act) => {
    const m = jordanModel(act);
    expect(floatModelProblems(m)).toEqual([]);
    const want = handRun(m.layers[0] as JordanLayer, xs);
    const run = runFloat(m, xs);
    run.steps.forEach((y, t) => want[t].forEach((v, u) => expect(y[u]).toBeCloseTo(v, 12)));
    const st = createFloatState(m);
    xs.forEach((x, t) => expect(Array.from(stepFloat(m, st, x))).toEqual(Array.from(run.steps[t])));
    expect(Array.from(run.hn[0][0])).toEqual(Array.from(run.steps[xs.length - 1]));
  });

  test('the output is fed back: changing wy changes later steps but not the first', () => {
    const m = jordanModel('tanh');
    const a = runFloat(m, xs).steps;
    (m.layers[0] as JordanLayer).wy.fill(0);
    const b = runFloat(m, xs).steps;
    expect(Array.from(b[0])).toEqual(Array.from(a[0]));
    expect(Array.from(b[2])).not.toEqual(Array.from(a[2]));
  });

  test('round-trips through the .tnn container', () => {
    const m = jordanModel('sigmoid', true);
    const back = decodeFloatModel(encodeFloatModel(m));
    expect(back).toEqual(m);
    expect(Array.from(runFloat(back, xs).steps[4])).toEqual(Array.from(runFloat(m, xs).steps[4]));
  });

  test('validation: shapes, softmax feedback and bidirectional halves are refused with codes', () => {
    const m = jordanModel('none');
    const j = m.layers[0] as JordanLayer;
    j.wy = new Float32Array(5);
    (j as { outActivation: string }).outActivation = 'softmax';
    const p = floatModelProblems(m);
    expect(p.map((d) => [d.code, d.path])).toEqual([
      ['TNN106', 'layers[0].wy'],
      ['TNN104', 'layers[0].outActivation'],
    ]);
    expect(p[1].hint).toMatch(/dense softmax layer after/);
    const bi = jordanModel('none');
    bi.layers = [{ kind: 'bidirectional', forward: bi.layers[0], backward: bi.layers[0] } as unknown as FloatModel['layers'][number]];
    expect(floatModelProblems(bi).map((d) => d.code)).toContain('TNN117');
  });
});
