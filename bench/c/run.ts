// C target benchmark: executed instructions per time step on a Cortex-M4 (QEMU mps2-an386, exec
// trace, arm-none-eabi-gcc -O2, the DSP/SMLAD path) for LSTM, GRU and Elman layers at the
// CMSIS-NN benchmark shapes (input/hidden 3/16, 16/32, 32/64), plus the code size of the step,
// printed beside CMSIS-NN's arm_lstm_unidirectional_s8 (figures from its own measurement on this
// kind of machine; see the README).
//
//   npm run build && node dist/bench/c/run.js [--json]
//
// Models: seeded random float weights, quantised by tinyrnn's quantize pass on seeded random
// calibration sequences (the integer arithmetic's cost does not depend on training).
// Then CPU cycles per step on an ATmega328P at 16 MHz (bench/c/avr.ts), where avr-gcc and simavr are installed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CellKind } from '../../compiler/core/ir/model';
import { benchQuantModel } from './models';
import { Rng } from '../../compiler/core/util/rng';
import { rawInput } from '../../compiler/core/reference';
import { generateC } from '../../targets/c/emit';
import { writeGenerated } from '../../targets/c/target';
import { ARM_MACHINES, ArmMachine, buildArm, scratchDir, symbols, toolStatus, traceRun } from '../../targets/c/toolchain';
import { avrToolStatus } from '../../targets/c/avr';
import { formatAvrBench, runAvrBench } from './avr';

/** CMSIS-NN arm_lstm_unidirectional_s8, Cortex-M4 -O2 (DSP), instructions per step. */
export const CMSIS_NN_LSTM: Record<string, number> = { '3/16': 12973, '16/32': 31148, '32/64': 83747 };
/** CMSIS-NN LSTM code: .text bytes on Cortex-M4 -O2, plus its 512-byte table. */
export const CMSIS_NN_LSTM_TEXT = 3034;
export const CMSIS_NN_LSTM_TABLE = 512;

export const SHAPES: [number, number][] = [
  [3, 16],
  [16, 32],
  [32, 64],
];

export interface BenchRow {
  kind: CellKind;
  shape: string;
  macs: number;
  /** Instructions per step (mean over the measured steps; every step's count is listed). */
  perStep: number;
  steps: number[];
  /** .text bytes of the step path (m_step, m_step_with, m_quantize_inputs). */
  stepText: number;
  /** Activation tables the model stores (bytes). */
  tables: number;
  cmsis?: number;
  ratio?: number;
}

const MEASURED_STEPS = 4;

export async function benchOne(kind: CellKind, I: number, H: number, machine: ArmMachine = ARM_MACHINES.m4, keep?: string): Promise<BenchRow> {
  const q = benchQuantModel(kind, I, H);
  const dir = keep ?? scratchDir(`cbench-${kind}-${I}-${H}`);
  try {
    const gen = generateC(q, { prefix: 'm' });
    writeGenerated(dir, gen);
    const rng = new Rng(99);
    const T = MEASURED_STEPS + 1;
    const raw = Array.from({ length: T }, () =>
      rawInput(
        q,
        Array.from({ length: I }, () => rng.normal()),
      ),
    );
    const driver = path.join(dir, 'bench.c');
    fs.writeFileSync(
      driver,
      [
        '#include <stdio.h>',
        '#include "m.h"',
        'void bench_mark(void) __attribute__((noinline));',
        'void bench_mark(void) { __asm__ volatile("" ::: "memory"); }',
        `static const int32_t raw[${T}][${I}] = {${raw.map((r) => `{${r.join(', ')}}`).join(', ')}};`,
        'static m_state_t st;',
        'int main(void) {',
        '  int32_t t, sum = 0;',
        '  m_reset(&st);',
        '  sum += m_step(&st, raw[0])[0]; /* warm-up step */',
        `  for (t = 1; t < ${T}; t++) {`,
        '    bench_mark();',
        '    sum += m_step(&st, raw[t])[0];',
        '  }',
        '  bench_mark();',
        '  printf("%ld\\n", (long)sum);',
        '  return 0;',
        '}',
        '',
      ].join('\n'),
    );
    const elf = await buildArm({ machine, sources: [driver, path.join(dir, gen.source)], includeDirs: [dir], out: path.join(dir, 'bench.elf'), opt: '-O2' });
    const syms = await symbols(elf);
    const marker = syms.find((s) => s.name === 'bench_mark');
    if (!marker) throw new Error('bench_mark not found in the ELF');
    const { run, counts } = await traceRun(elf, machine, path.join(dir, 'trace.log'), marker);
    if (run.code !== 0) throw new Error(`benchmark program failed: exit ${run.code}\n${run.stdout}${run.stderr}`);
    const steps = counts.segments;
    const stepText = syms.filter((s) => ['m_step', 'm_step_with', 'm_quantize_inputs'].includes(s.name)).reduce((n, s) => n + s.size, 0);
    const shape = `${I}/${H}`;
    const perStep = Math.round(steps.reduce((a, b) => a + b, 0) / steps.length);
    const row: BenchRow = { kind, shape, macs: gen.report.macsPerStep, perStep, steps, stepText, tables: gen.report.flash.tables };
    if (kind === 'lstm' && CMSIS_NN_LSTM[shape]) {
      row.cmsis = CMSIS_NN_LSTM[shape];
      row.ratio = perStep / CMSIS_NN_LSTM[shape];
    }
    return row;
  } finally {
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function runBench(kinds: CellKind[] = ['lstm', 'gru', 'elman']): Promise<BenchRow[]> {
  const jobs: Promise<BenchRow>[] = [];
  for (const kind of kinds) for (const [I, H] of SHAPES) jobs.push(benchOne(kind, I, H));
  return Promise.all(jobs);
}

export function formatBench(rows: BenchRow[]): string {
  const lines = ['C target on Cortex-M4 (QEMU mps2-an386, arm-none-eabi-gcc -O2, SMLAD path): executed instructions per time step', ''];
  lines.push('cell   I/H    MACs/step  instr/step  instr/MAC  step .text  CMSIS-NN instr  ratio');
  for (const r of rows) {
    lines.push(
      `${r.kind.padEnd(6)} ${r.shape.padEnd(6)} ${String(r.macs).padStart(9)}  ${String(r.perStep).padStart(10)}  ${(r.perStep / r.macs).toFixed(2).padStart(9)}  ${String(r.stepText).padStart(10)}  ${r.cmsis ? String(r.cmsis).padStart(14) : '             -'}  ${r.ratio ? r.ratio.toFixed(2) + 'x' : '-'}`,
    );
  }
  const lstm = rows.filter((r) => r.kind === 'lstm');
  const worst = Math.max(...lstm.map((r) => r.ratio ?? 0));
  const maxText = Math.max(...lstm.map((r) => r.stepText));
  lines.push('');
  lines.push(`LSTM instructions per step vs CMSIS-NN: at most ${worst.toFixed(2)}x (target <= 0.60x): ${worst <= 0.6 ? 'MET' : 'NOT MET'}`);
  lines.push(
    `LSTM step code: at most ${maxText} bytes of .text + ${lstm[0]?.tables ?? 0} bytes of tables, CMSIS-NN LSTM ${CMSIS_NN_LSTM_TEXT} bytes + ${CMSIS_NN_LSTM_TABLE}-byte table (target: code no larger): ${maxText <= CMSIS_NN_LSTM_TEXT ? 'MET' : 'NOT MET'}`,
  );
  return lines.join('\n');
}

if (require.main === module) {
  (async () => {
    const st = toolStatus();
    if (!st.armCc || !st.qemu) {
      process.stderr.write(`bench/c needs ${st.missing.join('; ')}\n`);
      process.exit(2);
    }
    const rows = await runBench();
    // the ATmega328P figures beside the Cortex-M ones, where avr-gcc and simavr are installed
    const avr = avrToolStatus();
    const avrRows = avr.avrCc && avr.simavr ? await runAvrBench() : null;
    if (process.argv.includes('--json')) process.stdout.write(JSON.stringify({ cortexM4: rows, atmega328p: avrRows }, null, 2) + '\n');
    else process.stdout.write(formatBench(rows) + '\n\n' + (avrRows ? formatAvrBench(avrRows) : `ATmega328P: not measured (${avr.missing.join('; ')})`) + '\n');
  })().catch((e) => {
    process.stderr.write(String(e?.stack ?? e) + '\n');
    process.exit(1);
  });
}
