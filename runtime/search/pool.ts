// The search's local pool: trials run in N worker processes, each taking the next trial when it
// finishes one; the calling process only schedules, journals and reports. Processes, not threads:
// a trial trains, quantises and simulates, allocating much; threads of one process shared its
// memory and garbage collection and reached 1.49x the trials per hour with two on two cores
// (bench/search), where processes reach more. Results come back in the
// order they finish; the search sorts them by trial, so the outcome does not depend on N.
import * as path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { ThreadError, fromThreadError, startProcess } from '../threads';
import type { TrialJob, TrialResult } from './trial';

export interface TrialRunner {
  /** Runs the jobs, calling onResult as each finishes; stops starting new ones once shouldStop() is true. */
  run(jobs: TrialJob[], onResult: (r: TrialResult) => void, shouldStop: () => boolean): Promise<void>;
  close(): Promise<void>;
}

type Reply = { ok: true; result: TrialResult } | { ok: false; error: ThreadError };

type Worker = ChildProcess;

function startTrialWorker(): Worker {
  return startProcess(path.join(__dirname, 'worker-process.ts'), path.join(__dirname, 'worker-process.js'), __filename);
}

/** Sends one job to a thread and waits for its reply. */
function runOn(w: Worker, job: TrialJob): Promise<TrialResult> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: Reply) => {
      w.off('exit', onExit);
      if (m.ok) resolve(m.result);
      else reject(fromThreadError(m.error, `trial ${job.trial.index}`));
    };
    const onExit = (code: number | null, signal: string | null) => {
      w.off('message', onMessage);
      reject(new Error(`the trial worker process stopped (${signal ?? `exit code ${code}`}) during trial ${job.trial.index}`));
    };
    w.once('message', onMessage);
    w.once('exit', onExit);
    w.send(job);
  });
}

/** N worker processes; a job waits for an idle one. Safe for concurrent callers (the queue worker runs jobs side by side). */
export class LocalPool implements TrialRunner {
  private readonly idle: Worker[];
  private readonly waiting: ((w: Worker) => void)[] = [];
  private readonly all: Worker[];

  constructor(threads: number) {
    this.all = Array.from({ length: Math.max(1, threads) }, startTrialWorker);
    this.idle = [...this.all];
  }

  private acquire(): Promise<Worker> {
    const w = this.idle.pop();
    return w ? Promise.resolve(w) : new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(w: Worker): void {
    const next = this.waiting.shift();
    if (next) next(w);
    else this.idle.push(w);
  }

  async runOne(job: TrialJob): Promise<TrialResult> {
    const w = await this.acquire();
    try {
      return await runOn(w, job);
    } finally {
      this.release(w);
    }
  }

  async run(jobs: TrialJob[], onResult: (r: TrialResult) => void, shouldStop: () => boolean): Promise<void> {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < jobs.length && !shouldStop()) onResult(await this.runOne(jobs[next++]));
    };
    await Promise.all(this.all.map(lane));
  }

  async close(): Promise<void> {
    await Promise.all(
      this.all.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.exitCode !== null || w.signalCode !== null) return resolve();
            w.once('exit', () => resolve());
            w.kill();
          }),
      ),
    );
  }
}

export function localPool(threads: number): LocalPool {
  return new LocalPool(threads);
}
