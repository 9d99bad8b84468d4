// `tinyrnn search`: the most accurate int8 model that fits a board at a sample rate.
//
// Strategy: seeded random search over the space (space.ts), each trial trained with early stopping
// on the validation split (patience) and pruned before training when its size or step time rules
// it out (trial.ts). Random search rather than successive halving: a trial is then one
// self-contained, deterministic job, so trials run in any order on any number of threads or
// machines with the same outcome, a killed trial is simply run again, and nothing waits for a rung
// to fill; the early stopping inside a trial already ends unpromising training early.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TinyrnnError } from '../../compiler/core/ir/errors';
import { decodeFloatModel, decodeQuantModel, writeFileAtomic } from '../../compiler/core/ir/format';
import { dataFingerprint } from '../../compiler/train/trainer';
import { evaluateFloat } from '../../compiler/train/metrics';
import { evaluateQuant } from '../../compiler/quant/report';
import { SearchSpace, Trial, baselineTrials, trialKey, trialList } from './space';
import { SearchSettings, TrialJob, TrialResult, scoreOf, searchData } from './trial';
import { openJournal } from './journal';
import { choose, paretoFront } from './front';
import { TrialRunner, localPool } from './pool';

export interface SearchOptions {
  settings: Omit<SearchSettings, 'dataCrc'>;
  space: SearchSpace;
  trials: number;
  outDir: string;
  /** Local worker processes (ignored with a queue runner). */
  workers: number;
  /** Stop starting trials after this many seconds (the trial in flight finishes). */
  budgetSeconds?: number;
  /** Also run the baseline (space.ts baselineTrials) and report it beside the result. */
  baseline?: boolean;
  /** Another runner (the distributed queue); default: the local pool. */
  runner?: TrialRunner;
  progress?: (p: SearchProgress) => void;
}

export interface SearchProgress {
  done: number;
  total: number;
  best: TrialResult | null;
  elapsedSeconds: number;
  etaSeconds: number | null;
  last: TrialResult;
  lastTrial: Trial;
}

export interface TestScore {
  int8: number;
  float: number;
  metric: 'accuracy' | 'rmse';
  sequences: number;
}

export interface SearchResult {
  settings: SearchSettings;
  trials: Trial[];
  results: TrialResult[];
  /** False when --budget stopped the search before every trial ran. */
  complete: boolean;
  front: number[];
  chosen: number | null;
  /** The chosen model on the test split, reported once: int8 and float. */
  test: TestScore | null;
  /** --baseline: each baseline trial with its test-split score (null when it does not fit or keep up). */
  baseline: { index: number; test: TestScore | null }[];
  files: { model: string; qmodel: string } | null;
  elapsedSeconds: number;
}

function journalHeader(s: SearchSettings, space: SearchSpace, trials: Trial[]): object {
  return { settings: { ...s, cwd: undefined }, space, trials: trials.map((t) => trialKey(t)) };
}

function saveChosen(outDir: string, r: TrialResult): { model: string; qmodel: string } {
  const model = path.join(outDir, 'best.tnn');
  const qmodel = path.join(outDir, 'best.q.tnn');
  writeFileAtomic(model, Buffer.from(r.model!, 'base64'));
  writeFileAtomic(qmodel, Buffer.from(r.qmodel!, 'base64'));
  return { model, qmodel };
}

function testScore(s: SearchSettings, t: Trial, r: TrialResult): TestScore | null {
  if (r.status !== 'ok') return null;
  const d = searchData(s, t.window, t.stride);
  if (!d.test) return null;
  const q = decodeQuantModel(Buffer.from(r.qmodel!, 'base64'));
  const f = decodeFloatModel(Buffer.from(r.model!, 'base64'));
  return { int8: scoreOf(evaluateQuant(q, d.test)), float: scoreOf(evaluateFloat(f, d.test)), metric: r.metric, sequences: d.test.x.length };
}

async function runPending(o: SearchOptions, jobs: TrialJob[], onResult: (r: TrialResult) => void): Promise<boolean> {
  const t0 = Date.now();
  const over = () => o.budgetSeconds !== undefined && (Date.now() - t0) / 1000 >= o.budgetSeconds;
  const runner = o.runner ?? localPool(Math.min(o.workers, Math.max(1, jobs.length)));
  try {
    await runner.run(jobs, onResult, over);
  } finally {
    await runner.close();
  }
  return !over();
}

export async function search(o: SearchOptions): Promise<SearchResult> {
  const t0 = Date.now();
  const data = searchData({ ...o.settings, dataCrc: 0 }).data;
  const settings: SearchSettings = { ...o.settings, dataCrc: dataFingerprint(data) };
  const drawn = trialList(o.space, settings.seed, o.trials);
  const trials = [...drawn, ...(o.baseline ? baselineTrials(drawn.length) : [])];
  if (!drawn.length) throw new TinyrnnError({ code: 'SRCH003', path: '--trials', message: 'no trial to run', value: o.trials, expected: 'at least 1' });
  const journal = openJournal(o.outDir, journalHeader(settings, o.space, trials));
  const pending = trials.filter((t) => !journal.done.has(t.index)).map((trial) => ({ settings, trial }));
  const onResult = (r: TrialResult) => {
    journal.append(r);
    const done = journal.done.size;
    const elapsed = (Date.now() - t0) / 1000;
    const ran = done - (trials.length - pending.length);
    const eta = ran > 0 ? (elapsed / ran) * (trials.length - done) : null;
    const searched = [...journal.done.values()].filter((x) => !trials[x.index].baseline);
    o.progress?.({ done, total: trials.length, best: choose(searched), elapsedSeconds: elapsed, etaSeconds: eta, last: r, lastTrial: trials[r.index] });
  };
  const complete = pending.length ? await runPending(o, pending, onResult) : true;
  const all = trials.map((t) => journal.done.get(t.index)).filter((r): r is TrialResult => !!r);
  const results = all.filter((r) => !trials[r.index].baseline);
  const best = choose(results);
  fs.mkdirSync(o.outDir, { recursive: true });
  return {
    settings,
    trials,
    results: all,
    complete: complete && all.length === trials.length,
    front: paretoFront(results).map((r) => r.index),
    chosen: best ? best.index : null,
    test: best ? testScore(settings, trials[best.index], best) : null,
    baseline: all.filter((r) => trials[r.index].baseline).map((r) => ({ index: r.index, test: testScore(settings, trials[r.index], r) })),
    files: best ? saveChosen(o.outDir, best) : null,
    elapsedSeconds: (Date.now() - t0) / 1000,
  };
}
