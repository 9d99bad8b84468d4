// The cost of a native step on a board, an estimate in two parts:
//   - the blob: Thumb instructions per step counted on QEMU (mps2-an386 for the M4 build, mps2-an385
//     for the M3 build) over STEPS steps after a reset, taken as cycles at the board's clock;
//   - the JS glue of one step() call (write the inputs, E.nativeCall, return the output view),
//     measured on the real Espruino 2v29 interpreter (Puck.js layout, qemu-i386 with the
//     instruction-count plugin, 100 and 200 steps subtracted, the driving loop's own 11,534
//     instructions per iteration removed): NATIVE_GLUE_X86 x86 instructions, converted like the
//     JS kernel's cost model (instructionsPerSecond of cost.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { QuantModel } from '../../../compiler/core/ir/quant-model';
import { BoardProfile } from '../../boards';
import { ARM_MACHINES, ArmMachine, buildArm, scratchDir, symbols, toolStatus, traceRun } from '../../c/toolchain';
import { instructionsPerSecond } from '../cost';
import { NativeCore, readHeader } from './header';

/** x86 instructions of one step() of the native module on the real interpreter (lstm_h4's i386 blob included, a few thousand). */
export const NATIVE_GLUE_X86 = 75_500;
const STEPS = 16;

const MACHINES: Record<'m4' | 'm3', ArmMachine> = {
  m4: ARM_MACHINES.m4,
  m3: { ...ARM_MACHINES.m4, key: 'm3', qemu: 'mps2-an385', cpu: 'cortex-m3', flags: ['-mcpu=cortex-m3', '-mthumb', '-mfloat-abi=soft'] },
};
export const nativeMachine = (core: 'm4' | 'm3'): ArmMachine => MACHINES[core];

export interface NativeCost {
  blobInstructions: number;
  glueInstructions: number;
  msPerStep: number;
  maxRateHz: number;
  source: string;
}

/** Mid-range raw inputs, as the JS kernel's cost measurement uses. */
function sampleInputs(m: QuantModel): number[][] {
  return Array.from({ length: STEPS }, (_, t) =>
    Array.from({ length: m.inputSize }, (_, f) => m.input.offset[f] + (((t * 7 + f * 3) % 11) - 5) * Math.max(1, m.input.rawPerUnit[f] >> 3)),
  );
}

function harness(blob: Uint8Array, m: QuantModel): string {
  const raw = sampleInputs(m).flat();
  return `#include <stdint.h>
#include <string.h>
typedef int32_t (*entry_t)(int32_t, int32_t);
static const uint8_t blob[${blob.length}] __attribute__((aligned(8))) = {${Array.from(blob).join(',')}};
static const int32_t raw[${raw.length}] = {${raw.join(',')}};
uint8_t native_ram[${blob.length}] __attribute__((aligned(8)));
static int32_t state[${Math.ceil(readHeader(blob)!.stateBytes / 4)}];
static int32_t io[${1 + m.inputSize + m.outputSize}];
int main(void) {
  int32_t t;
  entry_t f;
  memcpy(native_ram, blob, sizeof(blob));
  f = (entry_t)((uintptr_t)native_ram + ${readHeader(blob)!.entry}u + 1u);
  io[0] = 0;
  f((int32_t)(uintptr_t)state, (int32_t)(uintptr_t)io);
  for (t = 0; t < ${STEPS}; t++) {
    io[0] = 1;
    memcpy(io + 1, raw + t * ${m.inputSize}, sizeof(int32_t) * ${m.inputSize}u);
    f((int32_t)(uintptr_t)state, (int32_t)(uintptr_t)io);
  }
  return 0;
}
`;
}

/** Thumb instructions per step of a streaming model's blob on QEMU, or null without the ARM toolchain. */
export async function countBlobInstructions(blob: Uint8Array, m: QuantModel): Promise<number | null> {
  const h = readHeader(blob);
  if (!h || h.core === 'i386' || !h.streaming) return null;
  const st = toolStatus();
  if (!st.armCc || !st.qemu) return null;
  const dir = scratchDir('native-cost');
  try {
    const src = path.join(dir, 'cost.c');
    fs.writeFileSync(src, harness(blob, m));
    const machine = MACHINES[h.core];
    const elf = await buildArm({ machine, sources: [src], out: path.join(dir, 'cost.elf'), opt: '-O2' });
    const syms = await symbols(elf);
    const ram = syms.find((s) => s.name === 'native_ram')!;
    const main = syms.find((s) => s.name === 'main')!;
    const { counts } = await traceRun(elf, machine, path.join(dir, 'trace.log'), main, [{ ...ram, name: 'blob' }]);
    return Math.round(counts.byFunction.blob / STEPS);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The estimate for a board from the blob's count (reset included, spread over the steps). */
export function nativeCost(blobInstructions: number, board: BoardProfile, core: NativeCore): NativeCost {
  const ms = (blobInstructions / (board.clockMHz * 1e6) + NATIVE_GLUE_X86 / instructionsPerSecond(board.clockMHz)) * 1000;
  return {
    blobInstructions,
    glueInstructions: NATIVE_GLUE_X86,
    msPerStep: Math.round(ms * 100) / 100,
    maxRateHz: Math.floor((1000 / ms) * 10) / 10,
    source: `estimate: ${blobInstructions} ${core} instructions per step (QEMU count, as cycles at ${board.clockMHz} MHz) + ${NATIVE_GLUE_X86} x86 instructions of JS glue (measured on the real interpreter)`,
  };
}
