// `tinyrnn eval --report`: confusion matrix, per-class scores and misclassified sequences, or
// residuals; with --compare float and int8 side by side. The page shows what --json prints.
import * as path from 'node:path';
import { HAVE_CHROMIUM, CHROMIUM } from './browser';
import { MODEL_ARGS, openReport, plot, r6, range, run, runJson, tmpDir } from './fixtures';
import { CompareSummary, EvalSummary } from '../../../runtime/report/eval';

const EVAL_DATA = 'builtin:gestures?n=30&length=24&seed=9';

async function models(): Promise<{ float: string; int8: string }> {
  const float = path.join(tmpDir(), 'eval-src.tnn');
  const int8 = path.join(tmpDir(), 'eval-src.q.tnn');
  await run(['train', ...MODEL_ARGS, '--out', float]);
  await run(['quantize', float, '--calib', 'builtin:gestures?n=40&length=24&seed=4', '-o', int8]);
  return { float, int8 };
}

describe('tinyrnn eval --report', () => {
  if (!HAVE_CHROMIUM) {
    test('chromium missing: report check NOT run', () => {
      const msg = `tinyrnn eval --report: NOT checked in a browser: ${CHROMIUM} is missing (apt-get install -y chromium)`;
      if (process.env.CI) throw new Error(msg);
      console.warn(msg);
    });
    return;
  }

  test('classifier (float and int8): confusion matrix, per-class scores, misclassified sequences', async () => {
    const m = await models();
    for (const [kind, file] of Object.entries(m)) {
      const html = path.join(tmpDir(), `eval-${kind}.html`);
      const s = await runJson<EvalSummary>(['eval', file, '--data', EVAL_DATA, '--report', html]);
      const c = await openReport(html, `eval-${kind}`);
      const k = s.report.classification;
      if (!k) throw new Error('no scores');
      expect(c.cells['eval-confusion']).toEqual(k.confusion);
      expect(c.text).toContain(`accuracy ${(100 * k.accuracy).toFixed(1)} %, macro F1 ${k.macroF1.toFixed(3)}`);
      for (const p of k.perClass)
        expect(c.text).toContain(`${p.label}\t${(100 * p.precision).toFixed(1)} %\t${(100 * p.recall).toFixed(1)} %\t${p.f1.toFixed(3)}\t${p.support}`);
      const wrong = k.n - k.confusion.reduce((sum, row, i) => sum + row[i], 0);
      const drawn = c.plots.filter((p) => p.id.startsWith('plot-wrong-'));
      expect(drawn).toHaveLength(Math.min(4, wrong));
      for (const p of drawn) expect(p.series.map((x) => x.n)).toEqual([24, 24, 24]);
      expect((c.text.match(/true class \w+, predicted \w+/g) ?? []).length).toBe(drawn.length);
    }
  });

  test('--compare: float and int8 side by side, and where the int8 error comes from', async () => {
    const m = await models();
    const html = path.join(tmpDir(), 'eval-compare.html');
    const s = await runJson<CompareSummary>(['eval', m.int8, '--data', EVAL_DATA, '--compare', m.float, '--report', html]);
    const c = await openReport(html, 'eval-compare');
    expect(c.cells['float-confusion']).toEqual(s.report.float.classification?.confusion);
    expect(c.cells['int8-confusion']).toEqual(s.report.int8.classification?.confusion);
    expect(plot(c, 'plot-tensor-error').series[0].n).toBe(s.report.tensors.length);
    expect(plot(c, 'plot-growth').series[0]).toMatchObject(range(s.report.growth.map((g) => g.outputMean)));
    expect(c.text).toContain(`${s.report.agreement?.identical} of ${s.report.agreement?.predictions} times`);
  });

  test('regression: MAE/RMSE, prediction against target, residuals over time', async () => {
    const model = path.join(tmpDir(), 'eval-reg.tnn');
    await run(['train', '--data', 'builtin:sines?n=30&length=30&seed=4', '--cell', 'elman', '--hidden', '6', '--epochs', '2', '--quiet', '--out', model]);
    const html = path.join(tmpDir(), 'eval-reg.html');
    const s = await runJson<EvalSummary>(['eval', model, '--data', 'builtin:sines?n=10&length=30&seed=8', '--report', html]);
    const c = await openReport(html, 'eval-regression');
    const g = s.report.regression;
    if (!g) throw new Error('no scores');
    expect(c.text).toContain(`MAE ${g.mae.toPrecision(3)}, RMSE ${g.rmse.toPrecision(3)}`);
    expect(c.plots.filter((p) => p.id.startsWith('plot-seq-'))).toHaveLength(3);
    const res = plot(c, 'plot-residuals');
    expect(res.x.n).toBe(30);
    expect(res.series.map((x) => x.n)).toEqual([30, 30]);
    expect(res.series[1].max).toBeGreaterThanOrEqual(r6(g.mae));
  });
});
