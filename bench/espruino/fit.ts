// Least-squares fit of the Espruino cost model's coefficients (targets/espruino/cost.ts FITTED) to
// instructions measured on the real interpreter: minimises the sum of squared relative residuals
// (predicted / measured - 1) with every coefficient >= 0 (active set: the most negative one is fixed
// at 0 and the rest refitted). The unrounded solution is rounded as FITTED is written: the scale
// factor to 3 decimals, the instruction counts to whole instructions. The native helpers' per-element
// work (fixedCost) is not fitted: it is taken out of the measured counts first.
import { CostFeatures, FITTED, featureTerms, fixedCost } from '../../targets/espruino/cost';

export type Coefficients = { -readonly [K in keyof typeof FITTED]: number };

/** The coefficient names, in the order featureTerms prices them. */
export const COEFFICIENTS = Object.keys(FITTED) as (keyof typeof FITTED)[];

const SCALES = new Set<keyof typeof FITTED>(['unmappedInterpret']);

export interface Sample {
  features: CostFeatures;
  storageMapped: boolean;
  measured: number;
}

const ones = (): Coefficients => Object.fromEntries(COEFFICIENTS.map((k) => [k, 1])) as Coefficients;

/** The feature vector a sample's cost is linear in. */
export function design(s: Sample): number[] {
  return featureTerms(s.features, !s.storageMapped, ones());
}

export function predict(s: Sample, c: Coefficients): number {
  return featureTerms(s.features, !s.storageMapped, c).reduce((a, b) => a + b, fixedCost(s.features));
}

/** Solves the square system M x = v by Gaussian elimination with partial pivoting. */
export function solve(M: number[][], v: number[]): number[] {
  const n = v.length;
  const a = M.map((row, i) => [...row, v[i]]);
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) piv = r;
    [a[col], a[piv]] = [a[piv], a[col]];
    if (Math.abs(a[col][col]) < 1e-300) throw new Error('the fit is singular: a coefficient has no kernel that exercises it');
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r][col] / a[col][col];
      for (let k = col; k <= n; k++) a[r][k] -= f * a[col][k];
    }
  }
  return a.map((row, i) => row[n] / row[i]);
}

/** Weighted least squares over the free columns: each row divided by its measured count. */
function leastSquares(samples: Sample[], free: number[]): number[] {
  const rows = samples.map((s) => design(s).map((x) => x / s.measured));
  const rest = samples.map((s) => 1 - fixedCost(s.features) / s.measured);
  const M = free.map((i) => free.map((j) => rows.reduce((acc, r) => acc + r[i] * r[j], 0)));
  const v = free.map((i) => rows.reduce((acc, r, n) => acc + r[i] * rest[n], 0));
  return solve(M, v);
}

function round(k: keyof typeof FITTED, x: number): number {
  return SCALES.has(k) ? Math.round(x * 1000) / 1000 : Math.round(x);
}

/** Non-negative weighted least squares; columns no sample exercises stay at 0. */
export function fitCoefficients(samples: Sample[]): Coefficients {
  const used = COEFFICIENTS.map((_, i) => samples.some((s) => design(s)[i] !== 0));
  let free = COEFFICIENTS.map((_, i) => i).filter((i) => used[i]);
  for (;;) {
    const x = leastSquares(samples, free);
    const worst = x.reduce((w, xi, j) => (xi < 0 && (w < 0 || xi < x[w]) ? j : w), -1);
    if (worst < 0) {
      const out = Object.fromEntries(COEFFICIENTS.map((k) => [k, 0])) as Coefficients;
      free.forEach((i, j) => (out[COEFFICIENTS[i]] = round(COEFFICIENTS[i], x[j])));
      return out;
    }
    free = free.filter((_, j) => j !== worst);
  }
}

/** predicted / measured - 1. */
export function residual(s: Sample, c: Coefficients): number {
  return predict(s, c) / s.measured - 1;
}

/** A module's memory: the estimate's items other than its code, its code's functions, and the blocks measured after require(). */
export interface MemorySample {
  moduleMemory: { functions: number; other: number };
  memory: { load: number };
}

/**
 * The code term of the memory model (targets/espruino/memory.ts CODE_BLOCKS): blocks = perFunction *
 * functions + base fitted by least squares on relative residuals to the measured blocks less the
 * estimate's other items; perFunction rounded to 2 decimals, base to a whole block.
 */
export function fitCodeBlocks(samples: MemorySample[]): { perFunction: number; base: number } {
  const rows = samples.map((s) => [s.moduleMemory.functions / s.memory.load, 1 / s.memory.load]);
  const rest = samples.map((s) => 1 - s.moduleMemory.other / s.memory.load);
  const M = [0, 1].map((i) => [0, 1].map((j) => rows.reduce((acc, r) => acc + r[i] * r[j], 0)));
  const v = [0, 1].map((i) => rows.reduce((acc, r, n) => acc + r[i] * rest[n], 0));
  const [a, b] = solve(M, v);
  return { perFunction: Math.round(a * 100) / 100, base: Math.round(b) };
}
