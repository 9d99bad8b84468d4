// Quantisation of echo state network reservoirs (docs/quantization.md, "Reservoir (regenerated
// weights)"). A reservoir layer's float weights are exactly Win8 * winScale and W8 * wScale
// (compiler/core/ir/model.ts), so its int8 weights are kept equal to the generator's W8 and Win8: one
// real accumulator unit per matrix instead of one per row (all per-row multipliers of a matrix
// are then equal). That requires one common scale over the layer's input columns; for the first
// layer the quantiser's input stage maps every feature to the same x16 scale (`commonInputScale`).

import { ElmanLayer, FloatModel } from '../core/ir/model';
import { esn_generate } from '../core/spec/reservoir';

/** True when the model's first layer is a regenerated reservoir (its input needs one common x16 scale). */
export function firstLayerIsReservoir(m: FloatModel): boolean {
  const l = m.layers[0];
  return l !== undefined && l.kind === 'elman' && l.reservoir !== undefined;
}

/**
 * Replaces per-feature x16 scales by their maximum, in place: every feature then uses the same
 * scale (the one of the feature with the widest range), at the cost of some resolution on the
 * features with smaller ranges. The per-feature input multipliers still differ.
 */
export function commonInputScale(scale: Float64Array): void {
  let mx = 0;
  for (let f = 0; f < scale.length; f++) mx = Math.max(mx, scale[f]);
  scale.fill(mx);
}

/** The int8 rows of a reservoir layer: W8 and Win8 of the generator, one accumulator unit per matrix. */
export function reservoirRows(c: ElmanLayer, inScale: ArrayLike<number>): { qx: { w8: Int8Array; sa: Float64Array }; qh: { w8: Int8Array; sa: Float64Array } } {
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
