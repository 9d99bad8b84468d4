// The C target's kind registry covers every layer kind: a table without one is a type error (the
// expected-error line below fails the type-check if that error ever disappears), and at run time
// its keys are exactly LAYER_KINDS.
import { LAYER_KINDS } from '../../compiler/core/ir/model';
import { C_KINDS, CRegistry } from '../../compiler/layers/c';
import { IR_KINDS } from '../../compiler/layers/ir';

const { gru: _gru, ...missing } = C_KINDS;
// @ts-expect-error a C registry without the gru kind is not a CRegistry
const bad: CRegistry = missing;

test('C_KINDS has an entry for exactly the layer kinds', () => {
  expect(Object.keys(C_KINDS).sort()).toEqual([...LAYER_KINDS].sort());
  expect(Object.keys(bad)).not.toContain('gru');
});

test('every C entry has each hook (step is null only for whole-sequence kinds)', () => {
  for (const kind of LAYER_KINDS) {
    const h = C_KINDS[kind];
    for (const hook of ['rowSets', 'reservoirs', 'memory', 'descriptors', 'sequence'] as const) expect(typeof h[hook]).toBe('function');
    expect(h.step === null).toBe(!IR_KINDS[kind].streams);
  }
});
