// The fixed-point primitives of the tinyrnn int8 spec (docs/quantization.md, section 3).
//
// These names are shared by every implementation: the C runtime and the Espruino runtime define
// functions with exactly these names and these semantics, so one search shows a primitive in
// every language. Every function here takes and returns integers (JS numbers holding integers);
// the stated argument ranges are preconditions that the quantiser guarantees for every call a
// kernel makes. Within them every intermediate is an integer below 2^53 in magnitude, so a JS
// double holds it exactly; C uses int32_t, and int64_t where a comment says so.

import { TABLE_STEP_BITS } from './spec';

// 2^n for n in [0, 62], exact doubles; so that no shift operator ever touches a wide value.
const POW2: number[] = Array.from({ length: 63 }, (_, n) => 2 ** n);

/**
 * Rounding arithmetic right shift: floor((x + 2^(s-1)) / 2^s) for s >= 1, x for s = 0.
 * Rounds to nearest, ties toward +infinity ("round half up"): rshift_round(5, 1) = 3,
 * rshift_round(-5, 1) = -2.
 * Range: s in [0, 46]; |x| < 2^47. (C: int64_t x, `(x + ((int64_t)1 << (s - 1))) >> s` with an
 * arithmetic shift; JS: Math.floor((x + 2^(s-1)) / 2^s), never `>>` on a wide value.)
 */
export function rshift_round(x: number, s: number): number {
  if (s === 0) return x;
  return Math.floor((x + POW2[s - 1]) / POW2[s]);
}

/**
 * Requantisation: acc * m / 2^s, rounded half up. The real multiplier it encodes is m / 2^s.
 * Range: |acc| <= 2^31 - 1, m in [0, 32767], s in [0, 46]; so |acc * m| < 2^46.
 * The result is an integer with |result| < 2^46 (C: int64_t); where the spec stores it in 32 bits
 * the quantiser has proven it fits.
 */
export function requantize(acc: number, m: number, s: number): number {
  return rshift_round(acc * m, s);
}

/** Saturate to int8: clamp to [-128, 127]. */
export function sat_s8(x: number): number {
  return x < -128 ? -128 : x > 127 ? 127 : x;
}

/** Saturate to int16: clamp to [-32768, 32767]. */
export function sat_s16(x: number): number {
  return x < -32768 ? -32768 : x > 32767 ? 32767 : x;
}

/**
 * Table lookup with linear interpolation on |x|, x an int16 in Q3.12.
 * a = min(|x|, 32767); k = a >> 7; f = a & 127;
 * result = table[k] + rshift_round((table[k+1] - table[k]) * f, 7).
 * table has 257 int16 entries, non-decreasing; the product is below 2^23.
 */
export function lut_s16(x: number, table: ArrayLike<number>): number {
  let a = x < 0 ? -x : x;
  if (a > 32767) a = 32767;
  const k = a >> TABLE_STEP_BITS;
  const f = a & ((1 << TABLE_STEP_BITS) - 1);
  const lo = table[k];
  return lo + rshift_round((table[k + 1] - lo) * f, TABLE_STEP_BITS);
}

/**
 * Logistic sigmoid: int16 Q3.12 in, int16 Q0.15 out (in [1, 32767]).
 * For x >= 0 the interpolated table value y; for x < 0, 32768 - y (sigmoid(-x) = 1 - sigmoid(x)).
 */
export function sigmoid_s16(x: number, table: ArrayLike<number>): number {
  const y = lut_s16(x, table);
  return x < 0 ? 32768 - y : y;
}

/** Hyperbolic tangent: int16 Q3.12 in, int16 Q0.15 out (in [-32767, 32767]); odd: tanh(-x) = -tanh(x). */
export function tanh_s16(x: number, table: ArrayLike<number>): number {
  const y = lut_s16(x, table);
  return x < 0 ? -y : y;
}
