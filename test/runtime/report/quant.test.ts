// `tinyrnn quantize --report`: the page draws the figures --json prints (one computation).
import * as path from 'node:path';
import { HAVE_CHROMIUM, CHROMIUM } from './browser';
import { MODEL_ARGS, openReport, plot, range, run, runJson, tmpDir } from './fixtures';
import { QuantizeSummary, worstSentence } from '../../../runtime/report/quant';

describe('tinyrnn quantize --report', () => {
  if (!HAVE_CHROMIUM) {
    test('chromium missing: report check NOT run', () => {
      const msg = `tinyrnn quantize --report: NOT checked in a browser: ${CHROMIUM} is missing (apt-get install -y chromium)`;
      if (process.env.CI) throw new Error(msg);
      console.warn(msg);
    });
    return;
  }

  test('error per layer and gate, at the limit, over time, weights; the worst layer named', async () => {
    const model = path.join(tmpDir(), 'q-src.tnn');
    await run(['train', ...MODEL_ARGS, '--cell', 'gru', '--out', model]);
    const html = path.join(tmpDir(), 'quant.html');
    const s = await runJson<QuantizeSummary>(['quantize', model, '--calib', 'builtin:gestures?n=40&length=24&seed=4', '--report', html]);
    const r = s.comparison;
    expect(r.tensors.length).toBeGreaterThan(5);
    const c = await openReport(html, 'quantize');
    const per = plot(c, 'plot-tensor-error');
    expect(per.x.n).toBe(r.tensors.length);
    expect(per.series[0]).toMatchObject({ n: r.tensors.length, ...range(r.tensors.map((t) => (100 * t.meanAbs) / (t.meanMagnitude || 1))) });
    expect(per.series[1]).toMatchObject(range(r.tensors.map((t) => (100 * t.maxAbs) / (t.meanMagnitude || 1))));
    const lim = plot(c, 'plot-at-limit');
    const limits = r.tensors.map((t) => (t.atLimit === null ? null : 100 * t.atLimit));
    expect(lim.series[0]).toMatchObject({ n: limits.filter((v) => v !== null).length, ...range(limits) });
    const growth = plot(c, 'plot-growth');
    expect(growth.series[0]).toMatchObject({ n: r.growth.length, ...range(r.growth.map((g) => g.outputMean)) });
    expect(growth.series.length).toBe(1 + Object.keys(r.growth[0].hidden).length);
    // one histogram per layer with weights: the GRU and the dense head
    expect(c.plots.filter((p) => p.id.startsWith('plot-weights-')).map((p) => p.id)).toEqual(['plot-weights-0', 'plot-weights-1']);
    expect(plot(c, 'plot-weights-0').series.map((x) => x.label)).toEqual(['wx (% of its weights)', 'wh (% of its weights)']);
    expect(c.text).toContain(worstSentence(r));
    const fa = r.float.classification?.accuracy ?? NaN;
    expect(c.text).toContain(`float ${(100 * fa).toFixed(1)} %`);
    expect(c.text).toContain(`${r.agreement?.identical} of ${r.agreement?.predictions} times`);
    expect(c.text).toContain(`${s.bytes} bytes of integer parameters`);
  });

  test('without --report, the text and --json are what they were (no per-tensor trace)', async () => {
    const model = path.join(tmpDir(), 'q-src2.tnn');
    await run(['train', ...MODEL_ARGS, '--out', model]);
    const s = await runJson<QuantizeSummary>(['quantize', model, '--calib', 'builtin:gestures?n=20&length=24&seed=4']);
    expect(s.comparison.tensors).toEqual([]);
    expect(s.onCalibration.outputMaxAbsError).toBe(s.comparison.output.maxAbs);
  });
});
