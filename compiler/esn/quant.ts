// Quantisation of echo state network reservoirs (docs/quantization.md, "Reservoir (regenerated
// weights)"). A reservoir layer's float weights are exactly Win8 * winScale and W8 * wScale
// (compiler/core/ir/model.ts), so its int8 weights are kept equal to the generator's W8 and Win8: one
// real accumulator unit per matrix instead of one per row (all per-row multipliers of a matrix
// are then equal). That requires one common scale over the layer's input columns; for the first
// layer the quantiser's input stage maps every feature to the same x16 scale (`commonInputScale`).
// The reservoir layer's own rows are quantised in compiler/layers/elman/quant.ts.

import { FloatModel } from '../core/ir/model';

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
