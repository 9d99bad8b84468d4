// Structure-aware mutation of decoded documents (a .tnn payload, a JSON data file): pick a node of
// the tree and replace it with a value of another type, an extreme number, or a resized copy.
// Seeded: the same seed gives the same inputs, so every failure can be replayed.

import { Rng } from '../../compiler/core/util/rng';

/** Numbers that broke loaders before: sizes past 2^31/2^32, negatives, fractions, non-finite, float32 overflow. */
export const EXTREME_NUMBERS: readonly number[] = [
  0,
  -1,
  1,
  -5,
  3.4,
  0.5,
  2 ** 30,
  -(2 ** 30),
  2 ** 31,
  2 ** 32,
  2 ** 33,
  2 ** 53,
  1e10,
  1e39,
  -1e39,
  1e308,
  NaN,
  Infinity,
  -Infinity,
  65536,
  200000,
];

export function pick<T>(rng: Rng, a: readonly T[]): T {
  return a[rng.int(a.length)];
}

type Slot = { parent: Record<string, unknown> | unknown[]; key: string | number };

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && [Object.prototype, null].includes(Object.getPrototypeOf(v));
}

/** Every (parent, key) slot of a tree, breadth first, at most `limit` of them (no recursion). */
export function slotsOf(root: unknown, limit = 4096): Slot[] {
  const out: Slot[] = [];
  const queue: unknown[] = [root];
  for (let q = 0; q < queue.length && out.length < limit; q++) {
    const v = queue[q];
    if (!Array.isArray(v) && !isPlain(v)) continue;
    const keys: (string | number)[] = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
    for (const key of keys.slice(0, 64)) {
      out.push({ parent: v as Slot['parent'], key });
      queue.push((v as Record<string | number, unknown>)[key]);
    }
  }
  return out;
}

function replacement(rng: Rng, old: unknown, extra: (rng: Rng, old: unknown) => unknown): unknown {
  switch (rng.int(9)) {
    case 0:
    case 1:
      return pick(rng, EXTREME_NUMBERS);
    case 2:
      return pick(rng, ['', 'x', '__proto__', '\u0000\n*/"', 'é'.repeat(40)]);
    case 3:
      return pick(rng, [true, false, null, undefined]);
    case 4:
      return Array.isArray(old) ? old.slice(0, rng.int(old.length + 1)) : [old];
    case 5:
      return Array.isArray(old) ? [...old, ...old] : { value: old };
    case 6:
      return typeof old === 'number' ? old * pick(rng, [-1, 2, 1e6, 0.5, 1e30]) : pick(rng, EXTREME_NUMBERS);
    default:
      return extra(rng, old);
  }
}

/** Mutates 1..3 nodes of `root` in place (the root itself is never replaced). */
export function mutateTree(rng: Rng, root: unknown, extra: (rng: Rng, old: unknown) => unknown = () => undefined): void {
  const rounds = 1 + rng.int(3);
  for (let r = 0; r < rounds; r++) {
    const slots = slotsOf(root);
    if (!slots.length) return;
    const { parent, key } = pick(rng, slots);
    const old = (parent as Record<string | number, unknown>)[key];
    if (!Array.isArray(parent) && rng.int(8) === 0) delete (parent as Record<string, unknown>)[key as string];
    else (parent as Record<string | number, unknown>)[key] = replacement(rng, old, extra);
  }
}

/** Byte-level damage: flip, overwrite with an extreme byte, insert or delete a few bytes. */
export function mutateBytes(rng: Rng, b: Uint8Array, from = 0): Uint8Array {
  if (b.length <= from) return b;
  let out = b.slice();
  const n = 1 + rng.int(4);
  for (let k = 0; k < n; k++) {
    const i = from + rng.int(out.length - from);
    const op = rng.int(4);
    if (op === 0) out[i] ^= 1 << rng.int(8);
    else if (op === 1) out[i] = pick(rng, [0x00, 0xff, 0x7f, 0x80, 0x1b, 0x9b, 0xbb, 0x5b]);
    else if (op === 2) out = Uint8Array.from(Buffer.concat([out.subarray(0, i), Uint8Array.of(rng.int(256)), out.subarray(i)]));
    else out = Uint8Array.from(Buffer.concat([out.subarray(0, i), out.subarray(i + 1)]));
  }
  return out;
}
