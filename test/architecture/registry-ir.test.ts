// The IR stage's registry has an entry for every layer kind: the type-check fails if a registry
// missing one still compiles (the @ts-expect-error below would be unused), and at run time its
// keys are exactly LAYER_KINDS.
import { IR_KINDS, IrRegistry } from '../../compiler/layers/ir';
import { LAYER_KINDS } from '../../compiler/core/ir/model';

const { jordan: _jordan, ...missing } = IR_KINDS;
// @ts-expect-error a registry without the jordan kind is not an IrRegistry
const bad: IrRegistry = missing;

describe('IR_KINDS', () => {
  test('has exactly the LAYER_KINDS keys', () => {
    expect(Object.keys(IR_KINDS).sort()).toEqual([...LAYER_KINDS].sort());
  });
  test('the copy without one kind really lacks it', () => {
    expect(Object.keys(bad)).not.toContain('jordan');
    expect(Object.keys(bad)).toHaveLength(LAYER_KINDS.length - 1);
  });
  test('only the bidirectional and reverse layers need the whole sequence', () => {
    expect(LAYER_KINDS.filter((k) => !IR_KINDS[k].streams)).toEqual(['bidirectional', 'reverse']);
  });
});
