import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadDataFile, parseCsvData, parseJsonData } from '../../../compiler/data/dataset';
import { TinyrnnError } from '../../../compiler/core/ir/errors';

function diag(fn: () => unknown): { code: string; line?: number; path: string; message: string; text: string } {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof TinyrnnError)) throw e;
    const d = e.diagnostics[0];
    return { code: d.code, line: d.line, path: d.path, message: d.message, text: e.message };
  }
  throw new Error('no error');
}

describe('JSON data format', () => {
  test('classification with label names', () => {
    const d = parseJsonData(
      JSON.stringify({
        x: [
          [
            [1, 2],
            [3, 4],
          ],
          [[5, 6]],
        ],
        y: ['b', 'a'],
        features: ['p', 'q'],
      }),
    );
    expect(d.features).toEqual(['p', 'q']);
    expect(d.labels).toEqual(['a', 'b']);
    expect(Array.from(d.y!)).toEqual([1, 0]);
    expect(Array.from(d.x[0])).toEqual([1, 2, 3, 4]);
  });
  test('declared labels fix the class order; indices accepted', () => {
    const d = parseJsonData(JSON.stringify({ x: [[[1]], [[2]]], y: [1, 'idle'], labels: ['idle', 'shake'] }));
    expect(Array.from(d.y!)).toEqual([1, 0]);
  });
  test('per-step regression targets', () => {
    const d = parseJsonData(JSON.stringify({ x: [[[1], [2]]], y: [[[0.5], [0.25]]] }));
    expect(Array.from(d.targets![0])).toEqual([0.5, 0.25]);
  });
  test('syntax error has a line', () => {
    const e = diag(() => parseJsonData('{\n "x": [[[1]],\n oops }', 'a.json'));
    expect(e.code).toBe('DATA001');
    expect(e.line).toBe(3);
  });
  test('ragged features name the path', () => {
    const e = diag(() => parseJsonData(JSON.stringify({ x: [[[1, 2], [3]]] })));
    expect([e.code, e.path]).toEqual(['DATA006', 'x[0][1]']);
  });
  test('non-number, unknown label, y/x mismatch, empty', () => {
    expect(diag(() => parseJsonData(JSON.stringify({ x: [[[1, 'a']]] }))).code).toBe('DATA004');
    expect(diag(() => parseJsonData(JSON.stringify({ x: [[[1]]], y: ['zzz'], labels: ['a'] }))).code).toBe('DATA008');
    expect(diag(() => parseJsonData(JSON.stringify({ x: [[[1]]], y: ['a', 'b'] }))).code).toBe('DATA007');
    expect(diag(() => parseJsonData(JSON.stringify({ x: [] }))).code).toBe('DATA009');
    expect(diag(() => parseJsonData(JSON.stringify({ y: [] }))).code).toBe('DATA002');
  });
});

describe('CSV data format', () => {
  const good = 'seq,label,ax,ay\n0,shake,1,2\n0,shake,3,4\n1,idle,5,6\n';
  test('rows grouped by seq, labels per sequence', () => {
    const d = parseCsvData(good, 'g.csv');
    expect(d.features).toEqual(['ax', 'ay']);
    expect(d.x.map((x) => Array.from(x))).toEqual([
      [1, 2, 3, 4],
      [5, 6],
    ]);
    expect(d.labels).toEqual(['idle', 'shake']);
    expect(Array.from(d.y!)).toEqual([1, 0]);
  });
  test('per-step targets', () => {
    const d = parseCsvData('seq,x,target_y\na,1,10\na,2,20\n');
    expect(Array.from(d.targets![0])).toEqual([10, 20]);
    expect(d.targetNames).toEqual(['target_y']);
  });
  test('labels that change within a sequence become per-step labels', () => {
    const d = parseCsvData('seq,label,x\n0,a,1\n0,b,2\n');
    expect(d.yStep!.map((y) => Array.from(y))).toEqual([[0, 1]]);
  });
  test('errors carry file and line', () => {
    const e = diag(() => parseCsvData('seq,label,ax,ay\n0,a,1,2\n0,a,1\n', 'walk.csv'));
    expect([e.code, e.line]).toEqual(['DATA003', 3]);
    expect(e.text).toContain('walk.csv:3: error DATA003: row has 3 columns, expected 4 (seq, label, ax, ay)');
    expect(diag(() => parseCsvData('seq,x\n0,abc\n')).code).toBe('DATA004');
    expect(diag(() => parseCsvData('seq,x\n0,NaN\n')).code).toBe('DATA005');
    expect(diag(() => parseCsvData('seq,x\n0,inf\n0,Infinity\n')).code).toBe('DATA004');
    expect(diag(() => parseCsvData('a,b\n1,2\n')).code).toBe('DATA010');
    expect(diag(() => parseCsvData('seq,x\n')).code).toBe('DATA009');
    expect(diag(() => parseCsvData('')).code).toBe('DATA009');
    const split = diag(() => parseCsvData('seq,x\n0,1\n1,2\n0,3\n'));
    expect([split.code, split.line]).toEqual(['DATA002', 4]);
  });
  test('files by extension; missing file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'data-'));
    fs.writeFileSync(path.join(dir, 'd.csv'), good);
    expect(loadDataFile(path.join(dir, 'd.csv')).x.length).toBe(2);
    expect(diag(() => loadDataFile(path.join(dir, 'none.json'))).code).toBe('DATA011');
    fs.rmSync(dir, { recursive: true });
  });
});
