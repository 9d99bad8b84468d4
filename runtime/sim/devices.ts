// Simulates a fleet job's devices one after another in the calling thread: what each worker thread
// runs (worker.ts), and what fleet.ts runs itself when no workers are used. A leaf below both, so
// the worker does not import the fleet that starts it.
import { findBoard } from '../../targets/boards';
import { simulateDevice } from './device';
import { PreparedEngine } from './engine';
import { engineProvider } from './engines';
import { FaultSpec } from './faults';
import { loadSimModel } from './model';
import { deviceStream } from './stream';
import { DeviceResult } from './types';

/** What a worker needs: plain data only. */
export interface WorkerJob {
  modelFile: string;
  boardId: string;
  prepared: PreparedEngine;
  oracle: PreparedEngine;
  rateHz: number;
  faults: FaultSpec[];
  seed: number;
  data: string;
  cwd: string;
  devices: number;
  windows?: number;
  /** Device indices this worker simulates. */
  indices: number[];
  /** Devices whose per-step traces are kept (for the HTML report). */
  traceDevices: number[];
}

/** Simulates the job's devices one after another in this thread. */
export async function runDevices(job: WorkerJob): Promise<DeviceResult[]> {
  const model = loadSimModel(job.modelFile);
  const board = findBoard(job.boardId);
  const provider = engineProvider(job.prepared.engine);
  const oracle = engineProvider('reference');
  const out: DeviceResult[] = [];
  for (const d of job.indices) {
    const stream = deviceStream(job.data, d, job.devices, { windows: job.windows, cwd: job.cwd });
    out.push(
      await simulateDevice(stream, {
        model,
        board,
        prepared: job.prepared,
        provider,
        oracle: { provider: oracle, prepared: job.oracle },
        rateHz: job.rateHz,
        faults: job.faults,
        seed: (job.seed + d) >>> 0,
        keepTraces: job.traceDevices.includes(d),
      }),
    );
  }
  return out;
}
