// Calibration: runs the float model over calibration sequences and records the range of every
// tensor the quantiser needs (docs/quantization.md section 7.1), as min/max or percentiles.

import { FloatModel } from '../core/ir/model';
import { TinyrnnError } from '../core/ir/errors';
import { runFloat } from '../float/infer';

/** Values of one tensor over the whole calibration run. */
export class RangeStat {
  min = Infinity;
  max = -Infinity;
  maxAbs = 0;
  count = 0;
  private chunks: Float32Array[] = [];
  /** The margin range() adds beyond the calibrated values (1: none; see withHeadroom). */
  private headroom = 1;
  constructor(private readonly keepValues: boolean) {}
  /** A view of the same values whose range is `factor` times the calibrated one (output and state headroom). */
  withHeadroom(factor: number): RangeStat {
    const v = Object.create(RangeStat.prototype) as RangeStat;
    Object.assign(v, this);
    v.headroom = factor;
    return v;
  }
  add(v: ArrayLike<number>): void {
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x < this.min) this.min = x;
      if (x > this.max) this.max = x;
      const a = Math.abs(x);
      if (a > this.maxAbs) this.maxAbs = a;
    }
    this.count += v.length;
    if (this.keepValues) this.chunks.push(Float32Array.from(v));
  }
  /**
   * The range to quantise for: [min, max], or with a percentile P the (100-P)-th and P-th
   * percentiles; always widened to contain 0, then scaled by the headroom.
   */
  range(percentile?: number): [number, number] {
    if (this.count === 0) return [0, 0];
    let lo = this.min;
    let hi = this.max;
    if (percentile !== undefined && percentile < 100 && this.keepValues) {
      const all = new Float32Array(this.count);
      let o = 0;
      for (const c of this.chunks) {
        all.set(c, o);
        o += c.length;
      }
      all.sort();
      const at = (p: number): number => all[Math.min(all.length - 1, Math.max(0, Math.round(p * (all.length - 1))))];
      lo = at((100 - percentile) / 100);
      hi = at(percentile / 100);
    }
    return [Math.min(lo, 0) * this.headroom, Math.max(hi, 0) * this.headroom];
  }
  /** Largest |value| (percentile-aware). */
  absMax(percentile?: number): number {
    const [lo, hi] = this.range(percentile);
    return Math.max(-lo, hi);
  }
}

export interface Calibration {
  /** Keyed "x<f>" (normalised input feature f, model units) and "L<n>.<key>" (float observer keys). */
  stats: Map<string, RangeStat>;
  sequences: number;
  steps: number;
  /** True when every raw calibration value is an integer. */
  integerInputs: boolean;
}

/** Runs the float model over the calibration sequences ((N)(T)(F) as given to runFloat). */
export function calibrate(m: FloatModel, sequences: ArrayLike<ArrayLike<number>>[], keepValues: boolean): Calibration {
  const stats = new Map<string, RangeStat>();
  const stat = (k: string): RangeStat => {
    let s = stats.get(k);
    if (!s) stats.set(k, (s = new RangeStat(keepValues)));
    return s;
  };
  let steps = 0;
  let integerInputs = true;
  for (const seq of sequences) {
    for (let t = 0; t < seq.length; t++) {
      const row = seq[t];
      for (let f = 0; f < row.length; f++) if (!Number.isInteger(row[f])) integerInputs = false;
    }
    steps += seq.length;
    runFloat(m, seq, (layer, _t, key, values) => {
      if (layer < 0) {
        // the normalised input, per feature
        for (let f = 0; f < values.length; f++) stat(`${key}${f}`).add([values[f]]);
      } else stat(`L${layer}.${key}`).add(values);
    });
  }
  return { stats, sequences: sequences.length, steps, integerInputs };
}

/** Per-feature raw maxima |x| (for choosing rawPerUnit). */
export function rawAbsMax(sequences: ArrayLike<ArrayLike<number>>[], F: number): Float64Array {
  const mx = new Float64Array(F);
  for (const seq of sequences) for (let t = 0; t < seq.length; t++) for (let f = 0; f < F; f++) mx[f] = Math.max(mx[f], Math.abs(seq[t][f]));
  return mx;
}

/** A dataset's sequences as (N)(T)(F) views (no copy), checked against the model's feature count. */
export function datasetSequences(d: { source: string; features: string[]; x: Float32Array[] }, F: number): Float32Array[][] {
  if (d.features.length !== F) {
    throw new TinyrnnError(
      {
        code: 'QNT005',
        path: 'calib',
        message: `calibration data have ${d.features.length} features (${d.features.join(', ')})`,
        expected: `${F}, the model's inputs`,
      },
      d.source,
    );
  }
  return d.x.map((x) => Array.from({ length: x.length / F }, (_, t) => x.subarray(t * F, (t + 1) * F)));
}
