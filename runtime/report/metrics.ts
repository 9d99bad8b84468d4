// Report blocks for the scores every command prints (compiler/train/metrics' EvalReport): the
// confusion matrix as a heat map with per-class precision, recall and F1, or MAE/RMSE; and the
// layer table of a model.

import { EvalReport } from '../../compiler/train/metrics';
import { Block, SummaryRow } from './types';
import { g3, pct } from './format';

/** One line of a model's layer table (as `tinyrnn inspect` and `--json` give it). */
export interface LayerRow {
  index: number;
  kind: string;
  detail: string;
  input: number;
  output: number;
  params?: number;
  bytes: number;
}

/** The headline of a score: "accuracy 93.3 %, macro F1 0.931" or "MAE 0.0123, RMSE 0.0456". */
export function scoreLine(r: EvalReport): string {
  if (r.classification)
    return `accuracy ${pct(r.classification.accuracy)}, macro F1 ${r.classification.macroF1.toFixed(3)} (${r.classification.n} predictions)`;
  if (r.regression) return `MAE ${g3(r.regression.mae)}, RMSE ${g3(r.regression.rmse)} (${r.regression.n} predicted steps)`;
  return 'no scores';
}

export function scoreRow(key: string, r: EvalReport | null): SummaryRow[] {
  return r ? [{ key, value: scoreLine(r) }] : [];
}

/** Confusion matrix and per-class scores (classification) or per-target errors (regression). */
export function scoreBlocks(r: EvalReport, id: string, title: string): Block[] {
  if (r.classification) {
    const c = r.classification;
    const labels = c.perClass.map((p) => p.label);
    return [
      {
        kind: 'section',
        title: `${title}: confusion matrix`,
        note: 'Rows: true class, columns: predicted class; counts, shaded by the share of the row. The diagonal (framed) is right.',
      },
      { kind: 'heatmap', map: { id: `${id}-confusion`, corner: 'true \\ predicted', rowLabels: labels, colLabels: labels, values: c.confusion } },
      { kind: 'section', title: `${title}: per class` },
      {
        kind: 'table',
        id: `${id}-classes`,
        head: ['class', 'precision', 'recall', 'F1', 'support'],
        rows: c.perClass.map((p) => [p.label, pct(p.precision), pct(p.recall), p.f1.toFixed(3), p.support]),
      },
    ];
  }
  const g = r.regression;
  if (!g) return [];
  return [
    { kind: 'section', title: `${title}: error per target` },
    { kind: 'table', id: `${id}-targets`, head: ['target', 'MAE', 'RMSE'], rows: g.perTarget.map((t) => [t.name, g3(t.mae), g3(t.rmse)]) },
  ];
}

export function layerBlocks(layers: LayerRow[], total: string): Block[] {
  return [
    { kind: 'section', title: 'Model' },
    {
      kind: 'table',
      id: 'layers',
      head: ['#', 'layer', 'detail', 'in', 'out', 'parameters', 'bytes'],
      rows: layers.map((l) => [l.index, l.kind, l.detail, l.input, l.output, l.params ?? '', l.bytes]),
    },
    { kind: 'text', text: total, small: true },
  ];
}
