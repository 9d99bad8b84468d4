// The search end to end on a small space: the same seed and trials give the same trial list and
// result with 1 and 2 worker threads; an interrupted search (stopped after one trial, and a journal
// whose last line was torn by a kill) resumes to the result of an uninterrupted one; a journal of
// another search is refused (SRCH002); a worker with other data refuses the trial (SRCH005); the
// chosen model is saved and its test score reported.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TinyrnnError } from '../../../compiler/core/ir/errors';
import { loadQuantModel } from '../../../compiler/core/ir/format';
import { checkSpace } from '../../../runtime/search/space';
import { SearchOptions, SearchResult, search } from '../../../runtime/search/search';
import { JOURNAL_FILE } from '../../../runtime/search/journal';
import { localPool, TrialRunner } from '../../../runtime/search/pool';
import { runTrial } from '../../../runtime/search/trial';

const SPACE = checkSpace({ cell: ['lstm', 'gru', 'esn'], hidden: [4, 6], layers: [1], dense: [[]], lr: [0.02], epochs: [2], patience: [0], leak: [0.3] });
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-search-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function options(out: string, extra: Partial<SearchOptions> = {}): SearchOptions {
  return {
    settings: { data: 'builtin:gestures?n=60&length=30', cwd: root, board: 'PUCKJS', rateHz: 25, target: 'espruino', seed: 3, val: 0.2, test: 0.2 },
    space: SPACE,
    trials: 3,
    outDir: path.join(root, out),
    workers: 1,
    ...extra,
  };
}

/** What must not depend on workers, order or interruptions: everything but wall-clock times. */
function outcome(r: SearchResult): unknown {
  return { ...r, elapsedSeconds: 0, files: null, results: r.results.map((x) => ({ ...x, seconds: 0 })) };
}

/** A runner that stops starting trials after `n` results, as an interrupted search does. */
function stopsAfter(n: number): TrialRunner {
  const pool = localPool(1);
  let got = 0;
  return {
    run: (jobs, onResult, stop) =>
      pool.run(
        jobs,
        (r) => {
          got++;
          onResult(r);
        },
        () => stop() || got >= n,
      ),
    close: () => pool.close(),
  };
}

describe('tinyrnn search', () => {
  let one: SearchResult;

  test('1 and 2 worker threads: the same trial list and result; the chosen model saved', async () => {
    one = await search(options('w1'));
    const two = await search(options('w2', { workers: 2 }));
    expect(outcome(two)).toEqual(outcome(one));
    expect(one.complete).toBe(true);
    expect(one.results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    expect(one.chosen).not.toBeNull();
    const q = loadQuantModel(one.files!.qmodel);
    expect(Buffer.from(fs.readFileSync(one.files!.qmodel)).toString('base64')).toBe(one.results[one.chosen!].qmodel);
    expect(q.meta.features).toEqual(['ax', 'ay', 'az']);
    expect(one.test!.sequences).toBe(12);
    expect(one.front).toContain(one.chosen);
  }, 600_000);

  test('interrupted after one trial, then with a torn journal line: resumes to the same result', async () => {
    const partial = await search(options('resume', { runner: stopsAfter(1) }));
    expect(partial.complete).toBe(false);
    expect(partial.results).toHaveLength(1);
    // a kill while the next line was being written leaves half a line
    fs.appendFileSync(path.join(root, 'resume', JOURNAL_FILE), '{"index":1,"status":"o');
    const resumed = await search(options('resume'));
    expect(outcome(resumed)).toEqual(outcome(one));
  }, 600_000);

  test('SRCH002: the output folder holds the journal of another search', async () => {
    const e = await search(options('w1', { trials: 2 })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TinyrnnError);
    expect((e as TinyrnnError).code).toBe('SRCH002');
  });

  test('SRCH005: a worker whose data differ from the search refuses the trial', async () => {
    const s = { ...options('x').settings, dataCrc: 12345 };
    const e = await runTrial({
      settings: s,
      trial: { index: 0, cell: 'lstm', hidden: 4, layers: 1, dense: [], lr: 0.02, epochs: 1, patience: 0, window: 0, stride: 0, percentile: 100 },
    }).catch((x: unknown) => x);
    expect((e as TinyrnnError).code).toBe('SRCH005');
  });
});
