// The Espruino stage's hooks of one layer kind (compiler/layers/<kind>/espruino.ts; the registry
// is compiler/layers/espruino.ts): a leaf, so the kinds and the hubs (emit.ts, unroll.ts) import
// it without a cycle.
import { QLayer } from '../../compiler/core/ir/quant-model';
import { LayerAt, LayerView, ViewContext } from './layer-view';

/** Where an unrolled step goes: the layer object's identifier, the biased-input flag, and the module variable of a blob section. */
export interface UnrollAt {
  id: string;
  inBiased: boolean;
  varOf(section: string): string;
}

/** A layer's unrolled step functions and the statements that attach them to its layer objects. */
export interface UnrolledLayer {
  fns: string[];
  attach: string[];
}

export interface EspruinoHooks<L extends QLayer> {
  /** The comment above the layer object. */
  describe(l: L): string;
  /** The layer object: kernel kind, sizes, blob views of its constants, its state arrays. */
  view(l: L, ctx: ViewContext, at: LayerAt): LayerView;
  /** Straight-line step code with every per-row constant a literal (unroll-code.ts). */
  unroll(l: L, at: UnrollAt): UnrolledLayer;
  /** Weight rows (gate rows + units): the unrolled code grows with them (unroll.ts UNROLL_MAX_ROWS). */
  rows(l: L): number;
}
