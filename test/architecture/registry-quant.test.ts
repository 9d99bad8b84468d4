// The quantisation stage's registry has hooks for exactly the layer kinds: a kind missing from
// QUANT_KINDS is a compile error (checked by the type-check, which includes this file), and the
// table holds no other keys at run time.
import { LAYER_KINDS } from '../../compiler/core/ir/model';
import { QUANT_KINDS, QuantRegistry } from '../../compiler/layers/quant';

const { gru: _gru, ...missing } = QUANT_KINDS;
// @ts-expect-error a registry without the gru hooks is not a QuantRegistry
const bad: QuantRegistry = missing;

describe('QUANT_KINDS', () => {
  it('has exactly the layer kinds', () => {
    expect(Object.keys(QUANT_KINDS).sort()).toEqual([...LAYER_KINDS].sort());
    expect(Object.keys(bad)).not.toContain('gru');
  });
});
