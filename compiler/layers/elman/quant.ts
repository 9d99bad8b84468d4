// Quantisation of an Elman layer (docs/quantization.md section 7): the shared cell rows
// (compiler/layers/cell/quant.ts), then the h16 -> h8 requantisation (none for relu, whose
// pre-activation is already in h8 units), the Q0.15 leak rate, and the int8 weights of a
// reservoir regenerated from its seed ("Reservoir (regenerated weights)").

import { ElmanLayer } from '../../core/ir/model';
import { esn_generate } from '../../core/spec/reservoir';
import { Cols } from '../../quant/rows';
import { CellQuantHooks, CellRows, cellLayerHooks, h16ToH8 } from '../cell/quant';

/**
 * The int8 rows of a reservoir layer: W8 and Win8 of the generator, one accumulator unit per
 * matrix (all per-row multipliers of a matrix are then equal). Its input columns need one common
 * scale (for the first layer the input stage gives every feature the same x16 scale).
 */
export function reservoirRows(c: ElmanLayer, inScale: ArrayLike<number>): CellRows {
  const r = c.reservoir;
  if (!r) throw new Error('internal: not a reservoir layer');
  for (let i = 1; i < inScale.length; i++) {
    if (inScale[i] !== inScale[0]) throw new Error('internal: a reservoir layer needs one common input scale');
  }
  const g = esn_generate({ inputSize: c.inputSize, units: c.hidden, densityQ16: r.densityQ16, seed: r.seed });
  const H = c.hidden;
  // x16 / int8 input columns share inScale[0]; the recurrent input h16 has scale 2^-15
  return {
    qx: { w8: g.win, sa: new Float64Array(H).fill(r.winScale * inScale[0]) },
    qh: { w8: g.w, sa: new Float64Array(H).fill(r.wScale * 2 ** -15) },
  };
}

/** The Q0.15 leak rate of a float leak in (0, 1]: round(leak * 32768) in [1, 32768]; undefined when it is 32768 (no leak). */
export function leakToQ15(leak: number | undefined): number | undefined {
  if (leak === undefined) return undefined;
  const q = Math.max(1, Math.min(32768, Math.round(leak * 32768)));
  return q === 32768 ? undefined : q;
}

export const elmanCell: CellQuantHooks<'elman'> = {
  fixedRows: (c: ElmanLayer, inQ: Cols) => (c.reservoir ? reservoirRows(c, inQ.scale) : undefined),
  finish(ctx, c, shared, hQ) {
    const h = c.activation === 'relu' ? { hM: 0, hS: 0 } : h16ToH8(ctx, hQ);
    const leakQ15 = leakToQ15(c.leak);
    return {
      kind: 'elman',
      activation: c.activation,
      ...shared,
      ...h,
      ...(leakQ15 !== undefined ? { leakQ15 } : {}),
      ...(c.reservoir ? { reservoir: { seed: c.reservoir.seed, densityQ16: c.reservoir.densityQ16 } } : {}),
    };
  },
};

export const elman = cellLayerHooks(elmanCell);
