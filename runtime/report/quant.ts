// The int8 report (`tinyrnn quantize --report`, and the comparison part of `tinyrnn eval
// --compare --report`): the figures of compiler/quant/report's compareQuant, the one computation
// the commands' text and --json print, drawn: error per layer and gate (mean and max, relative to
// the values), error over the time steps, the share of values held at the limit of their integer
// type, the int8 weight codes of every layer, and float against int8.

import { QuantModel, QLayer } from '../../compiler/core/ir/quant-model';
import { QuantReport, TensorError } from '../../compiler/quant/report';
import { Block, PlotSpec, SummaryRow } from './types';
import { renderPage } from './page';
import { g3, pct, round } from './format';
import { LayerRow, layerBlocks } from './metrics';

/** What `tinyrnn quantize --json` prints. */
export interface QuantizeSummary {
  model: string;
  output: string;
  specVersion: number;
  calibration: string;
  layers: LayerRow[];
  bytes: number;
  /** What the quantiser chose for the device's raw input, and why (compiler/quant/input.ts). */
  inputStage?: { text: string };
  onCalibration: {
    agreement: QuantReport['agreement'] | null;
    outputMaxAbsError: number;
    outputMeanAbsError: number;
    float: number | null;
    int8: number | null;
  };
  comparison: QuantReport;
}

/** Mean |error| relative to the tensor's mean |value|. */
export function relativeError(t: TensorError): number {
  return t.meanAbs / (t.meanMagnitude || 1);
}

/** The tensor inside the model (not the input) whose mean error is largest against its values. */
export function worstTensor(r: QuantReport): TensorError | undefined {
  return [...r.tensors].filter((t) => t.layer >= 0).sort((a, b) => relativeError(b) - relativeError(a))[0];
}

/** One sentence: the layer that loses most precision in int8. */
export function worstSentence(r: QuantReport): string {
  const w = worstTensor(r);
  if (!w) return 'No per-layer analysis was run.';
  return `Most precision is lost in ${w.name}: mean |error| ${g3(w.meanAbs)} against a mean |value| of ${g3(w.meanMagnitude)} (${pct(relativeError(w))}).`;
}

/** Float against int8, as rows: the metric, agreement and output error. */
export function comparisonRows(r: QuantReport): SummaryRow[] {
  const rows: SummaryRow[] = [];
  const fc = r.float.classification;
  const qc = r.int8.classification;
  if (fc && qc)
    rows.push({
      key: 'Accuracy',
      value: `float ${pct(fc.accuracy)}, int8 ${pct(qc.accuracy)} (${qc.accuracy - fc.accuracy >= 0 ? '+' : ''}${(100 * (qc.accuracy - fc.accuracy)).toFixed(2)} points)`,
    });
  const fr = r.float.regression;
  const qr = r.int8.regression;
  if (fr && qr) rows.push({ key: 'Error', value: `RMSE float ${g3(fr.rmse)}, int8 ${g3(qr.rmse)}; MAE float ${g3(fr.mae)}, int8 ${g3(qr.mae)}` });
  if (r.agreement)
    rows.push({
      key: 'Agreement',
      value: `int8 predicts what float predicts ${r.agreement.identical} of ${r.agreement.predictions} times (${pct(r.agreement.rate)})`,
    });
  rows.push({
    key: 'Output error',
    value: `max |error| ${g3(r.output.maxAbs)}, mean ${g3(r.output.meanAbs)} (every step, real units${fc ? ', probabilities' : ''})`,
  });
  return rows;
}

function tensorPlots(r: QuantReport): Block[] {
  const t = r.tensors;
  if (!t.length) return [];
  const x = t.map((_, i) => i);
  const names = t.map((e) => e.name);
  const per: PlotSpec = {
    id: 'plot-tensor-error',
    x,
    xLabel: 'tensor',
    yLabel: '% of mean |value|',
    xCategories: names,
    yFromZero: true,
    height: 280,
    series: [
      { label: 'mean |error| (% of mean |value|)', values: t.map((e) => round(100 * relativeError(e))), bars: true },
      {
        label: 'max |error| (% of mean |value|)',
        values: t.map((e) => round((100 * e.maxAbs) / (e.meanMagnitude || 1))),
        points: true,
        right: true,
        color: '#e0542e',
      },
    ],
    rightLabel: 'max, % of mean |value|',
  };
  const limit: PlotSpec = {
    id: 'plot-at-limit',
    x,
    xLabel: 'tensor',
    yLabel: '% of values',
    xCategories: names,
    yFromZero: true,
    height: 240,
    series: [
      {
        label: 'values at the limit of their integer type (%)',
        values: t.map((e) => (e.atLimit === null ? null : round(100 * e.atLimit))),
        bars: true,
        color: '#9b4fd1',
      },
    ],
  };
  return [
    {
      kind: 'section',
      title: 'Error per layer and gate',
      note: `Every tensor of the int8 model against float, in real units, on ${r.tracedSequences} sequences: mean |error| (bars, left axis) and max |error| (points, right axis), both relative to the tensor's mean |value|.`,
    },
    { kind: 'plot', plot: per },
    {
      kind: 'table',
      id: 'tensors',
      head: ['tensor', 'max |err|', 'mean |err|', 'mean |value|', 'at limit'],
      rows: t.map((e) => [e.name, g3(e.maxAbs), g3(e.meanAbs), g3(e.meanMagnitude), e.atLimit === null ? '-' : pct(e.atLimit)]),
    },
    {
      kind: 'section',
      title: 'Values at the limit of their integer type',
      note: 'Saturation explains large max errors; pre-activations held beyond ±8 are harmless after a sigmoid or tanh. No bar: no limit applies (gate outputs, int16 state).',
    },
    { kind: 'plot', plot: limit },
  ];
}

function growthPlot(r: QuantReport): Block[] {
  const g = r.growth;
  if (!g.length || !r.tensors.length) return [];
  const hidden = [...new Set(g.flatMap((row) => Object.keys(row.hidden)))];
  return [
    {
      kind: 'section',
      title: 'Error over time',
      note: "Mean |error| of the model output and of each recurrent layer's h, by step range (does it grow along the sequence?).",
    },
    {
      kind: 'plot',
      plot: {
        id: 'plot-growth',
        x: g.map((row) => (row.from + row.to) / 2 + 1),
        xLabel: 'step (middle of each range)',
        yLabel: 'mean |error| (real units)',
        yFromZero: true,
        series: [
          { label: 'output', values: g.map((row) => round(row.outputMean)), color: '#1d2330' },
          ...hidden.map((h) => ({ label: `${h} h`, values: g.map((row) => round(row.hidden[h] ?? 0)) })),
        ],
      },
    },
  ];
}

/** Every int8 weight matrix of a layer (the Int8Array fields, in the nested cells of a bidirectional layer too). */
export function weightMatrices(l: QLayer): { name: string; w: Int8Array }[] {
  const out: { name: string; w: Int8Array }[] = [];
  const walk = (o: object, prefix: string): void => {
    for (const [k, v] of Object.entries(o)) {
      if (v instanceof Int8Array) out.push({ name: `${prefix}${k}`, w: v });
      else if (v && typeof v === 'object' && !ArrayBuffer.isView(v) && !Array.isArray(v)) walk(v as object, `${prefix}${k}.`);
    }
  };
  walk(l, '');
  return out.filter((m) => m.w.length > 0);
}

/** Histogram bins of int8 codes: 32 bins of 8 codes, centred at -124, -116, ..., 124. */
const BINS = 32;
function codeHistogram(w: Int8Array): number[] {
  const h = new Array<number>(BINS).fill(0);
  for (const v of w) h[Math.min(BINS - 1, (v + 128) >> 3)]++;
  return h.map((n) => (100 * n) / w.length);
}

function weightBlocks(q: QuantModel): Block[] {
  const x = Array.from({ length: BINS }, (_, i) => i * 8 - 124);
  const plots = q.layers.flatMap((l, i): Block[] => {
    const ms = weightMatrices(l);
    if (!ms.length) return [];
    const atLimit = ms.reduce((s, m) => s + m.w.filter((v) => v === 127 || v === -127).length, 0);
    const total = ms.reduce((s, m) => s + m.w.length, 0);
    return [
      { kind: 'text', text: `L${i} ${l.kind}: ${total} weights, ${atLimit} at ±127 (${pct(atLimit / total)}).` },
      {
        kind: 'plot',
        plot: {
          id: `plot-weights-${i}`,
          x,
          xLabel: 'int8 weight code (one code = one int8 step of its row)',
          yLabel: '% of weights',
          height: 200,
          yFromZero: true,
          marks: [-127, 127],
          series: ms.map((m) => ({ label: `${m.name} (% of its weights)`, values: codeHistogram(m.w).map(round), stepped: true })),
        },
      },
    ];
  });
  if (!plots.length) return [];
  return [
    {
      kind: 'section',
      title: 'Weights in int8',
      note: "Histogram of the int8 weight codes per layer. Each row has its own scale: one code is one int8 step of it, and the row's largest weight takes ±127 (red marks, the clipping limit). Codes crowded near 0 mean few steps of precision.",
    },
    ...plots,
  ];
}

/** The blocks every int8 comparison shows (quantize and eval --compare). */
export function comparisonBlocks(r: QuantReport, q: QuantModel | null): Block[] {
  return [...tensorPlots(r), ...growthPlot(r), ...(q ? weightBlocks(q) : [])];
}

/** The part of the quantize summary the page draws (the demo gives it for its own comparison data). */
export type QuantPageData = Pick<QuantizeSummary, 'specVersion' | 'calibration' | 'layers' | 'bytes' | 'comparison' | 'inputStage'>;

export function renderQuantReport(s: QuantPageData, q: QuantModel): string {
  const r = s.comparison;
  const rows: SummaryRow[] = [
    { key: 'Model', value: `${q.meta.name}: int8 (spec v${s.specVersion}), ${s.bytes} bytes of integer parameters` },
    { key: 'Calibration', value: s.calibration },
    ...(s.inputStage ? [{ key: 'Device input', value: s.inputStage.text }] : []),
    { key: 'Compared on', value: `${r.data}: ${r.sequences} sequences, ${r.steps} steps` },
    ...comparisonRows(r),
  ];
  return renderPage({
    title: `tinyrnn quantisation: ${q.meta.name}`,
    heading: `Quantising ${q.meta.name} to int8`,
    lead: worstSentence(r),
    blocks: [
      { kind: 'summary', rows },
      ...comparisonBlocks(r, q),
      ...layerBlocks(s.layers, `${s.bytes} bytes of integer parameters in all (with the activation tables and the input stage)`),
    ],
  });
}
