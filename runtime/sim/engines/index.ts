// The engines the simulator knows, by name. Each target's engine lives beside this file.
import { TinyrnnError } from '../../../compiler/core/ir/errors';
import { BoardProfile } from '../../../targets/boards';
import { EngineProvider } from '../engine';
import { EngineName } from '../types';
import { referenceEngine } from './reference';
import { jsEngine } from './js';
import { cEngine, qemuEngine } from './c';

export const ENGINES: Partial<Record<EngineName, EngineProvider>> = {
  reference: referenceEngine,
  js: jsEngine,
  c: cEngine,
  qemu: qemuEngine,
};

export function engineProvider(name: EngineName): EngineProvider {
  const e = ENGINES[name];
  if (!e) {
    throw new TinyrnnError({
      code: 'SIM003',
      path: '--engine',
      message: `the ${name} engine is not built into this tinyrnn`,
      value: name,
      expected: `one of ${Object.keys(ENGINES).join(', ')}`,
    });
  }
  return e;
}

/** js on Espruino boards, c elsewhere; the reference when the preferred engine is not available. */
export function defaultEngine(board: BoardProfile): EngineName {
  const want: EngineName = board.espruino ? 'js' : 'c';
  const e = ENGINES[want];
  return e && e.unavailable(board) === null ? want : 'reference';
}
