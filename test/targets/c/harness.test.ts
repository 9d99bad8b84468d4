// The build-and-run harness itself: host gcc with sanitizers, arm-none-eabi-gcc + QEMU on the
// Cortex-M4 and Cortex-M0 machines, instruction counting from the exec trace, symbol sizes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ARM_MACHINES,
  buildArm,
  buildHost,
  compileArmObject,
  runProgram,
  runQemu,
  sanitizerEnv,
  scratchDir,
  symbols,
  traceRun,
} from '../../../targets/c/toolchain';
import { armTest, hostTest } from './gate';

const dir = scratchDir('harness');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const PROGRAM = `
#include <stdio.h>
#include <stdint.h>
void bench_mark(void) __attribute__((noinline));
void bench_mark(void) { __asm__ volatile("" ::: "memory"); }
static volatile int32_t sink;
__attribute__((noinline)) static int32_t work(int32_t n) {
  int32_t s = 0;
  for (int32_t i = 0; i < n; i++) s += i * 3;
  return s;
}
int main(void) {
#if defined(__ARM_FEATURE_DSP)
  const char *path = "dsp";
#else
  const char *path = "portable";
#endif
  int32_t total = 0;
  for (int32_t k = 1; k <= 4; k++) { bench_mark(); total += work(k * 10); }
  bench_mark();
  sink = total;
  printf("path=%s total=%ld\\n", path, (long)total);
  return 42;
}
`;
const DSP_PROBE = `
#include <stdio.h>
#include <stdint.h>
int main(void) {
  volatile int32_t x = 3;
  /* A Thumb-2 only instruction: the Cortex-M0 must fault on it. */
  int32_t y;
  __asm__ volatile("mov.w %0, %1, lsl #2" : "=r"(y) : "r"(x));
  printf("y=%ld\\n", (long)y);
  return 0;
}
`;

const src = path.join(dir, 'prog.c');
fs.writeFileSync(src, PROGRAM.replace(/^\n/, ''));
// Non-prototype-declared main is fine under -Wmissing-prototypes; the marker has a prototype.

hostTest('host: gcc -O2 with sanitizers builds and runs a program, exit code and stdout come back', async () => {
  const exe = await buildHost({ sources: [src], out: path.join(dir, 'host.exe'), opt: '-O2', sanitize: true });
  const r = await runProgram(exe, [], { env: sanitizerEnv() });
  expect(r.code).toBe(42);
  expect(r.stdout).toBe('path=portable total=4350\n');
});

hostTest('host: a sanitizer report makes the run fail', async () => {
  const bad = path.join(dir, 'bad.c');
  fs.writeFileSync(
    bad,
    '#include <stdint.h>\n#include <stdio.h>\nint main(int argc, char **argv) {\n  (void)argv;\n  int32_t x = INT32_MAX - 1 + argc;\n  x = x + argc;\n  printf("%ld\\n", (long)x);\n  return 0;\n}\n',
  );
  const exe = await buildHost({ sources: [bad], out: path.join(dir, 'bad.exe'), opt: '-O0', sanitize: true });
  const r = await runProgram(exe, [], { env: sanitizerEnv() });
  expect(r.code).not.toBe(0);
  expect(r.stderr).toMatch(/signed integer overflow/);
});

for (const key of ['m4', 'm0'] as const) {
  armTest(`${key}: arm-none-eabi-gcc + QEMU ${ARM_MACHINES[key].qemu}: semihosting stdout and main's exit code`, async () => {
    const m = ARM_MACHINES[key];
    const elf = await buildArm({ machine: m, sources: [src], out: path.join(dir, `${key}.elf`), opt: '-O2' });
    const r = await runQemu(elf, m, { timeoutMs: 30000 });
    expect(r.stdout).toBe(`path=${key === 'm4' ? 'dsp' : 'portable'} total=4350\n`);
    expect(r.code).toBe(42);
  });
}

armTest('m4 with hard float: the start-up enables the FPU and float code runs', async () => {
  const f = path.join(dir, 'fpu.c');
  fs.writeFileSync(
    f,
    '#include <stdio.h>\nstatic volatile float x = 1.5f;\nint main(void) {\n  float y = x * x + 0.25f;\n  printf("%d\\n", (int)(y * 4.0f));\n  return 0;\n}\n',
  );
  const m = { ...ARM_MACHINES.m4, flags: ['-mcpu=cortex-m4', '-mthumb', '-mfloat-abi=hard', '-mfpu=fpv4-sp-d16'] };
  const elf = await buildArm({ machine: m, sources: [f], out: path.join(dir, 'fpu.elf'), opt: '-O2', extraFlags: ['-Wno-double-promotion'] });
  const r = await runQemu(elf, m, { timeoutMs: 30000 });
  expect(r.stdout).toBe('10\n');
  expect(r.code).toBe(0);
});

armTest('m0: the Cortex-M0 machine rejects Thumb-2 code (so the M0 build really is Thumb-1 only)', async () => {
  const probe = path.join(dir, 'probe.c');
  fs.writeFileSync(probe, DSP_PROBE);
  // Built for M3 (Thumb-2) but run on the M0 machine: it must fault, not print.
  const elf = await buildArm({
    machine: { ...ARM_MACHINES.m0, flags: ['-mcpu=cortex-m3', '-mthumb', '-mfloat-abi=soft'] },
    sources: [probe],
    out: path.join(dir, 'probe.elf'),
    opt: '-O0',
  });
  const r = await runQemu(elf, ARM_MACHINES.m0, { timeoutMs: 30000 });
  expect(r.code).not.toBe(0);
  expect(r.stdout).not.toContain('y=12');
  // And for the M0 itself it cannot even be assembled.
  await expect(buildArm({ machine: ARM_MACHINES.m0, sources: [probe], out: path.join(dir, 'probe0.elf'), opt: '-O0' })).rejects.toThrow(
    /mov\.w|thumb|not supported|unshifted register/i,
  );
});

armTest('m4: instruction counts from the exec trace are exact and repeatable', async () => {
  const m = ARM_MACHINES.m4;
  const elf = await buildArm({ machine: m, sources: [src], out: path.join(dir, 'count.elf'), opt: '-O2' });
  const syms = await symbols(elf);
  const marker = syms.find((s) => s.name === 'bench_mark');
  const work = syms.find((s) => s.name === 'work');
  expect(marker).toBeDefined();
  expect(work).toBeDefined();
  const a = await traceRun(elf, m, path.join(dir, 'a.trace'), marker!, [work!]);
  const b = await traceRun(elf, m, path.join(dir, 'b.trace'), marker!, [work!]);
  expect(a.run.code).toBe(42);
  expect(a.counts.segments).toHaveLength(4);
  expect(a.counts.segments).toEqual(b.counts.segments);
  // The loop runs 10, 20, 30 (and 40) times: the segments grow by a constant per 10 iterations
  // (the last segment also holds main's loop exit, so it is left out).
  const d = a.counts.segments.slice(1, 3).map((v, i) => v - a.counts.segments[i]);
  expect(d[0]).toBeGreaterThanOrEqual(30);
  expect(d[1]).toBe(d[0]);
  expect(a.counts.byFunction.work).toBeGreaterThan(0);
  expect(a.counts.byFunction.work).toBeLessThanOrEqual(a.counts.segments.reduce((x, y) => x + y, 0));
});

armTest('symbol sizes from arm-none-eabi-nm -S match the declared arrays', async () => {
  const f = path.join(dir, 'data.c');
  fs.writeFileSync(
    f,
    '#include <stdint.h>\nextern const int8_t w_table[37];\nconst int8_t w_table[37] = {1};\nextern int16_t state_buf[5];\nint16_t state_buf[5];\n',
  );
  const o = await compileArmObject({ machine: ARM_MACHINES.m0, sources: [f], out: path.join(dir, 'data.o'), opt: '-O2' });
  const syms = await symbols(o);
  expect(syms.find((s) => s.name === 'w_table')).toMatchObject({ size: 37, type: 'R' });
  expect(syms.find((s) => s.name === 'state_buf')).toMatchObject({ size: 10 });
});
