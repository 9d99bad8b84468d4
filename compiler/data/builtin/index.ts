// The built-in datasets: seeded generators, no downloads. Named on the command line as
// builtin:NAME or builtin:NAME?key=value&key=value (e.g. builtin:gestures?n=1200&seed=3).

import { Dataset } from '../dataset';
import { Diagnostic, TinyrnnError } from '../../core/ir/errors';
import { GESTURE_DEFAULTS, gesturesDataset } from './gestures';
import { SINES_DEFAULTS, sinesDataset } from './sines';
import { ANOMALY_DEFAULTS, anomalyDataset } from './anomaly';

export interface BuiltinInfo {
  name: string;
  summary: string;
  /** Options and their defaults (all numbers). */
  defaults: Record<string, number>;
  /** Option limits, inclusive. */
  limits: Record<string, [number, number, 'int' | 'real']>;
  make(o: Record<string, number>): Dataset;
}

export const BUILTIN_DATASETS: BuiltinInfo[] = [
  {
    name: 'gestures',
    summary:
      '3-axis accelerometer at 25 Hz, 6 gestures (idle, tap, shake, wave, circle, tilt), per-user variation; classification per sequence; levels=L: integer readings 0..L-1 of a +-2 g converter',
    defaults: { ...GESTURE_DEFAULTS },
    limits: {
      n: [1, 1e6, 'int'],
      length: [4, 100000, 'int'],
      users: [1, 10000, 'int'],
      seed: [0, 4294967295, 'int'],
      noise: [0, 10, 'real'],
      levels: [0, 65536, 'int'],
    },
    make: (o) => gesturesDataset({ n: o.n, length: o.length, users: o.users, seed: o.seed, noise: o.noise, levels: o.levels }),
  },
  {
    name: 'sines',
    summary: 'noisy sums of sines at 25 Hz; per-step regression: forecast the next clean value',
    defaults: { ...SINES_DEFAULTS },
    limits: { n: [1, 1e6, 'int'], length: [2, 1000000, 'int'], seed: [0, 4294967295, 'int'], noise: [0, 10, 'real'] },
    make: (o) => sinesDataset({ n: o.n, length: o.length, seed: o.seed, noise: o.noise }),
  },
  {
    name: 'anomaly',
    summary: 'motor vibration and current at 200 Hz, windows labelled normal or anomaly (bearing, imbalance, loose mount)',
    defaults: { ...ANOMALY_DEFAULTS },
    limits: { n: [1, 1e6, 'int'], length: [4, 100000, 'int'], seed: [0, 4294967295, 'int'], rate: [0, 1, 'real'] },
    make: (o) => anomalyDataset({ n: o.n, length: o.length, seed: o.seed, rate: o.rate }),
  },
];

/** Generates builtin:NAME[?key=value&...]; spec is the text after "builtin:". */
export function builtinDataset(spec: string): Dataset {
  const q = spec.indexOf('?');
  const name = q < 0 ? spec : spec.slice(0, q);
  const info = BUILTIN_DATASETS.find((b) => b.name === name);
  if (!info) {
    throw new TinyrnnError(
      {
        code: 'DATA012',
        path: '',
        message: `unknown built-in dataset ${JSON.stringify(name)}`,
        expected: BUILTIN_DATASETS.map((b) => `builtin:${b.name}`).join(', '),
      },
      `builtin:${spec}`,
    );
  }
  const opts: Record<string, number> = { ...info.defaults };
  const problems: Diagnostic[] = [];
  if (q >= 0) {
    for (const part of spec.slice(q + 1).split('&')) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      const key = eq < 0 ? part : part.slice(0, eq);
      const raw = eq < 0 ? '' : part.slice(eq + 1);
      const lim = info.limits[key];
      if (!lim) {
        problems.push({
          code: 'DATA013',
          path: key,
          message: `unknown option ${JSON.stringify(key)} for builtin:${name}`,
          expected: Object.keys(info.defaults)
            .map((k) => `${k} (default ${info.defaults[k]})`)
            .join(', '),
        });
        continue;
      }
      const v = Number(raw);
      if (raw === '' || !Number.isFinite(v) || (lim[2] === 'int' && !Number.isInteger(v)) || v < lim[0] || v > lim[1]) {
        problems.push({
          code: 'DATA013',
          path: key,
          message: `bad value for ${key}`,
          value: raw,
          expected: `${lim[2] === 'int' ? 'an integer' : 'a number'} in ${lim[0]}..${lim[1]}`,
        });
        continue;
      }
      opts[key] = v;
    }
  }
  if (problems.length) throw new TinyrnnError(problems, `builtin:${spec}`);
  const d = info.make(opts);
  d.source = `builtin:${spec}`;
  return d;
}
