// builtin:anomaly: machine-vibration windows labelled normal or anomaly.
//
// A motor turns at 20-30 Hz sampled at 200 Hz; an accelerometer sees the rotation harmonic
// and its second harmonic, and a current sensor follows the load. Anomalies (about a third of
// the windows) are one of: a bearing fault (short high-frequency bursts once per turn), an
// imbalance (the 1x harmonic grows and the load ripples), or a loose mount (random spikes).
// Machines differ in speed, amplitude and noise, so a threshold on one feature is not enough.
//
// Legend: N sequences, T steps, F = 2 features (vibration in g, current in A).

import { Dataset } from '../dataset';
import { Rng } from '../../core/util/rng';

export interface AnomalyOptions {
  n: number;
  length: number;
  seed: number;
  /** Fraction of anomalous windows. */
  rate: number;
}

export const ANOMALY_DEFAULTS: AnomalyOptions = { n: 400, length: 64, seed: 1, rate: 0.33 };

export function anomalyDataset(o: AnomalyOptions): Dataset {
  const rng = new Rng(o.seed ^ 0xa40a);
  const fs = 200;
  const x: Float32Array[] = [];
  const y = new Int32Array(o.n);
  for (let n = 0; n < o.n; n++) {
    const anomalous = rng.next() < o.rate;
    const kind = anomalous ? 1 + rng.int(3) : 0;
    const f = rng.uniform(20, 30);
    const a1 = rng.uniform(0.2, 0.4);
    const a2 = rng.uniform(0.05, 0.15);
    const noise = rng.uniform(0.02, 0.06);
    const load = rng.uniform(2, 4);
    const p = rng.uniform(0, 2 * Math.PI);
    const seq = new Float32Array(o.length * 2); // (T, 2)
    for (let s = 0; s < o.length; s++) {
      const t = s / fs;
      const w = 2 * Math.PI * f * t + p;
      let v = a1 * Math.sin(w) + a2 * Math.sin(2 * w + 0.5) + rng.normal() * noise;
      let c = load + 0.05 * Math.sin(w) + rng.normal() * 0.03;
      if (kind === 1) {
        // bearing fault: a burst at each turn
        const ph = ((w % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
        if (ph < 0.9) v += 0.35 * Math.sin(ph * 40) * (1 - ph / 0.9);
      } else if (kind === 2) {
        // imbalance: the 1x harmonic grows and the load ripples
        v += 0.5 * a1 * Math.sin(w + 0.3);
        c += 0.25 * Math.sin(w);
      } else if (kind === 3 && rng.next() < 0.06) {
        // loose mount: random spikes
        v += (rng.next() < 0.5 ? -1 : 1) * rng.uniform(0.4, 0.9);
      }
      seq[s * 2] = v;
      seq[s * 2 + 1] = c;
    }
    x.push(seq);
    y[n] = anomalous ? 1 : 0;
  }
  return { source: 'builtin:anomaly', features: ['vibration', 'current'], x, labels: ['normal', 'anomaly'], y, sampleRate: fs };
}
