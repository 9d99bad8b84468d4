// The C target's table of layer kinds: each kind's C part (compiler/layers/<kind>/c.ts), an entry
// for every LayerKind, so a new kind is a compile error here until its C part exists.
import { KindRegistry, LayerKind } from '../core/ir/model';
import { CHooks } from '../../targets/c/kind';
import { bidirectional } from './bidirectional/c';
import { dense } from './dense/c';
import { elman } from './elman/c';
import { gru } from './gru/c';
import { jordan } from './jordan/c';
import { lstm } from './lstm/c';
import { pool } from './pool/c';
import { lsm } from './lsm/c';
import { reverse } from './reverse/c';

export type CRegistry = KindRegistry<{ [K in LayerKind]: CHooks<K> }>;

export const C_KINDS: CRegistry = { elman, lstm, gru, bidirectional, dense, jordan, pool, lsm, reverse };
