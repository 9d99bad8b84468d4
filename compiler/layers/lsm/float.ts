// Float inference of a liquid (compiler/layers/lsm/ir.ts): the integer kernel itself. The float
// input x becomes the Q3.12 liquid input xq = sat_s16(floor(x * 4096 + 1/2)) and the int8 trace
// y8 becomes the real value (y8 + 128) / 256, exactly the quantised output's scale and zero point:
// the liquid is the same bit for bit, only the model's input stage rounds differently.
import { LsmLayer } from './ir';
import { FloatHooks } from '../../float/hooks';
import { sat_s16 } from '../../core/spec/fixed';
import { LSM_INPUT_FRAC, LSM_OUT_SCALE, LSM_OUT_ZP } from './ir';
import { QLsmState, liquidStep, newLiquidState, spikeCount } from './reference';

/** The Q3.12 liquid input of a float input vector. */
export function floatLiquidInput(x: ArrayLike<number>, I: number): Int32Array {
  const xq = new Int32Array(I);
  for (let i = 0; i < I; i++) xq[i] = sat_s16(Math.floor(x[i] * 2 ** LSM_INPUT_FRAC + 0.5));
  return xq;
}

/** The real value of the liquid's int8 output. */
export function liquidReal(y8: Int32Array): Float64Array {
  return Float64Array.from(y8, (v) => (v - LSM_OUT_ZP) * LSM_OUT_SCALE);
}

function step(l: LsmLayer, x: ArrayLike<number>, st: QLsmState): Float64Array {
  return liquidReal(liquidStep(l, floatLiquidInput(x, l.inputSize), st));
}

/** The liquid's outputs over a sequence seq (T, I) flat row-major, as (T, N) flat real values; onSpikes gets each step's spike count. */
export function liquidSequence(l: LsmLayer, seq: ArrayLike<number>, onSpikes?: (n: number) => void): Float64Array {
  const I = l.inputSize;
  const T = Math.floor(seq.length / I);
  const st = newLiquidState(l);
  const out = new Float64Array(T * l.units);
  for (let t = 0; t < T; t++) {
    out.set(step(l, Array.prototype.slice.call(seq, t * I, (t + 1) * I), st), t * l.units);
    onSpikes?.(spikeCount(st, l.units));
  }
  return out;
}

export const lsmFloat: FloatHooks<LsmLayer> = {
  newState: (l) => newLiquidState(l),
  step: (l, x, st, obs) => {
    const y = step(l, x, st);
    obs?.('out', y);
    return y;
  },
  run: (l, seq, obsAt) => {
    const st = newLiquidState(l);
    return { seq: seq.map((x, t) => lsmFloat.step(l, x, st, obsAt(t), '')), hn: [], cn: [] };
  },
};
