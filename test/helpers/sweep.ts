// Sweeps in `npm test` and in the long runs. Where a suite repeats one check over many cases
// (configurations, seeds, devices), `npm test` runs a bounded sample and the long scripts run all
// of it (TINYRNN_TEST_FULL=1: `npm run test:full`, `npm run test:real-full`, `npm run check:sanitize`).
// The sample rotates from commit to commit and is reproducible: its seed is TINYRNN_TEST_SEED when
// set, else taken from the checked-out commit (the first 8 hex digits of HEAD), else 1. Suites put
// the seed in their test names, so a failure says how to run the same sample again.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { Rng } from '../../compiler/core/util/rng';

/** True in the long runs: every case of every sweep. */
export const FULL_SWEEP = process.env.TINYRNN_TEST_FULL === '1';

function commitSeed(): number {
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: path.resolve(__dirname, '..', '..'), stdio: ['ignore', 'pipe', 'ignore'] });
    const n = parseInt(String(head).trim().slice(0, 8), 16);
    return Number.isFinite(n) ? n : 1;
  } catch {
    return 1;
  }
}

function envSeed(): number | undefined {
  const v = process.env.TINYRNN_TEST_SEED;
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`TINYRNN_TEST_SEED must be a non-negative integer, not "${v}"`);
  return n;
}

/** The seed of this run's samples. */
export const SWEEP_SEED: number = envSeed() ?? commitSeed();

/** A 31-bit hash of a string (FNV-1a), to give each sweep its own draw from one seed. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h >>> 1;
}

/**
 * `count` of `items` (all of them when FULL_SWEEP or when there are no more), drawn from the run's
 * seed and `salt` (the sweep's name), in their original order. `always` are included in every run
 * and count toward `count`.
 */
export function sweepSample<T>(items: readonly T[], count: number, salt: string, always: readonly T[] = []): T[] {
  for (const a of always) if (!items.includes(a)) throw new Error(`sweep ${salt}: ${String(a)} is not one of its items`);
  if (FULL_SWEEP || count >= items.length) return items.slice();
  const rest = items.filter((x) => !always.includes(x));
  new Rng((SWEEP_SEED ^ hash(salt)) >>> 0).shuffle(rest);
  const picked = new Set<T>([...always, ...rest.slice(0, Math.max(0, count - always.length))]);
  return items.filter((x) => picked.has(x));
}

/** A number in [0, n) drawn from the run's seed and `salt`: a rotating offset. */
export function sweepOffset(n: number, salt: string): number {
  return new Rng((SWEEP_SEED ^ hash(salt)) >>> 0).int(n);
}
