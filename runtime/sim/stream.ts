// Sensor streams for simulated devices: recordings (windows) played back to back, sample by sample.
//
// Which recordings a device gets:
//   builtin:NAME[?opts]  device d runs the same generator with seed (seed + d): a different
//                        recording session per device, reproducible;
//   FILE                 the file's recordings are dealt out round-robin: device d gets recordings
//                        d, d + N, d + 2N, ... (N devices).
// `windows` limits the recordings per device.
//
// Legend: T steps of the stream, F features, W windows.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Dataset } from '../../compiler/data/dataset';
import { BUILTIN_PREFIX, loadData } from '../../compiler/data/load';
import { TinyrnnError } from '../../compiler/core/ir/errors';

export interface DeviceStream {
  device: number;
  /** Human-readable origin. */
  source: string;
  features: string[];
  labels?: string[];
  F: number;
  T: number;
  /** Samples, (T, F). */
  x: Float32Array;
  /** Start step of each window, (W). */
  windowStart: number[];
  /** Class label per window (W) when each recording has one class, -1 unknown. */
  windowLabel: Int32Array | null;
  /** Class label per step (T), -1 when unknown. */
  stepLabel: Int32Array | null;
  /** Regression targets per step (T, K), NaN when unknown. */
  targets: Float32Array | null;
  K: number;
  sampleRate?: number;
}

/** A stream's recordings, each (T_w * F) flat, as played back (the device resets its state at each one). */
export function streamRecordings(s: DeviceStream): Float32Array[] {
  return s.windowStart.map((start, w) => s.x.subarray(start * s.F, (s.windowStart[w + 1] ?? s.T) * s.F));
}

function withSeed(spec: string, seed: number): string {
  // spec is "builtin:NAME[?k=v&...]": replace or add seed=...
  const q = spec.indexOf('?');
  const base = q < 0 ? spec : spec.slice(0, q);
  const parts =
    q < 0
      ? []
      : spec
          .slice(q + 1)
          .split('&')
          .filter((p) => p !== '' && !p.startsWith('seed='));
  parts.push(`seed=${seed}`);
  return `${base}?${parts.join('&')}`;
}

function baseSeed(spec: string): number {
  const m = /[?&]seed=([0-9]+)/.exec(spec);
  return m ? Number(m[1]) : 1;
}

/** The data spec a device d of a fleet reads (builtin: a per-device seed). */
export function deviceDataSpec(spec: string, device: number): string {
  return spec.startsWith(BUILTIN_PREFIX) ? withSeed(spec, (baseSeed(spec) + device) >>> 0) : spec;
}

const fileCache = new Map<string, { mtimeMs: number; size: number; data: Dataset }>();

/** A data file read once per thread while it is unchanged (a fleet deals one file out to many devices). */
function loadFileCached(spec: string, cwd = process.cwd()): Dataset {
  const file = path.resolve(cwd, spec);
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return loadData(spec, cwd); // the standard "no such file" diagnostic
  }
  const hit = fileCache.get(file);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.data;
  const data = loadData(spec, cwd);
  fileCache.set(file, { mtimeMs: st.mtimeMs, size: st.size, data });
  return data;
}

/** Builds the stream from the chosen recordings of a dataset. */
export function streamFromDataset(d: Dataset, device: number, indices: number[], source: string): DeviceStream {
  const F = d.features.length;
  let T = 0;
  for (const i of indices) T += d.x[i].length / F;
  const x = new Float32Array(T * F);
  const windowStart: number[] = [];
  const windowLabel = d.y ? new Int32Array(indices.length) : null;
  const stepLabel = d.y || d.yStep ? new Int32Array(T).fill(-1) : null;
  const K = d.targets && d.targets.length ? d.targets[0].length / (d.x[0].length / F) : 0;
  const targets = d.targets ? new Float32Array(T * K).fill(NaN) : null;
  let t = 0;
  indices.forEach((i, w) => {
    const len = d.x[i].length / F;
    windowStart.push(t);
    x.set(d.x[i], t * F);
    if (windowLabel && d.y) windowLabel[w] = d.y[i];
    if (stepLabel) {
      if (d.y) stepLabel.fill(d.y[i], t, t + len);
      else if (d.yStep) stepLabel.set(d.yStep[i], t);
    }
    if (targets && d.targets) targets.set(d.targets[i], t * K);
    t += len;
  });
  return { device, source, features: d.features, labels: d.labels, F, T, x, windowStart, windowLabel, stepLabel, targets, K, sampleRate: d.sampleRate };
}

/** Loads (or generates) the stream of device `device` out of `devices`. */
export function deviceStream(spec: string, device: number, devices: number, opts: { windows?: number; cwd?: string; dataset?: Dataset } = {}): DeviceStream {
  const builtin = spec.startsWith(BUILTIN_PREFIX);
  const devSpec = deviceDataSpec(spec, device);
  const d =
    opts.dataset && (!builtin || device === 0 || devSpec === spec) ? opts.dataset : builtin ? loadData(devSpec, opts.cwd) : loadFileCached(spec, opts.cwd);
  let indices: number[];
  if (builtin) indices = Array.from({ length: d.x.length }, (_, i) => i);
  else {
    if (devices > d.x.length) {
      throw new TinyrnnError({
        code: 'SIM011',
        path: '--devices',
        message: `${devices} devices need at least one recording each, but ${spec} has ${d.x.length}`,
        value: devices,
        expected: `at most ${d.x.length}`,
        hint: 'use fewer devices, more recordings, or a builtin: generator (each device gets its own seed)',
      });
    }
    indices = [];
    for (let i = device; i < d.x.length; i += devices) indices.push(i);
  }
  if (opts.windows !== undefined) indices = indices.slice(0, opts.windows);
  const source = builtin ? devSpec : `${spec} recordings ${indices.length <= 4 ? indices.join(', ') : `${indices[0]}, ${indices[1]}, ... (${indices.length})`}`;
  return streamFromDataset(d, device, indices, source);
}
