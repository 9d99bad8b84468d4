// The Espruino stage's registry: each layer kind's hooks (compiler/layers/<kind>/espruino.ts),
// typed over every LayerKind, so a new kind is a compile error here until its hooks exist. The
// hubs (targets/espruino/emit.ts for the layer objects, targets/espruino/unroll.ts for the
// unrolled steps) look a layer's hooks up here.
import { KindRegistry } from '../core/ir/model';
import { QLayer, QLayerOf } from '../core/ir/quant-model';
import { EspruinoHooks } from '../../targets/espruino/hooks';
import { elman } from './elman/espruino';
import { lstm } from './lstm/espruino';
import { gru } from './gru/espruino';
import { bidirectional } from './bidirectional/espruino';
import { dense } from './dense/espruino';
import { jordan } from './jordan/espruino';
import { pool } from './pool/espruino';
import { lsm } from './lsm/espruino';
import { reverse } from './reverse/espruino';

export type EspruinoRegistry = KindRegistry<{ [K in QLayer['kind']]: EspruinoHooks<QLayerOf<K>> }>;

export const ESPRUINO_KINDS: EspruinoRegistry = { elman, lstm, gru, bidirectional, dense, jordan, pool, lsm, reverse };

/** The hooks of a layer's kind (the entry under l.kind is typed for that kind's layers, so it takes l). */
export function espruinoHooks(l: QLayer): EspruinoHooks<QLayer> {
  return ESPRUINO_KINDS[l.kind];
}
