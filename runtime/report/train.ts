// The training report (`tinyrnn train --report FILE.html`): loss, accuracy or RMSE, learning rate
// and gradient norm per epoch with the epoch kept marked; the test scores (confusion matrix or
// prediction against target); the model's layers. For an echo state network, which is fitted in
// closed form, the ridge settings tried and the validation score of each instead of epochs.
// The data is the command's --json summary, so the page and --json cannot differ.

import { FloatModel, OutputMode } from '../../compiler/core/ir/model';
import { Dataset } from '../../compiler/data/dataset';
import { EvalReport, predictFloat } from '../../compiler/train/metrics';
import { EpochRecord } from '../../compiler/train/trainer';
import { Block, PlotSpec, Series, SummaryRow } from './types';
import { renderPage } from './page';
import { g3, round } from './format';
import { LayerRow, layerBlocks, scoreBlocks, scoreRow } from './metrics';
import { regressionPlots } from './sequences';

interface RunSummary {
  name: string;
  task: 'classification' | 'regression';
  output: OutputMode;
  params: number;
  split: { train: number; val: number; test: number };
  layers: LayerRow[];
  validation: EvalReport | null;
  test: EvalReport | null;
}

/** What `tinyrnn train --json` prints for a trained (backpropagation) model. */
export interface TrainSummary extends RunSummary {
  stopped: string;
  epochs: number;
  bestEpoch: number;
  config: { epochs: number; clip: number; optimizer: string; schedule: string; lr: number };
  history: EpochRecord[];
}

/** What `tinyrnn train --cell esn --json` prints. */
export interface EsnSummary extends RunSummary {
  trainedParams: number;
  ridge: { lambda: number; scores: { lambda: number; mse: number; accuracy?: number; int8: { mse: number; accuracy?: number } }[] };
}

/** Test sequences drawn for a regression model. */
const REGRESSION_SEQUENCES = 3;

function epochPlot(id: string, h: EpochRecord[], best: number, yLabel: string, series: Series[], extra: Partial<PlotSpec> = {}): Block {
  return {
    kind: 'plot',
    plot: {
      id,
      x: h.map((r) => r.epoch),
      xLabel: 'epoch',
      xInteger: true,
      yLabel,
      series,
      marks: [best],
      markColor: 'rgba(29,35,48,0.35)',
      height: 220,
      ...extra,
    },
  };
}

function historyBlocks(s: TrainSummary): Block[] {
  const h = s.history;
  const cls = s.task === 'classification';
  const metric = (v: number | null): number | null => (v === null ? null : round(cls ? 100 * v : v));
  const opt = (v: number | undefined): number | null => (v === undefined ? null : round(v));
  const kept = `The grey line marks epoch ${s.bestEpoch}, the one kept.`;
  return [
    {
      kind: 'section',
      title: 'Loss per epoch',
      note: `Mean ${cls ? 'cross-entropy' : 'squared error'} on the training batches and on the validation split. ${kept}`,
    },
    epochPlot('plot-loss', h, s.bestEpoch, 'loss', [
      { label: 'train loss', values: h.map((r) => round(r.trainLoss)) },
      { label: 'validation loss', values: h.map((r) => (r.valLoss === null ? null : round(r.valLoss))), dash: true, color: '#e0542e' },
    ]),
    { kind: 'section', title: cls ? 'Accuracy per epoch' : 'RMSE per epoch', note: kept },
    epochPlot('plot-metric', h, s.bestEpoch, cls ? 'accuracy (%)' : 'RMSE (target units)', [
      { label: cls ? 'train accuracy (%)' : 'train RMSE', values: h.map((r) => metric(r.trainMetric)) },
      { label: cls ? 'validation accuracy (%)' : 'validation RMSE', values: h.map((r) => metric(r.valMetric)), dash: true, color: '#e0542e' },
    ]),
    { kind: 'section', title: 'Learning rate', note: `${s.config.optimizer}, ${s.config.schedule} schedule from ${s.config.lr}.` },
    epochPlot('plot-lr', h, s.bestEpoch, 'learning rate', [{ label: 'learning rate', values: h.map((r) => round(r.lr)) }], { yFromZero: true }),
    {
      kind: 'section',
      title: 'Gradient norm',
      note: `Global gradient norm before clipping, mean and largest per epoch; clipped to ${s.config.clip || 'no limit (off)'}. Right axis: updates clipped per epoch. Epochs trained before these figures were recorded have none.`,
    },
    epochPlot(
      'plot-grad',
      h,
      s.bestEpoch,
      'gradient norm',
      [
        { label: 'mean norm', values: h.map((r) => opt(r.gradNorm)) },
        { label: 'largest norm', values: h.map((r) => opt(r.gradNormMax)), dash: true, color: '#9b4fd1' },
        { label: 'updates clipped', values: h.map((r) => opt(r.clipped)), points: true, right: true, color: '#e0542e' },
      ],
      { logY: 'auto', rightLabel: 'updates clipped', ...(s.config.clip > 0 ? { hline: { value: s.config.clip, label: `clip ${s.config.clip}` } } : {}) },
    ),
  ];
}

function splitRow(s: RunSummary): SummaryRow {
  return {
    key: 'Data',
    value: `${s.split.train} train, ${s.split.val} validation, ${s.split.test} test sequences; ${s.task}, output per ${s.output === 'last' ? 'sequence' : 'step'}`,
  };
}

function testBlocks(s: RunSummary, model: FloatModel, testData: Dataset | null): Block[] {
  if (!s.test) return [];
  if (s.task === 'classification') return scoreBlocks(s.test, 'test', 'Test split');
  const plots = testData ? regressionPlots('plot-test', testData, predictFloat(model, testData), s.output, REGRESSION_SEQUENCES) : [];
  return [
    ...scoreBlocks(s.test, 'test', 'Test split'),
    {
      kind: 'section',
      title: 'Test split: prediction against target',
      note: s.output === 'last' ? 'The answer of each test sequence.' : `The first ${plots.length} test sequences, step by step.`,
    },
    ...plots,
  ];
}

function layerTotal(s: RunSummary): string {
  return `${s.params} parameters (float32: ${4 * s.params} bytes)`;
}

export function renderTrainReport(s: TrainSummary, model: FloatModel, testData: Dataset | null): string {
  const rows: SummaryRow[] = [
    { key: 'Model', value: `${s.name}: ${s.params} parameters` },
    splitRow(s),
    {
      key: 'Training',
      value: `${s.stopped === 'early-stopping' ? 'stopped early' : 'finished'} after ${s.history.length} of ${s.config.epochs} epochs; kept epoch ${s.bestEpoch}`,
    },
    ...scoreRow('Validation', s.validation),
    ...scoreRow('Test', s.test),
  ];
  return renderPage({
    title: `tinyrnn training: ${s.name}`,
    heading: `Training ${s.name}`,
    lead: s.test ? `On the test split: ${rows[rows.length - 1].value}.` : 'No test split.',
    blocks: [{ kind: 'summary', rows }, ...historyBlocks(s), ...testBlocks(s, model, testData), ...layerBlocks(s.layers, layerTotal(s))],
  });
}

function ridgeBlocks(s: EsnSummary): Block[] {
  const sc = s.ridge.scores;
  const cls = s.task === 'classification';
  const x = sc.map((_, i) => i);
  const series: Series[] = cls
    ? [
        { label: 'validation accuracy, int8 states (%)', values: sc.map((r) => round(100 * (r.int8.accuracy ?? 0))), bars: true },
        { label: 'validation accuracy, float states (%)', values: sc.map((r) => round(100 * (r.accuracy ?? 0))), points: true, color: '#e0542e' },
      ]
    : [
        { label: 'validation MSE, int8 states', values: sc.map((r) => round(r.int8.mse)), bars: true },
        { label: 'validation MSE, float states', values: sc.map((r) => round(r.mse)), points: true, color: '#e0542e' },
      ];
  return [
    {
      kind: 'section',
      title: 'Ridge regularisation tried',
      note: `The readout is fitted in closed form for each setting; the one with the best validation score on int8-rounded states is kept (${s.ridge.lambda}).`,
    },
    {
      kind: 'plot',
      plot: {
        id: 'plot-ridge',
        x,
        xLabel: 'ridge regularisation',
        yLabel: cls ? 'accuracy (%)' : 'MSE',
        xCategories: sc.map((r) => String(r.lambda)),
        yFromZero: true,
        series,
      },
    },
    {
      kind: 'table',
      id: 'ridge',
      head: ['ridge', cls ? 'accuracy (int8 states)' : 'MSE (int8 states)', cls ? 'accuracy (float states)' : 'MSE (float states)', 'kept'],
      rows: sc.map((r) => [
        String(r.lambda),
        cls ? `${(100 * (r.int8.accuracy ?? 0)).toFixed(1)} %` : g3(r.int8.mse),
        cls ? `${(100 * (r.accuracy ?? 0)).toFixed(1)} %` : g3(r.mse),
        r.lambda === s.ridge.lambda ? 'yes' : '',
      ]),
    },
  ];
}

export function renderEsnReport(s: EsnSummary, model: FloatModel, testData: Dataset | null): string {
  const rows: SummaryRow[] = [
    { key: 'Model', value: `${s.name}: echo state network, ${s.trainedParams} trained readout parameters, ${s.params} in all` },
    splitRow(s),
    { key: 'Training', value: `closed-form ridge readout; ${s.ridge.scores.length} settings tried, ${s.ridge.lambda} kept` },
    ...scoreRow('Validation', s.validation),
    ...scoreRow('Test', s.test),
  ];
  return renderPage({
    title: `tinyrnn training: ${s.name}`,
    heading: `Training ${s.name}`,
    tag: '(echo state network)',
    lead: s.test ? `On the test split: ${rows[rows.length - 1].value}.` : 'No test split.',
    blocks: [{ kind: 'summary', rows }, ...ridgeBlocks(s), ...testBlocks(s, model, testData), ...layerBlocks(s.layers, layerTotal(s))],
  });
}
