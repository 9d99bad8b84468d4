// The c and qemu engines: the emitted C (targets/c) with a small streaming driver.
//
//   c     the C compiled for this machine (gcc, the target's strict flags) and driven as a
//         subprocess over stdin/stdout;
//   qemu  the same C and driver cross-compiled for the board's core (arm-none-eabi-gcc) and run
//         under QEMU, stdin/stdout through semihosting: the integers come from the emulated core.
//
// Protocol (binary, little-endian on both ends): 'S' + F int32 raw samples -> O int32 outputs;
// 'R' resets the model state; 'F' flushes the answers; 'Q' (or end of input) stops.
//
// Time per step, for both engines: executed instructions of `<prefix>_step` on the board's core,
// counted on QEMU with an exec trace over calibration steps fed with samples of the stream (a
// separate build that calls the model between two marks), taken as cycles (one instruction per
// cycle: the Cortex-M pipeline's best case; loads, taken branches and flash wait states add to it).
// Cores QEMU does not emulate here (Xtensa, RISC-V) get no time estimate; Cortex-M0+ is counted
// on the Cortex-M0 (same ARMv6-M instruction set), M7/M33 on the M4 (same DSP instructions).
//
// Legend: T steps, F features, O outputs, K calibration steps.

import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { QuantModel } from '../../../compiler/core/ir/quant-model';
import { BoardProfile } from '../../../targets/boards';
import { generateC, CGenResult } from '../../../targets/c/emit';
import { writeGenerated } from '../../../targets/c/target';
import {
  ARM_MACHINES,
  ArmMachine,
  buildArm,
  buildHost,
  compileArmObject,
  qemuArgs,
  runProgram,
  sanitizerEnv,
  symbols,
  toolStatus,
  traceRun,
} from '../../../targets/c/toolchain';
import { ChunkResult, EngineContext, EngineProvider, EngineSession, PreparedEngine } from '../engine';
import { MemoryUse } from '../types';
import { checkFits } from '../memory';
import { avrCost } from './c-avr';

const PREFIX = 'm';

/** The QEMU machine that runs a core's code, or null. */
export function machineFor(core: string): { machine: ArmMachine; note: string | null } | null {
  switch (core) {
    case 'cortex-m4':
    case 'cortex-m4f':
      return { machine: ARM_MACHINES.m4, note: null };
    case 'cortex-m7':
    case 'cortex-m33':
      return { machine: ARM_MACHINES.m4, note: `${core} code is counted on a Cortex-M4 (same DSP instructions; the ${core} pipeline differs)` };
    case 'cortex-m0':
      return { machine: ARM_MACHINES.m0, note: null };
    case 'cortex-m0plus':
      return { machine: ARM_MACHINES.m0, note: 'Cortex-M0+ code is counted on a Cortex-M0 (same ARMv6-M instructions)' };
    default:
      return null;
  }
}

function driverSource(m: QuantModel, gen: CGenResult): string {
  const F = m.inputSize;
  const O = m.outputSize;
  const hdr = path.basename(gen.header);
  return `/* tinyrnn simulator driver: raw samples in over stdin, model outputs out over stdout (binary). */
#include <stdio.h>
#include <stdint.h>
#include "${hdr}"

static ${PREFIX}_state_t st;

int main(void) {
  int32_t raw[${F}];
  int32_t out[${O}];
  int op;
  int32_t i;
  ${PREFIX}_reset(&st);
  for (;;) {
    op = getchar();
    if (op == EOF || op == 'Q') break;
    if (op == 'R') {
      ${PREFIX}_reset(&st);
    } else if (op == 'F') {
      if (fflush(stdout) != 0) return 3;
    } else if (op == 'S') {
      const ${PREFIX}_output_t *y;
      if (fread(raw, sizeof(int32_t), ${F}u, stdin) != ${F}u) return 2;
      y = ${PREFIX}_step(&st, raw);
      for (i = 0; i < ${O}; i++) out[i] = (int32_t)y[i];
      if (fwrite(out, sizeof(int32_t), ${O}u, stdout) != ${O}u) return 3;
    } else {
      return 4;
    }
  }
  return fflush(stdout) == 0 ? 0 : 3;
}
`;
}

/** A program that runs K calibration steps between calls of a marker (for instruction counting). */
function calibrationSource(m: QuantModel, gen: CGenResult, raw: Int32Array, K: number): string {
  const F = m.inputSize;
  return `/* tinyrnn simulator: per-step instruction count of ${PREFIX}_step on calibration samples. */
#include <stdint.h>
#include "${path.basename(gen.header)}"

void tinyrnn_sim_mark(void);
__attribute__((noinline)) void tinyrnn_sim_mark(void) { __asm__ volatile("" ::: "memory"); }

static const int32_t samples[${K * F}] = {${Array.from(raw.subarray(0, K * F)).join(', ')}};
static ${PREFIX}_state_t st;
volatile int32_t sink;

int main(void) {
  int32_t t;
  ${PREFIX}_reset(&st);
  for (t = 0; t < ${K}; t++) {
    tinyrnn_sim_mark();
    sink = (int32_t)${PREFIX}_step(&st, samples + t * ${F})[0];
  }
  tinyrnn_sim_mark();
  return 0;
}
`;
}

interface CData {
  /** Program to run: host executable (c) or ELF (qemu). */
  program: string;
  machine: string | null;
  /** Instructions per calibration step (K), or null. */
  stepInstructions: number[] | null;
  /** Built with sanitizers: run with the sanitizer environment (any report aborts). */
  sanitize: boolean;
}

/** Reads exactly n bytes from a child's stdout, in order. */
class ByteReader {
  private chunks: Buffer[] = [];
  private have = 0;
  private waiter: { n: number; resolve: (b: Buffer) => void; reject: (e: Error) => void } | null = null;
  private failed: Error | null = null;
  push(b: Buffer): void {
    this.chunks.push(b);
    this.have += b.length;
    this.pump();
  }
  fail(e: Error): void {
    this.failed = e;
    if (this.waiter) {
      this.waiter.reject(e);
      this.waiter = null;
    }
  }
  read(n: number): Promise<Buffer> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.waiter = { n, resolve, reject };
      this.pump();
    });
  }
  private pump(): void {
    const w = this.waiter;
    if (!w || this.have < w.n) return;
    const all = Buffer.concat(this.chunks);
    this.chunks = all.length > w.n ? [all.subarray(w.n)] : [];
    this.have = all.length - w.n;
    this.waiter = null;
    w.resolve(all.subarray(0, w.n));
  }
}

class ProcessSession implements EngineSession {
  private readonly reader = new ByteReader();
  private stderr = '';
  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly F: number,
    private readonly O: number,
    private readonly stepCycles: number[] | null,
    what: string,
  ) {
    child.stdout.on('data', (b: Buffer) => this.reader.push(b));
    child.stderr.on('data', (b: Buffer) => {
      this.stderr += b.toString();
    });
    child.on('exit', (code, signal) => this.reader.fail(new Error(`${what} exited (${code ?? signal}) ${this.stderr.trim()}`)));
    child.on('error', (e) => this.reader.fail(e));
    child.stdin.on('error', (e) => this.reader.fail(e));
  }
  static start(cmd: string, args: string[], F: number, O: number, stepCycles: number[] | null, what: string, env?: NodeJS.ProcessEnv): ProcessSession {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: env ?? process.env });
    return new ProcessSession(child, F, O, stepCycles, what);
  }
  async run(raw: Int32Array, T: number): Promise<ChunkResult> {
    const F = this.F;
    const rec = 1 + 4 * F;
    const buf = Buffer.alloc(T * rec + 1);
    for (let t = 0; t < T; t++) {
      buf[t * rec] = 0x53; // 'S'
      for (let f = 0; f < F; f++) buf.writeInt32LE(raw[t * F + f], t * rec + 1 + 4 * f);
    }
    buf[T * rec] = 0x46; // 'F'
    this.child.stdin.write(buf);
    const bytes = await this.reader.read(T * this.O * 4);
    const out = new Int32Array(T * this.O);
    for (let i = 0; i < out.length; i++) out[i] = bytes.readInt32LE(4 * i);
    let cycles: Float64Array | null = null;
    if (this.stepCycles) {
      // The slowest calibration step stands for every step: deadlines are about the worst case.
      cycles = new Float64Array(T).fill(Math.max(...this.stepCycles));
    }
    return { out, cycles };
  }
  async reset(): Promise<void> {
    this.child.stdin.write(Buffer.from('R'));
  }
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.child.kill('SIGKILL');
      }, 10000);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.child.stdin.end(Buffer.from('Q'));
    });
  }
}

/** Number of calibration steps counted on QEMU. */
export const CALIBRATION_STEPS = 16;

/** Instructions per step on the board's core (QEMU exec trace), or null when it cannot be counted here. */
async function countStepInstructions(ctx: EngineContext, gen: CGenResult, srcDir: string, mc: ArmMachine): Promise<number[]> {
  const F = ctx.model.inputSize;
  let sample = ctx.sampleRaw;
  if (!sample || sample.length < F) {
    sample = new Int32Array(CALIBRATION_STEPS * F);
    for (let i = 0; i < sample.length; i++) sample[i] = ctx.model.input.offset[i % F];
  }
  const K = Math.min(CALIBRATION_STEPS, Math.floor(sample.length / F));
  const src = path.join(ctx.workDir, 'calibrate.c');
  fs.writeFileSync(src, calibrationSource(ctx.model, gen, sample, K));
  const elf = path.join(ctx.workDir, `calibrate-${mc.key}.elf`);
  await buildArm({ machine: mc, sources: [src, path.join(srcDir, path.basename(gen.source))], includeDirs: [srcDir], out: elf, opt: '-O2' });
  const syms = await symbols(elf);
  const marker = syms.find((s) => s.name === 'tinyrnn_sim_mark');
  if (!marker) throw new Error('calibration program has no marker symbol');
  const { run, counts } = await traceRun(elf, mc, path.join(ctx.workDir, 'trace.log'), marker);
  if (run.code !== 0) throw new Error(`calibration run failed under QEMU (exit ${run.code ?? run.signal}): ${run.stderr}`);
  if (counts.segments.length !== K) throw new Error(`calibration counted ${counts.segments.length} steps, expected ${K}`);
  return counts.segments;
}

/** .text of the generated model for the board's core, or null without the ARM compiler. */
async function codeBytes(gen: CGenResult, srcDir: string, mc: ArmMachine | null, workDir: string): Promise<number | null> {
  if (!mc || !toolStatus().armCc) return null;
  const obj = path.join(workDir, `model-${mc.key}.o`);
  await compileArmObject({ machine: mc, sources: [path.join(srcDir, path.basename(gen.source))], includeDirs: [srcDir], out: obj, opt: '-O2' });
  const r = await runProgram('arm-none-eabi-size', ['-A', obj]);
  let text = 0;
  for (const line of r.stdout.split('\n')) {
    const mm = /^(\.text\S*)\s+(\d+)/.exec(line.trim());
    if (mm) text += Number(mm[2]);
  }
  return text;
}

function memoryOf(gen: CGenResult, code: number | null, board: BoardProfile, mc: ArmMachine | null): MemoryUse {
  const r = gen.report;
  return {
    ramBytes: r.ram.total,
    flashBytes: r.flash.data + (code ?? 0),
    ramLimit: board.ramBytes,
    flashLimit: board.flashBytes,
    source: `C target memory report (state and stack scratch in RAM; constant arrays${code !== null ? ` + .text for ${mc?.cpu} -O2 measured with arm-none-eabi-size` : ', code size not measured: arm-none-eabi-gcc missing'} in flash); the application, C library and stack of the caller are not included`,
    parts: [
      { name: 'model state (per stream)', kind: 'ram', bytes: r.ram.state },
      { name: 'stack scratch of a step', kind: 'ram', bytes: r.ram.scratch },
      ...(r.ram.reservoir ? [{ name: 'regenerated reservoir weights (once per model)', kind: 'ram' as const, bytes: r.ram.reservoir }] : []),
      { name: 'weights', kind: 'flash', bytes: r.flash.weights },
      { name: 'biases', kind: 'flash', bytes: r.flash.biases },
      { name: 'requantisation multipliers and shifts', kind: 'flash', bytes: r.flash.requant },
      { name: 'activation tables', kind: 'flash', bytes: r.flash.tables },
      { name: 'input stage', kind: 'flash', bytes: r.flash.input },
      ...(code !== null ? [{ name: `code (${mc?.cpu} -O2)`, kind: 'flash' as const, bytes: code }] : []),
    ],
  };
}

/** Instructions per step counted on QEMU (target null: not counted), with the note that says how or why not. */
async function qemuTime(
  ctx: EngineContext,
  gen: CGenResult,
  srcDir: string,
  target: { machine: ArmMachine } | null,
  notes: string[],
): Promise<number[] | null> {
  if (target) {
    const counts = await countStepInstructions(ctx, gen, srcDir, target.machine);
    notes.push(
      `time per step: ${ctx.model.meta.name} step counted on QEMU ${target.machine.qemu} over ${counts.length} steps of the stream (${Math.min(...counts)}..${Math.max(...counts)} instructions; the slowest stands for every step), one instruction per cycle at ${ctx.board.clockMHz} MHz: a lower bound (loads, taken branches and flash wait states cost more cycles)`,
    );
    return counts;
  }
  if (ctx.measureTime === false) notes.push('no time estimate: not requested');
  else if (!machineFor(ctx.board.core)) notes.push(`no time estimate: QEMU does not emulate the ${ctx.board.core} core of ${ctx.board.name}`);
  else
    notes.push(
      `no time estimate: ${toolStatus()
        .missing.filter((m) => !m.startsWith('gcc'))
        .join('; ')}`,
    );
  return null;
}

async function prepareC(ctx: EngineContext, engine: 'c' | 'qemu'): Promise<PreparedEngine> {
  const gen = generateC(ctx.model, { prefix: PREFIX });
  const root = path.join(ctx.workDir, 'c');
  writeGenerated(root, gen);
  const srcDir = path.join(root, gen.srcDir || '.');
  const driver = path.join(ctx.workDir, 'driver.c');
  fs.writeFileSync(driver, driverSource(ctx.model, gen));
  const target = machineFor(ctx.board.core);
  const tools = toolStatus();
  const canCount = !!target && tools.armCc && tools.qemu && ctx.measureTime !== false;
  const notes: string[] = [];
  if (target?.note) notes.push(target.note);
  // Does it fit? Known from the C report and an object-file compile, before anything is linked
  // for the board (a program too big for the board's flash would not even link). AVR boards:
  // avr-size and the stack under simavr, and cycles per step counted under simavr.
  const avr = ctx.board.core === 'avr' ? await avrCost(ctx, gen, root) : null;
  const code = avr ? null : await codeBytes(gen, srcDir, target?.machine ?? null, ctx.workDir);
  const memory = avr?.memory ?? memoryOf(gen, code, ctx.board, target?.machine ?? null);
  checkFits(memory, ctx.board, `${ctx.model.meta.name} (${engine} engine)`);
  if (avr) notes.push(...avr.notes);
  let program: string;
  let detail: string;
  if (engine === 'c') {
    program = path.join(ctx.workDir, 'driver-host');
    await buildHost({
      sources: [driver, path.join(srcDir, path.basename(gen.source))],
      includeDirs: [srcDir],
      out: program,
      opt: '-O2',
      sanitize: !!ctx.sanitize,
    });
    detail = `emitted C (targets/c, prefix ${PREFIX}) compiled for this machine with gcc -O2${ctx.sanitize ? ' and the undefined-behaviour and address sanitizers' : ''}, driven over stdin/stdout`;
  } else {
    const mc = (target as { machine: ArmMachine }).machine;
    program = path.join(ctx.workDir, `driver-${mc.key}.elf`);
    await buildArm({ machine: mc, sources: [driver, path.join(srcDir, path.basename(gen.source))], includeDirs: [srcDir], out: program, opt: '-O2' });
    detail = `emitted C (targets/c, prefix ${PREFIX}) cross-compiled with arm-none-eabi-gcc ${mc.flags.join(' ')} -O2, run on ${mc.description}`;
  }
  const stepInstructions = avr ? avr.cycles : await qemuTime(ctx, gen, srcDir, canCount ? target : null, notes);
  const data: CData = {
    program,
    machine: engine === 'qemu' ? (target as { machine: ArmMachine }).machine.key : null,
    stepInstructions,
    sanitize: engine === 'c' && !!ctx.sanitize,
  };
  return {
    engine,
    detail,
    memory,
    costSource: stepInstructions ? (avr ? 'simavr-cycles' : 'qemu-instructions') : 'none',
    data: data as unknown as Record<string, unknown>,
    notes,
  };
}

export const cEngine: EngineProvider = {
  name: 'c',
  summary: 'the emitted C compiled for this machine, driven as a subprocess (time per step from QEMU instruction counts)',
  unavailable() {
    return toolStatus().hostCc ? null : 'gcc (the host C compiler) is not installed';
  },
  prepare: (ctx) => prepareC(ctx, 'c'),
  async open(prepared: PreparedEngine, model: QuantModel) {
    const d = prepared.data as unknown as CData;
    return ProcessSession.start(
      d.program,
      [],
      model.inputSize,
      model.outputSize,
      d.stepInstructions,
      'the host C program',
      d.sanitize ? sanitizerEnv() : undefined,
    );
  },
};

export const qemuEngine: EngineProvider = {
  name: 'qemu',
  summary: "the emitted C cross-compiled for the board's core, run under QEMU",
  unavailable(board) {
    if (!machineFor(board.core)) return `QEMU does not emulate the ${board.core} core of ${board.name} (Cortex-M0/M0+/M4/M7/M33 boards only)`;
    const t = toolStatus();
    if (!t.armCc || !t.qemu) return `missing ${t.missing.filter((m) => !m.startsWith('gcc')).join('; ')}`;
    return null;
  },
  prepare: (ctx) => prepareC(ctx, 'qemu'),
  async open(prepared: PreparedEngine, model: QuantModel) {
    const d = prepared.data as unknown as CData;
    const mc = ARM_MACHINES[d.machine as 'm4' | 'm0'];
    return ProcessSession.start('qemu-system-arm', qemuArgs(d.program, mc), model.inputSize, model.outputSize, d.stepInstructions, `QEMU ${mc.qemu}`);
  },
};
