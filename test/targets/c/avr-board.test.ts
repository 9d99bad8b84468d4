// The C target on AVR boards: board profiles, the per-board memory report (its figures are
// avr-size's and match the emitter's own prediction), the coded refusal of a model that does not
// fit, and the gesture-shaped GRU 8 and LSTM 8 (3 features, 8 units, 6 classes) running exact on
// an ATmega328P under simavr with room for their stack.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CellKind, FloatModel, emptyDense } from '../../../compiler/core/ir/model';
import { QuantModel } from '../../../compiler/core/ir/quant-model';
import { quantizeModel } from '../../../compiler/quant/quantize';
import { runQuant } from '../../../compiler/core/reference';
import { Rng } from '../../../compiler/core/util/rng';
import { TinyrnnError } from '../../../compiler/core/ir/errors';
import { saveQuantModel } from '../../../compiler/core/ir/format';
import { main } from '../../../bin/cli/main';
import { findBoard } from '../../../targets/boards';
import { avrBoardMemory, avrStepCycles, checkAvrFits, formatAvrMemory } from '../../../targets/c/avr-board';
import { CGenResult, generateC } from '../../../targets/c/emit';
import { AVR_MCUS, avrSize, buildAvr, runSimavr } from '../../../targets/c/avr';
import { HARNESS_DIR, runProgram, scratchDir } from '../../../targets/c/toolchain';
import { writeGenerated } from '../../../targets/c/target';
import { benchFloatModel, benchQuantModel, randomSequences } from '../../../bench/c/models';
import { avrTest } from './gate';
import { VectorCase, compareRun, loadVectorCases, parseDriverOutput, writeDriver } from './vectors';

const root = scratchDir('cavrboard');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const vectors = loadVectorCases();

/** A gesture-shaped classifier: 3 features, an 8-unit cell, a 6-class softmax head (seeded random weights). */
function gestureModel(kind: CellKind): QuantModel {
  const f = benchFloatModel(kind, 3, 8, 5);
  const head = emptyDense(8, 6, 'softmax');
  const rng = new Rng(11);
  for (let i = 0; i < head.w.length; i++) head.w[i] = rng.normal() * 0.5;
  const m: FloatModel = {
    ...f,
    meta: { name: `gesture_${kind}8`, features: ['ax', 'ay', 'az'], labels: ['idle', 'tap', 'shake', 'wave', 'circle', 'tilt'] },
    task: 'classification',
    output: 'last',
    layers: [...f.layers, head],
  };
  return quantizeModel(m, randomSequences(3, 8, 50, 3), { source: 'avr-board test' });
}

/**
 * The model's RAM on AVR as the emitter predicts it: names, their pointer tables (2-byte pointers),
 * a regenerated reservoir, and the empty string the name functions return for an index out of range.
 */
function predictedStatic(gen: CGenResult): number {
  return gen.report.flash.names + gen.report.flash.descriptors / 2 + gen.report.ram.reservoir + 1;
}

test('the AVR boards load: Uno and Nano (ATmega328P), Mega 2560', () => {
  expect(findBoard('uno')).toMatchObject({ id: 'ARDUINO_UNO', core: 'avr', chip: 'ATmega328P', ramBytes: 2048, flashBytes: 32768, clockMHz: 16 });
  expect(findBoard('nano')).toMatchObject({ id: 'ARDUINO_NANO', core: 'avr', chip: 'ATmega328P', ramBytes: 2048 });
  expect(findBoard('mega2560')).toMatchObject({ id: 'ARDUINO_MEGA2560', core: 'avr', chip: 'ATmega2560', ramBytes: 8192, flashBytes: 262144 });
});

avrTest(
  'the Uno memory report is avr-size of the model and equals the emitter prediction (constants in flash, names and reservoir in RAM)',
  async () => {
    const uno = findBoard('uno');
    for (const name of ['lstm_h4', 'esn_regen_sines_h16', 'bidir_gru_before_h3', 'dense_chain']) {
      const gen = generateC(vectors.find((c) => c.name === name)!.model, { prefix: 'm' });
      const mem = await avrBoardMemory(gen, uno);
      expect([name, mem.sections.progmem]).toEqual([name, gen.report.flash.data]);
      expect([name, mem.ram.static]).toEqual([name, predictedStatic(gen)]);
      expect(mem.flash.total).toBe(mem.sections.code + mem.sections.progmem + mem.sections.data);
      expect(mem.ram.total).toBe(mem.ram.static + gen.report.ram.state + mem.ram.stack!);
      expect(mem.ram.stack!).toBeGreaterThanOrEqual(gen.report.ram.scratch);
      checkAvrFits(mem);
      expect(formatAvrMemory(mem)).toContain(
        `flash: ${mem.flash.total} of 32768 bytes = code ${mem.sections.code} + constants ${gen.report.flash.data} (PROGMEM)`,
      );
    }
  },
  300000,
);

avrTest(
  'a model that does not fit the Uno is refused with a coded error naming the shortfall; the Mega takes it',
  async () => {
    const gen = generateC(benchQuantModel('lstm', 40, 80), { prefix: 'm' });
    const mem = await avrBoardMemory(gen, findBoard('uno'));
    let err: TinyrnnError | null = null;
    try {
      checkAvrFits(mem);
    } catch (e) {
      err = e as TinyrnnError;
    }
    expect(err).toBeInstanceOf(TinyrnnError);
    const flash = err!.diagnostics.find((d) => d.code === 'AVR002')!;
    expect(flash.message).toContain(`needs ${mem.flash.total} B of flash on Arduino Uno (ATmega328P, C)`);
    expect(flash.message).toContain(`${mem.flash.total - 32768} B short`);
    checkAvrFits(await avrBoardMemory(gen, findBoard('mega2560')));
    // RAM only: a GRU 3/80 fits the Uno's flash, but its stack of a step (measured) does not fit beside the state
    const gru = generateC(benchQuantModel('gru', 3, 80), { prefix: 'm' });
    const gm = await avrBoardMemory(gru, findBoard('uno'));
    expect(gm.flash.total).toBeLessThanOrEqual(32768);
    expect(gm.ram.stack).not.toBeNull();
    expect(() => checkAvrFits(gm)).toThrow(TinyrnnError);
    try {
      checkAvrFits(gm);
    } catch (e) {
      const d = (e as TinyrnnError).diagnostics;
      expect(d.map((x) => x.code)).toEqual(['AVR001']);
      expect(d[0].message).toBe(
        `the model needs ${gm.ram.total} B of RAM on Arduino Uno (ATmega328P, C) (${gm.ram.static} static + ${gm.ram.state} state + ${gm.ram.stack} stack), which has 2048 B: ${gm.ram.total - 2048} B short`,
      );
    }
    checkAvrFits(await avrBoardMemory(gru, findBoard('mega2560')));
    // an array avr-gcc cannot hold (32 KB or more) is named
    await expect(avrBoardMemory(generateC(benchQuantModel('lstm', 64, 128), { prefix: 'm' }), findBoard('mega2560'))).rejects.toThrow(
      /AVR003|m_l0_wx is larger than 32767 bytes/,
    );
  },
  300000,
);

for (const kind of ['gru', 'lstm'] as const) {
  avrTest(
    `the gesture ${kind.toUpperCase()} 8 fits the Uno with its stack and runs exact on the ATmega328P`,
    async () => {
      const model = gestureModel(kind);
      const gen = generateC(model, { prefix: 'm' });
      const mem = await avrBoardMemory(gen, findBoard('uno'));
      checkAvrFits(mem);
      expect(mem.ram.total).toBeLessThan(1024); // room to spare for the application
      const rng = new Rng(21);
      const sequences = [0, 1, 2].map(() => {
        const raw = Array.from({ length: 40 }, () => Array.from({ length: 3 }, () => Math.round(rng.normal() * 2000)));
        return { raw, outputs: runQuant(model, raw).steps.map((s) => Array.from(s)), trace: {} };
      });
      const c: VectorCase = { name: `gesture_${kind}8`, streaming: true, model, sequences };
      const dir = path.join(root, c.name);
      fs.mkdirSync(dir, { recursive: true });
      const { driver } = writeDriver(c, dir, false, true);
      const mcu = AVR_MCUS.atmega328p;
      const elf = await buildAvr({
        mcu,
        sources: [driver, path.join(dir, 'm.c')],
        includeDirs: [dir],
        out: path.join(dir, 'm.elf'),
        opt: '-Os',
        harness: true,
      });
      const r = await runSimavr(elf, mcu);
      expect(r.exit).not.toBeNull();
      expect(r.exit!.free).toBeGreaterThan(0);
      expect((await avrSize(elf)).ram + r.exit!.stack).toBeLessThan(2048);
      expect(compareRun(c, parseDriverOutput(r.stdout), 'atmega328p', [])).toEqual([]);
    },
    300000,
  );
}

avrTest(
  'tinyrnn compile --target c --board uno: the board report in text and --json; a model too large is refused (exit code, AVR002) and nothing is written',
  async () => {
    const dir = path.join(root, 'cli');
    fs.mkdirSync(dir, { recursive: true });
    const small = path.join(dir, 'small.q.tnn');
    const big = path.join(dir, 'big.q.tnn');
    saveQuantModel(small, gestureModel('gru'));
    saveQuantModel(big, benchQuantModel('lstm', 40, 80));
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t), isTTY: false, cwd: dir };
    expect(await main(['compile', small, '--target', 'c', '--out', 'uno', '--board', 'uno', '--json'], io)).toBe(0);
    const j = JSON.parse(out.join('\n'));
    expect(j.report.board).toMatchObject({ board: 'ARDUINO_UNO', mcu: 'atmega328p' });
    expect(j.report.board.flash.constants).toBe(j.report.flash.data);
    out.length = 0;
    expect(await main(['compile', small, '--target', 'c', '--out', 'uno2', '--board', 'nano'], io)).toBe(0);
    expect(out.join('\n')).toMatch(/Arduino Nano \(ATmega328P, C\):\n +flash: \d+ of 32768 bytes = code \d+ \+ constants \d+ \(PROGMEM\)/);
    out.length = 0;
    expect(await main(['compile', big, '--target', 'c', '--out', 'big', '--board', 'uno'], io)).not.toBe(0);
    expect(out.join('\n')).toMatch(/AVR002.*B of flash on Arduino Uno.*B short/s);
    expect(fs.existsSync(path.join(dir, 'big'))).toBe(false);
    out.length = 0;
    expect(await main(['compile', small, '--target', 'c', '--out', 'x', '--board', 'stm32f411'], io)).toBe(2);
    expect(out.join('\n')).toContain('--board with --target c applies to the AVR boards (ARDUINO_MEGA2560, ARDUINO_NANO, ARDUINO_UNO)');
  },
  300000,
);

avrTest(
  'the Arduino library (--layout arduino) and its example sketch build for the ATmega328P with avr-gcc/avr-g++ (a minimal Arduino stand-in) and stream under simavr',
  async () => {
    const dir = path.join(root, 'arduino');
    const model = gestureModel('gru');
    const gen = generateC(model, { prefix: 'gest', layout: 'arduino' });
    writeGenerated(dir, gen);
    fs.writeFileSync(
      path.join(dir, 'Arduino.h'),
      [
        '#include <stdint.h>',
        '#include <stdio.h>',
        'static const int A0 = 14;',
        'static inline int analogRead(int pin) { return pin * 100; }',
        'static inline void delay(unsigned long) {}',
        'struct SerialStub { void begin(long) {} void println(const char *s) { printf("%s\\n", s); } void println(long v) { printf("%ld\\n", v); } };',
        'static SerialStub Serial;',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(
      path.join(dir, 'main.cpp'),
      '#include "Arduino.h"\n#include "examples/gest_stream/gest_stream.ino"\nint main() { setup(); for (int i = 0; i < 5; i++) loop(); return 0; }\n',
    );
    const mcu = ['-mmcu=atmega328p', '-DF_CPU=16000000UL', '-Os'];
    const cc = async (tool: string, args: string[]) => {
      const r = await runProgram(tool, args);
      expect([tool, r.code, r.stderr]).toEqual([tool, 0, '']);
    };
    await cc('avr-gcc', [
      ...mcu,
      '-std=c99',
      '-Wall',
      '-Wextra',
      '-Werror',
      '-pedantic',
      `-I${path.join(dir, 'src')}`,
      '-c',
      path.join(dir, 'src', 'gest.c'),
      '-o',
      path.join(dir, 'gest.o'),
    ]);
    await cc('avr-gcc', [...mcu, '-std=c99', '-c', path.join(HARNESS_DIR(), 'avr_uart.c'), '-o', path.join(dir, 'harness.o')]);
    const elf = path.join(dir, 'sketch.elf');
    await cc('avr-g++', [
      ...mcu,
      '-std=c++11',
      '-Wall',
      '-Wextra',
      '-Werror',
      `-I${dir}`,
      `-I${path.join(dir, 'src')}`,
      '-Wl,--wrap=main',
      path.join(dir, 'main.cpp'),
      path.join(dir, 'gest.o'),
      path.join(dir, 'harness.o'),
      '-o',
      elf,
    ]);
    const r = await runSimavr(elf, AVR_MCUS.atmega328p);
    expect(r.exit).toMatchObject({ code: 0 });
    const lines = r.stdout.split('\n').filter((l) => l && !l.startsWith('EXIT'));
    expect(lines).toHaveLength(5);
    for (const l of lines) expect(model.meta.labels).toContain(l);
  },
  300000,
);

avrTest('cycles per step are the same on the ATmega328P and on the ATmega1284P that stands in when a measuring program does not fit', async () => {
  const q = benchQuantModel('gru', 3, 8);
  const gen = generateC(q, { prefix: 'm' });
  const dir = path.join(root, 'cycles');
  writeGenerated(dir, gen);
  const samples = Array.from({ length: 5 * 3 }, (_, i) => q.input.offset[i % 3] + ((i * 7919) % 2000) - 1000);
  const uno = findBoard('uno');
  const a = await avrStepCycles(gen, dir, uno, samples, 4);
  const b = await avrStepCycles(gen, dir, { ...uno, chip: 'ATmega1284P', flashBytes: 131072, ramBytes: 16384 }, samples, 4);
  expect([a.mcu, b.mcu]).toEqual(['atmega328p', 'atmega1284p']);
  expect(b.cycles).toEqual(a.cycles);
});
