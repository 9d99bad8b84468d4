// A fleet of simulated devices, run concurrently on worker threads (node:worker_threads).
//
// Device d of a fleet is exactly the single run with fault seed S + d on its own stream (for
// builtin: data, the generator seed base + d; see stream.ts), so fleet figures can be checked
// against single runs.
// Devices are dealt out in contiguous blocks to W worker threads and the calling thread (default:
// one thread per core in all, at most one per device); each worker loads the model and board
// itself, opens its own engine sessions on the engine prepared once in the main thread, simulates
// its devices one after another and posts plain-data results back. With W = 0 every device runs in
// the calling thread: the results are identical (the fleet test checks this), only the wall-clock
// time differs.

import * as os from 'node:os';
import * as path from 'node:path';
import { ThreadError, fromThreadError, startThread } from '../threads';
import { WorkerJob, runDevices } from './devices';
import { DeviceResult } from './types';

function startWorker(job: WorkerJob): Promise<DeviceResult[]> {
  const w = startThread(path.join(__dirname, 'worker.ts'), path.join(__dirname, 'worker.js'), { job }, __filename);
  return new Promise((resolve, reject) => {
    let done = false;
    w.on('message', (m: { ok: boolean; results?: DeviceResult[]; error?: ThreadError }) => {
      done = true;
      if (m.ok) resolve(m.results as DeviceResult[]);
      else reject(fromThreadError(m.error!, 'simulation worker'));
      void w.terminate();
    });
    w.on('error', (e) => {
      if (!done) reject(e);
      done = true;
    });
    w.on('exit', (code) => {
      if (!done) reject(new Error(`simulation worker exited with code ${code} before reporting`));
      done = true;
    });
  });
}

/**
 * Default worker count: one thread per core with the calling thread counted as one (it simulates
 * its share of the devices too, with its code already warm), at most one thread per device.
 */
export function defaultWorkers(devices: number): number {
  const cores = Math.max(1, os.availableParallelism ? os.availableParallelism() : os.cpus().length);
  return devices <= 1 ? 0 : Math.max(1, Math.min(devices, cores) - 1);
}

/**
 * Runs all devices on `workers` worker threads plus the calling thread (0: everything in the
 * calling thread). Results are sorted by device.
 */
export async function runFleet(base: Omit<WorkerJob, 'indices'>, workers: number): Promise<DeviceResult[]> {
  const all = Array.from({ length: base.devices }, (_, i) => i);
  if (workers <= 0 || base.devices <= 1) return runDevices({ ...base, indices: all });
  const threads = Math.min(workers + 1, base.devices);
  // Contiguous blocks, one per thread; devices cost about the same. Block 0 stays here.
  const blocks: number[][] = [];
  for (let k = 0; k < threads; k++) blocks.push(all.slice(Math.floor((k * base.devices) / threads), Math.floor(((k + 1) * base.devices) / threads)));
  // Start the workers first (they boot in parallel), then simulate this thread's block.
  const remote = blocks.slice(1).map((indices) => startWorker({ ...base, indices }));
  let local: DeviceResult[];
  try {
    local = await runDevices({ ...base, indices: blocks[0] });
  } catch (e) {
    await Promise.allSettled(remote);
    throw e;
  }
  const parts = await Promise.all(remote);
  return [...local, ...parts.flat()].sort((a, b) => a.device - b.device);
}

export type { WorkerJob } from './devices';
export { runDevices } from './devices';
