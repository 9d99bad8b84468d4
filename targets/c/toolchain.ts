// Building and running generated C: on the host (gcc, with sanitizers) and on emulated Cortex-M
// cores (arm-none-eabi-gcc + QEMU with semihosting). Used by the C target's tests, by bench/c
// and by anyone who wants to check generated code on this machine before flashing.
//
// Machines (QEMU 7.2):
//   m4  mps2-an386, Cortex-M4 with the DSP extension (the SIMD path), soft-float ABI by default
//   m0  microbit (nRF51822), Cortex-M0: Thumb-1 only, no DSP, no FPU (the portable path)
// The start-up file and linker scripts are in targets/c/harness/.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { packageRoot } from '../../compiler/core/util/version';

export const HARNESS_DIR = (): string => path.join(packageRoot(), 'targets', 'c', 'harness');

export interface ArmMachine {
  /** Short key: m4, m0. */
  key: string;
  /** QEMU machine name. */
  qemu: string;
  cpu: string;
  /** Linker script in the harness folder. */
  ld: string;
  /** Flags selecting the core and the float ABI. */
  flags: string[];
  description: string;
}

export const ARM_MACHINES: Record<'m4' | 'm0', ArmMachine> = {
  m4: {
    key: 'm4',
    qemu: 'mps2-an386',
    cpu: 'cortex-m4',
    ld: 'mps2-an386.ld',
    flags: ['-mcpu=cortex-m4', '-mthumb', '-mfloat-abi=soft'],
    description: 'QEMU mps2-an386, Cortex-M4 (DSP extension: SIMD path)',
  },
  m0: {
    key: 'm0',
    qemu: 'microbit',
    cpu: 'cortex-m0',
    ld: 'microbit.ld',
    flags: ['-mcpu=cortex-m0', '-mthumb', '-mfloat-abi=soft'],
    description: 'QEMU microbit (nRF51822), Cortex-M0 (no DSP, no FPU: portable path)',
  },
};

/** Strict C99 warnings used for every build of generated code. */
export const STRICT_FLAGS = [
  '-std=c99',
  '-Wall',
  '-Wextra',
  '-Werror',
  '-pedantic',
  '-Wshadow',
  '-Wconversion',
  '-Wsign-conversion',
  '-Wcast-qual',
  '-Wstrict-prototypes',
  '-Wmissing-prototypes',
  '-Wundef',
  '-Wdouble-promotion',
  '-Wfloat-equal',
];

export interface ToolStatus {
  hostCc: boolean;
  armCc: boolean;
  qemu: boolean;
  /** Human-readable list of what is missing, empty when everything is there. */
  missing: string[];
}

function onPath(cmd: string): boolean {
  const dirs = (process.env.PATH ?? '').split(path.delimiter);
  return dirs.some((d) => d && fs.existsSync(path.join(d, cmd)));
}

let statusCache: ToolStatus | undefined;
/** Which of the toolchains are installed. */
export function toolStatus(): ToolStatus {
  if (statusCache) return statusCache;
  // TINYRNN_HIDE_TOOLS=arm,qemu,gcc pretends tools are missing (to check what a machine without them reports)
  const hide = new Set((process.env.TINYRNN_HIDE_TOOLS ?? '').split(',').map((x) => x.trim()));
  const hostCc = onPath('gcc') && !hide.has('gcc');
  const armCc = onPath('arm-none-eabi-gcc') && onPath('arm-none-eabi-nm') && !hide.has('arm');
  const qemu = onPath('qemu-system-arm') && !hide.has('qemu');
  const missing: string[] = [];
  if (!hostCc) missing.push('gcc (host C compiler)');
  if (!armCc) missing.push('arm-none-eabi-gcc/binutils (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi binutils-arm-none-eabi)');
  if (!qemu) missing.push('qemu-system-arm (apt-get install qemu-system-arm)');
  statusCache = { hostCc, armCc, qemu, missing };
  return statusCache;
}

// ---- process helpers -------------------------------------------------------------------------

/** At most this many compilers/emulators at a time (the machine's cores). */
const MAX_JOBS = Math.max(1, os.cpus().length);
let running = 0;
const waiting: Array<() => void> = [];
async function withJobSlot<T>(f: () => Promise<T>): Promise<T> {
  if (running >= MAX_JOBS) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await f();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

export interface RunResult {
  stdout: string;
  stderr: string;
  /** Exit status; null when killed (timeout or signal). */
  code: number | null;
  signal: string | null;
  timedOut: boolean;
}

/** Run a program to completion, collecting its output (never throws for a non-zero exit). */
export function runProgram(file: string, args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<RunResult> {
  return withJobSlot(
    () =>
      new Promise<RunResult>((resolve, reject) => {
        execFile(
          file,
          args,
          { timeout: opts.timeoutMs ?? 60000, maxBuffer: 256 * 1024 * 1024, env: opts.env ?? process.env, cwd: opts.cwd, killSignal: 'SIGKILL' },
          (err, stdout, stderr) => {
            if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') return reject(new Error(`${file}: not found`));
            const e = err as (Error & { code?: number | string; signal?: string; killed?: boolean }) | null;
            const code = e ? (typeof e.code === 'number' ? e.code : null) : 0;
            resolve({
              stdout: String(stdout),
              stderr: String(stderr),
              code,
              signal: e?.signal ?? null,
              timedOut: !!(e && e.killed && e.signal === 'SIGKILL' && code === null),
            });
          },
        );
      }),
  );
}

/** Run a compiler; throws with its diagnostics when it fails. */
/** Run a compiler or binutils program; throws with its command line and output when it fails. */
export async function compile(cc: string, args: string[]): Promise<void> {
  const r = await runProgram(cc, args, { timeoutMs: 180000 });
  if (r.code !== 0) throw new Error(`${cc} failed (exit ${r.code ?? r.signal}):\n${cc} ${args.join(' ')}\n${r.stderr}${r.stdout}`);
}

// ---- host ------------------------------------------------------------------------------------

export interface HostBuild {
  sources: string[];
  includeDirs?: string[];
  out: string;
  opt: '-O0' | '-O1' | '-O2' | '-O3' | '-Os';
  /** -fsanitize=undefined,address -fno-sanitize-recover=all */
  sanitize?: boolean;
  defines?: string[];
  extraFlags?: string[];
}

export const SANITIZE_FLAGS = ['-fsanitize=undefined,address', '-fno-sanitize-recover=all', '-fno-omit-frame-pointer'];

/** Build a host executable with gcc and the strict flags. */
export async function buildHost(b: HostBuild): Promise<string> {
  const args = [
    ...STRICT_FLAGS,
    b.opt,
    ...(b.sanitize ? SANITIZE_FLAGS : []),
    ...(b.defines ?? []).map((d) => `-D${d}`),
    ...(b.includeDirs ?? []).map((d) => `-I${d}`),
    ...(b.extraFlags ?? []),
    ...b.sources,
    '-o',
    b.out,
  ];
  await compile('gcc', args);
  return b.out;
}

/** Environment for sanitized runs: any report aborts with a non-zero exit. */
export function sanitizerEnv(): NodeJS.ProcessEnv {
  return { ...process.env, UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1', ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0:halt_on_error=1' };
}

// ---- ARM -------------------------------------------------------------------------------------

export interface ArmBuild {
  machine: ArmMachine;
  sources: string[];
  includeDirs?: string[];
  out: string;
  opt: '-O0' | '-O1' | '-O2' | '-O3' | '-Os';
  defines?: string[];
  extraFlags?: string[];
  /** Write a linker map next to the ELF (out + '.map'). */
  map?: boolean;
}

/** Build an ELF for a QEMU machine: the harness start-up, newlib with semihosting (rdimon). */
export async function buildArm(b: ArmBuild): Promise<string> {
  const h = HARNESS_DIR();
  const args = [
    ...b.machine.flags,
    ...STRICT_FLAGS,
    b.opt,
    '-ffunction-sections',
    '-fdata-sections',
    ...(b.defines ?? []).map((d) => `-D${d}`),
    ...(b.includeDirs ?? []).map((d) => `-I${d}`),
    ...(b.extraFlags ?? []),
    '--specs=rdimon.specs',
    `-L${h}`,
    `-T${path.join(h, b.machine.ld)}`,
    '-Wl,--gc-sections',
    ...(b.map ? [`-Wl,-Map=${b.out}.map`] : []),
    ...b.sources,
    path.join(h, 'startup.c'),
    '-o',
    b.out,
  ];
  await compile('arm-none-eabi-gcc', args);
  return b.out;
}

/** Compile one C file to an object for a core (no link), e.g. to read symbol sizes. */
export async function compileArmObject(b: Omit<ArmBuild, 'map'>): Promise<string> {
  const args = [
    ...b.machine.flags,
    ...STRICT_FLAGS,
    b.opt,
    '-ffunction-sections',
    '-fdata-sections',
    ...(b.defines ?? []).map((d) => `-D${d}`),
    ...(b.includeDirs ?? []).map((d) => `-I${d}`),
    ...(b.extraFlags ?? []),
    '-c',
    ...b.sources,
    '-o',
    b.out,
  ];
  await compile('arm-none-eabi-gcc', args);
  return b.out;
}

export function qemuArgs(elf: string, m: ArmMachine, traceFile?: string): string[] {
  return [
    '-M',
    m.qemu,
    '-nographic',
    '-monitor',
    'none',
    '-serial',
    'none',
    '-semihosting-config',
    'enable=on,target=native',
    ...(traceFile ? ['-singlestep', '-d', 'exec,nochain', '-D', traceFile] : []),
    '-kernel',
    elf,
  ];
}

/** Run an ELF under QEMU with semihosting: main's stdout and return value. */
export function runQemu(elf: string, m: ArmMachine, opts: { timeoutMs?: number; traceFile?: string } = {}): Promise<RunResult> {
  return runProgram('qemu-system-arm', qemuArgs(elf, m, opts.traceFile), { timeoutMs: opts.timeoutMs ?? 60000 });
}

// ---- symbols, sizes, instruction counts ------------------------------------------------------

export interface Symbol {
  name: string;
  /** Address (for Thumb functions, with the Thumb bit cleared). */
  addr: number;
  size: number;
  /** nm type letter: T text, R read-only data, D data, B bss... */
  type: string;
}

/** Symbols with sizes (arm-none-eabi-nm -S, or nm for host objects). */
export async function symbols(file: string, nm = 'arm-none-eabi-nm'): Promise<Symbol[]> {
  const r = await runProgram(nm, ['-S', '--defined-only', file]);
  if (r.code !== 0) throw new Error(`${nm} ${file} failed: ${r.stderr}`);
  const out: Symbol[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^([0-9a-f]+)\s+([0-9a-f]+)\s+(\w)\s+(\S+)$/i.exec(line.trim());
    if (m) out.push({ addr: parseInt(m[1], 16) & ~1, size: parseInt(m[2], 16), type: m[3], name: m[4] });
  }
  return out;
}

export interface TraceSegments {
  /** Instructions executed between consecutive executions of the marker function. */
  segments: number[];
  /** Per function of interest (by name), instructions executed inside it in the whole run. */
  byFunction: Record<string, number>;
  total: number;
}

/**
 * Read a QEMU exec trace (-singlestep -d exec,nochain: one line per executed instruction,
 * `Trace N: HOST [FLAGS/PC/...]`) and count instructions. Each time the program counter reaches
 * `marker`'s entry a new segment starts; instructions of the marker function itself are not
 * counted. Everything else executed between markers counts, callees and library helpers included.
 */
export async function countTrace(traceFile: string, marker: Symbol, functions: Symbol[] = []): Promise<TraceSegments> {
  const segments: number[] = [];
  const byFunction: Record<string, number> = {};
  for (const f of functions) byFunction[f.name] = 0;
  const sorted = [...functions].sort((a, b) => a.addr - b.addr);
  let cur = -1;
  let total = 0;
  const rl = readline.createInterface({ input: fs.createReadStream(traceFile), crlfDelay: Infinity });
  for await (const line of rl) {
    const open = line.indexOf('[');
    if (open < 0) continue;
    const s1 = line.indexOf('/', open);
    const pc = parseInt(line.slice(s1 + 1, line.indexOf('/', s1 + 1)), 16);
    if (!Number.isFinite(pc)) continue;
    total++;
    if (pc === marker.addr) {
      if (cur >= 0) segments.push(cur);
      cur = 0;
      continue;
    }
    if (pc >= marker.addr && pc < marker.addr + Math.max(2, marker.size)) continue;
    if (cur >= 0) cur++;
    if (sorted.length) {
      let lo = 0;
      let hi = sorted.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const f = sorted[mid];
        if (pc < f.addr) hi = mid - 1;
        else if (pc >= f.addr + f.size) lo = mid + 1;
        else {
          byFunction[f.name]++;
          break;
        }
      }
    }
  }
  return { segments, byFunction, total };
}

/** Spawned helper for long traces: run QEMU with a trace file and count, removing the trace after. */
export async function traceRun(
  elf: string,
  m: ArmMachine,
  traceFile: string,
  marker: Symbol,
  functions: Symbol[] = [],
  timeoutMs = 300000,
): Promise<{ run: RunResult; counts: TraceSegments }> {
  const run = await runQemu(elf, m, { traceFile, timeoutMs });
  try {
    const counts = await countTrace(traceFile, marker, functions);
    return { run, counts };
  } finally {
    fs.rmSync(traceFile, { force: true });
  }
}

/** Make a fresh scratch folder under the OS temp folder. */
export function scratchDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `tinyrnn-${tag}-`));
}
