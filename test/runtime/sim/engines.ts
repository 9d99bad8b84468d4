// Which engines the simulator tests run, and on which board each runs. An engine whose toolchain
// is missing here gets a test that says so loudly (and fails under CI, where .ci/run installs
// every toolchain); an engine whose target is not built into tinyrnn at all is listed too.
import { findBoard } from '../../../targets/boards';
import { ENGINES } from '../../../runtime/sim/engines';
import { ENGINE_NAMES, EngineName } from '../../../runtime/sim/types';

/** The board each engine is tested on: an Espruino board for js, ARM Cortex-M4 boards for c/qemu. */
export const ENGINE_BOARD: Record<EngineName, string> = { reference: 'NRF52840', js: 'BANGLEJS2', c: 'NRF52840', qemu: 'NRF52840' };

export interface EngineCase {
  engine: EngineName;
  board: string;
}

export const RUNNABLE: EngineCase[] = [];
export const NOT_RUN: { engine: EngineName; why: string }[] = [];
for (const engine of ENGINE_NAMES) {
  const p = ENGINES[engine];
  if (!p) {
    NOT_RUN.push({ engine, why: `the ${engine} engine is not built into this tinyrnn` });
    continue;
  }
  const why = p.unavailable(findBoard(ENGINE_BOARD[engine]));
  if (why) NOT_RUN.push({ engine, why });
  else RUNNABLE.push({ engine, board: ENGINE_BOARD[engine] });
}

/** Device-code engines only (the reference is the oracle). */
export const DEVICE_ENGINES = RUNNABLE.filter((e) => e.engine !== 'reference');

/** One test per engine that cannot run here, saying why (fails under CI). */
export function reportNotRun(what: string): void {
  for (const n of NOT_RUN) {
    test(`${what}: ${n.engine} engine NOT run`, () => {
      const msg = `tinyrnn simulate: ${what} was NOT run on the ${n.engine} engine: ${n.why}`;
      if (process.env.CI) throw new Error(msg);
      console.warn(msg);
    });
  }
}
