// Metrics against hand-computed values, and the report formats.
import { classificationMetrics, evaluateOutputs, formatEvalReport, regressionMetrics } from '../../../compiler/train/metrics';
import { Dataset } from '../../../compiler/data/dataset';

describe('classification metrics', () => {
  test('accuracy, per-class precision/recall/F1, macro F1 and the confusion matrix', () => {
    // truth:  a a a b b c
    // pred:   a a b b c c
    const m = classificationMetrics(['a', 'b', 'c'], [0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2]);
    expect(m.accuracy).toBeCloseTo(4 / 6, 12);
    expect(m.confusion).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    const [a, b, c] = m.perClass;
    expect([a.precision, a.recall, a.support]).toEqual([1, 2 / 3, 3]);
    expect(a.f1).toBeCloseTo(0.8, 12);
    expect([b.precision, b.recall]).toEqual([0.5, 0.5]);
    expect([c.precision, c.recall]).toEqual([0.5, 1]);
    expect(c.f1).toBeCloseTo(2 / 3, 12);
    expect(m.macroF1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 12);
  });
  test('a class never predicted has precision 0, not NaN; absent classes do not count in macro F1', () => {
    const m = classificationMetrics(['a', 'b', 'c'], [0, 1], [0, 0]);
    expect(m.perClass[1]).toMatchObject({ precision: 0, recall: 0, f1: 0, support: 1 });
    expect(m.perClass[2].support).toBe(0);
    expect(m.macroF1).toBeCloseTo((2 / 3 + 0) / 2, 12);
  });
});

describe('regression metrics', () => {
  test('MAE and RMSE overall and per target', () => {
    const r = regressionMetrics(['u', 'v'], [0, 0, 1, 1], [1, 0, 1, 3]);
    expect(r.n).toBe(2);
    expect(r.mae).toBeCloseTo(3 / 4, 12);
    expect(r.rmse).toBeCloseTo(Math.sqrt(5 / 4), 12);
    expect(r.perTarget).toEqual([
      { name: 'u', mae: 0.5, rmse: Math.sqrt(0.5) },
      { name: 'v', mae: 1, rmse: Math.sqrt(2) },
    ]);
  });
});

describe('scoring outputs of any implementation', () => {
  const data: Dataset = { source: 'd', features: ['x'], x: [new Float32Array(2), new Float32Array(3)], labels: ['b', 'a'], y: Int32Array.from([0, 1]) };
  const model = { task: 'classification' as const, output: 'last' as const, meta: { labels: ['a', 'b'] }, layers: [{ kind: 'dense', activation: 'softmax' }] };

  test('labels are matched by name; only the last step counts for output "last"', () => {
    // sequence 0 is "b" (model index 1), sequence 1 is "a" (model index 0)
    const outs = [Float64Array.from([0.9, 0.1, 0.2, 0.8]), Float64Array.from([0.1, 0.9, 0.5, 0.5, 0.7, 0.3])];
    const r = evaluateOutputs(model, data, outs);
    expect(r.classification?.accuracy).toBe(1);
    expect(r.loss).toBeCloseTo(-(Math.log(0.8) + Math.log(0.7)) / 2, 12);
    const text = formatEvalReport(r, 'check');
    expect(text).toContain('check: 2 sequences, 2 predictions: accuracy 100.0%');
    expect(text).toContain('confusion (rows: true class, columns: predicted)');
  });
  test('a head without softmax gives logits: the loss is the cross-entropy of their softmax', () => {
    const logits = { ...model, layers: [{ kind: 'dense', activation: 'none' }] };
    // sequence 0 (true "b"): logits (1, 3) at its last step; sequence 1 (true "a"): (2, -1)
    const outs = [Float64Array.from([0, 0, 1, 3]), Float64Array.from([0, 0, 0, 0, 2, -1])];
    const r = evaluateOutputs(logits, data, outs);
    expect(r.classification?.accuracy).toBe(1);
    const ce = (z: number[], k: number): number => -Math.log(Math.exp(z[k]) / z.reduce((s, v) => s + Math.exp(v), 0));
    expect(r.loss).toBeCloseTo((ce([1, 3], 1) + ce([2, -1], 0)) / 2, 12);
    expect(r.loss).toBeGreaterThan(0);
  });
  test('a label the model does not know is an error naming it', () => {
    const bad = { ...data, labels: ['b', 'zzz'] };
    expect(() => evaluateOutputs(model, bad, [new Float64Array(4), new Float64Array(6)])).toThrow(/zzz/);
  });
});
