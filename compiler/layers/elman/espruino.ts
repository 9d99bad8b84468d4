// The Espruino stage of an Elman layer (docs/quantization.md section 5, "Elman"): tanh (kernel
// kind elmanTanh, optionally leaky: field lk), relu (elmanRelu, state h8 + 128 in hb), and a
// regenerated reservoir (its Int8Arrays filled at load by esn_generate, not stored in the blobs).
import { QElmanLayer } from '../../core/ir/quant-model';
import { EspruinoHooks } from '../../../targets/espruino/hooks';
import { KERNEL_KIND, KernelKind } from '../../../targets/espruino/kinds';
import { biasedZero, fieldLit } from '../../../targets/espruino/arith';
import { CellWeights, cellClamp, cellFields, cellRows, gateRow, isRelu, preRow, toHb, unrollCell, CellNames } from '../cell/espruino';
import { clampTo } from '../../../targets/espruino/unroll-code';
import { ViewContext } from '../../../targets/espruino/layer-view';

function kernelKind(l: QElmanLayer): KernelKind {
  return isRelu(l) ? KERNEL_KIND.elmanRelu : KERNEL_KIND.elmanTanh;
}

/** A reservoir's weight variables, named like the weight views (l0_wx -> L0WX), registered with the view. */
function reservoir(l: QElmanLayer, ctx: ViewContext, id: string): CellWeights | undefined {
  if (!l.reservoir) return undefined;
  const H = l.hidden;
  const I = l.inputSize;
  const own = { wx: `${id}WX`.toUpperCase(), wh: `${id}WH`.toUpperCase() };
  ctx.reservoir({ id, ...own, H, I, seed: l.reservoir.seed, densityQ16: l.reservoir.densityQ16, bytes: H * H + H * I });
  return own;
}

/** Relu rows: max(pre, 0) + z into G (the clamped store is sat_s8), then G copied to hb, the state. */
function reluRows(l: QElmanLayer, n: CellNames, inBiased: boolean): string[] {
  const [lo, hi] = cellClamp(l);
  const z = biasedZero(l.hZp);
  const body: string[] = [];
  for (let r = 0; r < l.hidden; r++) body.push(...preRow(l, r, 'hb', n, inBiased), clampTo('p', lo, hi), `G[${r}]=p>0?p+${z}:${z};`);
  for (let j = 0; j < l.hidden; j++) body.push(`hb[${j}]=G[${j}];`);
  return body;
}

/** Tanh rows into G, then h16 (leaky: h16 += rshift_round(leakQ15 * (g - h16), 15), |product| < 2^31 so >> is exact) and hb. */
function tanhRows(l: QElmanLayer, n: CellNames, inBiased: boolean): string[] {
  const H = l.hidden;
  const body: string[] = [];
  for (let r = 0; r < H; r++) body.push(...gateRow(l, r, 'h', n, inBiased, 'T'));
  if (l.leakQ15 !== undefined) {
    for (let j = 0; j < H; j++) body.push(`t=h[${j}];t+=(${l.leakQ15}*(G[${j}]-t)+16384)>>15;h[${j}]=t;`, toHb(l, 't', j));
  } else {
    body.push('h.set(G);');
    for (let j = 0; j < H; j++) body.push(toHb(l, `G[${j}]`, j));
  }
  return body;
}

export const elman: EspruinoHooks<QElmanLayer> = {
  describe: (l) => `elman ${l.activation}, input ${l.inputSize}, hidden ${l.hidden}`,
  view(l, ctx, at) {
    const { fields } = cellFields(l, ctx, at, kernelKind(l), reservoir(l, ctx, at.id));
    // leaky tanh: h16 += rshift_round(lk * (tanh - h16), 15); absent (no leak) otherwise
    if (l.leakQ15 !== undefined) fields.push({ name: 'lk', expr: fieldLit(l.leakQ15) });
    return { id: at.id, kind: kernelKind(l), comment: at.comment, fields };
  },
  unroll: (l, at) => unrollCell(l, at, (n) => (isRelu(l) ? reluRows(l, n, at.inBiased) : tanhRows(l, n, at.inBiased))),
  rows: cellRows,
};
