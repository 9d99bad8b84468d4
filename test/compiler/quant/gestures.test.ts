// Acceptance on builtin:gestures: an LSTM and a GRU of 16 hidden units, trained by a seeded
// run, quantised with the training data as calibration, scored on a fresh data set
// (builtin:gestures?seed=2: other users and noise draws). int8 accuracy must stay within 1
// percentage point of float, and at least 98% of the predictions must be identical.
import { train } from '../../../compiler/train';
import { loadData } from '../../../compiler/data/load';
import { FloatModel } from '../../../compiler/ir/model';
import { quantizeModel } from '../../../compiler/quant/quantize';
import { datasetSequences } from '../../../compiler/quant/calibrate';
import { compareQuant, formatQuantReport } from '../../../compiler/quant/report';

/** A deep copy whose typed arrays belong to this test's realm (the trainer clones with structuredClone, whose arrays jest's realm does not recognise). */
function localize<T>(v: T): T {
  if (ArrayBuffer.isView(v)) return Float32Array.from(v as unknown as ArrayLike<number>) as unknown as T;
  if (Array.isArray(v)) return v.map(localize) as unknown as T;
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, localize(x)])) as T;
  return v;
}

const trainData = loadData('builtin:gestures');
const testData = loadData('builtin:gestures?seed=2');

describe.each([['lstm'], ['gru']] as const)('%s, 16 hidden units', (cell) => {
  test('int8 accuracy within 1 point of float, >= 98% identical predictions', async () => {
    const r = await train(trainData, { cell, hidden: 16, epochs: 30, seed: 1 });
    const model: FloatModel = localize(r.model);
    const q = quantizeModel(model, datasetSequences(trainData, model.inputSize), { source: trainData.source });
    const rep = compareQuant(model, q, testData, { traceSequences: 50 });
    console.log(formatQuantReport(rep, `gestures ${cell} h16`));
    const fa = rep.float.classification!.accuracy;
    const qa = rep.int8.classification!.accuracy;
    console.log(`gestures ${cell}: float ${(100 * fa).toFixed(2)}%, int8 ${(100 * qa).toFixed(2)}%, difference ${(100 * (qa - fa)).toFixed(2)} points, identical ${(100 * rep.agreement!.rate).toFixed(2)}% (trainer's own test split: float ${(100 * (r.test?.classification?.accuracy ?? NaN)).toFixed(1)}%)`);
    expect(fa).toBeGreaterThan(0.6); // a trained model, not chance (1/6)
    expect(Math.abs(qa - fa)).toBeLessThanOrEqual(0.01);
    expect(rep.agreement!.rate).toBeGreaterThanOrEqual(0.98);
    expect(rep.agreement!.predictions).toBe(testData.x.length);
  });
});
