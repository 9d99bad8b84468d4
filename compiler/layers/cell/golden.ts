// Golden-vector layers of the gated cells (Elman, LSTM, GRU), the part they share: a cell of
// seeded random weights (0.6 for the weights, 0.3 for the biases), with an optional clip.

import { CellKind, CellLayer, ElmanActivation, emptyCell } from '../../core/ir/model';
import { LayerBuild, fill } from '../../../runtime/vectors/build';

export interface CellOptions {
  activation?: ElmanActivation;
  resetAfter?: boolean;
  clip?: number;
}

/** A cell of the given kind and hidden width. */
export function cellLayer(kind: CellKind, hidden: number, opts: CellOptions = {}): LayerBuild<CellLayer> {
  return (rng, width) => {
    const l = emptyCell(kind, width, hidden, { activation: opts.activation, resetAfter: opts.resetAfter });
    fill(rng, l.wx, 0.6);
    fill(rng, l.wh, 0.6);
    fill(rng, l.bx, 0.3);
    fill(rng, l.bh, 0.3);
    if (opts.clip !== undefined) l.clip = opts.clip;
    return l;
  };
}
