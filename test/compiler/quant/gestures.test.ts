// Acceptance on builtin:gestures: an LSTM and a GRU of 16 hidden units (trained by seeded runs of
// tinyrnn train, committed in fixtures/: see fixtures/README.md), quantised with the training
// data as calibration, scored on a fresh data set (builtin:gestures?seed=2: other users and noise
// draws). int8 accuracy must stay within 1 percentage point of float, and at least 98% of the
// predictions must be identical.
import * as path from 'node:path';
import { loadData } from '../../../compiler/data/load';
import { loadFloatModel } from '../../../compiler/core/ir/format';
import { quantizeModel } from '../../../compiler/quant/quantize';
import { datasetSequences } from '../../../compiler/quant/calibrate';
import { compareQuant, formatQuantReport } from '../../../compiler/quant/report';

const trainData = loadData('builtin:gestures');
const testData = loadData('builtin:gestures?seed=2');

describe.each([['lstm'], ['gru']] as const)('%s, 16 hidden units', (cell) => {
  test('int8 accuracy within 1 point of float, >= 98% identical predictions', () => {
    const model = loadFloatModel(path.join(__dirname, 'fixtures', `gestures-${cell}-h16.tnn`));
    expect(model.layers[0]).toMatchObject({ kind: cell, hidden: 16 });
    const q = quantizeModel(model, datasetSequences(trainData, model.inputSize), { source: trainData.source });
    const rep = compareQuant(model, q, testData, { traceSequences: 50 });
    console.log(formatQuantReport(rep, `gestures ${cell} h16`));
    const fa = rep.float.classification!.accuracy;
    const qa = rep.int8.classification!.accuracy;
    console.log(
      `gestures ${cell}: float ${(100 * fa).toFixed(2)}%, int8 ${(100 * qa).toFixed(2)}%, difference ${(100 * (qa - fa)).toFixed(2)} points, identical ${(100 * rep.agreement!.rate).toFixed(2)}% of ${rep.agreement!.predictions}`,
    );
    expect(fa).toBeGreaterThan(0.6); // a trained model, not chance (1/6)
    expect(Math.abs(qa - fa)).toBeLessThanOrEqual(0.01);
    expect(rep.agreement!.rate).toBeGreaterThanOrEqual(0.98);
    expect(rep.agreement!.predictions).toBe(testData.x.length);
  });
});
