// The Espruino stage's registry (compiler/layers/espruino.ts) has hooks for exactly the layer
// kinds: the type checker (npx tsc --noEmit, which includes test/) rejects a registry missing one,
// and at run time its keys are LAYER_KINDS.
import { LAYER_KINDS } from '../../compiler/core/ir/model';
import { ESPRUINO_KINDS, EspruinoRegistry } from '../../compiler/layers/espruino';

const { gru: _gru, ...missing } = ESPRUINO_KINDS;
// @ts-expect-error a registry without the gru hooks is not an EspruinoRegistry
const bad: EspruinoRegistry = missing;

describe('ESPRUINO_KINDS', () => {
  test('has exactly the LAYER_KINDS keys', () => {
    expect(Object.keys(ESPRUINO_KINDS).sort()).toEqual([...LAYER_KINDS].sort());
    expect(Object.keys(bad)).not.toContain('gru');
  });

  test('every entry has the four hooks', () => {
    for (const kind of LAYER_KINDS) {
      const hooks = ESPRUINO_KINDS[kind];
      expect([typeof hooks.describe, typeof hooks.view, typeof hooks.unroll, typeof hooks.rows]).toEqual(['function', 'function', 'function', 'function']);
    }
  });
});
