// Property tests of the fixed-point primitives: random integers over the full documented
// ranges, against slow and obviously correct BigInt formulations (BigInt appears in tests only).
import { rshift_round, requantize, sat_s8, sat_s16, lut_s16, sigmoid_s16, tanh_s16 } from '../../../compiler/core/spec/fixed';
import { quantizeMultiplier, multiplierValue, sigmoidTable, tanhTable } from '../../../compiler/quant/scale';
import { MULT_MAX, SHIFT_MAX, TABLE_SIZE } from '../../../compiler/core/spec/spec';
import { Rng } from '../../../compiler/core/util/rng';

const N = 200_000;
const rng = new Rng(20261123);
/** Uniform integer in [lo, hi] (|lo|, |hi| < 2^52). */
const randInt = (lo: number, hi: number): number => lo + Math.floor(rng.next() * (hi - lo + 1));
/** Integers spread over all magnitudes: a random bit length, then a uniform value of that length. */
const randWide = (bits: number): number => {
  const b = randInt(0, bits);
  const v = randInt(0, 2 ** b - 1);
  return rng.next() < 0.5 ? -v : v;
};

// Obviously correct: round half up = floor((x + half) / 2^s) with BigInt's floor-shift.
function refShift(x: bigint, s: number): bigint {
  if (s === 0) return x;
  const d = 1n << BigInt(s);
  const y = x + (d >> 1n);
  // floor division for negatives (BigInt division truncates)
  const q = y / d;
  return y < 0n && q * d !== y ? q - 1n : q;
}

describe('rshift_round', () => {
  test('worked examples from the spec', () => {
    expect(rshift_round(5, 1)).toBe(3);
    expect(rshift_round(-5, 1)).toBe(-2);
    expect(rshift_round(-6, 2)).toBe(-1);
    expect(rshift_round(-7, 2)).toBe(-2);
    expect(rshift_round(6, 2)).toBe(2);
    expect(rshift_round(123, 0)).toBe(123);
    expect(rshift_round(-(2 ** 46), 46)).toBe(-1);
    expect(rshift_round(2 ** 46 - 1, 46)).toBe(1);
  });
  test(`matches BigInt on ${N} random (x, s), |x| < 2^47, s in [0, 46]`, () => {
    for (let n = 0; n < N; n++) {
      const x = randWide(47) % 2 ** 47;
      const s = randInt(0, SHIFT_MAX);
      const got = rshift_round(x, s);
      const want = Number(refShift(BigInt(x), s));
      if (got !== want) throw new Error(`rshift_round(${x}, ${s}) = ${got}, want ${want}`);
    }
  });
  test('ties round up at every shift', () => {
    for (let s = 1; s <= SHIFT_MAX; s++) {
      const half = 2 ** (s - 1);
      expect(rshift_round(half, s)).toBe(1);
      expect(rshift_round(-half, s)).toBe(0);
      expect(rshift_round(3 * half, s)).toBe(2);
      expect(rshift_round(-3 * half, s)).toBe(-1);
    }
  });
});

describe('requantize', () => {
  test(`matches BigInt on ${N} random (acc, m, s) over the full ranges`, () => {
    for (let n = 0; n < N; n++) {
      const acc = n % 7 === 0 ? (rng.next() < 0.5 ? -2147483647 : 2147483647) : randWide(31) % 2147483648;
      const m = n % 11 === 0 ? MULT_MAX : randInt(0, MULT_MAX);
      const s = randInt(0, SHIFT_MAX);
      const got = requantize(acc, m, s);
      const want = Number(refShift(BigInt(acc) * BigInt(m), s));
      if (got !== want) throw new Error(`requantize(${acc}, ${m}, ${s}) = ${got}, want ${want}`);
      if (!Number.isSafeInteger(acc * m)) throw new Error('product left the exact range');
    }
  });
});

describe('saturation', () => {
  test('sat_s8 and sat_s16 clamp and are identity inside', () => {
    for (let n = 0; n < N; n++) {
      const x = randWide(40);
      const b8 = BigInt(x) < -128n ? -128n : BigInt(x) > 127n ? 127n : BigInt(x);
      const b16 = BigInt(x) < -32768n ? -32768n : BigInt(x) > 32767n ? 32767n : BigInt(x);
      if (sat_s8(x) !== Number(b8) || sat_s16(x) !== Number(b16)) throw new Error(`sat of ${x}`);
    }
    expect([sat_s8(-129), sat_s8(-128), sat_s8(127), sat_s8(128)]).toEqual([-128, -128, 127, 127]);
    expect([sat_s16(-32769), sat_s16(32767), sat_s16(32768)]).toEqual([-32768, 32767, 32767]);
  });
});

describe('activation tables and lookups', () => {
  const sig = sigmoidTable();
  const th = tanhTable();
  test('tables: 257 int16 entries, non-decreasing, fixed end points', () => {
    for (const t of [sig, th]) {
      expect(t.length).toBe(TABLE_SIZE);
      for (let k = 1; k < t.length; k++) expect(t[k]).toBeGreaterThanOrEqual(t[k - 1]);
    }
    expect(sig[0]).toBe(16384);
    expect(th[0]).toBe(0);
    expect(th[256]).toBe(32767);
    expect(sig[256]).toBe(Math.round(32768 / (1 + Math.exp(-8))));
  });

  // The obvious formulation, in BigInt, of lut_s16 as the spec states it.
  function refLut(x: number, t: Int16Array): bigint {
    let a = BigInt(x < 0 ? -x : x);
    if (a > 32767n) a = 32767n;
    const k = Number(a / 128n);
    const f = a % 128n;
    return BigInt(t[k]) + refShift((BigInt(t[k + 1]) - BigInt(t[k])) * f, 7);
  }

  test('every int16 input: lut, sigmoid and tanh equal the BigInt formulation; odd/complement symmetry', () => {
    for (let x = -32768; x <= 32767; x++) {
      const ls = refLut(x, sig);
      const lt = refLut(x, th);
      if (lut_s16(x, sig) !== Number(ls)) throw new Error(`lut sig ${x}`);
      const ws = x < 0 ? 32768n - ls : ls;
      const wt = x < 0 ? -lt : lt;
      if (sigmoid_s16(x, sig) !== Number(ws)) throw new Error(`sigmoid_s16(${x})`);
      if (tanh_s16(x, th) !== Number(wt)) throw new Error(`tanh_s16(${x})`);
      if (x > -32768) {
        if (tanh_s16(-x, th) !== -tanh_s16(x, th)) throw new Error(`tanh odd at ${x}`);
        if (x !== 0 && sigmoid_s16(-x, sig) !== 32768 - sigmoid_s16(x, sig)) throw new Error(`sigmoid symmetry at ${x}`);
      }
    }
  });

  test('accuracy against the real functions over the whole Q3.12 range (measured, printed)', () => {
    let es = 0;
    let et = 0;
    let prevS = -Infinity;
    let prevT = -Infinity;
    for (let x = -32768; x <= 32767; x++) {
      const v = x / 4096;
      const s = sigmoid_s16(x, sig);
      const t = tanh_s16(x, th);
      es = Math.max(es, Math.abs(s - 32768 / (1 + Math.exp(-v))));
      et = Math.max(et, Math.abs(t - 32768 * Math.tanh(v)));
      // outputs stay in their documented ranges and are monotonic
      if (s < 1 || s > 32767 || t < -32767 || t > 32767) throw new Error(`range at ${x}`);
      if (s < prevS || t < prevT) throw new Error(`not monotonic at ${x}`);
      prevS = s;
      prevT = t;
    }
    console.log(`activation tables: max |error| sigmoid ${es.toFixed(3)} LSB, tanh ${et.toFixed(3)} LSB of Q0.15`);
    expect(es).toBeLessThanOrEqual(2);
    expect(et).toBeLessThanOrEqual(4);
  });
});

describe('quantizeMultiplier (host side)', () => {
  test('most precise encoding, within its documented ranges, relative error <= 2^-15', () => {
    for (let n = 0; n < 4000; n++) {
      const r = 2 ** (rng.next() * 60 - 45) * (1 + rng.next());
      const q = quantizeMultiplier(r);
      if (r >= 32767.5) {
        expect(q).toBeNull();
        continue;
      }
      if (!q) throw new Error(`no encoding for ${r}`);
      expect(q.m).toBeGreaterThanOrEqual(0);
      expect(q.m).toBeLessThanOrEqual(MULT_MAX);
      expect(q.s).toBeGreaterThanOrEqual(0);
      expect(q.s).toBeLessThanOrEqual(SHIFT_MAX);
      if (q.s < SHIFT_MAX) {
        // normalised: one more bit of shift would overflow the mantissa
        expect(q.m).toBeGreaterThanOrEqual(16383);
        expect(Math.abs(multiplierValue(q) - r) / r).toBeLessThanOrEqual(2 ** -14);
      }
    }
    expect(quantizeMultiplier(0)).toEqual({ m: 0, s: 0 });
    expect(quantizeMultiplier(1)).toEqual({ m: 16384, s: 14 });
    expect(quantizeMultiplier(NaN)).toBeNull();
    expect(quantizeMultiplier(40000)).toBeNull();
  });
});
