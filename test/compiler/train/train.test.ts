// Training end to end: accuracy on builtin:gestures, bit-identical determinism, exact resume
// from a checkpoint, truncated BPTT on long streams, regression, and the trained network giving
// exactly the float reference's numbers.
import { loadData } from '../../../compiler/data/load';
import { encodeFloatModel } from '../../../compiler/core/ir/format';
import { runFloat } from '../../../compiler/float/infer';
import { sequenceRows } from '../../../compiler/data/dataset';
import { Trainer, train } from '../../../compiler/train/trainer';
import { decodeCheckpoint, encodeCheckpoint } from '../../../compiler/train/checkpoint';
import { evaluateFloat, predictFloat } from '../../../compiler/train/metrics';
import { TinyrnnError } from '../../../compiler/core/ir/errors';

describe('builtin:gestures reaches >= 90% test accuracy', () => {
  test.each(['lstm', 'gru'] as const)(
    '%s, 16 hidden units',
    async (cell) => {
      const res = await train(loadData('builtin:gestures'), { cell, hidden: 16, epochs: 30, seed: 1 });
      const acc = res.test?.classification?.accuracy ?? 0;
      expect(res.sizes).toEqual({ train: 840, val: 180, test: 180 });
      expect(acc).toBeGreaterThanOrEqual(0.9);
      // and on freshly generated data it has never seen (other seed: other users, other recordings)
      const fresh = evaluateFloat(res.model, loadData('builtin:gestures?seed=7&n=300'));
      expect(fresh.classification?.accuracy).toBeGreaterThanOrEqual(0.8);
      // a few seconds of CPU each; the generous limit only guards against a loaded CI machine
    },
    600_000,
  );
});

describe('determinism', () => {
  test('same seed and data give byte-identical model files; another seed does not', async () => {
    const d = loadData('builtin:gestures?n=120&length=30');
    const cfg = { cell: 'gru' as const, hidden: 8, epochs: 3, dropout: 0.2, layers: 2, seed: 5 };
    const a = encodeFloatModel((await train(d, cfg)).model);
    const b = encodeFloatModel((await train(loadData('builtin:gestures?n=120&length=30'), cfg)).model);
    const c = encodeFloatModel((await train(d, { ...cfg, seed: 6 })).model);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
  });
});

describe('checkpoint and resume', () => {
  const cfg = { cell: 'lstm' as const, hidden: 8, epochs: 4, dropout: 0.1, seed: 3, patience: 10 };
  const data = () => loadData('builtin:gestures?n=90&length=25');

  test('stopped after epoch 2 (or mid-epoch) and resumed from the checkpoint bytes: identical model', async () => {
    const whole = encodeFloatModel((await train(data(), cfg)).model);
    for (const stopAt of [
      { epochs: 2, batches: 0 },
      { epochs: 1, batches: 1 },
    ]) {
      const t1 = new Trainer(data(), cfg);
      let batches = 0;
      const r1 = await t1.run({
        onBatch: () => {
          if (t1.state.epoch === stopAt.epochs) batches++;
        },
        shouldStop: () => t1.state.epoch === stopAt.epochs && batches >= stopAt.batches,
      });
      expect(r1.stopped).toBe('interrupted');
      const bytes = encodeCheckpoint(t1, 'builtin:gestures?n=90&length=25');
      const ck = decodeCheckpoint(bytes);
      expect(ck.state.epoch).toBe(stopAt.epochs);
      expect(ck.state.batchPos).toBe(stopAt.batches);
      const t2 = new Trainer(data(), ck.config);
      t2.restore(ck.state);
      const resumed = encodeFloatModel((await t2.run()).model);
      expect(Buffer.from(resumed).equals(Buffer.from(whole))).toBe(true);
    }
  });

  test('resuming on different data is refused (TRN023)', async () => {
    const t1 = new Trainer(data(), { ...cfg, epochs: 1 });
    await t1.run();
    const ck = decodeCheckpoint(encodeCheckpoint(t1, 'x'));
    const other = loadData('builtin:gestures?n=90&length=25&seed=2');
    const t2 = new Trainer(other, ck.config);
    expect(() => t2.restore(ck.state)).toThrow(expect.objectContaining({ code: 'TRN023' }));
  });

  test('a model file is not a checkpoint', async () => {
    const res = await train(data(), { ...cfg, epochs: 1 });
    expect(() => decodeCheckpoint(encodeFloatModel(res.model), 'm.tnn')).toThrow(expect.objectContaining({ code: 'TRN021' }));
  });
});

describe('the trained network computes what the saved model computes', () => {
  test('batched prediction equals runFloat bit for bit (lstm stack, bidirectional gru, elman, per-step)', async () => {
    const d = loadData('builtin:gestures?n=40&length=20');
    for (const cfg of [
      { cell: 'lstm' as const, layers: 2, dense: [8] },
      { cell: 'gru' as const, bidirectional: true },
      { cell: 'gru' as const, resetAfter: false },
      { cell: 'elman' as const, activation: 'relu' as const, output: 'sequence' as const },
    ]) {
      const res = await train(d, { hidden: 6, epochs: 1, val: 0.2, test: 0.2, ...cfg });
      const preds = predictFloat(res.model, d);
      for (let n = 0; n < d.x.length; n += 7) {
        const ref = runFloat(res.model, sequenceRows(d, n)).steps;
        const O = ref[0].length;
        ref.forEach((v, t) => v.forEach((x, k) => expect(preds[n][t * O + k]).toBe(x)));
      }
    }
  });
});

describe('regression and long streams', () => {
  test('builtin:sines: a GRU forecaster beats predicting the last input', async () => {
    const d = loadData('builtin:sines?n=120&length=60');
    const res = await train(d, { cell: 'gru', hidden: 12, epochs: 12, seed: 2 });
    expect(res.model.output).toBe('sequence');
    expect(res.model.task).toBe('regression');
    const rmse = res.test?.regression?.rmse ?? Infinity;
    // naive forecast: next = current noisy input
    let se = 0;
    let n = 0;
    const test = loadData('builtin:sines?n=120&length=60');
    for (let i = 0; i < test.x.length; i++)
      for (let t = 0; t < test.x[i].length; t++) {
        se += (test.x[i][t] - (test.targets as Float32Array[])[i][t]) ** 2;
        n++;
      }
    expect(rmse).toBeLessThan(Math.sqrt(se / n));
  });

  test('per-step classes (a label for every step): rising or falling signal', async () => {
    const d = loadData('builtin:sines?n=80&length=50&noise=0.02');
    // label each step by the direction of the clean signal: the model has to track the phase
    d.yStep = d.targets!.map((y, n) => Int32Array.from(y, (v, t) => (v > (t > 0 ? d.targets![n][t - 1] : v) ? 1 : 0)));
    d.labels = ['falling', 'rising'];
    delete d.targets;
    delete d.targetNames;
    const res = await train(d, { cell: 'gru', hidden: 12, epochs: 15, seed: 3 });
    expect(res.model.output).toBe('sequence');
    expect(res.test?.classification?.n).toBe(12 * 50);
    expect(res.test?.classification?.accuracy).toBeGreaterThan(0.8);
  });

  test('truncated BPTT over a long recording, windowed and split in time', async () => {
    const d = loadData('builtin:sines?n=2&length=4000');
    const tr = new Trainer(d, { cell: 'lstm', hidden: 8, epochs: 2, bptt: 50, window: 200, stride: 100 });
    // 2 recordings: split in time 70/15/15 -> windows of 500 in each part
    expect(tr.sizes.train).toBeGreaterThan(0);
    const res = await tr.run();
    expect(res.history).toHaveLength(2);
    expect(Number.isFinite(res.history[1].trainLoss)).toBe(true);
    expect(res.history[1].trainLoss).toBeLessThan(res.history[0].trainLoss);
  });

  test('early stopping stops and keeps the best epoch', async () => {
    const d = loadData('builtin:gestures?n=60&length=20');
    const res = await train(d, { cell: 'gru', hidden: 4, epochs: 200, lr: 0.05, patience: 2, seed: 1 });
    expect(res.stopped).toBe('early-stopping');
    expect(res.history.length).toBeLessThan(200);
    const best = Math.min(...res.history.map((h) => h.valLoss as number));
    expect(res.history[res.bestEpoch - 1].valLoss).toBe(best);
    expect(res.model.meta.extra?.epochs).toContain('early stopping');
  });

  test('SGD with momentum and a step schedule lowers the loss', async () => {
    const d = loadData('builtin:anomaly?n=120');
    const res = await train(d, { cell: 'elman', hidden: 8, epochs: 6, optimizer: 'sgd', lr: 0.05, schedule: 'step', stepEvery: 2, gamma: 0.5 });
    expect(res.history.map((h) => h.lr)).toEqual([0.05, 0.05, 0.025, 0.025, 0.0125, 0.0125]);
    expect(res.history[5].trainLoss).toBeLessThan(res.history[0].trainLoss);
  });
});

describe('bad settings and data', () => {
  test('every bad setting is reported at once', () => {
    try {
      new Trainer(loadData('builtin:gestures?n=30'), { hidden: 0, lr: -1, val: 0.6, test: 0.5 });
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(TinyrnnError);
      const paths = (e as TinyrnnError).diagnostics.map((d) => d.path);
      expect(paths).toEqual(expect.arrayContaining(['hidden', 'lr', 'val']));
      expect((e as TinyrnnError).code).toBe('TRN010');
    }
  });
  test('data without labels cannot train', () => {
    const d = loadData('builtin:gestures?n=30');
    delete d.y;
    delete d.labels;
    expect(() => new Trainer(d)).toThrow(expect.objectContaining({ code: 'DATA016' }));
  });
  test('bidirectional with truncated BPTT is refused', () => {
    expect(() => new Trainer(loadData('builtin:gestures?n=30'), { bidirectional: true, bptt: 10 })).toThrow(expect.objectContaining({ code: 'TRN010' }));
  });
});
