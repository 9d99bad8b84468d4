// The reference stage's registry has an entry for every layer kind: the type-check fails if a
// registry missing one still compiles (the @ts-expect-error below would be unused), and at run time
// its keys are exactly LAYER_KINDS.
import { REFERENCE_KINDS, ReferenceRegistry } from '../../compiler/layers/reference';
import { LAYER_KINDS } from '../../compiler/core/ir/model';

const { gru: _gru, ...missing } = REFERENCE_KINDS;
// @ts-expect-error a registry without the gru kind is not a ReferenceRegistry
const bad: ReferenceRegistry = missing;

describe('REFERENCE_KINDS', () => {
  test('has exactly the LAYER_KINDS keys', () => {
    expect(Object.keys(REFERENCE_KINDS).sort()).toEqual([...LAYER_KINDS].sort());
  });
  test('the copy without one kind really lacks it', () => {
    expect(Object.keys(bad)).not.toContain('gru');
    expect(Object.keys(bad)).toHaveLength(LAYER_KINDS.length - 1);
  });
});
