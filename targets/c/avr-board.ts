// The C target on an AVR board (`compile --target c --board uno|nano|mega2560`): what the model
// puts in flash and in RAM, measured with avr-gcc and avr-size, plus the stack of a step measured
// under simavr; a model that does not fit is refused with a coded error naming the shortfall.
//
//   flash = code (.text) + constants (.progmem: weights, biases, requantisation, tables, input
//           stage) + the initial values of .data (feature and class names, copied to RAM at start-up)
//   RAM   = .data + .bss of the model (names and their pointer tables, a regenerated reservoir)
//           + the state of one stream + the stack of one step (measured under simavr: scratch,
//           locals and calls, the caller's frame included)
// The application, the C library and the Arduino core come on top.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Diagnostic, TinyrnnError } from '../../compiler/core/ir/errors';
import { BoardProfile } from '../boards';
import { AVR_MCUS, AvrMcu, AvrObjectSizes, avrObjectSizes, avrToolStatus, buildAvr, runSimavr } from './avr';
import { CGenResult } from './emit';
import { scratchDir } from './toolchain';
import { writeGenerated } from './target';

export interface AvrBoardMemory {
  board: string;
  name: string;
  mcu: string;
  /** avr-size -A of the model's object file (avr-gcc -Os). */
  sections: AvrObjectSizes;
  flash: { code: number; constants: number; initialData: number; total: number; limit: number };
  /** stack: the stack of one step measured under simavr, null where simavr is missing (then the stack scratch stands for it). */
  ram: { static: number; state: number; stack: number | null; total: number; limit: number };
  how: string;
}

/** The avr-gcc/simavr MCU of an AVR board profile. */
export function avrMcuOf(board: BoardProfile): AvrMcu {
  return { mcu: board.chip.toLowerCase(), ramBytes: board.ramBytes, flashBytes: board.flashBytes, hz: Math.round(board.clockMHz * 1e6) };
}

/** A program that resets one stream and runs steps on zero input, for the harness's stack measurement. */
function stackDriver(gen: CGenResult): string {
  const p = gen.report.prefix;
  const F = gen.view.inputSize;
  const O = gen.view.outputSize;
  const run = gen.view.streaming
    ? ['  int t;', `  ${p}_reset(&st);`, `  for (t = 0; t < 3; t++) (void)${p}_step(&st, raw);`]
    : [`  static ${p}_output_t out[3 * ${O}];`, `  static int16_t work[${p.toUpperCase()}_RUN_WORK_SIZE(3)];`, `  (void)${p}_run(&st, raw, 3, out, work);`];
  const raw = gen.view.streaming ? F : 3 * F;
  return [
    `#include "${path.basename(gen.header)}"`,
    `static const int32_t raw[${raw}];`,
    `static ${p}_state_t st;`,
    'int main(void) {',
    ...run,
    '  return 0;',
    '}',
    '',
  ].join('\n');
}

/**
 * The MCU that measures the stack of a step: the ATmega1284P (16 KB RAM, 128 KB flash) for boards
 * with 2-byte return addresses (up to 128 KB of flash: the same frames as their own MCU), so the
 * measuring program (the model, a driver, the C library) always fits; the board's MCU otherwise.
 */
function stackMcu(board: BoardProfile): AvrMcu {
  return board.flashBytes <= 131072 ? AVR_MCUS.atmega1284p : avrMcuOf(board);
}

/** Stack bytes of a step (whole-sequence models: of a run) on the MCU, measured under simavr. */
async function measureStack(gen: CGenResult, dir: string, mcu: AvrMcu): Promise<number> {
  const driver = path.join(dir, 'stack.c');
  fs.writeFileSync(driver, stackDriver(gen));
  const elf = await buildAvr({
    mcu,
    sources: [driver, path.join(dir, gen.source)],
    includeDirs: [path.join(dir, gen.srcDir)],
    out: path.join(dir, 'stack.elf'),
    opt: '-Os',
    harness: true,
  });
  const r = await runSimavr(elf, mcu, { timeoutMs: 120000 });
  if (!r.exit || r.exit.code !== 0) throw new Error(`the stack measurement did not finish under simavr:\n${r.stdout.slice(-500)}`);
  return r.exit.stack;
}

/** An array avr-gcc refuses (AVR objects are at most 32767 bytes). */
function tooLargeArray(msg: string): Diagnostic | null {
  const m = /size of array '?‘?(\w+)’?'? is too large/.exec(msg);
  if (!m) return null;
  return {
    code: 'AVR003',
    path: m[1],
    message: `the array ${m[1]} is larger than 32767 bytes, the largest object avr-gcc allows (pointers and sizes have 16 bits)`,
    value: m[1],
    expected: 'every constant array below 32 KB',
    hint: 'a smaller hidden or input size',
  };
}

/** Flash and RAM of the generated model on an AVR board. Needs avr-gcc (and simavr for the stack). */
export async function avrBoardMemory(gen: CGenResult, board: BoardProfile): Promise<AvrBoardMemory> {
  const tools = avrToolStatus();
  if (!tools.avrCc)
    throw new TinyrnnError({
      code: 'AVR004',
      path: '--board',
      message: `cannot measure the model for ${board.name}: ${tools.missing[0]}`,
      hint: 'install the AVR toolchain (apt-get install gcc-avr avr-libc simavr)',
    });
  const mcu = avrMcuOf(board);
  const dir = scratchDir('avrboard');
  try {
    writeGenerated(dir, gen);
    const obj = path.join(dir, 'm.o');
    try {
      await buildAvr({ mcu, sources: [path.join(dir, gen.source)], includeDirs: [path.join(dir, gen.srcDir)], out: obj, opt: '-Os', objectOnly: true });
    } catch (e) {
      const d = tooLargeArray((e as Error).message);
      if (d) throw new TinyrnnError(d);
      throw e;
    }
    const sections = await avrObjectSizes(obj);
    const flashTotal = sections.code + sections.progmem + sections.data;
    const state = gen.report.ram.state;
    const stat = sections.data + sections.bss;
    // measured where the model fits the flash and the estimate the RAM (else the refusal stands anyway)
    const measurable = tools.simavr && flashTotal <= board.flashBytes && stat + state + gen.report.ram.scratch <= board.ramBytes;
    const smcu = stackMcu(board);
    const stack = measurable ? await measureStack(gen, dir, smcu) : null;
    const where = smcu.mcu === mcu.mcu ? '' : ` on an ${smcu.mcu} (the same 2-byte return addresses, and room for the measuring program)`;
    return {
      board: board.id,
      name: board.name,
      mcu: mcu.mcu,
      sections,
      flash: { code: sections.code, constants: sections.progmem, initialData: sections.data, total: flashTotal, limit: board.flashBytes },
      ram: { static: stat, state, stack, total: stat + state + (stack ?? gen.report.ram.scratch), limit: board.ramBytes },
      how: `avr-gcc -mmcu=${mcu.mcu} -Os, avr-size -A of ${path.basename(gen.source, '.c')}.o; stack ${stack !== null ? `measured under simavr${where} (painted RAM)` : `not measured (${tools.simavr ? 'the model does not fit' : 'simavr missing'}): the stack scratch stands for it`}`,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Refuses a model that does not fit the board (AVR001 RAM, AVR002 flash), with the numbers. */
export function checkAvrFits(m: AvrBoardMemory): void {
  const problems: Diagnostic[] = [];
  const stack = m.ram.total - m.ram.static - m.ram.state;
  if (m.ram.total > m.ram.limit)
    problems.push({
      code: 'AVR001',
      path: '--board',
      message: `the model needs ${m.ram.total} B of RAM on ${m.name} (${m.ram.static} static + ${m.ram.state} state + ${stack} stack${m.ram.stack === null ? ', estimated' : ''}), which has ${m.ram.limit} B: ${m.ram.total - m.ram.limit} B short`,
      value: m.ram.total,
      expected: `at most ${m.ram.limit} B`,
      hint: 'a smaller hidden size, or a board with more RAM (e.g. mega2560)',
    });
  if (m.flash.total > m.flash.limit)
    problems.push({
      code: 'AVR002',
      path: '--board',
      message: `the model needs ${m.flash.total} B of flash on ${m.name} (${m.flash.code} code + ${m.flash.constants} constants + ${m.flash.initialData} initial data), which has ${m.flash.limit} B: ${m.flash.total - m.flash.limit} B short`,
      value: m.flash.total,
      expected: `at most ${m.flash.limit} B`,
      hint: 'a smaller model, or a board with more flash (e.g. mega2560)',
    });
  if (problems.length) throw new TinyrnnError(problems);
}

/** The board part of the memory report. */
export function formatAvrMemory(m: AvrBoardMemory): string {
  const f = m.flash;
  const r = m.ram;
  return [
    `  ${m.name}:`,
    `    flash: ${f.total} of ${f.limit} bytes = code ${f.code} + constants ${f.constants} (PROGMEM) + initial data ${f.initialData}`,
    `    RAM:   ${r.total} of ${r.limit} bytes = static ${r.static} (.data + .bss) + state ${r.state} per stream + stack ${r.stack ?? `~${r.total - r.static - r.state} (scratch; not measured)`} of a step`,
    `    (${m.how}; the application, C library and Arduino core come on top)`,
  ].join('\n');
}

/** A program that times K steps (after one warm-up step) with the harness's cycle counter; the samples stay in flash. */
function cyclesDriver(gen: CGenResult, samples: ArrayLike<number>, K: number): string {
  const p = gen.report.prefix;
  const F = gen.view.inputSize;
  return [
    '#include <stdio.h>',
    '#include <avr/pgmspace.h>',
    `#include "${path.basename(gen.header)}"`,
    'uint32_t tinyrnn_cycles(void);',
    `static const int32_t samples[${(K + 1) * F}] PROGMEM = {${Array.from(samples)
      .slice(0, (K + 1) * F)
      .join(', ')}};`,
    `static ${p}_state_t st;`,
    'int main(void) {',
    `  int32_t x[${F}];`,
    '  uint32_t t0, t1, zero;',
    '  int t;',
    '  t0 = tinyrnn_cycles();',
    '  zero = tinyrnn_cycles() - t0;',
    `  ${p}_reset(&st);`,
    `  for (t = 0; t <= ${K}; t++) {`,
    `    memcpy_P(x, samples + t * ${F}, sizeof(x));`,
    '    t0 = tinyrnn_cycles();',
    `    (void)${p}_step(&st, x);`,
    '    t1 = tinyrnn_cycles();',
    '    if (t > 0) printf("C %lu\\n", (unsigned long)(t1 - t0 - zero));',
    '  }',
    '  return 0;',
    '}',
    '',
  ].join('\n');
}

/** Cycles of K steps on one MCU, or null when the measuring program does not fit it (flash at link, or RAM). */
async function cyclesOn(driver: string, gen: CGenResult, dir: string, mcu: AvrMcu, K: number): Promise<number[] | null> {
  let elf: string;
  try {
    const out = path.join(dir, `cycles-${mcu.mcu}.elf`);
    elf = await buildAvr({ mcu, sources: [driver, path.join(dir, gen.source)], includeDirs: [path.join(dir, gen.srcDir)], out, opt: '-Os', harness: true });
  } catch (e) {
    if (/will not fit in region|region `\w+' overflowed|not within region/.test((e as Error).message)) return null;
    throw e;
  }
  const r = await runSimavr(elf, mcu, { timeoutMs: 120000 });
  if (/^RESTART$/m.test(r.stdout) || (r.exit && r.exit.free === 0)) return null;
  if (!r.exit || r.exit.code !== 0) throw new Error(`the cycle count did not finish on ${mcu.mcu} under simavr:\n${r.stdout.slice(-1000)}`);
  const cycles = [...r.stdout.matchAll(/^C (\d+)$/gm)].map((m) => Number(m[1]));
  if (cycles.length !== K) throw new Error(`counted ${cycles.length} steps under simavr, expected ${K}`);
  return cycles;
}

/**
 * CPU cycles of K streaming steps (after a warm-up step) under simavr, Timer1 counting every cycle
 * (exact in simulation): on the board's MCU, or, when the measuring program (model, driver, C
 * library) does not fit it, on the MCU that measures the stack (the same instructions and cycle
 * counts). samples: (K + 1) x F raw inputs. gen must be written in dir.
 */
export async function avrStepCycles(
  gen: CGenResult,
  dir: string,
  board: BoardProfile,
  samples: ArrayLike<number>,
  K: number,
): Promise<{ cycles: number[]; mcu: string }> {
  const driver = path.join(dir, 'cycles.c');
  fs.writeFileSync(driver, cyclesDriver(gen, samples, K));
  for (const mcu of [avrMcuOf(board), stackMcu(board)]) {
    const cycles = await cyclesOn(driver, gen, dir, mcu, K);
    if (cycles) return { cycles, mcu: mcu.mcu };
  }
  throw new Error(`the cycle-count program fits neither the ${avrMcuOf(board).mcu} nor the ${stackMcu(board).mcu}`);
}
