// Optimisers, clipping, schedules and the normalisation statistics a trained model stores.
import { DEFAULT_OPTIMIZER, Optimizer, learningRate } from '../../../compiler/train/optim';
import { Trainer } from '../../../compiler/train/trainer';
import { loadData } from '../../../compiler/data/load';
import { normalizationStats } from '../../../compiler/data/prep';
import { buildModel } from '../../../compiler/train/init';

describe('optimisers', () => {
  test('Adam: the first step moves every parameter by lr against the gradient sign', () => {
    const o = new Optimizer({ ...DEFAULT_OPTIMIZER, lr: 0.1 }, 3);
    const p = Float64Array.from([1, 2, 3]);
    o.update(p, Float64Array.from([0.5, -2, 0]), 0.1);
    // bias-corrected m/sqrt(v) = sign(g) on step 1 (up to eps)
    expect(p[0]).toBeCloseTo(0.9, 6);
    expect(p[1]).toBeCloseTo(2.1, 6);
    expect(p[2]).toBe(3);
    expect(o.step).toBe(1);
  });
  test('Adam: second step follows the textbook formula', () => {
    const c = { ...DEFAULT_OPTIMIZER };
    const o = new Optimizer(c, 1);
    const p = Float64Array.from([0]);
    o.update(p, Float64Array.from([1]), 0.01);
    o.update(p, Float64Array.from([3]), 0.01);
    const m = (1 - c.beta1) * 1 * c.beta1 + (1 - c.beta1) * 3;
    const v = (1 - c.beta2) * 1 * c.beta2 + (1 - c.beta2) * 9;
    const mh = m / (1 - c.beta1 ** 2);
    const vh = v / (1 - c.beta2 ** 2);
    expect(p[0]).toBeCloseTo(-0.01 / (1 + c.eps) - (0.01 * mh) / (Math.sqrt(vh) + c.eps), 15);
  });
  test('SGD with momentum', () => {
    const o = new Optimizer({ ...DEFAULT_OPTIMIZER, kind: 'sgd', momentum: 0.9 }, 1);
    const p = Float64Array.from([0]);
    o.update(p, Float64Array.from([1]), 0.1); // m = 1
    o.update(p, Float64Array.from([1]), 0.1); // m = 1.9
    expect(p[0]).toBeCloseTo(-0.1 - 0.19, 12);
  });
  test('global-norm clipping scales the whole gradient, only when above the limit', () => {
    const g = Float64Array.from([3, 4]);
    expect(Optimizer.clipGlobalNorm(g, 1)).toBe(5);
    expect(g[0]).toBeCloseTo(0.6, 12);
    expect(g[1]).toBeCloseTo(0.8, 12);
    const h = Float64Array.from([0.3, 0.4]);
    Optimizer.clipGlobalNorm(h, 1);
    expect(Array.from(h)).toEqual([0.3, 0.4]);
  });
  test('schedules: constant, step, cosine from lr down to minFactor * lr', () => {
    const c = { ...DEFAULT_OPTIMIZER, lr: 0.1 };
    expect(learningRate(c, 7, 10)).toBe(0.1);
    expect(learningRate({ ...c, schedule: 'step', stepEvery: 3, gamma: 0.5 }, 7, 10)).toBeCloseTo(0.025, 12);
    const cos = { ...c, schedule: 'cosine' as const, minFactor: 0.1 };
    expect(learningRate(cos, 0, 10)).toBeCloseTo(0.1, 12);
    expect(learningRate(cos, 9, 10)).toBeCloseTo(0.01, 12);
    expect(learningRate(cos, 4.5, 10)).toBeCloseTo(0.055, 12);
  });
});

describe('initialisation', () => {
  test('orthogonal recurrent blocks, LSTM forget bias 1, Glorot-bounded input weights', () => {
    const m = buildModel(
      { cell: 'lstm', hidden: 8, layers: 1, bidirectional: false, activation: 'tanh', resetAfter: true, dense: [] },
      { name: 'x', features: ['a', 'b', 'c'], labels: ['p', 'q'], task: 'classification', output: 'last' },
      1,
    );
    const l = m.layers[0];
    if (l.kind !== 'lstm') throw new Error('not lstm');
    const H = 8;
    for (let g = 0; g < 4; g++) {
      for (let r = 0; r < H; r++)
        for (let q = 0; q < H; q++) {
          let d = 0;
          for (let j = 0; j < H; j++) d += l.wh[g * H * H + r * H + j] * l.wh[g * H * H + q * H + j];
          expect(d).toBeCloseTo(r === q ? 1 : 0, 5);
        }
    }
    expect(Array.from(l.bx.subarray(H, 2 * H))).toEqual(new Array(H).fill(1));
    expect(Array.from(l.bx.subarray(0, H))).toEqual(new Array(H).fill(0));
    const lim = Math.sqrt(6 / (3 + H));
    expect(Math.max(...Array.from(l.wx, Math.abs))).toBeLessThanOrEqual(lim);
  });
});

describe('normalisation in the trained model', () => {
  test('the model stores mean/std of the training split only', async () => {
    const tr = new Trainer(loadData('builtin:anomaly?n=80'), { cell: 'gru', hidden: 4, epochs: 1 });
    const res = await tr.run();
    const st = normalizationStats(tr.train.data);
    expect(Array.from(res.model.normalization!.mean)).toEqual(Array.from(st.mean));
    expect(Array.from(res.model.normalization!.std)).toEqual(Array.from(st.std));
    const all = normalizationStats(loadData('builtin:anomaly?n=80'));
    expect(Array.from(res.model.normalization!.mean)).not.toEqual(Array.from(all.mean));
  });
});
