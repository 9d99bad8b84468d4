// Hostile and large data files (issue 18): label indices past the class limit, float32 overflow,
// many labels (valid data: must load), and messages that stay short however many labels there are.
import { parseCsvData, parseJsonData, dataLimits, jsonErrorOffset, DEFAULT_DATA_LIMITS } from '../../../compiler/data/dataset';
import { TinyrnnError } from '../../../compiler/core/ir/errors';
import { withTask } from '../../../compiler/data/task';

function diagOf(fn: () => unknown): { code: string; path: string; message: string; expected?: string; line?: number } {
  try {
    fn();
  } catch (e) {
    if (e instanceof TinyrnnError) return e.diagnostics[0];
    throw new Error(`not a TinyrnnError: ${(e as Error).stack}`);
  }
  return { code: 'OK', path: '', message: '' };
}

const N = 200000;

test('200,000 sequences with integer labels load (no spread, no recursion over the labels)', () => {
  const doc = { x: Array.from({ length: N }, (_, i) => [[i % 3]]), y: Array.from({ length: N }, (_, i) => i % 4) };
  const d = parseJsonData(JSON.stringify(doc));
  expect(d.x.length).toBe(N);
  expect(d.labels).toEqual(['0', '1', '2', '3']);
});

test('one sequence with 200,000 per-step labels loads', () => {
  const doc = { x: [Array.from({ length: N }, () => [0])], y: [Array.from({ length: N }, (_, i) => i % 2)] };
  expect(parseJsonData(JSON.stringify(doc)).yStep?.[0].length).toBe(N);
});

test.each([2 ** 31, 2 ** 32, 1e10, 2 ** 53])('label index %d: DATA008 with the limit and how to raise it', (big) => {
  const d = diagOf(() => parseJsonData(JSON.stringify({ x: [[[0]]], y: [big] })));
  expect(d).toMatchObject({ code: 'DATA008', expected: `indices below ${DEFAULT_DATA_LIMITS.maxClasses}` });
});

test.each([2 ** 31, 1e10, 70000])('a CSV label column with %d, past the class limit, holds targets (a count series), not classes', (big) => {
  const c = parseCsvData(`seq,label,a\n0,${big},1\n0,3,2\n`);
  expect(c.labels).toBeUndefined();
  expect(Array.from(c.targets?.[0] ?? [])).toEqual([big, 3]);
  const g = withTask(c);
  expect(g.guess.task).toBe('regression');
  expect(diagOf(() => withTask(c, 'classification'))).toMatchObject({ code: 'DATA016', expected: expect.stringContaining('TINYRNN_DATA_MAX_CLASSES') });
});

test('per-step JSON numbers past the class limit or negative hold targets', () => {
  for (const v of [70000, -3]) {
    const d = parseJsonData(JSON.stringify({ x: [[[0], [1]]], y: [[v, 2]] }));
    expect([d.labels, Array.from(d.targets?.[0] ?? [])]).toEqual([undefined, [v, 2]]);
  }
});

test('the class limit is overridable: TINYRNN_DATA_MAX_CLASSES', () => {
  const limits = dataLimits({ TINYRNN_DATA_MAX_CLASSES: '100000' });
  expect(limits.maxClasses).toBe(100000);
  expect(parseCsvData('seq,label,a\n0,70000,1\n', 'x.csv', undefined, limits).labels?.length).toBe(70001);
  expect(diagOf(() => dataLimits({ TINYRNN_DATA_MAX_CLASSES: 'lots' })).code).toBe('DATA017');
});

test.each([
  ['JSON feature', () => parseJsonData('{"x":[[[1e39]]]}'), 'x[0][0][0]'],
  ['JSON target', () => parseJsonData('{"x":[[[1]]],"y":[[[-1e39]]]}'), 'y[0][0][0]'],
  ['CSV feature', () => parseCsvData('seq,label,a\n0,x,1e39\n'), 'a'],
  ['CSV target', () => parseCsvData('seq,target,a\n0,-1e39,1\n'), 'target'],
])('%s past float32 (1e39 is finite in JSON but Infinity as float32): DATA005', (_, fn, path) => {
  expect(diagOf(fn)).toMatchObject({ code: 'DATA005', path });
});

test('50,000 unknown labels: the messages name at most 20 labels', () => {
  const n = 50000;
  const doc = {
    x: Array.from({ length: n }, () => [[0]]),
    y: Array.from({ length: n }, (_, i) => `c${i}`),
    labels: Array.from({ length: n - 1 }, (_, i) => `k${i}`),
  };
  const d = diagOf(() => parseJsonData(JSON.stringify(doc)));
  expect(d.code).toBe('DATA008');
  expect(d.expected?.length).toBeLessThan(400);
});

test('per-step targets: a short first sequence, then a first row that is not an array (the fuzzer found a TypeError)', () => {
  let codes: string[] = [];
  try {
    parseJsonData('{"x":[[[1],[2]],[[3],[4]]],"y":[[[1]],[null,[1]]]}');
  } catch (e) {
    codes = (e as TinyrnnError).diagnostics.map((d) => `${d.code} ${d.path}`);
  }
  expect(codes).toEqual(['DATA007 y[0]', 'DATA006 y[1][0]']);
});

test('the JSON syntax-error locator walks 200,000 nested brackets without recursion', () => {
  expect(jsonErrorOffset('['.repeat(200000))).toBe(200000);
  expect(jsonErrorOffset('['.repeat(200000) + ']'.repeat(200000))).toBe(-1);
});

// A wide first step followed by empty ones once allocated steps x width floats (10^10 here) from
// a 500 kB file, before the steps were checked: now every step is checked first.
test('a first time step of 10^5 features and 10^5 empty steps: DATA006, nothing allocated for them', () => {
  const n = 100000;
  const d = diagOf(() => parseJsonData(JSON.stringify({ x: [[new Array(n).fill(0), ...new Array(n - 1).fill([])]] })));
  expect(d).toMatchObject({ code: 'DATA006', path: 'x[0][1]' });
});

test('a target row of 10^5 values and 10^5 empty rows: DATA006 on the first short row', () => {
  const n = 100000;
  const doc = { x: [new Array(n).fill([0])], y: [[new Array(n).fill(0), ...new Array(n - 1).fill([])]] };
  expect(diagOf(() => parseJsonData(JSON.stringify(doc)))).toMatchObject({ code: 'DATA006', path: 'y[0][1]' });
});
