// Float inference of a pooling layer (compiler/layers/pool/ir.ts): per-segment running sums and
// counts, the output after every step each segment's mean so far (0 for a segment not reached).
// The same segments and count limit as the integer reference, so the features a readout is fitted
// on are the ones the device pools.
// With abs, each segment also gives the mean of |x| (real 0 is 0).
// Legend: I layer input, S segments, A = 2 with abs (else 1).
import { PoolLayer } from '../../core/ir/model';
import { FloatHooks, PoolState } from '../../float/hooks';
import { POOL_MAX_COUNT, poolSegment, poolWidth } from './ir';

function newState(l: PoolLayer): PoolState {
  return { t: 0, sum: new Float64Array(poolWidth(l)), count: new Float64Array(l.segments) };
}

/** Adds one step's input x (I) to its segment (a full segment, 2^22 steps, takes no more). */
function poolAdd(l: PoolLayer, x: ArrayLike<number>, st: PoolState): void {
  const I = l.inputSize;
  const A = l.abs ? 2 : 1;
  const s = poolSegment(st.t, l.segments, l.window);
  if (st.count[s] < POOL_MAX_COUNT) {
    for (let i = 0; i < I; i++) st.sum[s * A * I + i] += x[i];
    if (l.abs) for (let i = 0; i < I; i++) st.sum[(s * A + 1) * I + i] += Math.abs(x[i]);
    st.count[s]++;
  }
  if (st.t < POOL_MAX_COUNT) st.t++;
}

/** The S*A*I segment means of a state. */
function poolMeans(l: PoolLayer, st: PoolState): Float64Array {
  const AI = l.inputSize * (l.abs ? 2 : 1);
  const y = new Float64Array(poolWidth(l));
  for (let k = 0; k < l.segments; k++) if (st.count[k]) for (let j = 0; j < AI; j++) y[k * AI + j] = st.sum[k * AI + j] / st.count[k];
  return y;
}

/** The pooled features after the whole sequence seq (T, I), flat row-major: the layer's last output. */
export function poolSequence(l: PoolLayer, seq: Float64Array): Float64Array {
  const I = l.inputSize;
  const st = newState(l);
  for (let t = 0; t < seq.length / I; t++) poolAdd(l, seq.subarray(t * I, (t + 1) * I), st);
  return poolMeans(l, st);
}

export const poolFloat: FloatHooks<PoolLayer> = {
  newState,
  step: (l, x, st, obs) => {
    poolAdd(l, x, st);
    const y = poolMeans(l, st);
    obs?.('out', y);
    return y;
  },
  run: (l, seq, obsAt) => {
    const st = newState(l);
    return { seq: seq.map((x, t) => poolFloat.step(l, x, st, obsAt(t), '')), hn: [], cn: [] };
  },
};
