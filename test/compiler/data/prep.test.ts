// Data tooling: built-in generators, loadData, windowing, stratified splits, normalisation
// statistics, and one test per diagnostic.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadData } from '../../../compiler/data/load';
import { checkDataset, classCounts, normalizationStats, splitIndices, subset, windowDataset } from '../../../compiler/data/prep';
import { Dataset } from '../../../compiler/data/dataset';
import { TinyrnnError } from '../../../compiler/core/ir/errors';

function diag(fn: () => unknown): TinyrnnError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TinyrnnError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('built-in datasets', () => {
  test('gestures: 3 axes at 25 Hz, 6 balanced classes, 50 steps, realistic ranges', () => {
    const d = loadData('builtin:gestures?n=600');
    expect(d.features).toEqual(['ax', 'ay', 'az']);
    expect(d.sampleRate).toBe(25);
    expect(d.labels).toEqual(['idle', 'tap', 'shake', 'wave', 'circle', 'tilt']);
    expect(d.x).toHaveLength(600);
    expect(classCounts(d)).toEqual([100, 100, 100, 100, 100, 100]);
    expect(d.x.every((x) => x.length === 150)).toBe(true);
    // gravity dominates idle recordings: |a| close to 1 g on average
    const idle = d.x.filter((_, n) => d.y![n] === 0);
    let mag = 0;
    let cnt = 0;
    for (const x of idle)
      for (let t = 0; t < 50; t++) {
        mag += Math.hypot(x[t * 3], x[t * 3 + 1], x[t * 3 + 2]);
        cnt++;
      }
    expect(mag / cnt).toBeGreaterThan(0.9);
    expect(mag / cnt).toBeLessThan(1.1);
    // shaking moves far more than idling
    const energy = (k: number): number => {
      let e = 0;
      d.x.forEach((x, n) => {
        if (d.y![n] !== k) return;
        for (let t = 1; t < 50; t++) e += (x[t * 3] - x[(t - 1) * 3]) ** 2;
      });
      return e;
    };
    expect(energy(2)).toBeGreaterThan(20 * energy(0));
  });

  test('seeded: same options give identical data, another seed different data', () => {
    const a = loadData('builtin:gestures?n=30&seed=4');
    const b = loadData('builtin:gestures?n=30&seed=4');
    const c = loadData('builtin:gestures?n=30&seed=5');
    expect(a.x.map((x) => Array.from(x))).toEqual(b.x.map((x) => Array.from(x)));
    expect(Array.from(a.x[0])).not.toEqual(Array.from(c.x[0]));
    expect(a.source).toBe('builtin:gestures?n=30&seed=4');
  });

  test('options change the data: length, noise 0', () => {
    const d = loadData('builtin:gestures?n=12&length=80&noise=0');
    expect(d.x[0].length).toBe(240);
    expect(d.x).toHaveLength(12);
  });

  test('sines: per-step regression, the target is the next clean value', () => {
    const d = loadData('builtin:sines?n=5&length=40&noise=0');
    expect(d.targetNames).toEqual(['next']);
    expect(d.y).toBeUndefined();
    for (const [n, x] of d.x.entries()) for (let t = 0; t + 1 < 40; t++) expect(d.targets![n][t]).toBeCloseTo(x[t + 1], 6);
  });

  test('anomaly: two features, normal/anomaly labels, about a third anomalous', () => {
    const d = loadData('builtin:anomaly');
    expect(d.features).toEqual(['vibration', 'current']);
    expect(d.labels).toEqual(['normal', 'anomaly']);
    const [normal, anomalous] = classCounts(d);
    expect(anomalous / (normal + anomalous)).toBeGreaterThan(0.25);
    expect(anomalous / (normal + anomalous)).toBeLessThan(0.42);
  });

  test('DATA012 unknown dataset names the choices; DATA013 every bad option at once', () => {
    const e = diag(() => loadData('builtin:gesturez'));
    expect(e.code).toBe('DATA012');
    expect(e.message).toContain('builtin:gestures, builtin:sines, builtin:anomaly');
    const o = diag(() => loadData('builtin:gestures?n=0&colour=red&noise=x'));
    expect(o.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ['DATA013', 'n'],
      ['DATA013', 'colour'],
      ['DATA013', 'noise'],
    ]);
  });
});

describe('loadData', () => {
  test('files relative to the working folder, JSON and CSV', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-data-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.csv'), 'seq,label,x\n0,up,1\n0,up,2\n1,down,3\n1,down,4\n');
      const d = loadData('a.csv', dir);
      expect(d.labels).toEqual(['down', 'up']);
      expect(Array.from(d.y!)).toEqual([1, 0]);
      expect(diag(() => loadData('missing.json', dir)).code).toBe('DATA011');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

function toy(): Dataset {
  // 3 recordings of 10 steps, 2 features; per-step labels on the last one
  const x = [0, 1, 2].map((n) => Float32Array.from({ length: 20 }, (_, i) => n * 100 + i));
  return { source: 'toy', features: ['a', 'b'], x, labels: ['p', 'q'], y: Int32Array.from([0, 1, 0]) };
}

describe('windowing', () => {
  test('length and stride; labels inherited; the short tail dropped', () => {
    const w = windowDataset(toy(), 4, 3);
    // starts 0, 3, 6 in each 10-step recording (9 would overrun)
    expect(w.x).toHaveLength(9);
    expect(Array.from(w.x[1])).toEqual([6, 7, 8, 9, 10, 11, 12, 13]);
    expect(Array.from(w.y!)).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0]);
  });
  test('per-step labels and targets are cut alongside', () => {
    const d = toy();
    delete d.y;
    d.yStep = d.x.map((_, n) => Int32Array.from({ length: 10 }, (_, t) => (t + n) % 2));
    const w = windowDataset(d, 5);
    expect(w.x).toHaveLength(6);
    expect(Array.from(w.yStep![3])).toEqual([0, 1, 0, 1, 0]);
    const r: Dataset = {
      source: 'r',
      features: ['a'],
      x: [Float32Array.from({ length: 6 }, (_, i) => i)],
      targets: [Float32Array.from({ length: 12 }, (_, i) => i)],
      targetNames: ['u', 'v'],
    };
    const wr = windowDataset(r, 3, 3);
    expect(Array.from(wr.targets![1])).toEqual([6, 7, 8, 9, 10, 11]);
  });
  test('DATA014 when no recording is long enough', () => {
    const e = diag(() => windowDataset(toy(), 11));
    expect(e.code).toBe('DATA014');
    expect(e.diagnostics[0].value).toBe(10);
  });
});

describe('splits', () => {
  test('stratified by class, disjoint, complete, seeded', () => {
    const d = loadData('builtin:gestures?n=300');
    const s = splitIndices(d, { val: 0.2, test: 0.1 }, 3);
    const all = [...s.train, ...s.val, ...s.test].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(classCounts(subset(d, s.val))).toEqual([10, 10, 10, 10, 10, 10]);
    expect(classCounts(subset(d, s.test))).toEqual([5, 5, 5, 5, 5, 5]);
    expect(Array.from(splitIndices(d, { val: 0.2, test: 0.1 }, 3).val)).toEqual(Array.from(s.val));
    expect(Array.from(splitIndices(d, { val: 0.2, test: 0.1 }, 4).val)).not.toEqual(Array.from(s.val));
  });
  test('DATA015 too few sequences, with a hint', () => {
    const d = toy();
    d.x = d.x.slice(0, 1);
    d.y = Int32Array.from([0]);
    const e = diag(() => splitIndices(d, { val: 0.5, test: 0 }, 1));
    expect(e.code).toBe('DATA015');
    expect(e.diagnostics[0].hint).toContain('--window');
  });
});

describe('normalisation statistics', () => {
  test('mean and std per feature over the given sequences; a constant feature gets std 1', () => {
    const d: Dataset = { source: 's', features: ['a', 'b'], x: [Float32Array.from([1, 5, 3, 5]), Float32Array.from([5, 5, 100, 5])] };
    const st = normalizationStats(d, [0]);
    expect(Array.from(st.mean)).toEqual([2, 5]);
    expect(Array.from(st.std)).toEqual([1, 1]);
    const all = normalizationStats(d);
    expect(all.mean[0]).toBeCloseTo(27.25, 5);
    expect(all.std[0]).toBeCloseTo(Math.sqrt(((1 - 27.25) ** 2 + (3 - 27.25) ** 2 + (5 - 27.25) ** 2 + (100 - 27.25) ** 2) / 4), 4);
  });
});

describe('checkDataset: one test per diagnostic', () => {
  test('DATA005 NaN/Inf with the exact place', () => {
    const d = toy();
    d.x[1][7] = NaN;
    const e = diag(() => checkDataset(d));
    expect(e.diagnostics[0]).toMatchObject({ code: 'DATA005', path: 'x[1][3][1]' });
    expect(e.diagnostics[0].hint).toContain('dropouts');
  });
  test('DATA006 ragged sequence', () => {
    const d = toy();
    d.x[2] = new Float32Array(7);
    expect(diag(() => checkDataset(d)).diagnostics[0]).toMatchObject({ code: 'DATA006', path: 'x[2]' });
  });
  test('DATA008 unknown label index', () => {
    const d = toy();
    d.y![2] = 5;
    expect(diag(() => checkDataset(d)).diagnostics[0]).toMatchObject({ code: 'DATA008', path: 'y[2]', value: 5 });
  });
  test('DATA009 empty data and empty sequences', () => {
    expect(diag(() => checkDataset({ source: 'e', features: ['a'], x: [] })).code).toBe('DATA009');
    const d = toy();
    d.x[0] = new Float32Array(0);
    expect(diag(() => checkDataset(d)).diagnostics[0]).toMatchObject({ code: 'DATA009', path: 'x[0]' });
  });
  test('DATA016 nothing to learn from', () => {
    const d = toy();
    delete d.y;
    expect(diag(() => checkDataset(d, { needTargets: true })).code).toBe('DATA016');
  });
  test('all problems are collected in one error', () => {
    const d = toy();
    d.x[0][0] = Infinity;
    d.y![1] = -1;
    expect(diag(() => checkDataset(d)).diagnostics.map((x) => x.code)).toEqual(['DATA005', 'DATA008']);
  });
});
