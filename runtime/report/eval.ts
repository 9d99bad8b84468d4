// The evaluation report (`tinyrnn eval --report`): a classifier's confusion matrix as a heat map,
// its per-class scores and a few misclassified sequences drawn; a regression model's MAE/RMSE,
// prediction against target and residuals over time. With --compare (an int8 model against its
// float original) both side by side, and where the int8 error comes from (runtime/report/quant).

import { FloatModel } from '../../compiler/core/ir/model';
import { QuantModel } from '../../compiler/core/ir/quant-model';
import { Dataset } from '../../compiler/data/dataset';
import { argmax } from '../../compiler/float/infer';
import { EvalReport, labelMap } from '../../compiler/train/metrics';
import { QuantReport } from '../../compiler/quant/report';
import { Block, SummaryRow } from './types';
import { renderPage } from './page';
import { round } from './format';
import { scoreBlocks, scoreLine } from './metrics';
import { inputPlot, regressionPlots } from './sequences';
import { comparisonBlocks, comparisonRows, worstSentence } from './quant';

/** What `tinyrnn eval --json` prints. */
export interface EvalSummary {
  model: string;
  data: string;
  report: EvalReport;
}

/** What `tinyrnn eval --compare --json` prints. */
export interface CompareSummary {
  model: string;
  compare: string;
  data: string;
  report: QuantReport;
}

/** The model as eval sees it: float or int8 (labels, task, output mode). */
type Scored = FloatModel | QuantModel;

/** Misclassified sequences drawn, at most. */
const MISCLASSIFIED = 4;
/** Regression sequences drawn, at most. */
const REGRESSION_SEQUENCES = 3;

/** Sequences whose answer (the last step's class) is wrong: index, true and predicted class. */
export function misclassified(model: Scored, data: Dataset, outputs: Float64Array[]): { n: number; truth: string; predicted: string }[] {
  const labels = model.meta.labels ?? [];
  const map = labelMap(model as FloatModel, data);
  const O = labels.length;
  const F = data.features.length;
  const out: { n: number; truth: string; predicted: string }[] = [];
  outputs.forEach((o, n) => {
    const T = data.x[n].length / F;
    const truth = map[data.y ? data.y[n] : (data.yStep as Int32Array[])[n][T - 1]];
    const pred = argmax(o.subarray((T - 1) * O, T * O));
    if (pred !== truth) out.push({ n, truth: labels[truth], predicted: labels[pred] });
  });
  return out;
}

function misclassifiedBlocks(model: Scored, data: Dataset, outputs: Float64Array[]): Block[] {
  const wrong = misclassified(model, data, outputs);
  if (!wrong.length) return [{ kind: 'section', title: 'Misclassified sequences', note: 'None: every answer is right.' }];
  return [
    {
      kind: 'section',
      title: 'Misclassified sequences',
      note: `${wrong.length} sequences answered wrongly (at their last step); the first ${Math.min(MISCLASSIFIED, wrong.length)} drawn.`,
    },
    ...wrong.slice(0, MISCLASSIFIED).flatMap((w, k): Block[] => [
      { kind: 'text', text: `Sequence ${w.n + 1}: true class ${w.truth}, predicted ${w.predicted}` },
      { kind: 'plot', plot: inputPlot(`plot-wrong-${k}`, data, w.n) },
    ]),
  ];
}

/** Mean residual (prediction - target) and mean |residual| per step, over every sequence and output. */
function residualBlocks(data: Dataset, outputs: Float64Array[]): Block[] {
  const F = data.features.length;
  const K = data.targetNames?.length ?? 1;
  const T = Math.max(...data.x.map((x) => x.length / F));
  const sum = new Float64Array(T);
  const abs = new Float64Array(T);
  const n = new Float64Array(T);
  outputs.forEach((o, s) => {
    const y = (data.targets as Float32Array[])[s];
    for (let i = 0; i < o.length; i++) {
      const t = Math.floor(i / K);
      sum[t] += o[i] - y[i];
      abs[t] += Math.abs(o[i] - y[i]);
      n[t]++;
    }
  });
  const at = (a: Float64Array): (number | null)[] => Array.from(a, (v, t) => (n[t] ? round(v / n[t]) : null));
  return [
    { kind: 'section', title: 'Residuals over time', note: 'Prediction minus target at each step, averaged over the sequences and outputs (target units).' },
    {
      kind: 'plot',
      plot: {
        id: 'plot-residuals',
        x: Array.from({ length: T }, (_, t) => t + 1),
        xLabel: 'step',
        xInteger: true,
        yLabel: 'residual (target units)',
        series: [
          { label: 'mean residual', values: at(sum) },
          { label: 'mean |residual|', values: at(abs), dash: true, color: '#e0542e' },
        ],
      },
    },
  ];
}

function detailBlocks(model: Scored, data: Dataset, outputs: Float64Array[], r: EvalReport): Block[] {
  if (r.classification) return misclassifiedBlocks(model, data, outputs);
  return [
    {
      kind: 'section',
      title: 'Prediction against target',
      note: {
        sequence: `The first ${Math.min(REGRESSION_SEQUENCES, data.x.length)} sequences, step by step.`,
        last: 'The answer of each sequence.',
        final: 'The final states of each sequence (one answer per sequence).',
      }[r.output],
    },
    ...regressionPlots('plot-seq', data, outputs, r.output, REGRESSION_SEQUENCES),
    ...(r.output === 'sequence' ? residualBlocks(data, outputs) : []),
  ];
}

export function renderEvalReport(s: EvalSummary, model: Scored, data: Dataset, outputs: Float64Array[]): string {
  const kind = model.format === 'quant' ? 'int8' : 'float';
  const rows: SummaryRow[] = [
    { key: 'Model', value: `${s.model} (${model.meta.name}, ${kind})` },
    { key: 'Data', value: `${s.data}: ${s.report.sequences} sequences` },
    { key: 'Score', value: scoreLine(s.report) },
  ];
  return renderPage({
    title: `tinyrnn evaluation: ${model.meta.name} on ${s.data}`,
    heading: `Evaluating ${model.meta.name}`,
    tag: `(${kind})`,
    lead: `${scoreLine(s.report)}.`,
    blocks: [{ kind: 'summary', rows }, ...scoreBlocks(s.report, 'eval', 'Scores'), ...detailBlocks(model, data, outputs, s.report)],
  });
}

export function renderCompareReport(s: CompareSummary, q: QuantModel): string {
  const r = s.report;
  const rows: SummaryRow[] = [
    { key: 'Models', value: `${s.model} (int8) against ${s.compare} (float)` },
    { key: 'Data', value: `${s.data}: ${r.sequences} sequences, ${r.steps} steps` },
    { key: 'Float', value: scoreLine(r.float) },
    { key: 'Int8', value: scoreLine(r.int8) },
    ...comparisonRows(r),
  ];
  return renderPage({
    title: `tinyrnn evaluation: ${q.meta.name}, float against int8 on ${s.data}`,
    heading: `Evaluating ${q.meta.name}: float against int8`,
    lead: worstSentence(r),
    blocks: [
      { kind: 'summary', rows },
      { kind: 'columns', columns: [scoreBlocks(r.float, 'float', 'Float'), scoreBlocks(r.int8, 'int8', 'Int8')] },
      ...comparisonBlocks(r, q),
    ],
  });
}
