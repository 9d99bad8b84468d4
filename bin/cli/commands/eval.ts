// `tinyrnn eval`: scores a model on any data set: accuracy, per-class precision/recall/F1 and
// the confusion matrix, or MAE/RMSE. The float path is evaluateFloat (compiler/train/metrics).
import * as path from 'node:path';
import { Command, UsageError, emit, flag, num, requireStr, str } from '../command';
import { loadAnyModel, loadFloatModel } from '../../../compiler/core/ir/format';
import { compareQuant, formatQuantReport, predictQuant } from '../../../compiler/quant/report';
import { loadData } from '../../../compiler/data/load';
import { Task, withTask } from '../../../compiler/data/task';
import { windowDataset } from '../../../compiler/data/prep';
import { Dataset } from '../../../compiler/data/dataset';
import { evaluateOutputs, formatEvalReport, predictFloat } from '../../../compiler/train/metrics';
import { renderCompareReport, renderEvalReport } from '../../../runtime/report/eval';
import { writeReportOption } from '../../../runtime/report/page';

/** The data an eval runs on: --data, optionally cut into windows. */
/** The data to score on, read as the model's task (a guess alone could read a model's integer classes as counts). */
export function evalData(values: Parameters<typeof num>[0], cwd: string, task?: Task): Dataset {
  const d = withTask(loadData(requireStr(values, 'data', 'FILE|builtin:NAME (the data to score on)'), cwd), task).data;
  const w = num(values, 'window', { int: true, min: 1 });
  return w ? windowDataset(d, w, num(values, 'stride', { int: true, min: 1 }) ?? w) : d;
}

export const evalCommand: Command = {
  name: 'eval',
  summary: 'score a model on data: accuracy, per-class F1 and confusion matrix, or MAE/RMSE',
  usage: 'tinyrnn eval MODEL.tnn|MODEL.q.tnn --data FILE|builtin:NAME [--compare FLOAT.tnn] [--window N [--stride N]] [--json]',
  description: 'Labels are matched to the model by name. For a fair test, use data the model was not trained on (e.g. builtin:gestures?seed=2).',
  options: {
    data: { type: 'string', short: 'd', arg: 'FILE|builtin:NAME', help: 'data with labels or targets' },
    window: { type: 'string', arg: 'STEPS', help: 'cut long recordings into windows of this length first' },
    stride: { type: 'string', arg: 'STEPS', help: 'steps between window starts (default: the window length)' },
    compare: {
      type: 'string',
      arg: 'FLOAT.tnn',
      help: 'int8 model only: compare with its float original (agreement, error per layer and gate, error over time)',
    },
    json: { type: 'boolean', help: 'machine-readable report' },
    report: {
      type: 'string',
      arg: 'FILE.html',
      help: 'write a self-contained HTML report: confusion matrix, per-class scores, misclassified sequences (or residuals); with --compare float and int8 side by side',
    },
  },
  positionals: [1, 1],
  examples: [
    'tinyrnn eval gestures.tnn --data builtin:gestures?seed=2',
    'tinyrnn eval forecast.tnn --data sensor.csv --json',
    'tinyrnn eval gestures.q.tnn --data builtin:gestures?seed=2 --compare gestures.tnn',
    'tinyrnn eval gestures.q.tnn --data builtin:gestures?seed=2 --compare gestures.tnn --report eval.html',
  ],
  run(values, [file], io) {
    const any = loadAnyModel(path.resolve(io.cwd, file));
    const compare = str(values, 'compare');
    const html = str(values, 'report');
    const json = flag(values, 'json');
    /** The result on stdout (text or --json), and the page when --report asks for it. */
    const done = <T>(s: T, text: (s: T) => string, page: (s: T) => string): number => {
      const wrote = html ? `\n${writeReportOption(io.cwd, html, page(s))}` : '';
      emit(io, json, s, () => text(s) + wrote);
      return 0;
    };
    if (compare && any.format !== 'quant') throw new UsageError(`--compare needs an int8 model (MODEL.q.tnn from tinyrnn quantize); ${file} is a float model`);
    const data = evalData(values, io.cwd, any.task);
    if (any.format === 'quant' && compare) {
      // int8 against float, tensor by tensor (compiler/quant/report)
      const s = { model: file, compare, data: data.source, report: compareQuant(loadFloatModel(path.resolve(io.cwd, compare)), any, data) };
      return done(
        s,
        (x) => formatQuantReport(x.report, file),
        (x) => renderCompareReport(x, any),
      );
    }
    // int8 models run on the reference integer kernels, float models on the float path
    const outputs = any.format === 'quant' ? predictQuant(any, data) : predictFloat(any, data);
    const s = { model: file, data: data.source, report: evaluateOutputs(any, data, outputs) };
    const title = any.format === 'quant' ? `${file} (int8) on ${data.source}` : `${file} on ${data.source}`;
    return done(
      s,
      (x) => formatEvalReport(x.report, title),
      (x) => renderEvalReport(x, any, data, outputs),
    );
  },
};
