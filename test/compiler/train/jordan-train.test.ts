// Training Jordan networks end to end: a forecaster on builtin:sines that beats trivial
// forecasts, the trained network computing exactly what the saved model computes (also across
// carried windows), byte-identical determinism and resume, and the settings that are refused.
import { loadData } from '../../../compiler/data/load';
import { sequenceRows } from '../../../compiler/data/dataset';
import { encodeFloatModel } from '../../../compiler/core/ir/format';
import { runFloat } from '../../../compiler/float/infer';
import { FloatModel, emptyJordan } from '../../../compiler/core/ir/model';
import { Trainer, train } from '../../../compiler/train/trainer';
import { decodeCheckpoint, encodeCheckpoint } from '../../../compiler/train/checkpoint';
import { predictFloat } from '../../../compiler/train/metrics';
import { Net } from '../../../compiler/train/net';

describe('builtin:sines with a Jordan network (the forecast fed back)', () => {
  test('beats predicting zero and predicting the last input, on the test split', async () => {
    const t = new Trainer(loadData('builtin:sines?n=120&length=60'), { cell: 'jordan', hidden: 12, epochs: 30, seed: 2 });
    const res = await t.run();
    const j = res.model.layers[0];
    expect(res.model.layers).toHaveLength(1);
    expect(j.kind).toBe('jordan');
    if (j.kind !== 'jordan') return;
    expect([j.units, j.outActivation, res.model.output, res.model.task]).toEqual([1, 'none', 'sequence', 'regression']);
    const rmse = res.test?.regression?.rmse ?? Infinity;
    // the trivial forecasts on the same test sequences
    const test = (t.test as NonNullable<typeof t.test>).data;
    let seLast = 0;
    let seZero = 0;
    let n = 0;
    test.x.forEach((x, i) => {
      const y = (test.targets as Float32Array[])[i];
      for (let s = 0; s < x.length; s++) {
        seLast += (x[s] - y[s]) ** 2;
        seZero += y[s] ** 2;
        n++;
      }
    });
    expect(n).toBe(res.test?.regression?.n ?? -1);
    // the classic Jordan network's only state is its one-value forecast, so its margin over the
    // last input is modest (see the README); over zero it is large
    expect(rmse).toBeLessThan(0.95 * Math.sqrt(seLast / n));
    expect(rmse).toBeLessThan(0.5 * Math.sqrt(seZero / n));
  });
});

describe('the trained Jordan network computes what the saved model computes', () => {
  const check = (model: FloatModel, d: ReturnType<typeof loadData>): void => {
    const preds = predictFloat(model, d);
    for (let n = 0; n < d.x.length; n += 3) {
      const ref = runFloat(model, sequenceRows(d, n)).steps;
      const O = ref[0].length;
      ref.forEach((v, t) => v.forEach((x, k) => expect(preds[n][t * O + k]).toBe(x)));
    }
  };

  test('batched prediction equals runFloat bit for bit (regression, classification with a head, stacked, relu output)', async () => {
    const sines = loadData('builtin:sines?n=24&length=30');
    const gestures = loadData('builtin:gestures?n=40&length=20');
    const a = await train(sines, { cell: 'jordan', hidden: 6, epochs: 1, val: 0.2, test: 0.2 });
    check(a.model, sines);
    const b = await train(gestures, { cell: 'jordan', hidden: 6, feedback: 4, dense: [5], epochs: 1, val: 0.2, test: 0.2 });
    expect(b.model.layers.map((l) => l.kind)).toEqual(['jordan', 'dense', 'dense']);
    check(b.model, gestures);
    const c = await train(gestures, { cell: 'jordan', hidden: 6, layers: 2, activation: 'relu', output: 'sequence', epochs: 1, val: 0.2, test: 0.2 });
    expect(c.model.layers.map((l) => l.kind)).toEqual(['elman', 'jordan', 'dense']);
    check(c.model, gestures);
    // every output activation (not produced by the CLI for all of them, but trainable)
    for (const act of ['relu', 'tanh', 'sigmoid'] as const) {
      const m: FloatModel = { ...a.model, layers: a.model.layers.map((l) => (l.kind === 'jordan' ? { ...l, outActivation: act } : l)) };
      check(m, sines);
    }
  });

  test('sequences longer than the prediction window carry the fed-back output across windows exactly', async () => {
    const d = loadData('builtin:sines?n=4&length=600');
    const res = await train(d, { cell: 'jordan', hidden: 5, epochs: 1, bptt: 100, val: 0.25, test: 0.25 });
    check(res.model, d);
  });
});

describe('determinism and resume', () => {
  const cfg = { cell: 'jordan' as const, hidden: 8, layers: 2, epochs: 4, batchSize: 8, dropout: 0.1, bptt: 20, seed: 3 };
  const data = () => loadData('builtin:sines?n=40&length=50');

  test('same seed and data give byte-identical model files; another seed does not', async () => {
    const a = encodeFloatModel((await train(data(), cfg)).model);
    const b = encodeFloatModel((await train(data(), cfg)).model);
    const c = encodeFloatModel((await train(data(), { ...cfg, seed: 4 })).model);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
  });

  test('stopped mid-epoch and resumed from the checkpoint bytes: identical model', async () => {
    const whole = encodeFloatModel((await train(data(), cfg)).model);
    const t1 = new Trainer(data(), cfg);
    let batches = 0;
    const r1 = await t1.run({
      onBatch: () => {
        if (t1.state.epoch === 1) batches++;
      },
      shouldStop: () => t1.state.epoch === 1 && batches >= 1,
    });
    expect(r1.stopped).toBe('interrupted');
    const ck = decodeCheckpoint(encodeCheckpoint(t1, 'builtin:sines?n=40&length=50'));
    expect(ck.config.cell).toBe('jordan');
    const t2 = new Trainer(data(), ck.config);
    t2.restore(ck.state);
    const resumed = encodeFloatModel((await t2.run()).model);
    expect(Buffer.from(resumed).equals(Buffer.from(whole))).toBe(true);
  });
});

describe('refused Jordan settings', () => {
  const sines = () => loadData('builtin:sines?n=20&length=20');
  const gestures = () => loadData('builtin:gestures?n=30');
  const diag = (f: () => unknown): { code: string; path: string }[] => {
    try {
      f();
    } catch (e) {
      return ((e as { diagnostics: { code: string; path: string }[] }).diagnostics ?? []).map((d) => ({ code: d.code, path: d.path }));
    }
    throw new Error('no error');
  };

  test('regression: dense layers without a feedback width are refused (TRN010); with --feedback N a tanh feedback and a linear output layer', () => {
    expect(diag(() => new Trainer(sines(), { cell: 'jordan', dense: [4] }))).toEqual([{ code: 'TRN010', path: 'dense' }]);
    const t = new Trainer(sines(), { cell: 'jordan', feedback: 3, dense: [4], epochs: 0 });
    const kinds = t.model0.layers.map((l) =>
      l.kind === 'jordan' ? `jordan ${l.units} ${l.outActivation}` : l.kind === 'dense' ? `dense ${l.units} ${l.activation}` : l.kind,
    );
    expect(kinds).toEqual(['jordan 3 tanh', 'dense 4 relu', 'dense 1 none']);
  });

  test('--feedback without jordan, and a bidirectional Jordan model (TRN010)', () => {
    expect(diag(() => new Trainer(gestures(), { cell: 'gru', feedback: 3 }))).toEqual([{ code: 'TRN010', path: 'feedback' }]);
    expect(diag(() => new Trainer(gestures(), { cell: 'jordan', bidirectional: true }))).toEqual([{ code: 'TRN010', path: 'bidirectional' }]);
  });

  test('a classifier whose last layer is a Jordan layer cannot be trained (TRN004, hint: a softmax head)', () => {
    const m: FloatModel = {
      format: 'float',
      meta: { name: 'j', features: ['a'], labels: ['p', 'q'] },
      task: 'classification',
      output: 'last',
      inputSize: 1,
      layers: [emptyJordan(1, 3, 2, 'sigmoid')],
    };
    expect(() => new Net(m, { maxSteps: 4, maxBatch: 2 })).toThrow(
      expect.objectContaining({
        code: 'TRN004',
        diagnostics: [expect.objectContaining({ path: 'layers[0]', hint: expect.stringContaining('dense softmax') })],
      }),
    );
  });
});
