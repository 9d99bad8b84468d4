// Report plots of single sequences: the input channels of a recording over time, and a regression
// model's prediction against the target (over the steps of a sequence, or over the sequences when
// the model answers once per sequence).

import type { OutputMode } from '../../compiler/core/ir/model';
import { Dataset } from '../../compiler/data/dataset';
import { Block, PlotSpec, Series } from './types';
import { round } from './format';

const steps = (T: number): number[] => Array.from({ length: T }, (_, t) => t + 1);

/** The input channels of sequence n over its steps. */
export function inputPlot(id: string, data: Dataset, n: number): PlotSpec {
  const F = data.features.length;
  const x = data.x[n];
  const T = x.length / F;
  return {
    id,
    x: steps(T),
    xLabel: 'step',
    xInteger: true,
    yLabel: 'input value (data units)',
    height: 200,
    series: data.features.map((label, f) => ({ label, values: Array.from({ length: T }, (_, t) => round(x[t * F + f])) })),
  };
}

/** Targets and predictions of each named output (one series pair per output). */
function pairs(names: string[], value: (k: number, which: 'target' | 'prediction') => (number | null)[], tag: string): Series[] {
  return names.flatMap((name, k) => [
    { label: `${name} target`, values: value(k, 'target'), color: '#2a9d55', dash: true },
    { label: `${name} ${tag}`, values: value(k, 'prediction'), color: k ? '#9b4fd1' : '#2f6fde' },
  ]);
}

/**
 * Prediction against target: per sequence over its steps (output per step), for the first
 * `count` sequences; or one plot over the sequences (output per sequence).
 */
export function regressionPlots(id: string, data: Dataset, outputs: Float64Array[], output: OutputMode, count: number, tag = 'prediction'): Block[] {
  const F = data.features.length;
  const names = (data.targetNames ?? []).slice(0, 3);
  const K = data.targetNames?.length ?? 0;
  const targets = data.targets as Float32Array[];
  if (output !== 'sequence') {
    const last = (n: number, a: ArrayLike<number>, k: number): number | null => round(a[(data.x[n].length / F - 1) * K + k]);
    const N = data.x.length;
    const value = (k: number, which: 'target' | 'prediction'): (number | null)[] =>
      Array.from({ length: N }, (_, n) => last(n, which === 'target' ? targets[n] : outputs[n], k));
    return [{ kind: 'plot', plot: { id: `${id}-0`, x: steps(N), xLabel: 'sequence', yLabel: 'value (target units)', series: pairs(names, value, tag) } }];
  }
  return Array.from({ length: Math.min(count, data.x.length) }, (_, n): Block => {
    const T = data.x[n].length / F;
    const value = (k: number, which: 'target' | 'prediction'): (number | null)[] =>
      Array.from({ length: T }, (_, t) => round((which === 'target' ? targets[n] : outputs[n])[t * K + k]));
    return {
      kind: 'plot',
      plot: {
        id: `${id}-${n}`,
        x: steps(T),
        xLabel: `step (sequence ${n + 1})`,
        yLabel: 'value (target units)',
        height: 200,
        series: pairs(names, value, tag),
      },
    };
  });
}
