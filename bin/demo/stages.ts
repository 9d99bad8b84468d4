// The demo's stages, in pipeline order. Each capability appends what it adds.
import * as path from 'node:path';
import { DemoStage, addPage } from './stage';
import { FloatModel, emptyCell, emptyDense } from '../../compiler/core/ir/model';
import { loadFloatModel, saveFloatModel } from '../../compiler/core/ir/format';
import { runFloat, stepFloat, createFloatState, argmax } from '../../compiler/float/infer';
import { summarizeFloatModel } from '../cli/commands/inspect';
import { Rng } from '../../compiler/core/util/rng';
import { loadData } from '../../compiler/data/load';
import { Trainer } from '../../compiler/train/trainer';
import { trainSummary } from '../cli/commands/train';
import { renderTrainReport } from '../../runtime/report/train';
import { writeReport } from '../../runtime/report/page';
import { pct } from '../../runtime/report/format';
import { simulateDemoStage } from './simulate';
import { quantizeDemoStage } from './quantize';
import { espruinoDemoStage } from './espruino';
import { cDemoStage } from './c';

export type { DemoContext, DemoStage } from './stage';

/** A seeded random LSTM classifier, for when no trained model is at hand. */
export function randomModel(seed = 1): FloatModel {
  const rng = new Rng(seed);
  const lstm = emptyCell('lstm', 3, 8);
  const head = emptyDense(8, 3, 'softmax');
  for (const a of [lstm.wx, lstm.wh, head.w]) for (let i = 0; i < a.length; i++) a[i] = rng.normal() * 0.4;
  return {
    format: 'float',
    meta: { name: 'demo-random', features: ['ax', 'ay', 'az'], labels: ['idle', 'shake', 'tilt'], sampleRate: 25 },
    task: 'classification',
    output: 'last',
    inputSize: 3,
    layers: [lstm, head],
  };
}

export const DEMO_STAGES: DemoStage[] = [
  {
    title: 'train: an LSTM gesture classifier on builtin:gestures (3-axis accelerometer at 25 Hz, 6 gestures, 100 simulated users)',
    async run(ctx) {
      const data = loadData('builtin:gestures');
      const t0 = Date.now();
      const trainer = new Trainer(data, { cell: 'lstm', hidden: 16, epochs: 30, seed: 1, name: 'gestures' });
      const res = await trainer.run();
      const file = path.join(ctx.dir, 'model.tnn');
      saveFloatModel(file, res.model);
      ctx.files.model = file;
      ctx.model = loadFloatModel(file);
      const s = summarizeFloatModel(ctx.model);
      const c = res.test?.classification;
      ctx.io.out(
        `  ${data.x.length} recordings -> ${res.sizes.train} train / ${res.sizes.val} validation / ${res.sizes.test} test; ${res.history.length} epochs in ${((Date.now() - t0) / 1000).toFixed(1)} s, kept epoch ${res.bestEpoch}`,
      );
      if (c) {
        ctx.io.out(`  test accuracy ${(100 * c.accuracy).toFixed(1)}%, per-class F1: ${c.perClass.map((p) => `${p.label} ${p.f1.toFixed(2)}`).join(', ')}`);
      }
      ctx.io.out(`  saved ${path.relative(ctx.io.cwd, file)}: ${s.layers.map((l) => `${l.kind}(${l.detail})`).join(' -> ')}, ${s.params} parameters`);
      const report = path.join(ctx.dir, 'train-report.html');
      writeReport(report, renderTrainReport(trainSummary(res, file, trainer), res.model, trainer.test?.data ?? null));
      ctx.files.trainReport = report;
      addPage(ctx, {
        title: 'Training',
        file: report,
        figures: [
          { name: 'test accuracy', value: c ? pct(c.accuracy) : 'n/a' },
          { name: 'macro F1', value: c ? c.macroF1.toFixed(3) : 'n/a' },
          { name: 'epochs', value: `${res.history.length}, kept ${res.bestEpoch}` },
          { name: 'parameters', value: String(s.params) },
        ],
      });
      ctx.io.out(`  training report: ${path.relative(ctx.io.cwd, report)}`);
    },
  },
  {
    title: 'float inference: a whole sequence and the same sequence step by step',
    run(ctx) {
      const m = ctx.model as FloatModel;
      const rng = new Rng(7);
      const xs = Array.from({ length: 50 }, () => [rng.normal(), rng.normal(), 1 + rng.normal() * 0.1]);
      const whole = runFloat(m, xs).output[0];
      const st = createFloatState(m);
      let last: Float64Array = new Float64Array(0);
      for (const x of xs) last = stepFloat(m, st, x);
      const same = whole.every((v, i) => v === last[i]);
      ctx.io.out(`  50 steps: prediction ${m.meta.labels?.[argmax(whole)]}, streaming ${same ? 'identical' : 'DIFFERENT'} to whole-sequence`);
    },
  },
  quantizeDemoStage,
  cDemoStage,
  espruinoDemoStage,
  // Last: the device simulation (it uses the newest .q.tnn an earlier stage wrote).
  simulateDemoStage,
];
