// Headroom: a series that grows past its calibration range. A GRU forecaster is trained one step
// ahead on a level series (levels up to 1.0, peaks 1.3) and scored on a series whose level ramps
// until it peaks at more than 1.4 times the calibration maximum. With the default headroom the
// int8 forecast follows float (RMSE within 10% of float's); with none (headroom 1) the output is
// clipped flat at the calibration maximum, and the saturation report names it.
import { datasetFromObject } from '../../../compiler/data/dataset';
import { quantizeModel, DEFAULT_HEADROOM } from '../../../compiler/quant/quantize';
import { datasetSequences } from '../../../compiler/quant/calibrate';
import { compareQuant } from '../../../compiler/quant/report';
import { saturationWarnings } from '../../../compiler/quant/saturation';
import { Trainer } from '../../../compiler/train/trainer';

const wave = (level: number, t: number, phase: number): number => level * (1 + 0.3 * Math.sin(0.6 * t + phase));

/** One-step-ahead forecasting: x = s(t), target = s(t+1), for sequences i of level level(i, t). */
function series(level: (i: number, t: number) => number, n: number, T: number) {
  const x: number[][][] = [];
  const y: number[][][] = [];
  for (let i = 0; i < n; i++) {
    const s = Array.from({ length: T + 1 }, (_, t) => wave(level(i, t), t, (i * 2.399) % 6.283));
    x.push(s.slice(0, T).map((v) => [v]));
    y.push(s.slice(1).map((v) => [v]));
  }
  return datasetFromObject({ x, y });
}

test('a series growing to 1.4x its calibration maximum: int8 forecast within 10% of float with the default headroom', async () => {
  const train = series((i) => 0.4 + (0.6 * ((i * 7) % 40)) / 39, 40, 30);
  const trainer = new Trainer(train, { cell: 'gru', hidden: 8, epochs: 40, lr: 0.02, val: 0.2, test: 0, seed: 3 });
  const { model } = await trainer.run();
  const calib = datasetSequences(train, 1);
  const calMax = Math.max(...train.x.map((x) => Math.max(...x)));
  // growth: the level ramps from 1.0 to 1.5 along each test sequence (past the margin with headroom 1)
  const T = 40;
  const grow = series((_i, t) => 1 + (0.5 * t) / T, 6, T);
  const peak = Math.max(...grow.x.map((s) => Math.max(...s)));
  expect(peak).toBeGreaterThanOrEqual(1.4 * calMax);
  const withDefault = compareQuant(model, quantizeModel(model, calib), grow);
  const none = compareQuant(model, quantizeModel(model, calib, { headroom: 1 }), grow);
  const f = withDefault.float.regression!.rmse;
  console.log(
    `calibration max ${calMax.toFixed(3)}, test peak ${peak.toFixed(3)} (${(peak / calMax).toFixed(2)}x); RMSE float ${f.toFixed(4)}, int8 headroom ${DEFAULT_HEADROOM} ${withDefault.int8.regression!.rmse.toFixed(4)}, int8 headroom 1 ${none.int8.regression!.rmse.toFixed(4)}`,
  );
  console.log(saturationWarnings(none.saturation).join('\n'));
  expect(withDefault.int8.regression!.rmse).toBeLessThanOrEqual(1.1 * f);
  expect(none.int8.regression!.rmse).toBeGreaterThan(1.1 * f);
  const out = none.saturation.find((r) => r.output)!;
  expect(out.share).toBeGreaterThan(0.01);
  expect(saturationWarnings(none.saturation).some((w) => w.startsWith(`warning: ${out.name} (the model output) is at its integer limit in`))).toBe(true);
  expect(withDefault.saturation.find((r) => r.output)!.share).toBeLessThan(out.share);
}, 60000);
