// The search space: the seeded trial list (deterministic, distinct, bounded by the space), the
// space file (JSON and YAML give the same space; bad settings are SRCH001 with the setting), the
// baseline trials, and the Pareto front and the choice on hand-made results.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_SPACE, baselineTrials, checkSpace, loadSpace, trialKey, trialList } from '../../../runtime/search/space';
import { choose, paretoFront } from '../../../runtime/search/front';
import type { TrialResult } from '../../../runtime/search/trial';
import { connectionOf } from '../../../runtime/search/queue';
import { codePathOf } from '../../helpers/errors';

describe('trial list', () => {
  test('a function of the space, the seed and the count; distinct trials', () => {
    const a = trialList(DEFAULT_SPACE, 7, 40);
    expect(trialList(DEFAULT_SPACE, 7, 40)).toEqual(a);
    expect(trialList(DEFAULT_SPACE, 7, 10)).toEqual(a.slice(0, 10));
    expect(trialList(DEFAULT_SPACE, 8, 40)).not.toEqual(a);
    expect(new Set(a.map((t) => trialKey(t))).size).toBe(40);
    expect(a.map((t) => t.index)).toEqual(a.map((_, i) => i));
    for (const t of a) if (t.cell === 'esn') expect([t.layers, t.dense, t.epochs]).toEqual([1, [], 0]);
  });

  test('a reservoir setting added to the space changes the reservoir trials only', () => {
    const base = trialList(DEFAULT_SPACE, 7, 40);
    const more = trialList({ ...DEFAULT_SPACE, readout: ['last', 'mean', 'seg3+abs'] }, 7, 40);
    // the other trials are drawn as before (a reservoir trial that is no longer a repeat may shift the indices)
    const others = (l: typeof base) => l.filter((t) => t.cell !== 'esn').map(({ index: _i, ...t }) => t);
    const k = Math.min(others(base).length, others(more).length);
    expect(k).toBeGreaterThan(25);
    expect(others(more).slice(0, k)).toEqual(others(base).slice(0, k));
    const esn = more.filter((t) => t.cell === 'esn');
    expect(esn.length).toBeGreaterThan(3);
    expect(new Set(esn.map((t) => t.readout)).size).toBeGreaterThan(1);
    expect(base.filter((t) => t.cell === 'esn').every((t) => t.readout === 'last')).toBe(true);
  });

  test('a space smaller than the count gives every trial of it once', () => {
    const small = checkSpace({ cell: ['lstm', 'gru'], hidden: [4, 8], layers: [1], dense: [[]], lr: [0.01], epochs: [2], patience: [0], percentile: [100] });
    const t = trialList(small, 1, 50);
    expect(t).toHaveLength(4);
    expect(new Set(t.map((x) => `${x.cell}${x.hidden}`))).toEqual(new Set(['lstm4', 'lstm8', 'gru4', 'gru8']));
  });

  test('baseline: LSTM and GRU, 8 and 16 units, at the training defaults, numbered after the trials', () => {
    const b = baselineTrials(5);
    expect(b.map((t) => [t.index, t.cell, t.hidden, t.layers, t.lr, t.epochs, t.patience, t.percentile, t.baseline])).toEqual([
      [5, 'lstm', 8, 1, 0.01, 30, 0, 100, true],
      [6, 'lstm', 16, 1, 0.01, 30, 0, 100, true],
      [7, 'gru', 8, 1, 0.01, 30, 0, 100, true],
      [8, 'gru', 16, 1, 0.01, 30, 0, 100, true],
    ]);
  });
});

describe('space file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-space-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('JSON and YAML read the same; missing settings keep the default', () => {
    fs.writeFileSync(path.join(dir, 's.json'), JSON.stringify({ cell: ['gru'], hidden: [8, 16], dense: [[], [8]] }));
    fs.writeFileSync(path.join(dir, 's.yaml'), 'cell: [gru]\nhidden:\n  - 8\n  - 16\ndense: [[], [8]]\n');
    const j = loadSpace(path.join(dir, 's.json'));
    expect(loadSpace(path.join(dir, 's.yaml'))).toEqual(j);
    expect(j).toEqual({ ...DEFAULT_SPACE, cell: ['gru'], hidden: [8, 16], dense: [[], [8]] });
  });

  test('SRCH001 names the bad setting', () => {
    expect(codePathOf(() => checkSpace({ cells: ['lstm'] }))).toBe('SRCH001 cells');
    expect(codePathOf(() => checkSpace({ cell: ['transformer'] }))).toBe('SRCH001 cell');
    expect(codePathOf(() => checkSpace({ hidden: [0] }))).toBe('SRCH001 hidden');
    expect(codePathOf(() => checkSpace({ lr: [] }))).toBe('SRCH001 lr');
    expect(codePathOf(() => checkSpace({ dense: [8] }))).toBe('SRCH001 dense');
    expect(codePathOf(() => checkSpace({ readout: ['seg0', 'last'] }))).toBe('SRCH001 readout');
    expect(codePathOf(() => checkSpace([1, 2]))).toBe('SRCH001 ');
    fs.writeFileSync(path.join(dir, 'bad.json'), '{"cell": [');
    expect(codePathOf(() => loadSpace(path.join(dir, 'bad.json')))).toBe('SRCH001 ');
    expect(codePathOf(() => loadSpace(path.join(dir, 'missing.json')))).toBe('SRCH001 ');
  });
});

describe('front and choice', () => {
  const r = (index: number, acc: number, flash: number, ram: number, ms: number, status: TrialResult['status'] = 'ok'): TrialResult => ({
    index,
    status,
    metric: 'accuracy',
    int8Val: acc,
    floatVal: acc,
    params: 0,
    epochs: 1,
    measure: { fits: true, flashBytes: flash, ramBytes: ram, stepMs: ms, misses: 0, meetsRate: true, engine: 'js' },
    seconds: 1,
  });

  test('the front holds the trials no other beats in every objective', () => {
    const results = [r(0, 0.9, 1000, 100, 1), r(1, 0.95, 2000, 100, 1), r(2, 0.9, 1500, 100, 1), r(3, 0.8, 900, 200, 0.5), r(4, 0.99, 100, 10, 0.1, 'pruned')];
    expect(paretoFront(results).map((x) => x.index)).toEqual([0, 1, 3]);
  });

  test('the choice: best int8 validation score; ties go to the smaller, then the earlier', () => {
    expect(choose([r(0, 0.9, 1000, 100, 1), r(1, 0.95, 2000, 100, 1)])!.index).toBe(1);
    expect(choose([r(0, 0.95, 2000, 100, 1), r(1, 0.95, 1000, 100, 1)])!.index).toBe(1);
    expect(choose([r(0, 0.95, 1000, 200, 1), r(1, 0.95, 1000, 100, 1)])!.index).toBe(1);
    expect(choose([r(0, 0.95, 1000, 100, 1), r(1, 0.95, 1000, 100, 1)])!.index).toBe(0);
    expect(choose([r(0, 0.95, 1000, 100, 1, 'pruned')])).toBeNull();
    const rmse = { ...r(0, 2.0, 10, 10, 1), metric: 'rmse' as const };
    expect(choose([rmse, { ...rmse, index: 1, int8Val: 1.5 }])!.index).toBe(1);
  });
});

test('SRCH003: --queue takes redis://HOST[:PORT][/DB]', () => {
  expect(connectionOf('redis://10.0.0.5:6380/2')).toEqual({ host: '10.0.0.5', port: 6380, db: 2, maxRetriesPerRequest: null });
  expect(connectionOf('redis://queue-host')).toMatchObject({ host: 'queue-host', port: 6379, db: 0 });
  for (const bad of ['http://host:6379', 'redis://', 'redis://host:port', '10.0.0.5:6379']) expect(codePathOf(() => connectionOf(bad))).toBe('SRCH003 --queue');
});
