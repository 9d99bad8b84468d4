// The Espruino stage of a dense layer (docs/quantization.md section 5, "Dense"; kernel kind
// dense), also the output projection of a Jordan layer (compiler/layers/jordan/espruino.ts).
// Its output o is int8 stored +128 (Uint8ClampedArray: the store is sat_s8), or int16 when the
// layer is last (wide).
import { QDenseLayer } from '../../core/ir/quant-model';
import { EspruinoHooks } from '../../../targets/espruino/hooks';
import { KERNEL_KIND } from '../../../targets/espruino/kinds';
import { Side, biasedZero, fieldLit, floorOffset, foldBias, plus, requantConst, sideExpr, unitConstants, storeBiased } from '../../../targets/espruino/arith';
import { LayerAt, LayerView, ViewContext, f64, i16 } from '../../../targets/espruino/layer-view';
import { act, clampRange, unrolledStep } from '../../../targets/espruino/unroll-code';

const ACTIVATION: Record<QDenseLayer['activation'], number> = { none: 0, softmax: 0, relu: 1, tanh: 2, sigmoid: 3 };

function denseSide(l: QDenseLayer, inBiased: boolean): Side {
  return { w: l.w, b: l.b, m: l.m, s: l.s, n: l.inputSize, biased: inBiased };
}

function isWide(l: QDenseLayer): boolean {
  return l.outType === 's16';
}

/** The layer object of a dense layer (or a Jordan layer's projection). */
export function denseView(l: QDenseLayer, ctx: ViewContext, at: LayerAt): LayerView {
  const { id } = at;
  const side = denseSide(l, at.inBiased);
  const k = unitConstants(l.units, (u) => foldBias(side, u), l.m, l.s);
  const wide = isWide(l);
  const fields = [
    { name: 'kind', expr: fieldLit(KERNEL_KIND.dense) },
    { name: 'I', expr: fieldLit(l.inputSize) },
    { name: 'U', expr: fieldLit(l.units) },
    { name: 'W', expr: ctx.section(`${id}_w`, l.w) },
    { name: 'M', expr: ctx.konst(`${id}_m`, i16(k.M)) },
    { name: 'C', expr: ctx.konst(`${id}_c`, f64(k.C)) },
    { name: 'D', expr: ctx.konst(`${id}_d`, f64(k.D)) },
    { name: 'B', expr: ctx.konst(`${id}_b`, f64(k.B)) },
    { name: 'act', expr: fieldLit(ACTIVATION[l.activation]) },
    { name: 'wide', expr: fieldLit(wide ? 1 : 0) },
    { name: 'z', expr: fieldLit(wide ? 0 : biasedZero(l.outZp)) },
    { name: 'om', expr: fieldLit(l.oM) },
    { name: 'oc', expr: fieldLit(requantConst(0, l.oM, l.oS)) },
    { name: 'od', expr: fieldLit(2 ** l.oS) },
    { name: 'ob', expr: fieldLit(floorOffset(l.oS)) },
    { name: 'o', expr: ctx.alloc(id, 'o', wide ? 'Int16Array' : 'Uint8ClampedArray', l.units) },
  ];
  return { id, kind: KERNEL_KIND.dense, comment: at.comment, fields };
}

/** The statements of unit u after v holds its requantised accumulator. */
function activateUnit(l: QDenseLayer, u: number): string[] {
  const wide = isWide(l);
  if (l.activation === 'tanh' || l.activation === 'sigmoid') {
    const table = l.activation === 'tanh' ? 'T' : 'S';
    return [clampRange('v', -32767), act('v', 'v', `${table}S`, `${table}D`), wide ? `o[${u}]=v;` : storeBiased(`o[${u}]`, 'v', l.oM, l.oS, l.outZp)];
  }
  const relu = l.activation === 'relu' ? ['v=v>0?v:0;'] : [];
  return [...relu, wide ? `o[${u}]=v>32767?32767:v<-32768?-32768:v;` : `o[${u}]=v+${biasedZero(l.outZp)};`];
}

/**
 * The statements of a dense layer on the input vector xv with weights w, writing o (the caller
 * declares o, a, v, k, n): shared by dense layers and the Jordan layer's output projection.
 */
export function denseLines(l: QDenseLayer, w: string, inBiased: boolean, xv: string): string[] {
  const side = denseSide(l, inBiased);
  const body: string[] = [];
  for (let u = 0; u < l.units; u++) {
    const [e, o] = sideExpr(side, u, `cv(${xv},${w},${u * l.inputSize})*${l.m[u]}`, 'a');
    body.push(`v=${e}${plus(-o)};`, ...activateUnit(l, u));
  }
  return body;
}

export const dense: EspruinoHooks<QDenseLayer> = {
  describe: (l) => `dense ${l.activation}, input ${l.inputSize}, units ${l.units}, ${l.outType}`,
  view: denseView,
  unroll: (l, at) => unrolledStep(at.id, [`var o=${at.id}.o,a,v,k,n;`, ...denseLines(l, at.varOf(`${at.id}_w`), at.inBiased, 'x'), 'return o;']),
  rows: (l) => l.units,
};
