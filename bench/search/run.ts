// Search benchmark: trials per hour of `tinyrnn search` on one machine with 1 and 2 worker processes,
// and through the queue (redis-server of its own, 2 `tinyrnn worker` processes of 1 thread each),
// on the same seeded trials, printed side by side as ratios, with a check that the three runs give
// the same result. Wall-clock figures: run it on an otherwise idle machine (the load is printed).
//
//   npm run build && node dist/bench/search/run.js [--trials 8]
//
// Target (issue): 2 workers reach at least 1.6x the trials per hour of 1 on a 2-core machine.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkSpace } from '../../runtime/search/space';
import { SearchOptions, SearchResult, search } from '../../runtime/search/search';
import { queueRunner } from '../../runtime/search/queue';
import { REDIS_SERVER, startRedis, waitForOutput } from './redis';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : def;
}

const SPACE = checkSpace({ cell: ['lstm', 'gru'], hidden: [8, 12, 16, 24], layers: [1], dense: [[]], lr: [0.01, 0.02], epochs: [10], patience: [0] });
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-bench-search-'));

function options(out: string, trials: number, workers: number): SearchOptions {
  return {
    settings: { data: 'builtin:gestures?n=400', cwd: root, board: 'PUCKJS', rateHz: 25, target: 'espruino', seed: 1, val: 0.15, test: 0.15 },
    space: SPACE,
    trials,
    outDir: path.join(root, out),
    workers,
  };
}

const perHour = (r: SearchResult) => (3600 * r.results.length) / r.elapsedSeconds;
const outcome = (r: SearchResult) => JSON.stringify({ ...r, elapsedSeconds: 0, files: null, results: r.results.map((x) => ({ ...x, seconds: 0 })) });

async function queued(trials: number): Promise<SearchResult | string> {
  if (!REDIS_SERVER) return 'not run: redis-server is not installed';
  const redis = await startRedis(root);
  const workers: ChildProcess[] = [];
  try {
    // dist/bench/search/run.js -> the package's launcher bin/tinyrnn.js (which runs dist/)
    const launcher = path.join(__dirname, '..', '..', '..', 'bin', 'tinyrnn.js');
    for (let i = 0; i < 2; i++) {
      const w = spawn(process.execPath, [launcher, 'worker', '--queue', redis.url, '--workers', '1'], { stdio: 'pipe' });
      workers.push(w);
      await waitForOutput(w, /taking trials/, []);
    }
    return await search({ ...options('queue', trials, 1), runner: await queueRunner(redis.url) });
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    redis.process.kill('SIGKILL');
  }
}

async function main(): Promise<void> {
  const trials = Number(arg('trials', '8'));
  const log = (s: string) => process.stdout.write(s + '\n');
  log(`search benchmark: ${trials} trials (LSTM/GRU 8..24, 10 epochs) on builtin:gestures?n=400 for Puck.js at 25 Hz, espruino target`);
  log(
    `machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}; load average ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  const one = await search(options('w1', trials, 1));
  const two = await search(options('w2', trials, 2));
  const q = await queued(trials);
  log('');
  log('run                           trials/hour   vs 1 worker   same result');
  const line = (name: string, r: SearchResult) =>
    `${name.padEnd(30)}${perHour(r).toFixed(0).padStart(11)}   ${(perHour(r) / perHour(one)).toFixed(2).padStart(10)}x   ${outcome(r) === outcome(one) ? 'yes' : 'NO'}`;
  log(line('local, 1 worker process', one));
  log(line('local, 2 worker processes', two));
  log(typeof q === 'string' ? `queue, 2 tinyrnn workers        ${q}` : line('queue, 2 tinyrnn workers', q));
  log('');
  log(`target: 2 workers >= 1.6x the trials per hour of 1 (measured ${(perHour(two) / perHour(one)).toFixed(2)}x)`);
  fs.rmSync(root, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
