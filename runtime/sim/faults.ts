// Faults a real device meets, injected into a sample stream on request.
//
//   dropout:P     each sample is lost with probability P; the sensor driver holds the last value it
//                 delivered (a dropout before any sample delivers zeros)
//   nan:P         with probability P one feature of a sample reads NaN (a failed conversion)
//   inf:P         with probability P one feature reads +/-Infinity
//   range:P       with probability P one feature reads far out of range: +/-(1e6) (a glitch, a
//                 sensor that saturates at a wrong full scale)
//   jitter:D      the sample clock jitters: each sample arrives up to D (e.g. 2ms, 500us, 0.002s)
//                 early or late, uniformly; arrivals stay in order
//   reset:@K      the device resets before stream step K (its recurrent state is lost); repeatable,
//                 or `reset:@K,@L`
//   reset:P       the device resets before each step with probability P
//
// What reaches the device's input quantiser (NaN, Infinity, huge values) is decided here; how the
// device turns it into int8 is the target's input quantisation, which follows the quantisation spec.
// All randomness comes from one seeded Rng per stream, so a run is reproducible.
//
// Legend: T steps of the stream, F features. Samples are (T, F) row-major Float32Arrays... except that
// NaN/Infinity/1e6 must survive: they do in float32 (1e6 is exact).

import { TinyrnnError } from '../../compiler/core/ir/errors';
import { Rng } from '../../compiler/core/util/rng';

export const FAULT_KINDS = ['dropout', 'nan', 'inf', 'range', 'jitter', 'reset'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export type FaultSpec =
  | { kind: 'dropout' | 'nan' | 'inf' | 'range'; probability: number }
  | { kind: 'jitter'; seconds: number }
  | { kind: 'reset'; steps: number[]; probability: number };

/** Value a `range` fault delivers (sign chosen at random). */
export const OUT_OF_RANGE_VALUE = 1e6;

function faultError(spec: string, message: string, expected: string): TinyrnnError {
  return new TinyrnnError({
    code: 'SIM010',
    path: '--fault',
    message,
    value: spec,
    expected,
    hint: 'faults: dropout:P, nan:P, inf:P, range:P (P in 0..1), jitter:2ms, reset:@K or reset:P',
  });
}

function parseProbability(spec: string, s: string): number {
  const p = Number(s);
  if (s.trim() === '' || !Number.isFinite(p) || p < 0 || p > 1) throw faultError(spec, `bad probability ${JSON.stringify(s)}`, 'a number in 0..1');
  return p;
}

/** Parses a duration: 2ms, 500us, 0.002s, or a bare number of seconds. */
export function parseDuration(spec: string, s: string): number {
  const m = /^([0-9]*\.?[0-9]+(?:e-?[0-9]+)?)\s*(s|ms|us|µs)?$/i.exec(s.trim());
  if (!m) throw faultError(spec, `bad duration ${JSON.stringify(s)}`, 'a duration like 2ms, 500us or 0.002s');
  const v = Number(m[1]);
  const unit = (m[2] ?? 's').toLowerCase();
  const scale = unit === 's' ? 1 : unit === 'ms' ? 1e-3 : 1e-6;
  return v * scale;
}

/** Parses one `--fault` value. */
export function parseFault(spec: string): FaultSpec {
  const i = spec.indexOf(':');
  const kind = (i < 0 ? spec : spec.slice(0, i)).trim().toLowerCase();
  const arg = i < 0 ? '' : spec.slice(i + 1).trim();
  switch (kind) {
    case 'dropout':
    case 'nan':
    case 'inf':
    case 'range':
      return { kind, probability: parseProbability(spec, arg) };
    case 'jitter':
      return { kind, seconds: parseDuration(spec, arg) };
    case 'reset': {
      if (arg.startsWith('@')) {
        const steps = arg.split(',').map((p) => {
          const t = p.trim().replace(/^@/, '');
          const k = Number(t);
          if (t === '' || !Number.isInteger(k) || k < 0) throw faultError(spec, `bad reset step ${JSON.stringify(p)}`, 'a step index like @120');
          return k;
        });
        return { kind, steps: [...new Set(steps)].sort((a, b) => a - b), probability: 0 };
      }
      return { kind, steps: [], probability: parseProbability(spec, arg) };
    }
    default:
      throw faultError(spec, `unknown fault ${JSON.stringify(kind)}`, `one of ${FAULT_KINDS.join(', ')}`);
  }
}

/** Merges several specs of one kind (probabilities add up to at most 1, reset steps unite). */
export function parseFaults(specs: string[]): FaultSpec[] {
  return specs.map(parseFault);
}

export function formatFault(f: FaultSpec): string {
  switch (f.kind) {
    case 'jitter':
      return `jitter:${+(f.seconds * 1e3).toPrecision(6)}ms`;
    case 'reset':
      return f.steps.length ? `reset:${f.steps.map((s) => '@' + s).join(',')}` : `reset:${f.probability}`;
    default:
      return `${f.kind}:${f.probability}`;
  }
}

/** One thing that happened to the stream (what the report lists). */
export interface FaultEvent {
  step: number;
  kind: FaultKind;
  /** Feature index for nan/inf/range. */
  feature?: number;
  /** What the sensor delivered (number, NaN or Infinity as text for JSON). */
  value?: number | string;
  /** Arrival offset from the nominal sample time, seconds (jitter). */
  offset?: number;
}

export interface FaultedStream {
  /** What reaches the device, (T, F). */
  delivered: Float32Array;
  /** Nominal-relative arrival time of each sample, seconds (T). */
  arrival: Float64Array;
  /** Steps before which the device resets (sorted). */
  resets: number[];
  /** Every fault that occurred, in step order (jitter offsets are not listed per step). */
  events: FaultEvent[];
  counts: Record<FaultKind, number>;
  /** Largest absolute jitter offset that occurred, seconds. */
  maxJitter: number;
}

/** Draws a reproducible fault pattern for a stream of T samples of F features at `period` seconds. */
export function applyFaults(clean: Float32Array, F: number, period: number, faults: FaultSpec[], seed: number): FaultedStream {
  const T = clean.length / F;
  const rng = new Rng((seed ^ 0x5f3759df) >>> 0);
  const delivered = new Float32Array(clean);
  const arrival = new Float64Array(T);
  const events: FaultEvent[] = [];
  const counts = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  const resetSet = new Set<number>();
  let jitter = 0;
  for (const f of faults) if (f.kind === 'jitter') jitter = Math.max(jitter, f.seconds);
  for (const f of faults) if (f.kind === 'reset') for (const s of f.steps) if (s < T) resetSet.add(s);
  const ordered = [...faults].sort((a, b) => FAULT_KINDS.indexOf(a.kind) - FAULT_KINDS.indexOf(b.kind));
  let maxJitter = 0;
  let last = -Infinity;
  for (let t = 0; t < T; t++) {
    const row = delivered.subarray(t * F, (t + 1) * F);
    let dropped = false;
    // The draws happen in a fixed order for every step, whatever fires (dropouts first: a lost
    // sample is not read at all).
    for (const f of ordered) {
      switch (f.kind) {
        case 'dropout':
          if (rng.next() < f.probability && !dropped) {
            dropped = true;
            if (t > 0) row.set(delivered.subarray((t - 1) * F, t * F));
            else row.fill(0);
            counts.dropout++;
            events.push({ step: t, kind: 'dropout' });
          }
          break;
        case 'nan':
        case 'inf':
        case 'range': {
          const fire = rng.next() < f.probability;
          const feature = rng.int(F);
          const sign = rng.next() < 0.5 ? -1 : 1;
          // A lost sample is not read, so it cannot also be corrupt.
          if (fire && !dropped) {
            const v = f.kind === 'nan' ? NaN : f.kind === 'inf' ? sign * Infinity : sign * OUT_OF_RANGE_VALUE;
            row[feature] = v;
            counts[f.kind]++;
            events.push({ step: t, kind: f.kind, feature, value: Number.isFinite(v) ? v : String(v) });
          }
          break;
        }
        case 'reset':
          if (f.probability > 0 && rng.next() < f.probability && t > 0) resetSet.add(t);
          break;
        case 'jitter':
          break;
        default: {
          const never: never = f;
          throw new Error(`unhandled fault ${JSON.stringify(never)}`);
        }
      }
    }
    let a = t * period;
    if (jitter > 0) {
      const off = rng.uniform(-jitter, jitter);
      a = Math.max(a + off, last);
      maxJitter = Math.max(maxJitter, Math.abs(a - t * period));
      if (off !== 0) counts.jitter++;
    }
    arrival[t] = a;
    last = a;
  }
  const resets = [...resetSet].sort((a, b) => a - b);
  for (const s of resets) events.push({ step: s, kind: 'reset' });
  counts.reset = resets.length;
  events.sort((a, b) => a.step - b.step || FAULT_KINDS.indexOf(a.kind) - FAULT_KINDS.indexOf(b.kind));
  return { delivered, arrival, resets, events, counts, maxJitter };
}
