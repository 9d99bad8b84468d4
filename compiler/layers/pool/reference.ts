// The reference pooling layer (docs/quantization.md, "Pool"): int32 running sums of the int8
// input per segment and a count per segment; the output after every step is each segment's mean,
// rounded half away from zero, in the input's own scale and zero point (no requantisation).
// Legend: I layer input, S segments.
import { RefHooks, runBySteps } from '../../core/reference/kernel';
import { POOL_MAX_COUNT, QPoolLayer, poolSegment } from './ir';

/** A pool layer's state: the step counter t (stops at 2^22), per-segment sums and counts. */
export interface QPoolState {
  t: number;
  sum: Int32Array; // (S, I)
  count: Int32Array; // (S)
}

/** round(sum / n), halves away from zero, for n >= 1 and |sum| <= 2^29 (every intermediate below 2^31). */
export function mean_round(sum: number, n: number): number {
  const q = Math.floor((2 * Math.abs(sum) + n) / (2 * n));
  return sum < 0 ? -q : q;
}

function reset(_l: QPoolLayer, st: QPoolState): void {
  st.t = 0;
  st.sum.fill(0);
  st.count.fill(0);
}

function newState(l: QPoolLayer): QPoolState {
  return { t: 0, sum: new Int32Array(l.segments * l.inputSize), count: new Int32Array(l.segments) };
}

/** One step: adds x (int8) to its segment (a full segment, 2^22 steps, takes no more), returns the S*I means. */
const step: RefHooks<QPoolLayer, QPoolState>['step'] = (l, _tables, x, st, obs) => {
  const I = l.inputSize;
  const s = poolSegment(st.t, l.segments, l.window);
  if (st.count[s] < POOL_MAX_COUNT) {
    for (let i = 0; i < I; i++) st.sum[s * I + i] += x[i];
    st.count[s]++;
  }
  if (st.t < POOL_MAX_COUNT) st.t++;
  const y = new Int32Array(l.segments * I);
  for (let k = 0; k < l.segments; k++) {
    for (let i = 0; i < I; i++) y[k * I + i] = st.count[k] ? mean_round(st.sum[k * I + i], st.count[k]) : l.zp;
  }
  obs?.('out', y);
  return y;
};

export const reference: RefHooks<QPoolLayer, QPoolState> = { newState, reset, step, run: runBySteps({ newState, step }) };
