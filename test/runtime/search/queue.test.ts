// The search through the distributed queue: a redis-server of its own on a loopback port, two
// `tinyrnn worker --queue` processes, and `tinyrnn search --queue`: the same trial list and result
// as the local search with the same seed and trials. One worker is killed (SIGKILL) while it runs a
// trial: its lock expires, the trial goes back to the queue and the other worker completes it.
// Without redis-server the test says it was NOT run (and fails under CI, which installs it).
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TinyrnnError } from '../../../compiler/core/ir/errors';
import { checkSpace } from '../../../runtime/search/space';
import { SearchOptions, SearchResult, search } from '../../../runtime/search/search';
import { queueRunner } from '../../../runtime/search/queue';
import { REDIS_SERVER, freePort, startRedis, waitForOutput as waitFor } from '../../../bench/search/redis';

const ENTRY = path.join(__dirname, '..', '..', 'compiler', 'train', 'cli-entry.js');
const SPACE = checkSpace({ cell: ['lstm', 'gru'], hidden: [4, 6], layers: [1], dense: [[]], lr: [0.02], epochs: [3], patience: [0] });
const LOCK_MS = 4000;

const outcome = (r: SearchResult) => ({ ...r, elapsedSeconds: 0, files: null, results: r.results.map((x) => ({ ...x, seconds: 0 })) });

if (!REDIS_SERVER) {
  test('queue: redis-server missing: the distributed search NOT run', () => {
    const msg = 'tinyrnn search --queue was NOT run: redis-server is not installed (apt-get install redis-server)';
    if (process.env.CI) throw new Error(msg + ' (CI must install it: see .ci/run)');
    console.warn(msg);
  });
} else {
  describe('tinyrnn search --queue (BullMQ on redis-server)', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-queue-'));
    const procs: ChildProcess[] = [];
    let url = '';
    const options = (out: string, extra: Partial<SearchOptions> = {}): SearchOptions => ({
      settings: { data: 'builtin:gestures?n=60&length=30', cwd: root, board: 'PUCKJS', rateHz: 25, target: 'espruino', seed: 5, val: 0.2, test: 0.2 },
      space: SPACE,
      trials: 4,
      outDir: path.join(root, out),
      workers: 2,
      ...extra,
    });

    beforeAll(async () => {
      const redis = await startRedis(root);
      procs.push(redis.process);
      url = redis.url;
    }, 60_000);

    afterAll(() => {
      for (const p of procs) p.kill('SIGKILL');
      fs.rmSync(root, { recursive: true, force: true });
    });

    function startWorker(log: string[]): ChildProcess {
      const w = spawn(process.execPath, [ENTRY, 'worker', '--queue', url, '--workers', '1'], {
        env: { ...process.env, TINYRNN_QUEUE_LOCK_MS: String(LOCK_MS) },
        stdio: 'pipe',
      });
      procs.push(w);
      w.stdout?.on('data', (d: Buffer) => log.push(d.toString()));
      w.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
      return w;
    }

    test('two worker processes, one killed mid-trial: the result of the local search', async () => {
      const local = await search(options('local'));
      const logA: string[] = [];
      const logB: string[] = [];
      const a = startWorker(logA);
      const b = startWorker(logB);
      const running = search(options('queued', { runner: await queueRunner(url) }));
      // Kill the first worker as soon as it has taken a trial.
      await waitFor(a, /trial \d+: started/, logA);
      const killed = Number(/trial (\d+): started/.exec(logA.join(''))![1]);
      a.kill('SIGKILL');
      const queued = await running;
      expect(outcome(queued)).toEqual(outcome(local));
      // The killed worker's trial was completed by the other one.
      expect(logB.join('')).toMatch(new RegExp(`trial ${killed}: (ok|pruned|failed)`));
      expect(logA.join('')).not.toMatch(new RegExp(`trial ${killed}: (ok|pruned|failed)`));
      b.kill('SIGTERM');
    }, 900_000);

    test('SRCH004: no Redis server at the URL', async () => {
      const e = await queueRunner(`redis://127.0.0.1:${await freePort()}`).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(TinyrnnError);
      expect((e as TinyrnnError).code).toBe('SRCH004');
    }, 60_000);
  });
}
