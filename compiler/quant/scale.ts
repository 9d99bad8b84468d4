// Quantise-time helpers that use floating point (never called by kernels): turning a real
// multiplier into (m, s), and generating the activation tables.

import { MULT_MAX, SHIFT_MAX, TABLE_SIZE, TABLE_STEP_BITS, PRE_FRAC_BITS } from '../core/spec/spec';

export interface Multiplier {
  m: number; // [0, 32767]
  s: number; // [0, 46]
}

/**
 * Encodes a real multiplier r >= 0 as m / 2^s with m in [0, 32767], s in [0, 46], taking the
 * largest s for which round(r * 2^s) still fits (the most precise encoding). r * 2^s is exact
 * in a double, so the result is the same on every platform. Returns null when r is too large
 * (r >= 32767.5 cannot be encoded) or not finite.
 */
export function quantizeMultiplier(r: number): Multiplier | null {
  if (!Number.isFinite(r) || r < 0) return null;
  if (r === 0) return { m: 0, s: 0 };
  if (Math.round(r) > MULT_MAX) return null;
  let s = 0;
  while (s < SHIFT_MAX && Math.round(r * 2 ** (s + 1)) <= MULT_MAX) s++;
  return { m: Math.round(r * 2 ** s), s };
}

/** The real value an (m, s) pair encodes. */
export function multiplierValue(q: Multiplier): number {
  return q.m / 2 ** q.s;
}

function table(f: (x: number) => number): Int16Array {
  const t = new Int16Array(TABLE_SIZE); // (257) f(k * 2^7 / 2^12) = f(k / 32) in Q0.15, k = 0..256
  for (let k = 0; k < TABLE_SIZE; k++) {
    const x = (k * 2 ** TABLE_STEP_BITS) / 2 ** PRE_FRAC_BITS;
    t[k] = Math.min(32767, Math.round(f(x) * 32768));
  }
  return t;
}

/** sigmoid(k/32) for k = 0..256 in Q0.15 (16384 .. 32756). */
export function sigmoidTable(): Int16Array {
  return table((x) => 1 / (1 + Math.exp(-x)));
}

/** tanh(k/32) for k = 0..256 in Q0.15 (0 .. 32767). */
export function tanhTable(): Int16Array {
  return table(Math.tanh);
}
