// The search report in headless Chromium: no console errors, no requests, every scatter plot shows
// the trials it claims (the front, the other usable trials, the chosen one, with the values of the
// result's JSON), the table holds every trial, and a hostile data name runs no script.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HAVE_CHROMIUM, CHROMIUM } from './browser';
import { HOSTILE, openReport, tmpDir } from './fixtures';
import { SEARCH_AXES, renderSearchReport } from '../../../runtime/report/search';
import { SearchResult } from '../../../runtime/search/search';
import { TrialResult } from '../../../runtime/search/trial';
import { baselineTrials, checkSpace, trialList } from '../../../runtime/search/space';

function result(index: number, acc: number, flash: number, ram: number, ms: number, status: TrialResult['status'] = 'ok'): TrialResult {
  const ok = status === 'ok';
  return {
    index,
    status,
    ...(ok ? {} : { reason: 'does not fit: the model needs 70000 B of RAM' }),
    metric: 'accuracy',
    int8Val: ok ? acc : null,
    floatVal: ok ? acc + 0.01 : null,
    params: 100,
    epochs: ok ? 12 : 0,
    measure: { fits: ok, flashBytes: flash, ramBytes: ram, stepMs: ms, misses: 0, meetsRate: ok, engine: 'js' },
    seconds: 3,
  };
}

function fixture(data: string): SearchResult {
  const trials = [...trialList(checkSpace({ cell: ['lstm', 'gru'], hidden: [8, 16, 24] }), 1, 5), ...baselineTrials(5)];
  const results = [
    result(0, 0.9, 20000, 4000, 1.3),
    result(1, 0.95, 24000, 4100, 1.6),
    result(2, 0.85, 21000, 4000, 1.2),
    result(3, 0, 90000, 70000, 9, 'pruned'),
    result(4, 0.93, 19000, 3900, 1.1),
  ];
  results.push(...[5, 6, 7, 8].map((i) => result(i, 0.9, 20000, 4000, 1.2)));
  return {
    settings: { data, cwd: '.', board: 'PUCKJS', rateHz: 25, target: 'espruino', seed: 1, val: 0.15, test: 0.15, dataCrc: 1 },
    trials,
    results,
    complete: true,
    front: [1, 4],
    chosen: 1,
    test: { int8: 0.944, float: 0.95, metric: 'accuracy', sequences: 180 },
    baseline: [5, 6, 7, 8].map((index) => ({ index, test: { int8: 0.9, float: 0.91, metric: 'accuracy' as const, sequences: 180 } })),
    files: null,
    elapsedSeconds: 100,
  };
}

describe('the search report', () => {
  if (!HAVE_CHROMIUM) {
    test('chromium missing: report check NOT run', () => {
      const msg = `the search report: NOT checked in a browser: ${CHROMIUM} is missing (apt-get install -y chromium)`;
      if (process.env.CI) throw new Error(msg);
      console.warn(msg);
    });
    return;
  }

  test('the front plots, the table and the headline show the result', async () => {
    const res = fixture('builtin:gestures');
    const file = path.join(tmpDir(), 'search.html');
    fs.writeFileSync(file, renderSearchReport(res));
    const c = await openReport(file, 'search');
    expect(c.plots.map((p) => p.id)).toEqual(SEARCH_AXES.map((a) => `front-${a.id}`));
    for (const [i, axis] of SEARCH_AXES.entries()) {
      const p = c.plots[i];
      const usable = res.results.filter((r) => r.status === 'ok' && r.index < 5);
      const xs = usable.map(axis.of);
      expect(p.x).toEqual({ n: usable.length, min: Math.min(...xs), max: Math.max(...xs) });
      expect(p.series.map((s) => [s.label, s.n, s.min, s.max])).toEqual([
        ['Pareto front', 1, 93, 93],
        ['other trials that fit', 2, 85, 90],
        ['chosen', 1, 95, 95],
      ]);
    }
    expect(c.text).toContain('Chosen: ');
    expect(c.text).toContain('94.4% int8 on the test split');
    expect(c.text).toMatch(/does not fit: the model needs 70000 B of RAM/);
    expect((c.text.match(/baseline/g) ?? []).length).toBeGreaterThanOrEqual(4);
  }, 120_000);

  test('a hostile data name runs no script', async () => {
    for (const [i, h] of HOSTILE.entries()) {
      const file = path.join(tmpDir(), `search-hostile-${i}.html`);
      fs.writeFileSync(file, renderSearchReport(fixture(h)));
      const c = await openReport(file, `search-hostile-${i}`);
      expect(c.text).toContain(h);
    }
  }, 120_000);
});
