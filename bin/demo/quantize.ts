// The demo's int8 stage: quantise the model the demo trained (calibrated on the data it was
// trained on), then compare float and int8 on recordings neither has seen.
import * as path from 'node:path';
import { DemoContext, DemoStage, addPage } from './stage';
import { loadData } from '../../compiler/data/load';
import { saveQuantModel, writeFileAtomic } from '../../compiler/core/ir/format';
import { quantizeModel } from '../../compiler/quant/quantize';
import { datasetSequences } from '../../compiler/quant/calibrate';
import { compareQuant, formatQuantReport } from '../../compiler/quant/report';
import { summarizeQuantModel } from '../cli/commands/quantize';
import { renderQuantReport, worstTensor } from '../../runtime/report/quant';
import { writeReport } from '../../runtime/report/page';
import { pct } from '../../runtime/report/format';

/** The data the demo trains on (its first stage) and fresh recordings for the comparison. */
export const DEMO_CALIB_DATA = 'builtin:gestures';
export const DEMO_COMPARE_DATA = 'builtin:gestures?n=300&seed=2';

export const quantizeDemoStage: DemoStage = {
  title: 'quantise: int8 weights, int16 state, integer-only kernels; float vs int8 on recordings neither has seen',
  run(ctx: DemoContext) {
    const m = ctx.model;
    if (!m) throw new Error('demo: no model to quantise');
    const calib = loadData(DEMO_CALIB_DATA);
    const q = quantizeModel(m, datasetSequences(calib, m.inputSize), { source: calib.source });
    const file = path.join(ctx.dir, 'model.q.tnn');
    saveQuantModel(file, q);
    ctx.files.quantised = file;
    const s = summarizeQuantModel(q);
    ctx.io.out(
      `  saved ${path.relative(ctx.io.cwd, file)}: ${s.bytes} bytes of integer parameters (${s.layers.map((l) => `${l.kind} ${l.bytes} B`).join(', ')}, tables ${s.tableBytes} B)`,
    );
    ctx.io.out(`  the device is fed raw integers: ${q.meta.features.map((n, f) => `${n} x${q.input.rawPerUnit[f]}`).join(', ')} (normalisation folded in)`);
    const data = loadData(DEMO_COMPARE_DATA);
    const r = compareQuant(m, q, data, { traceSequences: 50 });
    const fa = r.float.classification?.accuracy ?? NaN;
    const qa = r.int8.classification?.accuracy ?? NaN;
    ctx.io.out(
      `  on ${data.source}: accuracy float ${(100 * fa).toFixed(1)}%, int8 ${(100 * qa).toFixed(1)}% (${qa - fa >= 0 ? '+' : ''}${(100 * (qa - fa)).toFixed(2)} points); predictions identical ${r.agreement?.identical} of ${r.agreement?.predictions}`,
    );
    const worst = worstTensor(r);
    const g0 = r.growth[0];
    const g1 = r.growth[r.growth.length - 1];
    ctx.io.out(
      `  output probabilities: max |error| ${r.output.maxAbs.toPrecision(3)}, mean ${r.output.meanAbs.toPrecision(3)}; mean error steps ${g0.from + 1}-${g0.to + 1}: ${g0.outputMean.toPrecision(3)}, steps ${g1.from + 1}-${g1.to + 1}: ${g1.outputMean.toPrecision(3)}`,
    );
    if (worst)
      ctx.io.out(`  largest relative error: ${worst.name} (mean |err| ${worst.meanAbs.toPrecision(3)} of mean |value| ${worst.meanMagnitude.toPrecision(3)})`);
    const report = path.join(ctx.dir, 'quant-report.txt');
    writeFileAtomic(report, formatQuantReport(r, 'model.q.tnn') + '\n');
    ctx.files.quantReport = report;
    const html = path.join(ctx.dir, 'quant-report.html');
    writeReport(html, renderQuantReport({ specVersion: q.specVersion, calibration: q.doc.calibration, layers: s.layers, bytes: s.bytes, comparison: r }, q));
    ctx.files.quantHtml = html;
    addPage(ctx, {
      title: 'Quantisation to int8',
      file: html,
      figures: [
        { name: 'accuracy float / int8', value: `${pct(fa)} / ${pct(qa)}` },
        { name: 'int8 drop', value: `${(100 * (fa - qa)).toFixed(2)} points` },
        { name: 'predictions identical', value: `${r.agreement?.identical} of ${r.agreement?.predictions}` },
        { name: 'integer parameters', value: `${s.bytes} bytes` },
      ],
    });
    ctx.io.out(`  full report (every layer and gate, error over time): ${path.relative(ctx.io.cwd, html)} (as text: ${path.relative(ctx.io.cwd, report)})`);
  },
};
