// builtin:sines: one-step-ahead forecasting of a noisy sum of sines (per-step regression).
//
// Each sequence is a sensor signal at 25 Hz made of 2-3 sinusoids (0.3-3 Hz) with random
// amplitudes, phases and a slow amplitude decay, observed with white noise. The target at step t
// is the clean signal at step t+1, so a model must learn the dynamics, not copy its input.
//
// Legend: N sequences, T steps, F = 1 feature (value), K = 1 target (next).

import { Dataset } from '../dataset';
import { Rng } from '../../core/util/rng';

export interface SinesOptions {
  n: number;
  length: number;
  seed: number;
  /** Observation noise standard deviation. */
  noise: number;
}

export const SINES_DEFAULTS: SinesOptions = { n: 200, length: 100, seed: 1, noise: 0.05 };

export function sinesDataset(o: SinesOptions): Dataset {
  const rng = new Rng(o.seed ^ 0x51e5);
  const rate = 25;
  const x: Float32Array[] = [];
  const targets: Float32Array[] = [];
  for (let n = 0; n < o.n; n++) {
    const parts = 2 + rng.int(2);
    const f: number[] = [];
    const a: number[] = [];
    const p: number[] = [];
    for (let k = 0; k < parts; k++) {
      f.push(rng.uniform(0.3, 3));
      a.push(rng.uniform(0.2, 1) / parts);
      p.push(rng.uniform(0, 2 * Math.PI));
    }
    const decay = rng.uniform(0, 0.3);
    const clean = (s: number): number => {
      const t = s / rate;
      let v = 0;
      for (let k = 0; k < parts; k++) v += a[k] * Math.sin(2 * Math.PI * f[k] * t + p[k]);
      return v * Math.exp(-decay * t);
    };
    const xs = new Float32Array(o.length); // (T, 1)
    const ys = new Float32Array(o.length); // (T, 1)
    for (let s = 0; s < o.length; s++) {
      xs[s] = clean(s) + rng.normal() * o.noise;
      ys[s] = clean(s + 1);
    }
    x.push(xs);
    targets.push(ys);
  }
  return { source: 'builtin:sines', features: ['value'], x, targets, targetNames: ['next'], sampleRate: rate };
}
