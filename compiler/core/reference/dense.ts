// The reference dense layer and the integer dot product every layer's rows use (docs/quantization.md
// section 5, "Dense"). A leaf below index.ts (the drivers and cells) and jordan.ts (whose output
// projection is this dense arithmetic), so neither imports the other.
import { assertNever } from '../ir/model';
import { QDenseLayer, QuantModel } from '../ir/quant-model';
import { requantize, sat_s16, sat_s8, sigmoid_s16, tanh_s16 } from '../spec/fixed';

/** An observer of one layer's intermediates (key, values), or none. */
export type Obs = ((key: string, v: ArrayLike<number>) => void) | undefined;

/** sum_i w[row*n + i] * x[i] (an exact integer: |sum| < 2^31 by the bounds of section 6). */
export function dot(w: Int8Array, row: number, n: number, x: ArrayLike<number>): number {
  let s = 0;
  const o = row * n;
  for (let i = 0; i < n; i++) s += w[o + i] * x[i];
  return s;
}

/** A dense layer on one step's input (x16 for the first layer, int8 after it); returns int8 or int16 values (by outType). */
export function denseQ(l: QDenseLayer, tables: QuantModel['tables'], x: ArrayLike<number>, obs?: Obs): Int32Array {
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
