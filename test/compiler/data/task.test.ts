// The task guess (classification or regression, with the evidence in words) and the data errors'
// wording: every DATA code is raised here once and its message checked for an empty list or a
// bound that means nothing.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DIAGNOSTIC_CODES } from '../../../compiler/core/ir/codes';
import { TinyrnnError, formatDiagnostic } from '../../../compiler/core/ir/errors';
import { dataLimits, datasetFromObject, parseCsvData, parseJsonData, loadDataFile } from '../../../compiler/data/dataset';
import { loadData } from '../../../compiler/data/load';
import { builtinDataset } from '../../../compiler/data/builtin';
import { checkDataset, splitIndices, windowDataset } from '../../../compiler/data/prep';
import { guessTask, withTask } from '../../../compiler/data/task';
import { formatDataSummary, summarizeData } from '../../../compiler/data/summary';
import { Trainer } from '../../../compiler/train/trainer';
import { evaluateOutputs } from '../../../compiler/train/metrics';
import { main } from '../../../bin/cli/main';

const x = (n: number, T: number): number[][][] => Array.from({ length: n }, (_, i) => Array.from({ length: T }, (_, t) => [i + t / 10]));

describe('task guess', () => {
  test('few dense integer labels per sequence: classification, with the evidence and the override', () => {
    const d = datasetFromObject({ x: x(8, 3), y: [0, 1, 2, 3, 0, 1, 2, 3] });
    expect(guessTask(d)).toEqual({
      task: 'classification',
      evidence: 'targets are integers 0..3 with 4 distinct values: classification; use --task regression to override',
    });
  });

  test('a count series (per-step whole numbers, many distinct values) is guessed as regression and says why', () => {
    const y = Array.from({ length: 6 }, (_, n) => Array.from({ length: 10 }, (_, t) => 3 * n + 7 * t));
    const { data, guess } = withTask(datasetFromObject({ x: x(6, 10), y }));
    expect(guess.task).toBe('regression');
    expect(guess.evidence).toMatch(
      /^per-step targets are integers 0\.\.78 with \d+ distinct values \(more than 20: counts, not classes\): regression; use --task classification/,
    );
    expect(data.targets?.[1][2]).toBe(17);
    expect(data.labels).toBeUndefined();
  });

  test('sparse integer values (fewer than half of 0..K used) are counts', () => {
    const d = datasetFromObject({ x: x(4, 2), y: [0, 40, 80, 40] });
    expect(guessTask(d).evidence).toBe(
      'targets are integers 0..80 with 3 distinct values (fewer than half of 0..80 used: counts, not class indices): regression; use --task classification to override',
    );
  });

  test('N x T real numbers are per-step regression targets, not unknown labels', () => {
    const d = datasetFromObject({
      x: x(2, 3),
      y: [
        [0.5, 1, 2.25],
        [3, 4, 5.5],
      ],
    });
    expect(d.targetNames).toEqual(['target0']);
    expect(Array.from(d.targets![0])).toEqual([0.5, 1, 2.25]);
    expect(guessTask(d).evidence).toBe('targets are real numbers (1 per step): regression; use --task classification to override');
  });

  test('a CSV label column of real numbers is a regression target', () => {
    const d = parseCsvData('seq,label,a\n0,0.5,1\n0,1.5,2\n1,2,3\n');
    expect(d.targetNames).toEqual(['label']);
    expect(Array.from(d.targets![0])).toEqual([0.5, 1.5]);
  });

  test('named labels: classification; --task regression on them is DATA016', () => {
    const d = datasetFromObject({ x: x(2, 2), y: ['walk', 'run'] });
    expect(guessTask(d).evidence).toBe('labels are 2 names (run, walk): classification; use --task regression to override');
    expect(() => withTask(d, 'regression')).toThrow(/DATA016: y: labels are names \(run, walk\), expected numeric labels or targets/);
  });

  test('--task overrides the guess both ways and says what the data alone suggest', () => {
    const d = datasetFromObject({ x: x(4, 2), y: [0, 1, 2, 1] });
    const r = withTask(d, 'regression');
    expect(Array.from(r.data.targets![2])).toEqual([2, 2]);
    expect(r.guess.evidence).toMatch(/^--task regression \(the data alone suggest targets are integers 0\.\.2/);
    const back = withTask(r.data, 'classification');
    expect(back.data.labels).toEqual(['0', '1', '2']);
    expect(Array.from(back.data.yStep![2])).toEqual([2, 2]);
    const real = datasetFromObject({ x: x(1, 2), y: [[0.5, 1]] });
    expect(() => withTask(real, 'classification')).toThrow(/DATA016/);
  });

  test('the trainer reads the data as the configured task and keeps the evidence', () => {
    const d = datasetFromObject({ x: x(12, 4), y: Array.from({ length: 12 }, (_, n) => n % 3) });
    const t = new Trainer(d, { task: 'regression', hidden: 2, epochs: 0, cell: 'elman', val: 0.25, test: 0 });
    expect(t.task).toBe('regression');
    expect(t.taskEvidence).toMatch(/^--task regression/);
    expect(new Trainer(d, { hidden: 2, epochs: 0, cell: 'elman', val: 0.25, test: 0 }).task).toBe('classification');
  });

  test('inspect DATA: the same summary and evidence as train', () => {
    const s = summarizeData(loadData('builtin:sines?n=4'));
    expect(formatDataSummary(s)).toMatch(
      /^builtin:sines\?n=4: 4 sequences x \d+ steps x 1 features \(.*\)\n {2}1 targets \(.*\), one per step\n {2}task: targets are real numbers \(1 per step\): regression; use --task classification to override$/,
    );
  });
});

/** The diagnostics a call throws (it must throw a TinyrnnError). */
function diagnosticsOf(f: () => unknown): TinyrnnError['diagnostics'] {
  try {
    f();
  } catch (e) {
    if (e instanceof TinyrnnError) return e.diagnostics;
    throw e;
  }
  throw new Error('no error thrown');
}

describe('every DATA error says what was expected and what was found', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-data-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const d2 = datasetFromObject({ x: x(2, 2), y: [0, 1] });
  const model = { task: 'regression' as const, output: 'sequence' as const, meta: {}, layers: [] };
  const triggers: Record<string, () => unknown> = {
    DATA001: () => parseJsonData('{"x": [1,'),
    DATA002: () => datasetFromObject({ x: [[[1]]], y: 5 }),
    DATA003: () => parseCsvData('seq,a,b\n0,1\n'),
    DATA004: () => parseCsvData('seq,a\n0,abc\n'),
    DATA005: () => datasetFromObject({ x: [[[Infinity]]] }),
    DATA006: () => datasetFromObject({ x: [[[1, 2], [3]]] }),
    DATA007: () => datasetFromObject({ x: x(2, 2), y: [0] }),
    DATA008: () => datasetFromObject({ x: x(2, 2), y: [0.5, 1.5] }),
    DATA009: () => datasetFromObject({ x: [] }),
    DATA010: () => parseCsvData('a,b\n1,2\n'),
    DATA011: () => loadDataFile(path.join(dir, 'missing.csv')),
    DATA012: () => builtinDataset('nosuch'),
    DATA013: () => builtinDataset('sines?bogus=1'),
    DATA014: () => windowDataset(d2, 50),
    DATA015: () => splitIndices(d2, { val: 0.6, test: 0.6 }, 1),
    DATA017: () => dataLimits({ TINYRNN_DATA_MAX_CLASSES: 'many' }),
    DATA016: () => evaluateOutputs(model, d2, [new Float64Array(2), new Float64Array(2)]),
  };

  test('the walk covers every DATA code in the table', () => {
    const codes = Object.keys(DIAGNOSTIC_CODES).filter((c) => c.startsWith('DATA'));
    expect(Object.keys(triggers).sort()).toEqual(codes.sort());
  });

  test.each(Object.keys(triggers))('%s', (code) => {
    const diags = diagnosticsOf(triggers[code]);
    expect(diags[0].code).toBe(code);
    for (const d of diags) {
      const text = formatDiagnostic(d, 'data.json');
      expect(d.expected ?? '').not.toBe('');
      expect(text).not.toMatch(/one of\s*(,|or\b|$)/);
      expect(text).not.toMatch(/below 0\b|0\.\.-1|at most 0\b/);
    }
  });

  test('DATA008 on float labels per sequence names the shapes in words', () => {
    const [d] = diagnosticsOf(triggers.DATA008);
    expect(d.expected).toBe(
      'class names (strings) or class indices (whole numbers >= 0) in y as N labels (one per sequence); for real-valued targets give y as N x T numbers or N x T x K',
    );
  });

  test('checkDataset with no class names does not promise an index below 0', () => {
    const bad = { ...d2, labels: [] };
    const [d] = diagnosticsOf(() => checkDataset(bad));
    expect(d.code).toBe('DATA008');
    expect(d.expected).toMatch(/^class names \(strings\) or class indices/);
  });
});

describe('on the command line', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-task-cli-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const counts = { x: x(20, 6), y: Array.from({ length: 20 }, (_, n) => Array.from({ length: 6 }, (_, t) => n + 2 * t)) };
  fs.writeFileSync(path.join(dir, 'counts.json'), JSON.stringify(counts));

  async function run(args: string[]): Promise<{ code: number; err: string[]; out: string[] }> {
    const err: string[] = [];
    const out: string[] = [];
    const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t), isTTY: false, cwd: dir });
    return { code, err, out };
  }

  test('train prints the task it inferred and the evidence; --task overrides it', async () => {
    const r = await run(['train', '--data', 'counts.json', '--cell', 'elman', '--hidden', '2', '--epochs', '1', '--out', 'c.tnn']);
    expect(r.code).toBe(0);
    expect(r.err).toContain(
      'task: per-step targets are integers 0..29 with 30 distinct values (more than 20: counts, not classes): regression; use --task classification to override',
    );
    const o = await run([
      'train',
      '--data',
      'counts.json',
      '--task',
      'classification',
      '--cell',
      'elman',
      '--hidden',
      '2',
      '--epochs',
      '1',
      '--out',
      'k.tnn',
      '--json',
    ]);
    expect(o.code).toBe(0);
    expect(JSON.parse(o.out.join('\n'))).toMatchObject({
      task: 'classification',
      taskEvidence: expect.stringMatching(/^--task classification \(the data alone suggest/),
    });
  });

  test('inspect DATA gives the same summary', async () => {
    const r = await run(['inspect', 'counts.json']);
    expect(r.code).toBe(0);
    expect(r.out.join('\n')).toMatch(
      /counts\.json: 20 sequences x 6 steps x 1 features \(f0\)\n {2}1 targets \(target0\), one per step\n {2}task: per-step targets are integers 0\.\.29/,
    );
  });
});
