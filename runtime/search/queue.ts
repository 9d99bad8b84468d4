// Trials on a distributed job queue: BullMQ on a Redis server. `tinyrnn search --queue URL`
// enqueues the search's trials; `tinyrnn worker --queue URL` processes run them, on any number of
// machines. BullMQ gives what a search needs from a job system: a job taken by a worker is locked
// and the lock renewed while the worker lives; a worker that dies stops renewing, its job is
// found stalled and goes back to the queue for another worker (up to MAX_STALLED times); results
// come back to the search through the queue's events. Jobs are named by the search's key and trial
// index, so a resumed search finds the jobs it queued before instead of queuing them twice.
//
// This module is loaded only when --queue is given: a user who never distributes never loads the
// queue client.
import * as crypto from 'node:crypto';
import { TinyrnnError } from '../../compiler/core/ir/errors';
import type { TrialRunner } from './pool';
import { localPool } from './pool';
import type { TrialJob, TrialResult } from './trial';

type BullMQ = typeof import('bullmq');

export const QUEUE_NAME = 'tinyrnn-trials';
/** How long a worker's lock on a trial lasts without renewal (ms): a dead worker's trial moves on after about this long. */
export const LOCK_MS = Number(process.env.TINYRNN_QUEUE_LOCK_MS ?? 30000);
const MAX_STALLED = 3;

function loadBullmq(): BullMQ {
  try {
    return require('bullmq') as BullMQ;
  } catch (e) {
    throw new TinyrnnError({
      code: 'SRCH004',
      path: '--queue',
      message: `the queue client is not installed: ${(e as Error).message}`,
      hint: 'npm install bullmq ioredis',
    });
  }
}

/** Connection options from redis://HOST:PORT[/DB]. */
export function connectionOf(url: string): { host: string; port: number; db: number; maxRetriesPerRequest: null } {
  const m = /^redis:\/\/([^:/]+)(?::(\d+))?(?:\/(\d+))?$/.exec(url);
  if (!m) throw new TinyrnnError({ code: 'SRCH003', path: '--queue', message: 'not a Redis URL', value: url, expected: 'redis://HOST:PORT[/DB]' });
  return { host: m[1], port: Number(m[2] ?? 6379), db: Number(m[3] ?? 0), maxRetriesPerRequest: null };
}

function jobId(job: TrialJob): string {
  const key = crypto
    .createHash('sha256')
    .update(JSON.stringify([job.settings, job.trial]))
    .digest('hex')
    .slice(0, 24);
  return `t${job.trial.index}-${key}`;
}

/** One PING with no retries: the queue client itself would retry a refused connection forever. */
async function ping(url: string): Promise<void> {
  const Redis = (require('ioredis') as typeof import('ioredis')).default;
  const c = new Redis({ ...connectionOf(url), lazyConnect: true, connectTimeout: 5000, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  c.on('error', () => undefined);
  try {
    await c.connect();
    await c.ping();
  } catch (e) {
    throw new TinyrnnError({
      code: 'SRCH004',
      path: '--queue',
      message: `cannot reach the Redis server at ${url}: ${(e as Error).message}`,
      hint: 'start redis-server there, or check the host and port',
    });
  } finally {
    c.disconnect();
  }
}

/** The search's side: enqueue the trials and collect their results as they finish. */
export async function queueRunner(url: string): Promise<TrialRunner> {
  const { Queue, QueueEvents } = loadBullmq();
  await ping(url);
  const connection = connectionOf(url);
  const queue = new Queue(QUEUE_NAME, { connection });
  const events = new QueueEvents(QUEUE_NAME, { connection });
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  return {
    async run(jobs, onResult, shouldStop) {
      const waits: Promise<void>[] = [];
      for (const j of jobs) {
        if (shouldStop()) break;
        const job = await queue.add('trial', j, { jobId: jobId(j), attempts: 1, removeOnComplete: false, removeOnFail: false });
        waits.push(job.waitUntilFinished(events).then((r: TrialResult) => onResult(r)));
      }
      await Promise.all(waits);
    },
    async close() {
      await Promise.allSettled([events.close(), queue.close()]);
    },
  };
}

/**
 * The worker's side: take trials from the queue and run them, `threads` at a time, in worker
 * processes (this process stays free to renew its locks while a trial trains). Resolves
 * when the worker is closed (SIGINT/SIGTERM).
 */
export async function serveQueue(url: string, threads: number, log: (line: string) => void): Promise<void> {
  const { Worker } = loadBullmq();
  await ping(url);
  const pool = localPool(threads);
  const worker = new Worker(
    QUEUE_NAME,
    async (job) => {
      const data = job.data as TrialJob;
      log(`trial ${data.trial.index}: started (job ${job.id})`);
      let result: TrialResult | undefined;
      await pool.run(
        [data],
        (r) => (result = r),
        () => false,
      );
      log(`trial ${data.trial.index}: ${result!.status}`);
      return result;
    },
    { connection: connectionOf(url), concurrency: threads, lockDuration: LOCK_MS, stalledInterval: Math.max(1000, LOCK_MS / 2), maxStalledCount: MAX_STALLED },
  );
  worker.on('failed', (job, err) => log(`trial ${(job?.data as TrialJob | undefined)?.trial.index}: failed: ${err.message}`));
  await new Promise<void>((resolve) => {
    const stop = () =>
      void worker
        .close()
        .then(() => pool.close())
        .then(resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
