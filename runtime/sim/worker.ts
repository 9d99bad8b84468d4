// Worker-thread side of a fleet: simulates the devices it is given and posts their results.
// Started by fleet.ts; the same code runs in the main thread when no workers are used.

import { parentPort, workerData } from 'node:worker_threads';
import { runDevices, WorkerJob } from './devices';
import { toThreadError } from '../threads';

if (parentPort && workerData && (workerData as { job?: WorkerJob }).job) {
  const port = parentPort;
  const job = (workerData as { job: WorkerJob }).job;
  runDevices(job)
    .then((results) => port.postMessage({ ok: true, results }))
    .catch((e: unknown) => port.postMessage({ ok: false, error: toThreadError(e) }));
}
