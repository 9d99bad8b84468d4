// Worker-thread side of the search's local pool: runs the trials it is sent, one at a time, and
// posts each result (or the error) back. Started by pool.ts.
import { parentPort } from 'node:worker_threads';
import { toThreadError } from '../threads';
import { TrialJob, runTrial } from './trial';

if (parentPort) {
  const port = parentPort;
  port.on('message', (job: TrialJob) => {
    runTrial(job)
      .then((result) => port.postMessage({ ok: true, result }))
      .catch((e: unknown) => port.postMessage({ ok: false, error: toThreadError(e) }));
  });
}
