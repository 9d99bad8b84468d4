// The quantisation stage's registry: each layer kind's hooks (compiler/layers/<kind>/quant.ts),
// looked up by the model driver (compiler/quant/quantize.ts) and the int8 error report
// (compiler/quant/report.ts). A kind without hooks is a compile error here.

import { KindRegistry, LayerKind } from '../core/ir/model';
import { QuantHooks } from '../quant/hooks';
import { bidirectional } from './bidirectional/quant';
import { dense } from './dense/quant';
import { elman } from './elman/quant';
import { gru } from './gru/quant';
import { jordan } from './jordan/quant';
import { lstm } from './lstm/quant';
import { pool } from './pool/quant';
import { lsm } from './lsm/quant';
import { reverse } from './reverse/quant';

export type QuantRegistry = KindRegistry<{ [K in LayerKind]: QuantHooks<K> }>;

export const QUANT_KINDS: QuantRegistry = { elman, lstm, gru, bidirectional, dense, jordan, pool, lsm, reverse };

/** The quantisation hooks of one kind. */
export function quantHooks<K extends LayerKind>(kind: K): QuantHooks<K> {
  return QUANT_KINDS[kind];
}
