// The simulation report, described for the report module (runtime/report): the input stream with
// fault marks, predictions over time against the labels, time per step against the time until the
// next sample, memory against the board's limits, and for a fleet the per-device figures.

import { SimulationReport, DeviceResult } from './types';
import { Block, PlotSpec, SummaryRow, Verdict } from '../report/types';
import { renderPage } from '../report/page';
import { fmtBytes, fmtTime, pct, round } from '../report/format';

/** Most points drawn per series; longer streams are decimated by keeping every n-th step. */
export const MAX_PLOT_POINTS = 40000;

/** Indices to draw for a stream of T steps (all of them when short enough). */
function plotIndices(T: number): number[] {
  if (T <= MAX_PLOT_POINTS) return Array.from({ length: T }, (_, i) => i);
  const stride = Math.ceil(T / MAX_PLOT_POINTS);
  const out: number[] = [];
  for (let i = 0; i < T; i += stride) out.push(i);
  return out;
}

/** Predictions at the answer steps only (null elsewhere), on the drawn indices (an answer falls on the nearest drawn index). */
function answerSeries(idx: number[], answers: Int32Array, pred: Float64Array): (number | null)[] {
  const out: (number | null)[] = idx.map(() => null);
  const stride = idx.length > 1 ? idx[1] - idx[0] : 1;
  for (const a of answers) {
    const k = Math.min(idx.length - 1, Math.round(a / stride));
    out[k] = round(pred[a]);
  }
  return out;
}

function summaryRows(r: SimulationReport): SummaryRow[] {
  const f = r.fleet;
  const d0 = r.devices[0];
  const t = d0?.timing;
  const rows: [string, string, Verdict][] = [];
  const ok = (b: boolean): 'ok' | 'bad' => (b ? 'ok' : 'bad');
  rows.push(['Model', `${r.model.name} (${r.model.task}, ${r.model.params} parameters)`, '']);
  rows.push([
    'Board',
    `${r.board.name}: ${r.board.core} at ${r.board.clockMHz} MHz, ${fmtBytes(r.board.ramBytes)} RAM, ${fmtBytes(r.board.flashBytes)} flash`,
    '',
  ]);
  rows.push(['Engine', r.engineDetail, '']);
  rows.push([
    'Stream',
    `${r.data} at ${r.rateHz} Hz (period ${fmtTime(1 / r.rateHz)}), ${f.devices} device${f.devices === 1 ? '' : 's'}, ${f.steps} steps`,
    '',
  ]);
  rows.push([
    'RAM',
    `${fmtBytes(r.memory.ramBytes)} of ${fmtBytes(r.memory.ramLimit)} (${pct(r.memory.ramBytes / r.memory.ramLimit)})`,
    ok(r.memory.ramBytes <= r.memory.ramLimit),
  ]);
  rows.push([
    'Flash',
    `${fmtBytes(r.memory.flashBytes)} of ${fmtBytes(r.memory.flashLimit)} (${pct(r.memory.flashBytes / r.memory.flashLimit)})`,
    ok(r.memory.flashBytes <= r.memory.flashLimit),
  ]);
  rows.push([
    'Same as reference',
    `${f.parityMismatches === 0 ? 'bit for bit' : `${f.parityMismatches} values differ`} (${r.devices.reduce((s, d) => s + d.parity.compared, 0)} values compared)`,
    ok(f.parityMismatches === 0),
  ]);
  if (f.accuracy.rate !== null)
    rows.push([
      'Accuracy',
      `${pct(f.accuracy.rate)} (${f.accuracy.correct} of ${f.accuracy.total})${f.devices > 1 ? `, per device ${pct(f.accuracyMin)} to ${pct(f.accuracyMax)}` : ''}`,
      '',
    ]);
  if (f.error)
    rows.push(['Error', `MAE ${f.error.mae.toPrecision(4)}, RMSE ${f.error.rmse.toPrecision(4)} over ${f.error.n} answers, against the targets`, '']);
  if (t) {
    rows.push([
      'Time per step',
      `mean ${fmtTime(f.stepMean)}, worst ${fmtTime(f.stepMax)} against ${fmtTime(1 / r.rateHz)} per sample (${pct(t.utilization)} busy); highest sustainable rate ${t.maxRateHz === Infinity ? 'n/a' : `${t.maxRateHz.toFixed(1)} Hz`}`,
      '',
    ]);
    rows.push(['Deadline misses', `${f.misses} of ${f.steps} steps${f.devices > 1 ? ` on ${f.devicesWithMisses} devices` : ''}`, ok(f.misses === 0)]);
  } else rows.push(['Time per step', 'no estimate for this engine and board (see notes)', '']);
  if (d0?.energy)
    rows.push([
      'Energy',
      `${d0.energy.perInferenceUj.toPrecision(3)} µJ per inference at ${r.board.activeCurrentmA} mA; inference alone draws ${d0.energy.inferenceCurrentmA.toPrecision(3)} mA on average at this rate`,
      '',
    ]);
  if (r.faults.length) {
    const c = f.faultCounts;
    rows.push([
      'Faults',
      `${r.faults.join(' ')}: ${
        Object.entries(c)
          .filter(([, n]) => n > 0)
          .map(([k, n]) => `${n} ${k}`)
          .join(', ') || 'none occurred'
      }; ${f.changedPredictions} predictions changed; ${f.survived} of ${f.devices} devices kept running`,
      ok(f.survived === f.devices),
    ]);
  }
  return rows.map(([key, value, verdict]) => ({ key, value, verdict }));
}

function faultBlocks(r: SimulationReport): Block[] {
  const d0 = r.devices[0];
  const events = d0?.faults?.events ?? [];
  if (!events.length) return [];
  const detail = (e: (typeof events)[number]): string =>
    e.feature !== undefined
      ? `${r.model.features[e.feature] ?? e.feature} = ${String(e.value)}`
      : e.kind === 'dropout'
        ? 'sample lost, last value held'
        : e.kind === 'reset'
          ? 'device reset: model state cleared'
          : '';
  const recovery = d0.faults?.recovery ?? [];
  const after = recovery.map(
    (x) =>
      `step ${x.reset}: ${x.steps === null ? 'predictions never matched the run without the reset again' : `predictions back to those without the reset after ${x.steps} steps`}`,
  );
  return [
    { kind: 'section', title: `Faults on device ${d0.device}` },
    { kind: 'table', head: ['step', 'fault', 'detail'], rows: events.slice(0, 200).map((e) => [e.step, e.kind, detail(e)]) },
    ...(after.length ? [{ kind: 'text' as const, text: `After each reset: ${after.join('; ')}.` }] : []),
  ];
}

function devicePlots(r: SimulationReport, d: DeviceResult, k: number, suffix: string): Block[] {
  const tr = d.traces;
  if (!tr) return [];
  const F = r.model.features.length;
  const idx = plotIndices(tr.prediction.length);
  const period = 1 / r.rateHz;
  const t = idx.map((i) => round(i * period));
  const marks = Array.from(tr.faultSteps, (s) => s * period);
  const classes = r.model.task === 'classification';
  const labels = r.model.labels ?? undefined;
  const dec = idx.length < tr.prediction.length ? ' Long stream: every n-th step is drawn.' : '';
  const answers = tr.answerSteps.length > 0;
  const input: PlotSpec = {
    id: `plot-input-${k}`,
    x: t,
    xLabel: 'time (s)',
    yLabel: 'input value',
    marks,
    series: r.model.features.map((label, f) => ({ label, values: idx.map((i) => round(tr.input[i * F + f])) })),
  };
  const pred: PlotSpec = {
    id: `plot-pred-${k}`,
    x: t,
    xLabel: 'time (s)',
    yLabel: classes ? 'class' : 'value',
    marks,
    ...(classes && labels ? { yCategories: labels } : {}),
    series: [
      { label: answers ? 'output each step' : 'prediction', values: idx.map((i) => round(tr.prediction[i])), stepped: classes, faint: answers },
      { label: classes ? 'label' : 'target', values: idx.map((i) => round(tr.truth[i])), stepped: classes, dash: true, color: '#2a9d55' },
      ...(answers ? [{ label: 'answer (end of recording)', values: answerSeries(idx, tr.answerSteps, tr.prediction), points: true, color: '#e0542e' }] : []),
    ],
  };
  const blocks: Block[] = [
    { kind: 'section', title: `Input stream${suffix}`, note: `What reached the device, sample by sample (${d.source}). Red marks: faults and resets.${dec}` },
    { kind: 'plot', plot: input },
    {
      kind: 'section',
      title: `Predictions over time${suffix}`,
      note: classes
        ? `Predicted class per step against the label${labels ? ` (${labels.map((l, i) => `${i} ${l}`).join(', ')})` : ''}`
        : 'Predicted value per step against the target',
    },
    { kind: 'plot', plot: pred },
  ];
  if (tr.exec.length) {
    blocks.push(
      {
        kind: 'section',
        title: `Time per step against the deadline${suffix}`,
        note: 'Estimated execution time on the board per step, and the time until the next sample arrives.',
      },
      {
        kind: 'plot',
        plot: {
          id: `plot-time-${k}`,
          x: t,
          xLabel: 'time (s)',
          yLabel: 'ms',
          height: 220,
          logY: 'auto',
          yFromZero: true,
          series: [
            { label: 'step time (ms)', values: idx.map((i) => round(tr.exec[i] * 1e3)), color: '#e0542e', fill: true },
            { label: 'deadline (ms)', values: idx.map((i) => round(tr.budget[i] * 1e3)), color: '#1d2330', dash: true },
          ],
        },
      },
    );
  }
  return blocks;
}

function memoryBlocks(r: SimulationReport): Block[] {
  const m = r.memory;
  const kb = (b: number): number => Math.round(b / 102.4) / 10;
  const used = [round((100 * m.ramBytes) / m.ramLimit), round((100 * m.flashBytes) / m.flashLimit)];
  const parts: Block[] = m.parts.length ? [{ kind: 'table', head: ['part', 'where', 'bytes'], rows: m.parts.map((p) => [p.name, p.kind, p.bytes]) }] : [];
  return [
    { kind: 'section', title: 'Memory' },
    {
      kind: 'plot',
      plot: {
        id: 'memory',
        x: [0, 1],
        xLabel: 'memory',
        yLabel: '% of the board',
        height: 220,
        xCategories: [`RAM ${kb(m.ramBytes)} of ${kb(m.ramLimit)} KB`, `flash ${kb(m.flashBytes)} of ${kb(m.flashLimit)} KB`],
        hline: { value: 100, label: 'board limit' },
        series: [{ label: 'used (% of the board)', values: used, bars: true }],
      },
    },
    ...parts,
    { kind: 'text', text: m.source, small: true },
  ];
}

function fleetBlocks(r: SimulationReport): Block[] {
  if (r.devices.length < 2) return [];
  return [
    { kind: 'section', title: 'Fleet: per device', note: 'Accuracy and deadline misses of every simulated device.' },
    {
      kind: 'plot',
      plot: {
        id: 'plot-fleet',
        x: r.devices.map((d) => d.device),
        xLabel: 'device',
        yLabel: 'accuracy (%)',
        yRange: [0, 100],
        rightLabel: 'steps',
        height: 220,
        series: [
          {
            label: 'accuracy (%)',
            values: r.devices.map((d) => (d.accuracy.rate === null ? null : round(d.accuracy.rate * 100))),
            points: true,
            color: '#2a9d55',
          },
          { label: 'deadline misses', values: r.devices.map((d) => d.timing?.misses ?? 0), points: true, right: true, color: '#e0542e' },
          { label: 'changed by faults', values: r.devices.map((d) => d.faults?.changedPredictions ?? 0), points: true, right: true, color: '#9b4fd1' },
        ],
      },
    },
  ];
}

/** Renders the report. */
export function renderHtml(r: SimulationReport): string {
  const plotted = r.devices.filter((d) => d.traces).slice(0, 1);
  const suffix = (d: DeviceResult): string => (plotted.length > 1 || r.devices.length > 1 ? ` (device ${d.device})` : '');
  return renderPage({
    title: `tinyrnn simulation: ${r.model.name} on ${r.board.name}`,
    heading: `${r.model.name} on ${r.board.name}`,
    tag: `(${r.engine} engine)`,
    lead: `${r.tool}: ${r.engine === 'reference' ? 'the predictions below were computed by the reference kernels (no device code ran).' : 'every prediction below was computed by the device code and compared with the reference kernels.'}`,
    blocks: [
      { kind: 'summary', rows: summaryRows(r) },
      ...plotted.flatMap((d, k) => devicePlots(r, d, k, suffix(d))),
      ...faultBlocks(r),
      ...memoryBlocks(r),
      ...fleetBlocks(r),
      ...(r.notes.length
        ? [
            { kind: 'section' as const, title: 'Notes' },
            { kind: 'list' as const, items: r.notes },
          ]
        : []),
    ],
  });
}
