// Unrolled kernels: for models of gesture size, each layer's step is straight-line code with every
// per-row constant an integer literal (unroll-code.ts; each kind's unroll hook in
// compiler/layers/<kind>/espruino.ts writes its own). This hub decides by size, and writes the
// input stage and the steps of every layer through the registry. Large models use the loop
// kernels instead (UNROLL_MAX_ROWS), to keep code size in check.
import { QuantModel } from '../../compiler/core/ir/quant-model';
import { espruinoHooks } from '../../compiler/layers/espruino';
import { UnrolledLayer } from './hooks';
import { floorDiv, floorOffset, inputConstants } from './arith';

/** Unroll when the model has at most this many weight rows in all (gate rows + dense units). */
export const UNROLL_MAX_ROWS = 160;

export function modelRows(m: QuantModel): number {
  return m.layers.reduce((n, l) => n + espruinoHooks(l).rows(l), 0);
}

/** The step functions of every layer, `f_ID(x)`, and the statements attaching them to the layer objects. */
export function unrollLayers(m: QuantModel, varOf: (section: string) => string): UnrolledLayer {
  const parts = m.layers.map((l, i) => espruinoHooks(l).unroll(l, { id: `l${i}`, inBiased: i > 0, varOf }));
  return { fns: parts.flatMap((p) => p.fns), attach: parts.flatMap((p) => p.attach) };
}

/** The input stage: raw -> X16 = sat_s16(rshift_round((raw - offset) * m + bias, s)), one statement group per feature. */
export function unrollInput(m: QuantModel): string {
  const body: string[] = ['var n;'];
  const k = inputConstants(m.input, m.inputSize);
  for (let f = 0; f < m.inputSize; f++) {
    const s = m.input.s[f];
    body.push(`n=raw[${f}]*${k.M[f]}+${k.C[f]};n=${floorDiv('n', s)}-${floorOffset(s)};X16[${f}]=n>32767?32767:n<-32768?-32768:n;`);
  }
  body.push('return X16;');
  return `function input(raw) {\n  ${body.join('\n  ')}\n}`;
}
