// Echo state network reservoirs: a fixed random recurrent layer regenerated from a seed.
//
// The reservoir's int8 weights come straight out of a 32-bit xorshift generator that uses only
// `^`, `<<` and `>>>` (no multiplication), so TypeScript, C (uint32_t) and JavaScript on any
// engine, Espruino included, produce the same integers. A device can therefore regenerate the
// reservoir from (seed, sizes, density) instead of storing it. The float reservoir is exactly
// the int8 reservoir times one scale per matrix, so a float model and its int8 twin share it.
//
// Legend: I reservoir input width, H reservoir units, K readout outputs.
// Generation order (the contract every language follows): one xorshift32 stream seeded by
// `esn_seed_state(seed)`; first the recurrent matrix W (H, H) row-major, then the input matrix
// Win (H, I) row-major; one draw per element:
//   u    = next()                                     uint32
//   keep = (u & 0xffff) < densityQ16                  densityQ16 in [1, 65536]; Win: always kept
//   w8   = keep ? ((u >>> 16) % 255) - 127 : 0        in [-127, 127]

import { TinyrnnError } from '../ir/errors';

/** The generator's state for a seed: never 0 (xorshift's one fixed point). */
export function esn_seed_state(seed: number): number {
  const s = (seed ^ 0x9e3779b9) >>> 0;
  return s === 0 ? 0x6d2b79f5 : s;
}

/** One xorshift32 step (shifts 13, 17, 5): returns the new state, a uint32. */
export function xorshift32(x: number): number {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return x >>> 0;
}

export interface ReservoirShape {
  inputSize: number; // I
  units: number; // H
  /** Share of non-zero recurrent weights, as a 16-bit fraction: keep when (u & 0xffff) < densityQ16. */
  densityQ16: number;
  seed: number;
}

export interface Reservoir8 {
  w: Int8Array; // (H, H) recurrent weights
  win: Int8Array; // (H, I) input weights
}

/** The density fraction (0, 1] as the integer threshold the generator compares against. */
export function densityToQ16(density: number): number {
  if (!(density > 0 && density <= 1)) {
    throw new TinyrnnError({
      code: 'ESN001',
      path: 'density',
      message: 'reservoir density out of range',
      value: density,
      expected: 'a fraction in (0, 1]',
      hint: 'sparsity 0.9 means density 0.1',
    });
  }
  return Math.max(1, Math.min(65536, Math.round(density * 65536)));
}

/** Generates the int8 reservoir of a shape: the same integers the C and JS generators give. */
export function esn_generate(s: ReservoirShape): Reservoir8 {
  const H = s.units;
  const I = s.inputSize;
  let x = esn_seed_state(s.seed);
  const w = new Int8Array(H * H); // (H, H)
  for (let k = 0; k < H * H; k++) {
    x = xorshift32(x);
    w[k] = (x & 0xffff) < s.densityQ16 ? ((x >>> 16) % 255) - 127 : 0;
  }
  const win = new Int8Array(H * I); // (H, I)
  for (let k = 0; k < H * I; k++) {
    x = xorshift32(x);
    win[k] = ((x >>> 16) % 255) - 127;
  }
  return { w, win };
}

/**
 * Spectral radius (largest |eigenvalue|) of a square matrix (n, n), by Gelfand's formula on a
 * normalised power iteration: the mean log growth per step over the last `iters` steps. Works
 * for complex dominant pairs too (where plain power iteration oscillates). Deterministic.
 */
export function spectralRadius(a: ArrayLike<number>, n: number, iters = 400): number {
  let v = new Float64Array(n); // (n)
  let x = esn_seed_state(12345);
  for (let i = 0; i < n; i++) {
    x = xorshift32(x);
    v[i] = x / 4294967296 - 0.5;
  }
  const norm = (u: Float64Array): number => Math.sqrt(u.reduce((s, e) => s + e * e, 0));
  const step = (): number => {
    const u = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let c = 0; c < n; c++) s += a[r * n + c] * v[c];
      u[r] = s;
    }
    const g = norm(u);
    if (g === 0) return 0;
    for (let i = 0; i < n; i++) u[i] /= g;
    v = u;
    return g;
  };
  for (let k = 0; k < iters; k++) if (step() === 0) return 0; // burn-in
  let logSum = 0;
  for (let k = 0; k < iters; k++) {
    const g = step();
    if (g === 0) return 0;
    logSum += Math.log(g);
  }
  return Math.exp(logSum / iters);
}
