// The golden-vector stage's registry has cases for exactly the layer kinds: a kind missing from
// GOLDEN_KINDS is a compile error (checked by the type-check, which includes this file), the table
// holds no other keys at run time, and each kind's cases contain a layer of that kind.
import { LAYER_KINDS, Layer } from '../../compiler/core/ir/model';
import { GOLDEN_KINDS, GoldenRegistry } from '../../compiler/layers/golden';

const { jordan: _jordan, ...missing } = GOLDEN_KINDS;
// @ts-expect-error a registry without the jordan cases is not a GoldenRegistry
const bad: GoldenRegistry = missing;

const kindsOf = (l: Layer): string[] => (l.kind === 'bidirectional' ? [l.kind, l.forward.kind, l.backward.kind] : [l.kind]);

describe('GOLDEN_KINDS', () => {
  it('has exactly the layer kinds', () => {
    expect(Object.keys(GOLDEN_KINDS).sort()).toEqual([...LAYER_KINDS].sort());
    expect(Object.keys(bad)).not.toContain('jordan');
  });

  it.each(LAYER_KINDS)('every %s case has a layer of its kind', (kind) => {
    const cases = GOLDEN_KINDS[kind].cases();
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) expect({ case: c.name, kinds: c.model.layers.flatMap(kindsOf) }).toEqual({ case: c.name, kinds: expect.arrayContaining([kind]) });
  });
});
