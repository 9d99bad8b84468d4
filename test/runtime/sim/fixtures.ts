// Models for the simulator tests: a small gesture classifier trained on builtin:gestures and
// quantised with the real pipeline (trainer + quantiser), written once per test process to a
// temp folder; plus an oversized model for the "does not fit" checks.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadData } from '../../../compiler/data/load';
import { saveQuantModel } from '../../../compiler/core/ir/format';
import { FloatModel } from '../../../compiler/core/ir/model';
import { QuantModel } from '../../../compiler/core/ir/quant-model';
import { quantizeModel } from '../../../compiler/quant/quantize';
import { buildModel } from '../../../compiler/train/init';
import { train } from '../../../compiler/train';
import { Dataset } from '../../../compiler/data/dataset';

export const GESTURE_TRAIN = 'builtin:gestures?n=240&length=40&seed=11';
/** Small streams for the simulator: 6 recordings of 40 steps per device. */
export const GESTURE_STREAM = 'builtin:gestures?n=6&length=40&seed=500';

let dir: string | undefined;
export function tmpDir(): string {
  dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-simtest-'));
  return dir;
}

function calibration(d: Dataset): Float32Array[] {
  const F = d.features.length;
  return d.x.map((x) => {
    const rows: Float32Array[] = [];
    for (let t = 0; t < x.length / F; t++) rows.push(x.subarray(t * F, (t + 1) * F));
    return rows;
  }) as unknown as Float32Array[];
}

export function quantize(m: FloatModel, d: Dataset): QuantModel {
  return quantizeModel(m, calibration(d) as unknown as ArrayLike<ArrayLike<number>>[], { source: d.source });
}

/**
 * Re-creates every typed array in this realm. Under jest, a model built with the host's
 * structuredClone (the trainer uses it) carries typed arrays of Node's main realm, which fail the
 * validator's instanceof checks inside the test realm; in a normal process there is one realm.
 */
export function sameRealm<T>(x: T): T {
  if (ArrayBuffer.isView(x)) {
    const Ctor = (globalThis as unknown as Record<string, new (a: ArrayLike<number>) => T>)[x.constructor.name];
    return new Ctor(x as unknown as ArrayLike<number>);
  }
  if (Array.isArray(x)) return x.map(sameRealm) as unknown as T;
  if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, sameRealm(v)])) as T;
  return x;
}

const models = new Map<string, Promise<string>>();

/** A trained and quantised gesture LSTM (hidden 8), as a .q.tnn file. */
export function gestureModelFile(cell: 'lstm' | 'gru' | 'elman' = 'lstm', hidden = 8): Promise<string> {
  const key = `${cell}-${hidden}`;
  let p = models.get(key);
  if (!p) {
    p = (async () => {
      const d = loadData(GESTURE_TRAIN);
      const r = await train(d, { cell, hidden, epochs: 12, batchSize: 32, seed: 3, name: `gestures-${cell}${hidden}`, val: 0.1, test: 0.1 });
      const q = quantize(sameRealm(r.model), d);
      const file = path.join(tmpDir(), `gestures-${key}.q.tnn`);
      saveQuantModel(file, q);
      return file;
    })();
    models.set(key, p);
  }
  return p;
}

/** An untrained (seeded) model shaped for a dataset, quantised on it: for parity, size and speed checks. */
export function randomModelFile(
  cell: 'lstm' | 'gru' | 'elman',
  hidden: number,
  opts: { layers?: number; data?: string; output?: 'last' | 'sequence' } = {},
): string {
  const spec = opts.data ?? 'builtin:gestures?n=12&length=40&seed=2';
  const d = loadData(spec);
  const regression = !!d.targets;
  const output = opts.output ?? (regression ? 'sequence' : 'last');
  const layers = opts.layers ?? 1;
  const name = `random-${cell}${hidden}x${layers}-${spec.replace(/[^a-z0-9]+/gi, '_')}-${output}`;
  const m = buildModel(
    { cell, hidden, layers, bidirectional: false, activation: 'tanh', resetAfter: true, dense: [] },
    {
      name,
      task: regression ? 'regression' : 'classification',
      output,
      features: d.features,
      labels: d.labels,
      targetNames: d.targetNames,
      sampleRate: d.sampleRate,
    },
    5,
  );
  const q = quantize(m, d);
  const file = path.join(tmpDir(), `${name}.q.tnn`);
  saveQuantModel(file, q);
  return file;
}
