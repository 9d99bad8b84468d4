// Every golden vector (test/vectors) through the generated C on 8-bit AVR, where `int` has 16 bits:
// built with avr-gcc (strict flags, -Werror) and run under simavr, every integer compared with the
// reference's. ATmega1284P (16 KB RAM): every case, kernels traced (every intermediate of
// vectors.json). ATmega328P (Arduino Uno/Nano, 2 KB RAM): the API's view (input stage, state
// struct, outputs) of every case whose static RAM and measured stack fit.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AVR_MCUS, AvrMcu, avrSize, buildAvr, runSimavr, simavrUart } from '../../../targets/c/avr';
import { scratchDir } from '../../../targets/c/toolchain';
import { avrTest } from './gate';
import { VectorCase, apiKeys, compareRun, loadVectorCases, parseDriverOutput, writeDriver } from './vectors';

const cases = loadVectorCases();
const root = scratchDir('cavr');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

interface CaseRun {
  c: VectorCase;
  errors: string[];
  /** false: the stack reached .bss (the case does not fit the MCU's RAM). */
  fits: boolean;
  stack: number;
  /** Static RAM (.data + .bss) of the program. */
  ram: number;
}

async function runCase(c: VectorCase, mcu: AvrMcu, trace: boolean): Promise<CaseRun> {
  const label = `${mcu.mcu} -Os${trace ? ', traced' : ''}`;
  const dir = path.join(root, `${c.name}-${mcu.mcu}`);
  fs.mkdirSync(dir, { recursive: true });
  const { gen, driver } = writeDriver(c, dir, trace, true);
  try {
    const elf = await buildAvr({
      mcu,
      sources: [driver, path.join(dir, gen.source)],
      includeDirs: [dir],
      out: path.join(dir, 'm.elf'),
      opt: '-Os',
      defines: trace ? ['TINYRNN_TRACE'] : [],
      harness: true,
    });
    const size = await avrSize(elf);
    if (size.ram >= mcu.ramBytes) return { c, errors: [], fits: false, stack: 0, ram: size.ram };
    const r = await runSimavr(elf, mcu, { timeoutMs: 60000 });
    if (/^RESTART$/m.test(r.stdout)) return { c, errors: [], fits: false, stack: 0, ram: size.ram };
    if (!r.exit)
      return {
        c,
        errors: [`${c.name} [${label}]: no exit report${r.timedOut ? ' (timeout)' : ''}:\n${r.stdout.slice(-500)}`],
        fits: true,
        stack: 0,
        ram: size.ram,
      };
    const keys = trace ? 'all' : c.streaming ? apiKeys(c, gen) : [];
    const errors = r.exit.code !== 0 ? [`${c.name} [${label}]: exit ${r.exit.code}`] : compareRun(c, parseDriverOutput(r.stdout), label, keys);
    return { c, errors, fits: r.exit.free > 0, stack: r.exit.stack, ram: size.ram };
  } catch (e) {
    const msg = (e as Error).message;
    // the linker refuses static data beyond the MCU's RAM: the case does not fit
    if (/not within region `data'|region `data' overflowed/.test(msg)) return { c, errors: [], fits: false, stack: 0, ram: 0 };
    return { c, errors: [`${c.name} [${label}]: ${msg}`], fits: true, stack: 0, ram: 0 };
  }
}

test('the simavr UART reader joins split lines and restores line breaks', () => {
  const err = '\x1b[32mT L0.h 0 1 2|.\n\x1b[0m\x1b[32mO 0 -3 4\n\x1b[0m\x1b[32m5|.\n\x1b[0m\x1b[32mEND|.\n\x1b[0m';
  expect(simavrUart(err)).toBe('T L0.h 0 1 2\nO 0 -3 45\nEND\n');
});

avrTest(
  'every golden vector, exact: atmega1284p -Os, traced, under simavr',
  async () => {
    const runs = await Promise.all(cases.map((c) => runCase(c, AVR_MCUS.atmega1284p, true)));
    const errors = runs.flatMap((r) => (r.fits ? r.errors : [`${r.c.name}: does not fit the ATmega1284P`]));
    if (errors.length) throw new Error(`${errors.length} mismatches or failures:\n${errors.join('\n')}`);
  },
  900000,
);

avrTest(
  'every golden vector that fits the ATmega328P (Uno, Nano), exact under simavr',
  async () => {
    const runs = await Promise.all(cases.map((c) => runCase(c, AVR_MCUS.atmega328p, false)));
    const fitting = runs.filter((r) => r.fits);
    const errors = fitting.flatMap((r) => r.errors);
    if (errors.length) throw new Error(`${errors.length} mismatches or failures:\n${errors.join('\n')}`);
    console.log(runs.map((r) => `${r.c.name}: static RAM ${r.ram} B, ${r.fits ? `stack ${r.stack} B` : 'does not fit'}`).join('\n'));
    expect(runs.filter((r) => !r.fits).map((r) => r.c.name)).toEqual([]);
  },
  900000,
);
