// `tinyrnn search`: the most accurate int8 model that fits a board at a sample rate (runtime/search).
import * as os from 'node:os';
import * as path from 'node:path';
import { Command, Io, UsageError, Values, choice, emit, flag, num, requireStr, str } from '../command';
import { writeFileAtomic } from '../../../compiler/core/ir/format';
import { findBoard } from '../../../targets/boards';
import { DEFAULT_SPACE, Trial, loadSpace } from '../../../runtime/search/space';
import { SearchProgress, SearchResult, TestScore, search } from '../../../runtime/search/search';
import { TrialResult } from '../../../runtime/search/trial';
import { loadData } from '../../../compiler/data/load';
import { describeTrial, renderSearchReport } from '../../../runtime/report/search';
import { writeReport } from '../../../runtime/report/page';

/** "10m", "90s", "1h" or plain seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text.trim());
  if (!m || !(Number(m[1]) > 0)) throw new UsageError(`--budget ${JSON.stringify(text)}: expected a duration such as 90s, 10m or 1h`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[(m[2] ?? 's') as 's' | 'm' | 'h'];
}

function score(r: { metric: string }, v: number | null): string {
  if (v === null) return '-';
  return r.metric === 'accuracy' ? `${(100 * v).toFixed(1)}%` : v.toPrecision(4);
}

function progressLine(p: SearchProgress): string {
  const r = p.last;
  const what = r.status === 'ok' ? `int8 val ${score(r, r.int8Val)}, ${r.measure.stepMs?.toFixed(2)} ms/step` : `${r.status}: ${r.reason}`;
  const best = p.best ? `best ${score(p.best, p.best.int8Val)} (trial ${p.best.index})` : 'no usable trial yet';
  const eta = p.etaSeconds === null ? '' : ` | ETA ${Math.round(p.etaSeconds)} s`;
  return `[${p.done}/${p.total}] trial ${r.index} ${describeTrial(p.lastTrial)}: ${what} | ${best}${eta}`;
}

function row(t: Trial, r: TrialResult | undefined, front: Set<number>, chosen: number | null): string {
  const mark = t.index === chosen ? '*' : front.has(t.index) ? '+' : ' ';
  if (!r) return `${mark}${String(t.index).padStart(3)}  ${describeTrial(t)}: not run`;
  if (r.status !== 'ok') return `${mark}${String(t.index).padStart(3)}  ${describeTrial(t)}: ${r.status} (${r.reason})`;
  const m = r.measure;
  return `${mark}${String(t.index).padStart(3)}  ${describeTrial(t)}: int8 val ${score(r, r.int8Val)} (float ${score(r, r.floatVal)}), flash ${m.flashBytes} B, RAM ${m.ramBytes} B, ${m.stepMs?.toFixed(2)} ms/step`;
}

function testText(t: TestScore | null): string {
  return t ? `${score(t, t.int8)} int8 (float ${score(t, t.float)}) on ${t.sequences} test sequences` : 'n/a';
}

function baselineText(res: SearchResult): string[] {
  if (!res.baseline.length) return [];
  const lines = res.baseline.map((b) => `    ${describeTrial(res.trials[b.index])}: ${b.test ? testText(b.test) : 'does not fit or keep up'}`);
  const usable = res.baseline.filter((b) => b.test);
  const metric = usable[0]?.test?.metric;
  const best = usable.sort((a, b) => (metric === 'rmse' ? a.test!.int8 - b.test!.int8 : b.test!.int8 - a.test!.int8))[0];
  return [`baseline (train's defaults, kept when they fit and keep up): best ${best ? `${testText(best.test)} (trial ${best.index})` : 'none fits'}`, ...lines];
}

export function searchText(res: SearchResult, io: Io, outDir: string): string {
  const s = res.settings;
  const front = new Set(res.front);
  const byIndex = new Map(res.results.map((r) => [r.index, r]));
  const chosen = res.chosen === null ? null : byIndex.get(res.chosen)!;
  const lines = [
    `search: ${res.trials.filter((t) => !t.baseline).length} trials of seeded random search (seed ${s.seed}) on ${s.data} for ${s.board} at ${s.rateHz} Hz, ${s.target} target${res.complete ? '' : ' (stopped by --budget: not every trial ran)'}`,
    ...res.trials.map((t) => row(t, byIndex.get(t.index), front, res.chosen)),
    `Pareto front (+; int8 validation score against flash, RAM and time per step): trials ${res.front.join(', ') || 'none'}`,
    chosen
      ? `chosen (*): trial ${chosen.index}, ${describeTrial(res.trials[chosen.index])}: int8 val ${score(chosen, chosen.int8Val)}; test ${testText(res.test)}; flash ${chosen.measure.flashBytes} B, RAM ${chosen.measure.ramBytes} B, ${chosen.measure.stepMs?.toFixed(2)} ms per step (${chosen.measure.engine} engine, 0 deadlines missed at ${s.rateHz} Hz)`
      : `no trial fits ${s.board} at ${s.rateHz} Hz`,
    ...baselineText(res),
    `wrote ${[...(res.files ? ['best.tnn', 'best.q.tnn'] : []), 'search.json', 'search.html'].join(', ')} in ${path.relative(io.cwd, outDir) || '.'} (the report: open search.html in a browser)`,
    `${res.elapsedSeconds.toFixed(0)} s`,
  ];
  return lines.join('\n');
}

function defaultWorkers(): number {
  return Math.max(1, os.availableParallelism ? os.availableParallelism() : os.cpus().length);
}

function settingsOf(values: Values, io: Io) {
  const data = requireStr(values, 'data', 'FILE|builtin:NAME');
  const boardName = requireStr(values, 'board', 'NAME (a board profile, e.g. PUCKJS or STM32F411)');
  const board = findBoard(boardName);
  const target = choice(values, 'target', ['c', 'espruino'] as const) ?? (board.espruino ? 'espruino' : 'c');
  const rate = num(values, 'rate', { above: 0 }) ?? loadData(data, io.cwd).sampleRate;
  if (!rate) throw new UsageError('--rate HZ is needed: the data give no sample rate');
  return {
    data,
    cwd: io.cwd,
    board: board.id,
    rateHz: rate,
    target,
    seed: num(values, 'seed', { int: true, min: 0, max: 4294967295 }) ?? 1,
    val: num(values, 'val', { min: 0.01, max: 0.9 }) ?? 0.15,
    test: num(values, 'test', { min: 0, max: 0.9 }) ?? 0.15,
  };
}

export const searchCommand: Command = {
  name: 'search',
  summary: 'find the most accurate int8 model that fits a board at a sample rate (seeded random search, parallel, resumable)',
  usage:
    'tinyrnn search --data DATA --board NAME [--rate HZ] [--target c|espruino] [--trials N] [--budget 10m] [--space FILE] [--out DIR] [--workers N] [--queue redis://HOST:PORT] [--baseline] [--json]',
  description: [
    'Draws --trials distinct models from the space (cell, hidden units, layers, dense head, learning rate,',
    'epochs and early stopping, windows, calibration), seeded, and for each: trains it, quantises it on the',
    'training split, scores the int8 model on the validation split, and simulates its device code on the',
    'board at the rate (memory, fits, time per step, deadlines). Models that cannot fit or keep up are pruned',
    'before training. Prints the Pareto front and the chosen model (best int8 validation score that fits and',
    'keeps up; ties to the smaller) with its test-split score, and saves it as OUT/best.tnn and OUT/best.q.tnn.',
    'The seed and --trials fix the trial list and the result, whatever --workers; OUT/search-journal.jsonl',
    'makes an interrupted search resume where it stopped. --queue runs the trials on `tinyrnn worker`',
    'processes anywhere through a Redis-backed BullMQ queue.',
  ].join('\n'),
  options: {
    data: { type: 'string', short: 'd', arg: 'FILE|builtin:NAME', help: 'training data (split into training, validation and test by --seed)' },
    board: { type: 'string', short: 'b', arg: 'NAME', help: 'board profile: PUCKJS, BANGLEJS2, STM32F411, NRF52840, ...' },
    rate: { type: 'string', short: 'r', arg: 'HZ', help: "sample rate the model must keep up with (default: the data's)" },
    target: { type: 'string', arg: 'c|espruino', help: 'code the board runs (default: espruino on Espruino boards, else c)' },
    trials: { type: 'string', short: 'n', arg: 'N', help: 'trials to draw (default 24)' },
    budget: { type: 'string', arg: 'TIME', help: 'stop starting trials after this long (90s, 10m, 1h); not part of the seeded result' },
    space: { type: 'string', arg: 'FILE', help: 'search space (JSON, or YAML .yaml/.yml): lists of values per setting; missing settings keep the default' },
    out: { type: 'string', short: 'o', arg: 'DIR', help: 'output folder: journal, best.tnn, best.q.tnn, search.json (default search-out)' },
    workers: { type: 'string', arg: 'N', help: 'trials run at once, in worker processes (default: one per core)' },
    queue: { type: 'string', arg: 'redis://HOST:PORT', help: 'run the trials on `tinyrnn worker --queue` processes through this Redis server' },
    seed: { type: 'string', arg: 'N', help: 'seed of the trial list, the data split and training (default 1)' },
    val: { type: 'string', arg: 'F', help: 'validation fraction (default 0.15)' },
    test: { type: 'string', arg: 'F', help: 'test fraction (default 0.15)' },
    baseline: { type: 'boolean', help: "also train LSTM and GRU with 8 and 16 units at train's defaults and report their test scores beside the result" },
    json: { type: 'boolean', help: 'machine-readable result' },
  },
  positionals: [0, 0],
  examples: [
    'tinyrnn search --data builtin:gestures --board PUCKJS --rate 25 --trials 16 --baseline',
    'tinyrnn search --data recordings.csv --board STM32F411 --rate 100 --budget 10m --out search-stm32',
  ],
  async run(values, _pos, io) {
    const settings = settingsOf(values, io);
    const spaceFile = str(values, 'space');
    const outDir = path.resolve(io.cwd, str(values, 'out') ?? 'search-out');
    const budget = str(values, 'budget');
    const queue = str(values, 'queue');
    const runner = queue ? await (await import('../../../runtime/search/queue')).queueRunner(queue) : undefined;
    const res = await search({
      settings,
      space: spaceFile ? loadSpace(path.resolve(io.cwd, spaceFile)) : DEFAULT_SPACE,
      trials: num(values, 'trials', { int: true, min: 1, max: 100000 }) ?? 24,
      outDir,
      workers: num(values, 'workers', { int: true, min: 1, max: 256 }) ?? defaultWorkers(),
      ...(budget ? { budgetSeconds: parseDuration(budget) } : {}),
      baseline: flag(values, 'baseline'),
      runner,
      progress: (p) => io.err(progressLine(p)),
    });
    const summary = { ...res, results: res.results.map(({ model: _m, qmodel: _q, ...r }) => r) };
    writeFileAtomic(path.join(outDir, 'search.json'), JSON.stringify(summary, null, 1) + '\n');
    writeReport(path.join(outDir, 'search.html'), renderSearchReport(res));
    emit(io, flag(values, 'json'), summary, () => searchText(res, io, outDir));
    return res.chosen === null ? 1 : 0;
  },
};
