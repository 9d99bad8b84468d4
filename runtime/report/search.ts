// The search report (OUT/search.html of `tinyrnn search`): the chosen model and its test score in
// the headline, the Pareto front as scatter plots of int8 validation score against flash, RAM and
// time per step (front, other trials that fit, the chosen one), the baseline beside it, and a
// table of every trial.
import { SearchResult } from '../search/search';
import { Trial } from '../search/space';
import { TrialResult } from '../search/trial';
import { Block, PlotSpec, SummaryRow } from './types';
import { renderPage } from './page';
import { round } from './format';

/** The objectives the scatter plots put on x. */
export const SEARCH_AXES = [
  { id: 'flash', label: 'flash (bytes)', of: (r: TrialResult) => r.measure.flashBytes },
  { id: 'ram', label: 'RAM (bytes)', of: (r: TrialResult) => r.measure.ramBytes },
  { id: 'step', label: 'time per step (ms)', of: (r: TrialResult) => r.measure.stepMs ?? 0 },
] as const;

export function describeTrial(t: Trial): string {
  if (t.cell === 'esn') return `esn ${t.hidden}, leak ${t.leak}, readout ${t.readout ?? 'last'}`;
  const dense = t.dense.length ? ` +dense ${t.dense.join(',')}` : '';
  return `${t.cell} ${t.hidden}x${t.layers}${dense}, lr ${t.lr}, ${t.epochs} ep${t.patience ? ` (patience ${t.patience})` : ''}${t.window ? `, window ${t.window}` : ''}, p${t.percentile}`;
}

function scoreText(metric: string, v: number | null | undefined): string {
  if (v === null || v === undefined) return '-';
  return metric === 'accuracy' ? `${(100 * v).toFixed(1)}%` : v.toPrecision(4);
}

/** Score as plotted: accuracy in percent, or RMSE. */
function plotted(r: TrialResult): number | null {
  return r.int8Val === null ? null : round(r.metric === 'accuracy' ? 100 * r.int8Val : r.int8Val);
}

/** One scatter plot: x sorted ascending (the chart's rule), one series per group, null elsewhere. */
export function frontPlot(res: SearchResult, axis: (typeof SEARCH_AXES)[number]): PlotSpec {
  const ok = res.results.filter((r) => r.status === 'ok' && !res.trials[r.index].baseline).sort((a, b) => axis.of(a) - axis.of(b) || a.index - b.index);
  const front = new Set(res.front);
  const only = (keep: (r: TrialResult) => boolean) => ok.map((r) => (keep(r) ? plotted(r) : null));
  const metric = ok[0]?.metric ?? 'accuracy';
  return {
    id: `front-${axis.id}`,
    x: ok.map((r) => round(axis.of(r))),
    xLabel: axis.label,
    yLabel: metric === 'accuracy' ? 'int8 validation accuracy (%)' : 'int8 validation RMSE',
    series: [
      { label: 'Pareto front', values: only((r) => front.has(r.index) && r.index !== res.chosen), points: true, color: '#1f5fbf' },
      { label: 'other trials that fit', values: only((r) => !front.has(r.index)), points: true, color: '#999999' },
      { label: 'chosen', values: only((r) => r.index === res.chosen), points: true, color: '#c0392b' },
    ],
  };
}

function trialRow(t: Trial, r: TrialResult | undefined, res: SearchResult): (string | number)[] {
  const role = t.baseline ? 'baseline' : t.index === res.chosen ? 'chosen' : res.front.includes(t.index) ? 'front' : '';
  if (!r) return [t.index, describeTrial(t), 'not run', role, '-', '-', '-', '-', '-', '-'];
  const m = r.measure;
  const status = r.status === 'ok' ? 'ok' : `${r.status}: ${r.reason}`;
  return [
    t.index,
    describeTrial(t),
    status,
    role,
    scoreText(r.metric, r.int8Val),
    scoreText(r.metric, r.floatVal),
    m.flashBytes || '-',
    m.ramBytes || '-',
    m.stepMs === null ? '-' : m.stepMs.toFixed(2),
    r.epochs,
  ];
}

function summary(res: SearchResult): SummaryRow[] {
  const s = res.settings;
  const chosen = res.results.find((r) => r.index === res.chosen);
  const rows: SummaryRow[] = [
    { key: 'data', value: s.data },
    { key: 'board, rate, target', value: `${s.board} at ${s.rateHz} Hz, ${s.target}` },
    { key: 'trials', value: `${res.trials.filter((t) => !t.baseline).length} drawn with seed ${s.seed}${res.complete ? '' : ' (stopped by --budget)'}` },
  ];
  if (chosen && res.test) {
    rows.push({ key: 'chosen', value: `trial ${chosen.index}: ${describeTrial(res.trials[chosen.index])}`, verdict: 'ok' });
    rows.push({
      key: 'test split (reported once)',
      value: `${scoreText(res.test.metric, res.test.int8)} int8, ${scoreText(res.test.metric, res.test.float)} float, ${res.test.sequences} sequences`,
    });
    rows.push({
      key: 'on the board',
      value: `flash ${chosen.measure.flashBytes} B, RAM ${chosen.measure.ramBytes} B, ${chosen.measure.stepMs?.toFixed(2)} ms per step, 0 deadlines missed`,
    });
  } else rows.push({ key: 'chosen', value: 'none: no trial fits the board at the rate', verdict: 'bad' });
  for (const b of res.baseline)
    rows.push({
      key: `baseline trial ${b.index}`,
      value: `${describeTrial(res.trials[b.index])}: ${b.test ? `${scoreText(b.test.metric, b.test.int8)} int8 on the test split` : 'does not fit or keep up'}`,
    });
  return rows;
}

export function renderSearchReport(res: SearchResult): string {
  const byIndex = new Map(res.results.map((r) => [r.index, r]));
  const blocks: Block[] = [
    { kind: 'summary', rows: summary(res) },
    {
      kind: 'section',
      title: 'Pareto front',
      note: 'Models that fit the board and keep up with the rate; no other trial is at least as good in accuracy, flash, RAM and time per step.',
    },
    ...SEARCH_AXES.map((a): Block => ({ kind: 'plot', plot: frontPlot(res, a) })),
    { kind: 'section', title: 'Every trial' },
    {
      kind: 'table',
      id: 'trials',
      head: ['#', 'model', 'status', 'role', 'int8 val', 'float val', 'flash B', 'RAM B', 'ms/step', 'epochs'],
      rows: res.trials.map((t) => trialRow(t, byIndex.get(t.index), res)),
    },
  ];
  const chosen = byIndex.get(res.chosen ?? -1);
  return renderPage({
    title: 'tinyrnn search',
    heading: 'tinyrnn search',
    tag: `${res.settings.board} at ${res.settings.rateHz} Hz`,
    lead:
      chosen && res.test
        ? `Chosen: ${describeTrial(res.trials[chosen.index])}, ${scoreText(res.test.metric, res.test.int8)} int8 on the test split.`
        : 'No trial fits the board at the rate.',
    blocks,
  });
}
