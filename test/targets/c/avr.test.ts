// Every golden vector (test/vectors) through the generated C on 8-bit AVR, where `int` has 16 bits:
// built with avr-gcc (strict flags, -Werror) and run under simavr, every integer compared with the
// reference's. ATmega1284P (16 KB RAM): every case, kernels traced (every intermediate of
// vectors.json). ATmega2560 (Arduino Mega) and ATmega328P (Arduino Uno/Nano, 2 KB RAM): the API's
// view (input stage, state struct, outputs); on the ATmega328P every case must fit (static RAM
// and measured stack). Then the AVR multiply and requantisation forms against libgcc's 64-bit
// arithmetic on the device.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AVR_MCUS, AvrMcu, avrSize, buildAvr, runSimavr, simavrUart } from '../../../targets/c/avr';
import { scratchDir } from '../../../targets/c/toolchain';
import { generateC } from '../../../targets/c/emit';
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
  'every golden vector, exact: atmega2560 -Os (Arduino Mega: 3-byte program counter, 256 KB of flash), under simavr',
  async () => {
    const runs = await Promise.all(cases.map((c) => runCase(c, AVR_MCUS.atmega2560, false)));
    const errors = runs.flatMap((r) => (r.fits ? r.errors : [`${r.c.name}: does not fit the ATmega2560`]));
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

/** A device program: the AVR multiply (tinyrnn_umul64, tinyrnn_mul_hi) and the requantisation forms against libgcc's 64-bit arithmetic on seeded random and edge operands. */
const REQUANT_CHECK = `#include <stdio.h>
#include "tinyrnn_kernels.h"
static uint32_t x = 2463534242u;
static uint32_t next(void) { x ^= x << 13; x ^= x >> 17; x ^= x << 5; return x; }
static int32_t spread(void) { uint32_t r = next(); int32_t v = (int32_t)(next() >> (r & 31u) >> 1); return (r & 32u) ? -v : v; }
static long bad, n32;
static void check(int32_t a, int32_t M, int32_t m, int32_t s) {
  static const uint32_t edge[5] = {0u, 1u, 0xffffu, 0x80000000u, 0xffffffffu};
  uint32_t ua = (uint32_t)a ^ edge[next() % 5u], ub = (uint32_t)M ^ edge[next() % 5u];
  uint32_t hi, lo;
  uint64_t u = (uint64_t)ua * ub;
  int64_t r = rshift_round((int64_t)a * m, s);
  tinyrnn_umul64(ua, ub, &hi, &lo);
  if (lo != (uint32_t)u || hi != (uint32_t)(u >> 32)) bad++;
  hi = tinyrnn_mul_hi((int32_t)ua, (int32_t)ub, &lo);
  u = (uint64_t)((int64_t)(int32_t)ua * (int32_t)ub);
  if (lo != (uint32_t)u || hi != (uint32_t)(u >> 32)) bad++;
  if (requantize_r32(a, M) != (int32_t)(((int64_t)a * M + ((int64_t)1 << 31)) >> 32)) bad++;
  if (tinyrnn_floor32(a, M) != (int32_t)(((int64_t)a * M) >> 32)) bad++;
  if (r >= -2147483647L - 1 && r <= 2147483647L) {
    n32++;
    if (requantize32(a, m, s) != (int32_t)r) bad++;
  }
}
int main(void) {
  long i;
  check(-2147483647L - 1, 2147483647L, 32767, 0);
  check(2147483647L, 2147483647L, 32767, 46);
  for (i = 0; i < 4000; i++) check(spread(), (int32_t)(next() >> 1), (int32_t)(next() % 32768u), (int32_t)(next() % 47u));
  printf("bad %ld of %ld (requantize32: %ld)\\n", bad, i + 2, n32);
  return bad ? 1 : 0;
}
`;

avrTest('the AVR requantisation (MUL byte products) equals libgcc 64-bit arithmetic on random and edge operands, under simavr', async () => {
  const dir = path.join(root, 'requant');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'tinyrnn_kernels.h'), generateC(cases[0].model, { prefix: 'm' }).files.find((f) => f.path === 'tinyrnn_kernels.h')!.text);
  fs.writeFileSync(path.join(dir, 'check.c'), REQUANT_CHECK);
  const mcu = AVR_MCUS.atmega1284p;
  const elf = await buildAvr({ mcu, sources: [path.join(dir, 'check.c')], includeDirs: [dir], out: path.join(dir, 'check.elf'), opt: '-Os', harness: true });
  const r = await runSimavr(elf, mcu, { timeoutMs: 120000 });
  const m = /bad (\d+) of (\d+) \(requantize32: (\d+)\)/.exec(r.stdout);
  expect(m).not.toBeNull();
  expect(Number(m![1])).toBe(0);
  expect(Number(m![2])).toBe(4002);
  expect(Number(m![3])).toBeGreaterThan(1000);
  expect(r.exit!.code).toBe(0);
});
