// C target benchmark on 8-bit AVR: CPU cycles per time step on an ATmega328P at 16 MHz (Arduino
// Uno/Nano), measured under simavr with Timer1 counting every CPU cycle (the harness's
// tinyrnn_cycles(), targets/c/harness/avr_uart.c), avr-gcc -Os. The models are bench/c's (seeded
// random weights, quantised on seeded calibration data), plus the gesture shape 3/8.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CellKind } from '../../compiler/core/ir/model';
import { Rng } from '../../compiler/core/util/rng';
import { rawInput } from '../../compiler/core/reference';
import { generateC } from '../../targets/c/emit';
import { writeGenerated } from '../../targets/c/target';
import { AVR_MCUS, AvrMcu, avrSize, buildAvr, runSimavr } from '../../targets/c/avr';
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
  mcu: string;
  /** CPU cycles of each measured step (null: the model does not fit the MCU). */
  steps: number[] | null;
  perStep: number | null;
  /** Microseconds per step at the MCU's clock. */
  us: number | null;
  flash: number;
  ram: number;
}

const MEASURED_STEPS = 4;

/** The benchmark driver: a warm-up step, then MEASURED_STEPS timed steps (the timer read's own cost subtracted). */
function driverSource(raw: number[][], I: number): string {
  const T = raw.length;
  return [
    '#include <stdio.h>',
    '#include <avr/pgmspace.h>',
    '#include "m.h"',
    'uint32_t tinyrnn_cycles(void);',
    `static const int32_t raw[${T}][${I}] PROGMEM = {${raw.map((r) => `{${r.join(', ')}}`).join(', ')}};`,
    'static m_state_t st;',
    'int main(void) {',
    `  int32_t x[${I}];`,
    '  uint32_t t0, t1, zero;',
    '  int t;',
    '  t0 = tinyrnn_cycles();',
    '  zero = tinyrnn_cycles() - t0;',
    '  m_reset(&st);',
    '  memcpy_P(x, raw[0], sizeof(x));',
    '  (void)m_step(&st, x);',
    `  for (t = 1; t < ${T}; t++) {`,
    '    memcpy_P(x, raw[t], sizeof(x));',
    '    t0 = tinyrnn_cycles();',
    '    (void)m_step(&st, x);',
    '    t1 = tinyrnn_cycles();',
    '    printf("C %lu\\n", (unsigned long)(t1 - t0 - zero));',
    '  }',
    '  return 0;',
    '}',
    '',
  ].join('\n');
}

export async function benchAvrOne(kind: CellKind, I: number, H: number, mcu: AvrMcu = AVR_MCUS.atmega328p): Promise<AvrBenchRow> {
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
    const driver = path.join(dir, 'bench.c');
    fs.writeFileSync(driver, driverSource(raw, I));
    const row: AvrBenchRow = { kind, shape: `${I}/${H}`, macs: gen.report.macsPerStep, mcu: mcu.mcu, steps: null, perStep: null, us: null, flash: 0, ram: 0 };
    let elf: string;
    try {
      elf = await buildAvr({
        mcu,
        sources: [driver, path.join(dir, gen.source)],
        includeDirs: [dir],
        out: path.join(dir, 'bench.elf'),
        opt: '-Os',
        harness: true,
      });
    } catch (e) {
      if (/not within region|overflowed/.test((e as Error).message)) return row;
      throw e;
    }
    const size = await avrSize(elf);
    Object.assign(row, { flash: size.flash, ram: size.ram });
    const r = await runSimavr(elf, mcu, { timeoutMs: 120000 });
    if (!r.exit || r.exit.code !== 0 || r.exit.free === 0) throw new Error(`benchmark program failed on ${mcu.mcu}:\n${r.stdout.slice(-1000)}`);
    const steps = [...r.stdout.matchAll(/^C (\d+)$/gm)].map((m) => Number(m[1]));
    const perStep = Math.round(steps.reduce((a, b) => a + b, 0) / steps.length);
    return { ...row, steps, perStep, us: Math.round((perStep / mcu.hz) * 1e6) };
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
  lines.push('cell   I/H    MACs/step  cycles/step  cycles/MAC  ms/step  flash B  static RAM B');
  for (const r of rows) {
    const cells = r.perStep === null ? ['does not fit', '-', '-'] : [String(r.perStep), (r.perStep / r.macs).toFixed(1), ((r.us ?? 0) / 1000).toFixed(2)];
    lines.push(
      `${r.kind.padEnd(6)} ${r.shape.padEnd(6)} ${String(r.macs).padStart(9)}  ${cells[0].padStart(11)}  ${cells[1].padStart(10)}  ${cells[2].padStart(7)}  ${String(r.flash).padStart(7)}  ${String(r.ram).padStart(12)}`,
    );
  }
  return lines.join('\n');
}
