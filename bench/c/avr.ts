// C target benchmark on 8-bit AVR: CPU cycles per time step on an ATmega328P at 16 MHz (Arduino
// Uno/Nano), measured under simavr with Timer1 counting every CPU cycle (the harness's
// tinyrnn_cycles(), targets/c/harness/avr_uart.c), avr-gcc -Os. The models are bench/c's (seeded
// random weights, quantised on seeded calibration data), plus the gesture shape 3/8.
import * as fs from 'node:fs';
import { CellKind } from '../../compiler/core/ir/model';
import { Rng } from '../../compiler/core/util/rng';
import { rawInput } from '../../compiler/core/reference';
import { generateC } from '../../targets/c/emit';
import { writeGenerated } from '../../targets/c/target';
import { BoardProfile, findBoard } from '../../targets/boards';
import { avrBoardMemory, avrMcuOf, avrStepCycles } from '../../targets/c/avr-board';
import { scratchDir } from '../../targets/c/toolchain';
import { benchQuantModel } from './models';

export const AVR_SHAPES: [number, number][] = [
  [3, 8],
  [3, 16],
  [16, 32],
];

export interface AvrBenchRow {
  kind: CellKind;
  shape: string;
  macs: number;
  /** Where the cycles were counted: the board's MCU, or the ATmega1284P when the measuring program does not fit it (the same cycle counts). */
  mcu: string;
  /** CPU cycles of each measured step (null: the model does not fit the MCU). */
  steps: number[] | null;
  perStep: number | null;
  /** Microseconds per step at the MCU's clock. */
  us: number | null;
  /** The model's flash and RAM on the board (RAM: static + one stream's state + the stack of a step), as compile --board reports them. */
  flash: number;
  ram: number;
}

const MEASURED_STEPS = 4;

export async function benchAvrOne(kind: CellKind, I: number, H: number, board: BoardProfile = findBoard('ARDUINO_UNO')): Promise<AvrBenchRow> {
  const mcu = avrMcuOf(board);
  const q = benchQuantModel(kind, I, H);
  const dir = scratchDir(`cbench-avr-${kind}-${I}-${H}`);
  try {
    const gen = generateC(q, { prefix: 'm' });
    writeGenerated(dir, gen);
    const rng = new Rng(99);
    const raw = Array.from({ length: MEASURED_STEPS + 1 }, () =>
      rawInput(
        q,
        Array.from({ length: I }, () => rng.normal()),
      ),
    );
    const row: AvrBenchRow = { kind, shape: `${I}/${H}`, macs: gen.report.macsPerStep, mcu: mcu.mcu, steps: null, perStep: null, us: null, flash: 0, ram: 0 };
    const mem = await avrBoardMemory(gen, board);
    Object.assign(row, { flash: mem.flash.total, ram: mem.ram.total });
    if (mem.flash.total > mcu.flashBytes || mem.ram.total > mcu.ramBytes) return row;
    const { cycles: steps, mcu: measuredOn } = await avrStepCycles(gen, dir, board, raw.flat(), MEASURED_STEPS);
    const perStep = Math.round(steps.reduce((a, b) => a + b, 0) / steps.length);
    return { ...row, mcu: measuredOn, steps, perStep, us: Math.round((perStep / mcu.hz) * 1e6) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function runAvrBench(kinds: CellKind[] = ['lstm', 'gru', 'elman']): Promise<AvrBenchRow[]> {
  const jobs: Promise<AvrBenchRow>[] = [];
  for (const kind of kinds) for (const [I, H] of AVR_SHAPES) jobs.push(benchAvrOne(kind, I, H));
  return Promise.all(jobs);
}

export function formatAvrBench(rows: AvrBenchRow[]): string {
  const lines = ['C target on ATmega328P at 16 MHz (Arduino Uno/Nano; simavr, avr-gcc -Os, constants in flash): CPU cycles per time step', ''];
  lines.push('cell   I/H    MACs/step  cycles/step  cycles/MAC  ms/step  flash B  RAM B (static + state + stack)');
  for (const r of rows) {
    const cells = r.perStep === null ? ['does not fit', '-', '-'] : [String(r.perStep), (r.perStep / r.macs).toFixed(1), ((r.us ?? 0) / 1000).toFixed(2)];
    lines.push(
      `${r.kind.padEnd(6)} ${r.shape.padEnd(6)} ${String(r.macs).padStart(9)}  ${cells[0].padStart(11)}  ${cells[1].padStart(10)}  ${cells[2].padStart(7)}  ${String(r.flash).padStart(7)}  ${String(r.ram).padStart(12)}`,
    );
  }
  return lines.join('\n');
}
