// The reference pooling layer (docs/quantization.md, "Pool"): int32 running sums of the int8
// input per segment (with abs, also of |x - zp|) and a count per segment; the output after every
// step is each segment's mean, rounded half away from zero, in the input's own scale and zero point
// (no requantisation), and with abs zp + its mean absolute value, saturated to int8.
// Legend: I layer input, S segments, A = 2 with abs (else 1).
import { RefHooks, runBySteps } from '../../core/reference/kernel';
import { sat_s8 } from '../../core/spec/fixed';
import { POOL_MAX_COUNT, QPoolLayer, poolSegment, poolWidth } from './ir';

/** A pool layer's state: the step counter t (stops at 2^22), per-segment sums and counts. */
export interface QPoolState {
  t: number;
  sum: Int32Array; // (S*A, I)
  count: Int32Array; // (S)
}

/** round(sum / n), halves away from zero, for n >= 1 and |sum| <= 255 * 2^22 (every intermediate below 2^31). */
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
  return { t: 0, sum: new Int32Array(poolWidth(l)), count: new Int32Array(l.segments) };
}

/** Adds x (int8) to its segment: a full segment (2^22 steps) takes no more. */
function add(l: QPoolLayer, x: ArrayLike<number>, st: QPoolState): void {
  const I = l.inputSize;
  const A = l.abs ? 2 : 1;
  const s = poolSegment(st.t, l.segments, l.window);
  if (st.count[s] < POOL_MAX_COUNT) {
    for (let i = 0; i < I; i++) st.sum[s * A * I + i] += x[i];
    if (l.abs) for (let i = 0; i < I; i++) st.sum[(s * A + 1) * I + i] += Math.abs(x[i] - l.zp);
    st.count[s]++;
  }
  if (st.t < POOL_MAX_COUNT) st.t++;
}

/** The S*A*I outputs of a state. */
function means(l: QPoolLayer, st: QPoolState): Int32Array {
  const I = l.inputSize;
  const A = l.abs ? 2 : 1;
  const y = new Int32Array(poolWidth(l)).fill(l.zp);
  for (let k = 0; k < l.segments; k++) {
    const n = st.count[k];
    if (!n) continue;
    for (let i = 0; i < I; i++) y[k * A * I + i] = mean_round(st.sum[k * A * I + i], n);
    if (l.abs) for (let i = 0; i < I; i++) y[(k * A + 1) * I + i] = sat_s8(l.zp + mean_round(st.sum[(k * A + 1) * I + i], n));
  }
  return y;
}

const step: RefHooks<QPoolLayer, QPoolState>['step'] = (l, _tables, x, st, obs) => {
  add(l, x, st);
  const y = means(l, st);
  obs?.('out', y);
  return y;
};

export const reference: RefHooks<QPoolLayer, QPoolState> = { newState, reset, step, run: runBySteps({ newState, step }) };
