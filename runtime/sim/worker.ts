// Worker-thread side of a fleet: simulates the devices it is given and posts their results.
// Started by fleet.ts; the same code runs in the main thread when no workers are used.

import { parentPort, workerData } from 'node:worker_threads';
import { runDevices, WorkerJob } from './devices';

if (parentPort && workerData && (workerData as { job?: WorkerJob }).job) {
  const port = parentPort;
  const job = (workerData as { job: WorkerJob }).job;
  runDevices(job)
    .then((results) => port.postMessage({ ok: true, results }))
    .catch((e: unknown) => {
      const err = e as Error & { diagnostics?: unknown; file?: string };
      port.postMessage({
        ok: false,
        error: { message: err.message, name: err.name, diagnostics: err.diagnostics ?? null, file: err.file ?? null, stack: err.stack },
      });
    });
}
