// builtin:gestures: a seeded simulation of a wrist-worn 3-axis accelerometer at 25 Hz.
//
// Six classes: idle, tap, shake, wave, circle, tilt. Each simulated user has their own sensor
// mounting (a tilted gravity vector), strength, tempo, noise floor and axis offsets; each
// recording adds its own onset, duration and direction jitter. Some pairs are deliberately
// confusable: weak taps look like the bumps of an idle wrist, a slow shake overlaps a fast
// wave in frequency and direction, and a fast tilt resembles a quarter circle.
//
// Legend: N sequences, T steps, F = 3 features (ax, ay, az in g).

import { Dataset } from '../dataset';
import { Rng } from '../../core/util/rng';

export const GESTURE_CLASSES = ['idle', 'tap', 'shake', 'wave', 'circle', 'tilt'] as const;

export interface GestureOptions {
  /** Number of sequences (balanced over the classes). */
  n: number;
  /** Steps per sequence (25 Hz: 50 steps = 2 s). */
  length: number;
  /** Number of simulated users. */
  users: number;
  seed: number;
  /** Multiplies every noise source (0 = clean signals). */
  noise: number;
  /**
   * 0: the float values in g. L >= 1: integer readings of an L-level converter of full scale
   * +-GESTURE_FULL_SCALE g per channel, round((x + FS) / (2 FS) * (L - 1)) clamped to 0..L-1
   * (levels=17: counts 0..16, one count = 0.25 g).
   */
  levels?: number;
}

/** The full scale of the simulated converter of `levels`: +-2 g. */
export const GESTURE_FULL_SCALE = 2;

export const GESTURE_DEFAULTS: Required<GestureOptions> = { n: 1200, length: 50, users: 100, seed: 1, noise: 1, levels: 0 };

interface User {
  amp: number;
  tempo: number;
  noise: number;
  g: [number, number, number]; // gravity direction in sensor axes
  offset: [number, number, number];
}

function rotateGravity(roll: number, pitch: number): [number, number, number] {
  // gravity (0,0,1) g rotated by roll (about x) then pitch (about y)
  const y = -Math.sin(roll);
  const z0 = Math.cos(roll);
  return [z0 * Math.sin(pitch), y, z0 * Math.cos(pitch)];
}

function makeUser(rng: Rng, noise: number): User {
  return {
    amp: rng.uniform(0.75, 1.3),
    tempo: rng.uniform(0.8, 1.2),
    noise: rng.uniform(0.02, 0.06) * noise,
    g: rotateGravity(rng.normal() * 0.3, rng.normal() * 0.3),
    offset: [rng.normal() * 0.03 * noise, rng.normal() * 0.03 * noise, rng.normal() * 0.03 * noise],
  };
}

/** A smooth 0..1..0 envelope over [t0, t1] with 0.15 s ramps. */
function envelope(t: number, t0: number, t1: number): number {
  const ramp = 0.15;
  if (t < t0 || t > t1) return 0;
  const a = Math.min(1, (t - t0) / ramp, (t1 - t) / ramp);
  return 0.5 - 0.5 * Math.cos(Math.PI * a);
}

/** Values in g -> the integer readings of a levels-step converter of full scale +-GESTURE_FULL_SCALE g (in place). */
function toCounts(x: Float32Array, levels: number): void {
  const fs = GESTURE_FULL_SCALE;
  for (let i = 0; i < x.length; i++) x[i] = Math.min(levels - 1, Math.max(0, Math.round(((x[i] + fs) / (2 * fs)) * (levels - 1))));
}

/** Generates one recording of class k into x (T, 3). */
function gesture(rng: Rng, u: User, k: number, T: number, rate: number, noise: number, x: Float32Array): void {
  const dur = T / rate;
  const len = Math.min(dur, rng.uniform(0.9, 1.7) / Math.sqrt(u.tempo));
  const t0 = rng.uniform(0, dur - len);
  const t1 = t0 + len;
  // this recording's gravity: the user's mounting, tilted a little more (a small rotation)
  const tilt = rotateGravity(rng.normal() * 0.08, rng.normal() * 0.08);
  const g = [u.g[0] + tilt[0], u.g[1] + tilt[1], u.g[2] + (tilt[2] - 1)];
  let drift0 = 0;
  let drift1 = 0;
  const phase = rng.uniform(0, 2 * Math.PI);
  // class-specific parameters
  const dirJitter = rng.normal() * 0.45;
  const shakeF = rng.uniform(3.2, 5.5) * u.tempo;
  const waveF = rng.uniform(1.6, 3.2) * u.tempo;
  const circleF = rng.uniform(0.7, 1.3) * u.tempo;
  const circleSign = rng.next() < 0.5 ? -1 : 1;
  const tiltAngle = rng.uniform(0.7, 1.4) * (rng.next() < 0.5 ? -1 : 1);
  const tiltAxis = rng.next() < 0.5 ? 0 : 1;
  const taps: number[] = [];
  const bumps: number[] = [];
  if (k === 1) {
    const nt = 1 + rng.int(3);
    for (let i = 0; i < nt; i++) taps.push(t0 + (len * (i + 0.5)) / nt + rng.normal() * 0.04, rng.uniform(0.6, 1.8) * u.amp);
  } else if (k === 0 && rng.next() < 0.35) {
    bumps.push(rng.uniform(0, dur), rng.uniform(0.1, 0.35));
  }
  for (let s = 0; s < T; s++) {
    const t = s / rate;
    drift0 += rng.normal() * 0.004 * noise;
    drift1 += rng.normal() * 0.004 * noise;
    let ax = g[0] + drift0;
    let ay = g[1] + drift1;
    let az = g[2];
    const e = envelope(t, t0, t1);
    switch (k) {
      case 0: // idle: gravity, drift, tremor and the odd bump
        break;
      case 1: // tap: short decaying 6 Hz ringing on z (added below)
        break;
      case 2: {
        // shake: fast oscillation mostly along x
        const a = 1.3 * u.amp * e * Math.sin(2 * Math.PI * shakeF * (t - t0) + phase);
        ax += a * Math.cos(dirJitter);
        ay += a * Math.sin(dirJitter);
        az += 0.15 * a;
        break;
      }
      case 3: {
        // wave: slower side-to-side swing mostly along y, with a wrist roll
        const a = 0.7 * u.amp * e * Math.sin(2 * Math.PI * waveF * (t - t0) + phase);
        ax += a * Math.sin(dirJitter);
        ay += a * Math.cos(dirJitter);
        az += -0.25 * Math.abs(a);
        break;
      }
      case 4: {
        // circle: the hand draws a circle in the x-y plane
        const w = 2 * Math.PI * circleF * (t - t0) + phase;
        ax += 0.6 * u.amp * e * Math.cos(w);
        ay += 0.6 * u.amp * e * circleSign * Math.sin(w);
        break;
      }
      case 5: {
        // tilt: the wrist rotates and stays rotated; gravity moves between axes
        const p = t < t0 ? 0 : t > t1 ? 1 : 0.5 - 0.5 * Math.cos((Math.PI * (t - t0)) / len);
        const ang = tiltAngle * p;
        if (tiltAxis === 0) {
          ax += Math.sin(ang) * 0.9;
          az += (Math.cos(ang) - 1) * 0.9;
        } else {
          ay += Math.sin(ang) * 0.9;
          az += (Math.cos(ang) - 1) * 0.9;
        }
        break;
      }
    }
    for (let i = 0; i < taps.length; i += 2) {
      const d = t - taps[i];
      if (d >= 0 && d < 0.4) az += taps[i + 1] * Math.exp(-d * 12) * Math.cos(2 * Math.PI * 6 * d);
    }
    for (let i = 0; i < bumps.length; i += 2) {
      const d = t - bumps[i];
      if (d >= 0 && d < 0.4) az += bumps[i + 1] * Math.exp(-d * 12) * Math.cos(2 * Math.PI * 6 * d);
    }
    x[s * 3] = ax + u.offset[0] + rng.normal() * u.noise;
    x[s * 3 + 1] = ay + u.offset[1] + rng.normal() * u.noise;
    x[s * 3 + 2] = az + u.offset[2] + rng.normal() * u.noise;
  }
}

export function gesturesDataset(o: GestureOptions): Dataset {
  const rng = new Rng(o.seed ^ 0x6e57);
  const users = Array.from({ length: o.users }, () => makeUser(rng, o.noise));
  const K = GESTURE_CLASSES.length;
  const rate = 25;
  const x: Float32Array[] = [];
  const y = new Int32Array(o.n);
  for (let n = 0; n < o.n; n++) {
    const k = n % K;
    const seq = new Float32Array(o.length * 3); // (T, 3)
    gesture(rng, users[rng.int(users.length)], k, o.length, rate, o.noise, seq);
    if (o.levels) toCounts(seq, o.levels);
    x.push(seq);
    y[n] = k;
  }
  return {
    source: 'builtin:gestures',
    features: ['ax', 'ay', 'az'],
    x,
    labels: [...GESTURE_CLASSES],
    y,
    sampleRate: rate,
  };
}
