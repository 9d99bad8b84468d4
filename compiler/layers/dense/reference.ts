// The reference dense layer (docs/quantization.md section 5, "Dense"). A Jordan layer's output
// projection is this arithmetic too (compiler/layers/jordan/reference.ts), so the two cannot drift apart.
// Legend: I layer input, U units.
import { assertNever } from '../../core/ir/errors';
import type { QTables } from '../../core/ir/quant-types';
import { Obs, RefHooks, dot, runBySteps } from '../../core/reference/kernel';
import { requantize, sat_s16, sat_s8, sigmoid_s16, tanh_s16 } from '../../core/spec/fixed';
import type { QDenseLayer } from './ir';

/** A dense layer on one step's input (x16 for the first layer, int8 after it); returns int8 or int16 values (by outType). */
export function denseQ(l: QDenseLayer, tables: QTables, x: ArrayLike<number>, obs?: Obs): Int32Array {
  const U = l.units;
  const y = new Int32Array(U);
  const pre = new Int32Array(U);
  const sat = l.outType === 's16' ? sat_s16 : sat_s8;
  for (let u = 0; u < U; u++) {
    const acc = l.b[u] + dot(l.w, u, l.inputSize, x);
    const v = requantize(acc, l.m[u], l.s[u]);
    switch (l.activation) {
      case 'none':
      case 'softmax':
        pre[u] = v;
        y[u] = sat(l.outZp + v);
        break;
      case 'relu':
        pre[u] = v;
        y[u] = sat(l.outZp + (v > 0 ? v : 0));
        break;
      case 'tanh':
      case 'sigmoid': {
        const p = sat_s16(v);
        pre[u] = p;
        const a = l.activation === 'tanh' ? tanh_s16(p, tables.tanh) : sigmoid_s16(p, tables.sigmoid);
        y[u] = l.outType === 's16' ? a : sat_s8(l.outZp + requantize(a, l.oM, l.oS));
        break;
      }
      default:
        assertNever(l.activation);
    }
  }
  obs?.('pre', pre);
  obs?.('out', y);
  return y;
}

const step: RefHooks<QDenseLayer, null>['step'] = (l, tables, x, _st, obs) => denseQ(l, tables, x, obs);

/** A dense layer keeps no state. */
export const reference: RefHooks<QDenseLayer, null> = {
  newState: () => null,
  reset: () => undefined,
  step,
  run: runBySteps({ newState: () => null, step }),
};
