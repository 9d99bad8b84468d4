// Models for the simulator tests: a small gesture classifier trained on builtin:gestures and
// quantised with the real pipeline (trainer + quantiser), written once per test process to a
// temp folder; plus an oversized model for the "does not fit" checks.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadData } from '../../../compiler/data/load';
import { saveQuantModel } from '../../../compiler/ir/format';
import { FloatModel } from '../../../compiler/ir/model';
import { QuantModel } from '../../../compiler/ir/quant-model';
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

const models = new Map<string, Promise<string>>();

/** A trained and quantised gesture LSTM (hidden 8), as a .q.tnn file. */
export function gestureModelFile(cell: 'lstm' | 'gru' | 'elman' = 'lstm', hidden = 8): Promise<string> {
  const key = `${cell}-${hidden}`;
  let p = models.get(key);
  if (!p) {
    p = (async () => {
      const d = loadData(GESTURE_TRAIN);
      const r = await train(d, { cell, hidden, epochs: 6, batchSize: 32, seed: 3, name: `gestures-${cell}${hidden}`, val: 0.1, test: 0.1 });
      const q = quantize(r.model, d);
      const file = path.join(tmpDir(), `gestures-${key}.q.tnn`);
      saveQuantModel(file, q);
      return file;
    })();
    models.set(key, p);
  }
  return p;
}

/** An untrained (seeded) model of the given size, quantised: for size and speed checks. */
export function randomModelFile(cell: 'lstm' | 'gru' | 'elman', hidden: number, layers = 1): string {
  const d = loadData('builtin:gestures?n=12&length=40&seed=2');
  const m = buildModel({ cell, hidden, layers, bidirectional: false, activation: 'tanh', resetAfter: true, dense: [] }, { name: `random-${cell}${hidden}`, task: 'classification', output: 'last', features: d.features, labels: d.labels, sampleRate: 25 }, 5);
  const q = quantize(m, d);
  const file = path.join(tmpDir(), `random-${cell}${hidden}x${layers}.q.tnn`);
  saveQuantModel(file, q);
  return file;
}
