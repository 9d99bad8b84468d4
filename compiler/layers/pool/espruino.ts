// The Espruino stage of a pool layer (docs/quantization.md section 5, "Pool"; kernel kind pool):
//
//   s = min(S - 1, floor(t * S / W)); if cnt[s] < 2^22: sum[s] += x (abs: and |x - zp|), cnt[s] += 1
//   if t < 2^22: t += 1;  y = each segment's mean_round(sum, cnt) (zp for a segment not reached)
//
// Its layer object keeps the int32 state in one Int32Array c, zeroed at reset like a cell's c:
// the sums (S*A, I) from 0, the counts (S) from N = S*A*I, the step counter t at N + S. Its output
// hb is int8 stored + 128 (arith.ts identity 2) and filled with zp + 128 at reset, like a cell's
// hb. Its input is always such a vector (a pool is never the first layer), so x = stored - 128
// and |x - zp| = |stored - (zp + 128)|. A step changes only segment s, so only segment s's means
// are rewritten: the others already hold the values the spec gives them. Quotients are
// `a / d | 0` (arith.ts identity 4). The loop kernel is espruino-kernel.hbs; the unrolled step is
// the same statements with sizes and offsets as literals.
// Legend: I layer input, S segments, W window, A = 2 with abs (else 1), N = S*A*I.
import { QPoolLayer } from '../../core/ir/quant-model';
import { EspruinoHooks, UnrollAt } from '../../../targets/espruino/hooks';
import { KERNEL_KIND } from '../../../targets/espruino/kinds';
import { INT8_BIAS, biasedZero, fieldLit, meanRound, plus } from '../../../targets/espruino/arith';
import { LayerAt, LayerView, ViewContext } from '../../../targets/espruino/layer-view';
import { unrolledStep } from '../../../targets/espruino/unroll-code';
import { POOL_MAX_COUNT, poolWidth } from './ir';

const A = (l: QPoolLayer): number => (l.abs ? 2 : 1);

function poolView(l: QPoolLayer, ctx: ViewContext, at: LayerAt): LayerView {
  if (!at.inBiased) throw new Error(`internal: pool layer ${at.id} reads an input that is not int8 stored biased`);
  const N = poolWidth(l);
  const fields = [
    { name: 'kind', expr: fieldLit(KERNEL_KIND.pool) },
    { name: 'I', expr: fieldLit(l.inputSize) },
    { name: 'S', expr: fieldLit(l.segments) },
    { name: 'W', expr: fieldLit(l.window) },
    { name: 'A', expr: fieldLit(A(l)) },
    { name: 'z', expr: fieldLit(biasedZero(l.zp)) },
    { name: 'c', expr: ctx.alloc(at.id, 'c', 'Int32Array', N + l.segments + 1) },
    { name: 'hb', expr: ctx.alloc(at.id, 'hb', 'Uint8ClampedArray', N) },
  ];
  return { id: at.id, kind: KERNEL_KIND.pool, comment: at.comment, fields };
}

/** `name+k` (or the literal k when the segment offset is the literal 0). */
const at = (m: string | null, k: number): string => (m === null ? String(k) : k ? `${m}+${k}` : m);

/** The unrolled step: the segment (a literal 0 when S = 1), the sums, the count, segment s's means. */
function unrollPool(l: QPoolLayer, id: string): string[] {
  const I = l.inputSize;
  const S = l.segments;
  const N = poolWidth(l);
  const z = biasedZero(l.zp);
  const one = S === 1;
  const m = one ? null : 'm';
  const cnt = one ? `c[${N}]` : `c[${N}+s]`;
  const body = [`var c=${id}.c,o=${id}.hb,t=c[${N + S}],n,d,v${one ? '' : ',s,m'};`];
  if (!one) body.push(`s=t*${S}/${l.window}|0;if(s>${S - 1})s=${S - 1};m=s*${A(l) * I};`);
  body.push(`if(${cnt}<${POOL_MAX_COUNT}){`);
  for (let i = 0; i < I; i++) body.push(`c[${at(m, i)}]+=x[${i}]${plus(-INT8_BIAS)};`);
  if (l.abs) for (let i = 0; i < I; i++) body.push(`v=x[${i}]${plus(-z)};c[${at(m, I + i)}]+=v<0?-v:v;`);
  body.push(`n=${cnt}+1;${cnt}=n;d=2*n;`);
  for (let i = 0; i < I; i++) body.push(`v=c[${at(m, i)}];o[${at(m, i)}]=${meanRound('v', 'n', 'd')}+${INT8_BIAS};`);
  if (l.abs) for (let i = 0; i < I; i++) body.push(`o[${at(m, I + i)}]=${meanRound(`c[${at(m, I + i)}]`, 'n', 'd', true)}+${z};`);
  body.push('}', `if(t<${POOL_MAX_COUNT})c[${N + S}]=t+1;`, 'return o;');
  return body;
}

export const pool: EspruinoHooks<QPoolLayer> = {
  describe: (l) => `pool, input ${l.inputSize}, ${l.segments} segments${l.abs ? ' with mean absolute values' : ''}, window ${l.window}`,
  view: poolView,
  unroll: (l, u: UnrollAt) => unrolledStep(u.id, unrollPool(l, u.id)),
  // no weight rows: its unrolled step is 2*A*I short statements
  rows: () => 0,
};
