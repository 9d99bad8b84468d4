// A data set in a few lines: its shapes and the task it is read as, with the evidence
// (`tinyrnn inspect DATA`, and the same words `train` prints).
//
// Legend: N sequences, T steps, F features, K classes or targets per step.

import { Dataset, datasetTask, seqLength } from './dataset';

export interface DataSummary {
  source: string;
  sequences: number; // N
  steps: { min: number; max: number }; // T
  features: string[]; // (F)
  task: 'classification' | 'regression';
  /** Why the data are read as this task. */
  evidence: string;
  /** 'sequence' (one label per sequence) or 'step' (one label or target row per step). */
  per: 'sequence' | 'step';
  classes: string[] | null;
  targets: string[] | null;
}

/** True when an `inspect` argument names data rather than a model. */
export function isDataSpec(arg: string): boolean {
  return arg.startsWith('builtin:') || /\.(csv|json)$/i.test(arg);
}

export function summarizeData(d: Dataset): DataSummary {
  const lengths = d.x.map((_, n) => seqLength(d, n));
  return {
    source: d.source,
    sequences: d.x.length,
    steps: { min: Math.min(...lengths), max: Math.max(...lengths) },
    features: d.features,
    task: datasetTask(d),
    evidence: d.taskEvidence ?? datasetTask(d),
    per: d.y ? 'sequence' : 'step',
    classes: d.labels ?? null,
    targets: d.targetNames ?? null,
  };
}

export function formatDataSummary(s: DataSummary): string {
  const T = s.steps.min === s.steps.max ? `${s.steps.min}` : `${s.steps.min}..${s.steps.max}`;
  const answers = s.classes
    ? `${s.classes.length} classes (${s.classes.slice(0, 10).join(', ')}${s.classes.length > 10 ? ', ...' : ''})`
    : `${s.targets?.length ?? 0} targets (${(s.targets ?? []).join(', ')})`;
  return [
    `${s.source}: ${s.sequences} sequences x ${T} steps x ${s.features.length} features (${s.features.join(', ')})`,
    `  ${answers}, one per ${s.per}`,
    `  task: ${s.evidence}`,
  ].join('\n');
}
