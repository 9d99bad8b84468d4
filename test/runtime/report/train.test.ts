// `tinyrnn train --report`: the page in headless Chromium shows what --json says, for a
// classifier, a regression model, a resumed run and an echo state network.
import * as path from 'node:path';
import { HAVE_CHROMIUM, CHROMIUM } from './browser';
import { openReport, plot, range, runJson, tmpDir } from './fixtures';
import { TrainSummary, EsnSummary } from '../../../runtime/report/train';
import { decodeContainer, encodeContainer, readFileBytes, writeFileAtomic } from '../../../compiler/core/ir/format';

const CLS = ['--data', 'builtin:gestures?n=120&length=24&seed=4', '--hidden', '6', '--epochs', '4', '--seed', '3'];
const REG = ['--data', 'builtin:sines?n=40&length=30&seed=4', '--cell', 'gru', '--hidden', '6', '--epochs', '3', '--clip', '0.05'];

/** Rewrites a checkpoint as one written before the gradient figures: 5 running sums, no gradient fields in the history. */
function writeOldCheckpoint(ckpt: string): void {
  const { model } = decodeContainer(readFileBytes(ckpt)) as { model: { checkpoint: { state: { running: Float64Array; history: Record<string, unknown>[] } } } };
  const st = model.checkpoint.state;
  st.running = st.running.slice(0, 5);
  st.history = st.history.map(({ gradNorm: _a, gradNormMax: _b, updates: _c, clipped: _d, ...rest }) => rest);
  writeFileAtomic(ckpt, encodeContainer('float', model));
}

function file(name: string): string {
  return path.join(tmpDir(), name);
}

describe('tinyrnn train --report', () => {
  if (!HAVE_CHROMIUM) {
    test('chromium missing: report check NOT run', () => {
      const msg = `tinyrnn train --report: NOT checked in a browser: ${CHROMIUM} is missing (apt-get install -y chromium)`;
      if (process.env.CI) throw new Error(msg);
      console.warn(msg);
    });
    return;
  }

  test('classifier: curves per epoch, gradient norms, confusion matrix, layers', async () => {
    const html = file('train-cls.html');
    const s = await runJson<TrainSummary>(['train', ...CLS, '--out', file('cls.tnn'), '--quiet', '--report', html]);
    const c = await openReport(html, 'train-classification');
    expect(c.title).toBe(`tinyrnn training: ${s.name}`);
    const loss = plot(c, 'plot-loss');
    expect(loss.x).toEqual({ n: s.history.length, ...range(s.history.map((h) => h.epoch)) });
    expect(loss.series.map((x) => x.label)).toEqual(['train loss', 'validation loss']);
    expect(loss.series[0]).toMatchObject({ n: s.history.length, ...range(s.history.map((h) => h.trainLoss)) });
    expect(loss.series[1]).toMatchObject({ n: s.history.length, ...range(s.history.map((h) => h.valLoss)) });
    expect(plot(c, 'plot-metric').series[1]).toMatchObject(range(s.history.map((h) => 100 * (h.valMetric ?? 0))));
    expect(plot(c, 'plot-lr').series[0]).toMatchObject(range(s.history.map((h) => h.lr)));
    const grad = plot(c, 'plot-grad');
    expect(grad.series[0]).toMatchObject({ n: s.history.length, ...range(s.history.map((h) => h.gradNorm)) });
    expect(grad.series[2]).toMatchObject(range(s.history.map((h) => h.clipped)));
    expect(s.history.every((h) => h.updates !== undefined && h.updates > 0 && h.gradNorm !== undefined && h.gradNorm > 0)).toBe(true);
    const t = s.test?.classification;
    if (!t) throw new Error('no test scores');
    expect(c.text).toContain(`accuracy ${(100 * t.accuracy).toFixed(1)} %, macro F1 ${t.macroF1.toFixed(3)}`);
    expect(c.text).toContain(`kept epoch ${s.bestEpoch}`);
    expect(c.cells['test-confusion']).toEqual(t.confusion);
    expect(c.text).toContain(`${s.params} parameters`);
  });

  test('regression: RMSE curves and the prediction against the target over time', async () => {
    const html = file('train-reg.html');
    const s = await runJson<TrainSummary>(['train', ...REG, '--out', file('reg.tnn'), '--quiet', '--report', html]);
    const c = await openReport(html, 'train-regression');
    expect(plot(c, 'plot-metric').series[0]).toMatchObject(range(s.history.map((h) => h.trainMetric)));
    // --clip 0.05: every update is clipped
    expect(s.history.every((h) => h.clipped === h.updates)).toBe(true);
    expect(plot(c, 'plot-grad').series[2]).toMatchObject(range(s.history.map((h) => h.clipped)));
    const r = s.test?.regression;
    if (!r) throw new Error('no test scores');
    expect(c.text).toContain(`MAE ${r.mae.toPrecision(3)}, RMSE ${r.rmse.toPrecision(3)}`);
    const seq = c.plots.filter((p) => p.id.startsWith('plot-test-'));
    expect(seq).toHaveLength(3);
    for (const p of seq) expect(p.series.map((x) => x.n)).toEqual([30, 30]);
  });

  test('a resumed run reports the whole history, also from a checkpoint without gradient figures', async () => {
    const ck = file('resume.tnn');
    await runJson(['train', ...CLS, '--epochs', '2', '--out', ck, '--quiet']);
    writeOldCheckpoint(`${ck}.ckpt`);
    const html = file('train-resumed.html');
    const s = await runJson<TrainSummary>(['train', '--resume', `${ck}.ckpt`, '--epochs', '4', '--out', ck, '--quiet', '--report', html]);
    expect(s.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
    const c = await openReport(html, 'train-resumed');
    expect(plot(c, 'plot-loss').series[0]).toMatchObject({ n: 4, ...range(s.history.map((h) => h.trainLoss)) });
    // the two epochs of the old checkpoint have no gradient figures; the two trained after the resume have
    expect(s.history.map((h) => h.gradNorm === undefined)).toEqual([true, true, false, false]);
    expect(plot(c, 'plot-grad').series[0]).toMatchObject({ n: 2, ...range(s.history.map((h) => h.gradNorm)) });
  });

  test('echo state network: the ridge settings tried and their validation scores', async () => {
    const html = file('train-esn.html');
    const s = await runJson<EsnSummary>([
      'train',
      '--data',
      'builtin:sines?n=30&length=40',
      '--cell',
      'esn',
      '--hidden',
      '20',
      '--ridge',
      '1e-6,1e-3,1',
      '--out',
      file('esn.tnn'),
      '--quiet',
      '--report',
      html,
    ]);
    const c = await openReport(html, 'train-esn');
    const p = plot(c, 'plot-ridge');
    expect(p.series[0]).toMatchObject({ n: 3, ...range(s.ridge.scores.map((x) => x.int8.mse)) });
    expect(c.text).toContain(`${s.ridge.lambda} kept`);
  });
});
