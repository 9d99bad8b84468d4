// Property tests: the C fixed-point primitives (tinyrnn_kernels.h) against the TypeScript
// definition (compiler/core/spec/fixed.ts) on seeded random integers over their whole documented
// ranges, and the activation functions on every int16 input; on the host (sanitized, -O0 and
// -O2), the Cortex-M4 (DSP forms: SMMUL/SMMULR/ASR/SSAT/USAT) and the Cortex-M0 (portable forms).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lut_s16, requantize, rshift_round, sat_s16, sat_s8, sigmoid_s16, tanh_s16 } from '../../../compiler/core/spec/fixed';
import { sigmoidTable, tanhTable } from '../../../compiler/quant/scale';
import { Rng } from '../../../compiler/core/util/rng';
import { fastForm, generateC } from '../../../targets/c/emit';
import { ARM_MACHINES, buildArm, buildHost, runProgram, runQemu, sanitizerEnv, scratchDir } from '../../../targets/c/toolchain';
import { armTest, hostTest } from './gate';
import { loadVectorCases } from './vectors';

const root = scratchDir('cprim');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const N = 1500;
const rng = new Rng(2024);
const int = (lo: number, hi: number) => lo + Math.floor(rng.next() * (hi - lo + 1));
// magnitudes spread over every bit length
const spread = (bits: number) => {
  const b = int(0, bits);
  const v = Math.floor(rng.next() * 2 ** b);
  return rng.next() < 0.5 ? -v : v;
};

function fnv(values: Iterable<number>): number {
  let h = 0x811c9dc5;
  for (const v of values) {
    h ^= v & 0xffff;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function program(): string {
  const acc = Array.from({ length: N }, () => Math.max(-2147483647, Math.min(2147483647, spread(31))));
  const m = Array.from({ length: N }, () => (rng.next() < 0.05 ? 0 : int(0, 32767)));
  const s = Array.from({ length: N }, () => int(0, 46));
  const want = acc.map((a, i) => requantize(a, m[i], s[i]));
  // fast forms, row by row (each row its own one-row "layer")
  const fast = acc.map((_, i) => fastForm([m[i]], [s[i]]));
  const x64 = Array.from({ length: N }, () => spread(46) * 2 + int(0, 1));
  const s64 = Array.from({ length: N }, () => int(0, 46));
  const want64 = x64.map((x, i) => rshift_round(x, s64[i]));
  const s32 = Array.from({ length: N }, () => int(1, 31));
  const x32 = s32.map((sh) => Math.max(-(2 ** 31 - 2 ** sh), Math.min(2 ** 31 - 2 ** sh, spread(31))));
  const want32 = x32.map((x, i) => rshift_round(x, s32[i]));
  const sat = Array.from({ length: N }, () => spread(31));
  const sig = sigmoidTable();
  const tnh = tanhTable();
  const all16 = Array.from({ length: 65536 }, (_, i) => i - 32768);
  const hSig = fnv(all16.map((x) => sigmoid_s16(x, sig)));
  const hTanh = fnv(all16.map((x) => tanh_s16(x, tnh)));
  const hLut = fnv(all16.map((x) => lut_s16(x, tnh)));
  const hSat = fnv(sat.flatMap((v) => [sat_s8(v), sat_s16(v)]));
  const L = (a: number[], t = '') => a.map((v) => `${t}${v}${t ? ')' : ''}`).join(',');
  const r32ok: number[] = fast.map((f) => (f && f.r32 ? 1 : 0));
  // (M, k) form for requantize_fast (every fast row) and the r32 form M for requantize_r32
  const fastM = fast.map((f, i) => (f && m[i] !== 0 ? m[i] * 2 ** (32 + Math.max(1, s[i] - 32) - s[i]) : 0));
  const r32M = fast.map((f) => (f && f.r32 ? f.M[0] : 0));
  const fastK = fast.map((f, i) => (f ? (m[i] === 0 ? 1 : Math.max(1, s[i] - 32)) : 0));
  const fastOk: number[] = fast.map((f) => (f ? 1 : 0));
  return `#include <stdio.h>
#include "tinyrnn_kernels.h"
static const int32_t acc[${N}] = {${L(acc)}};
static const int16_t mm[${N}] = {${L(m)}};
static const uint8_t ss[${N}] = {${L(s)}};
static const int64_t want[${N}] = {${L(want, 'INT64_C(')}};
static const int32_t fM[${N}] = {${L(fastM)}};
static const uint8_t fK[${N}] = {${L(fastK)}};
static const uint8_t fOk[${N}] = {${L(fastOk)}};
static const uint8_t r32Ok[${N}] = {${L(r32ok)}};
static const int32_t rM[${N}] = {${L(r32M)}};
static const int64_t x64[${N}] = {${L(x64, 'INT64_C(')}};
static const uint8_t s64[${N}] = {${L(s64)}};
static const int64_t want64[${N}] = {${L(want64, 'INT64_C(')}};
static const int32_t x32[${N}] = {${L(x32)}};
static const uint8_t s32[${N}] = {${L(s32)}};
static const int32_t want32[${N}] = {${L(want32)}};
static const int32_t sat[${N}] = {${L(sat)}};
static const int16_t sig[257] = {${L(Array.from(sig))}};
static const int16_t tnh[257] = {${L(Array.from(tnh))}};
static uint32_t h;
static void fnv(int32_t v) { h ^= (uint32_t)v & 0xffffu; h *= 16777619u; }
int main(void) {
  int32_t i, bad = 0;
  for (i = 0; i < ${N}; i++) {
    int64_t r = requantize(acc[i], mm[i], ss[i]);
    if (r != want[i] && bad++ < 5) printf("requantize(%ld, %d, %d): got %lld, want %lld\\n", (long)acc[i], mm[i], ss[i], (long long)r, (long long)want[i]);
    if (fOk[i] && requantize_fast(acc[i], fM[i], fK[i]) != want[i] && bad++ < 5) printf("requantize_fast row %ld: got %ld, want %lld\\n", (long)i, (long)requantize_fast(acc[i], fM[i], fK[i]), (long long)want[i]);
    if (r >= -2147483647 - 1 && r <= 2147483647 && requantize32(acc[i], mm[i], ss[i]) != r && bad++ < 5) printf("requantize32(%ld, %d, %d): got %ld, want %lld\\n", (long)acc[i], mm[i], ss[i], (long)requantize32(acc[i], mm[i], ss[i]), (long long)r);
    if (r32Ok[i] && requantize_r32(acc[i], rM[i]) != want[i] && bad++ < 5) printf("requantize_r32 row %ld: got %ld, want %lld\\n", (long)i, (long)requantize_r32(acc[i], rM[i]), (long long)want[i]);
    if (rshift_round(x64[i], s64[i]) != want64[i] && bad++ < 5) printf("rshift_round(%lld, %d): got %lld, want %lld\\n", (long long)x64[i], s64[i], (long long)rshift_round(x64[i], s64[i]), (long long)want64[i]);
    if (rshift_round32(x32[i], s32[i]) != want32[i] && bad++ < 5) printf("rshift_round32(%ld, %d): got %ld, want %ld\\n", (long)x32[i], s32[i], (long)rshift_round32(x32[i], s32[i]), (long)want32[i]);
  }
  h = 2166136261u;
  for (i = -32768; i <= 32767; i++) fnv(sigmoid_s16(i, sig));
  printf("sigmoid %lu\\n", (unsigned long)h);
  h = 2166136261u;
  for (i = -32768; i <= 32767; i++) fnv(tanh_s16(i, tnh));
  printf("tanh %lu\\n", (unsigned long)h);
  h = 2166136261u;
  for (i = -32768; i <= 32767; i++) fnv(lut_s16(i, tnh));
  printf("lut %lu\\n", (unsigned long)h);
  h = 2166136261u;
  for (i = 0; i < ${N}; i++) { fnv(sat_s8(sat[i])); fnv(sat_s16(sat[i])); }
  printf("sat %lu\\n", (unsigned long)h);
  printf("fast %ld r32 %ld bad %ld\\n", (long)${fastOk.reduce((a, b) => a + b, 0)}, (long)${r32ok.reduce((a, b) => a + b, 0)}, (long)bad);
  return bad ? 1 : 0;
}
// expected: sigmoid ${hSig} tanh ${hTanh} lut ${hLut} sat ${hSat}
`;
}

const src = program();
const expected = /expected: sigmoid (\d+) tanh (\d+) lut (\d+) sat (\d+)/.exec(src)!;
const dir = path.join(root, 'p');
fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(path.join(dir, 'prim.c'), src);
const kernels = generateC(loadVectorCases()[0].model, { prefix: 'm' }).files.find((f) => f.path === 'tinyrnn_kernels.h')!;
fs.writeFileSync(path.join(dir, 'tinyrnn_kernels.h'), kernels.text);

function check(stdout: string, code: number | null): void {
  expect(stdout).toContain(`sigmoid ${expected[1]}\n`);
  expect(stdout).toContain(`tanh ${expected[2]}\n`);
  expect(stdout).toContain(`lut ${expected[3]}\n`);
  expect(stdout).toContain(`sat ${expected[4]}\n`);
  expect(stdout).toMatch(/bad 0\n/);
  // the random cases exercise both fast forms
  const m = /fast (\d+) r32 (\d+)/.exec(stdout)!;
  expect(Number(m[1])).toBeGreaterThan(N / 3);
  expect(Number(m[2])).toBeGreaterThan(N / 10);
  expect(code).toBe(0);
}

// -DTINYRNN_MUL16: the requantisation from two 32-bit halves that 8-bit AVR uses (its product here in C)
for (const [opt, mul16] of [
  ['-O0', false],
  ['-O2', false],
  ['-O2', true],
] as const) {
  hostTest(`primitives equal the TypeScript definition: host ${opt}${mul16 ? ' -DTINYRNN_MUL16 (the AVR forms)' : ''}, sanitized`, async () => {
    const exe = await buildHost({
      sources: [path.join(dir, 'prim.c')],
      includeDirs: [dir],
      out: path.join(dir, `prim${opt}${mul16 ? '-mul16' : ''}.exe`),
      opt,
      sanitize: true,
      defines: mul16 ? ['TINYRNN_MUL16'] : [],
      extraFlags: ['-Wno-unused-function'],
    });
    const r = await runProgram(exe, [], { env: sanitizerEnv() });
    expect(r.stderr).toBe('');
    check(r.stdout, r.code);
  });
}
for (const key of ['m4', 'm0'] as const) {
  armTest(`primitives equal the TypeScript definition: ${ARM_MACHINES[key].cpu} on QEMU`, async () => {
    const m = ARM_MACHINES[key];
    const elf = await buildArm({ machine: m, sources: [path.join(dir, 'prim.c')], includeDirs: [dir], out: path.join(dir, `prim-${key}.elf`), opt: '-O2' });
    const r = await runQemu(elf, m, { timeoutMs: 120000 });
    check(r.stdout, r.code);
  });
}
