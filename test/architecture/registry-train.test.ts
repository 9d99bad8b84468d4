// The training stage's registry has hooks for exactly the layer kinds: a registry missing one is a
// type error (checked by the type-check of test/), and at run time its keys are LAYER_KINDS.
import { LAYER_KINDS } from '../../compiler/core/ir/model';
import { TRAIN_KINDS, TrainRegistry } from '../../compiler/layers/train';

const { jordan: _jordan, ...missing } = TRAIN_KINDS;
// @ts-expect-error a registry without the jordan hooks is not a TrainRegistry
const bad: TrainRegistry = missing;

test('TRAIN_KINDS has hooks for exactly the layer kinds', () => {
  expect(Object.keys(TRAIN_KINDS).sort()).toEqual([...LAYER_KINDS].sort());
  expect(Object.keys(bad)).not.toContain('jordan');
  for (const hooks of Object.values(TRAIN_KINDS)) {
    expect(typeof hooks.recurrent).toBe('boolean');
    for (const f of [hooks.params, hooks.node, hooks.init, hooks.workspaceWidth]) expect(typeof f).toBe('function');
  }
});
