// The golden-vector stage's registry: each layer kind's cases (compiler/layers/<kind>/golden.ts),
// collected by the generator (runtime/vectors/golden.ts). A kind without cases is a compile error
// here; every kind's cases contain a layer of that kind (test/architecture/registry-golden.test.ts).

import { KindRegistry, LayerKind } from '../core/ir/model';
import { GoldenCase } from '../../runtime/vectors/case';
import { bidirectionalGoldenCases } from './bidirectional/golden';
import { denseGoldenCases } from './dense/golden';
import { elmanGoldenCases } from './elman/golden';
import { gruGoldenCases } from './gru/golden';
import { jordanGoldenCases } from './jordan/golden';
import { lstmGoldenCases } from './lstm/golden';
import { poolGoldenCases } from './pool/golden';
import { lsmGoldenCases } from './lsm/golden';
import { reverseGoldenCases } from './reverse/golden';

export interface GoldenHooks {
  /** The kind's golden-vector cases: models built around a layer of the kind. */
  cases(): GoldenCase[];
}

export type GoldenRegistry = KindRegistry<{ [K in LayerKind]: GoldenHooks }>;

export const GOLDEN_KINDS: GoldenRegistry = {
  elman: { cases: elmanGoldenCases },
  lstm: { cases: lstmGoldenCases },
  gru: { cases: gruGoldenCases },
  bidirectional: { cases: bidirectionalGoldenCases },
  dense: { cases: denseGoldenCases },
  jordan: { cases: jordanGoldenCases },
  pool: { cases: poolGoldenCases },
  lsm: { cases: lsmGoldenCases },
  reverse: { cases: reverseGoldenCases },
};
