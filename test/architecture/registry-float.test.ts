// The float stage's registry has hooks for exactly the layer kinds: a registry missing one is a
// type error (checked by the type-check of test/), and at run time its keys are LAYER_KINDS.
import { LAYER_KINDS } from '../../compiler/core/ir/model';
import { FLOAT_KINDS, FloatRegistry } from '../../compiler/layers/float';

const { gru: _gru, ...missing } = FLOAT_KINDS;
// @ts-expect-error a registry without the gru hooks is not a FloatRegistry
const bad: FloatRegistry = missing;

test('FLOAT_KINDS has hooks for exactly the layer kinds', () => {
  expect(Object.keys(FLOAT_KINDS).sort()).toEqual([...LAYER_KINDS].sort());
  expect(Object.keys(bad)).not.toContain('gru');
  for (const hooks of Object.values(FLOAT_KINDS)) for (const f of [hooks.newState, hooks.step, hooks.run]) expect(typeof f).toBe('function');
});
