// The outcome of a search from its trial results: the Pareto front of the models that fit and keep
// up (int8 validation score against flash, RAM and time per step) and the chosen model (the best
// int8 validation score; ties go to the smaller: less flash, then RAM, then step time, then the
// earlier trial).
import type { TrialResult } from './trial';

/** Higher is better for accuracy, lower for RMSE: the score as "higher is better". */
export function goodness(r: TrialResult): number {
  return r.metric === 'accuracy' ? r.int8Val! : -r.int8Val!;
}

function costs(r: TrialResult): number[] {
  return [r.measure.flashBytes, r.measure.ramBytes, r.measure.stepMs ?? Infinity];
}

/** a dominates b: no worse in every objective and better in one. */
function dominates(a: TrialResult, b: TrialResult): boolean {
  const ca = [-goodness(a), ...costs(a)];
  const cb = [-goodness(b), ...costs(b)];
  return ca.every((x, i) => x <= cb[i]) && ca.some((x, i) => x < cb[i]);
}

export function usable(results: TrialResult[]): TrialResult[] {
  return results.filter((r) => r.status === 'ok');
}

/** The non-dominated usable trials, by trial index. */
export function paretoFront(results: TrialResult[]): TrialResult[] {
  const ok = usable(results);
  return ok.filter((r) => !ok.some((o) => o !== r && dominates(o, r))).sort((a, b) => a.index - b.index);
}

/** The chosen trial, or null when no trial fits the board at the rate. */
export function choose(results: TrialResult[]): TrialResult | null {
  const key = (r: TrialResult) => [-goodness(r), ...costs(r), r.index];
  const ok = usable(results).sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] - kb[i];
    return 0;
  });
  return ok[0] ?? null;
}
