// Building and running generated C on 8-bit AVR: avr-gcc + avr-libc, run under simavr (Debian's
// gcc-avr, avr-libc and simavr packages). Used by the C target's tests, by bench/c and by the
// memory report of the AVR boards. The harness (stdout on UART0, stack measurement, a cycle
// counter) is targets/c/harness/avr_uart.c.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HARNESS_DIR, RunResult, STRICT_FLAGS, runProgram } from './toolchain';

export interface AvrMcu {
  /** avr-gcc -mmcu and simavr -m name. */
  mcu: string;
  ramBytes: number;
  flashBytes: number;
  hz: number;
}

/** The AVRs the tests and the bench use (16 MHz, as on the Arduino boards). */
export const AVR_MCUS: Record<'atmega328p' | 'atmega2560' | 'atmega1284p', AvrMcu> = {
  atmega328p: { mcu: 'atmega328p', ramBytes: 2048, flashBytes: 32768, hz: 16000000 },
  atmega2560: { mcu: 'atmega2560', ramBytes: 8192, flashBytes: 262144, hz: 16000000 },
  atmega1284p: { mcu: 'atmega1284p', ramBytes: 16384, flashBytes: 131072, hz: 16000000 },
};

export interface AvrToolStatus {
  avrCc: boolean;
  simavr: boolean;
  missing: string[];
}

function onPath(cmd: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((d) => d !== '' && fs.existsSync(path.join(d, cmd)));
}

/** Which AVR tools are installed (TINYRNN_HIDE_TOOLS=avr or simavr pretends they are missing). */
export function avrToolStatus(): AvrToolStatus {
  const hide = new Set((process.env.TINYRNN_HIDE_TOOLS ?? '').split(',').map((x) => x.trim()));
  const avrCc = onPath('avr-gcc') && onPath('avr-size') && !hide.has('avr');
  const simavr = onPath('simavr') && !hide.has('simavr');
  const missing: string[] = [];
  if (!avrCc) missing.push('avr-gcc/avr-libc (apt-get install gcc-avr avr-libc binutils-avr)');
  if (!simavr) missing.push('simavr (apt-get install simavr)');
  return { avrCc, simavr, missing };
}

export interface AvrBuild {
  mcu: AvrMcu;
  sources: string[];
  includeDirs?: string[];
  out: string;
  opt: '-O0' | '-O1' | '-O2' | '-Os';
  defines?: string[];
  /** Link the simavr harness (UART stdout, stack measurement, cycle counter). */
  harness?: boolean;
  /** Compile to an object file (-c), no link. */
  objectOnly?: boolean;
}

/** Build an AVR ELF with avr-gcc and the strict flags; throws with the diagnostics. */
export async function buildAvr(b: AvrBuild): Promise<string> {
  const args = [
    `-mmcu=${b.mcu.mcu}`,
    `-DF_CPU=${b.mcu.hz}UL`,
    ...STRICT_FLAGS,
    b.opt,
    '-ffunction-sections',
    '-fdata-sections',
    '-fno-common', // uninitialised globals in .bss (gcc 5 makes them common symbols, which avr-size of an object does not count)
    ...(b.defines ?? []).map((d) => `-D${d}`),
    ...(b.includeDirs ?? []).map((d) => `-I${d}`),
    ...(b.objectOnly ? ['-c'] : ['-Wl,--gc-sections']),
    ...(b.harness ? ['-Wl,--wrap=main', path.join(HARNESS_DIR(), 'avr_uart.c')] : []),
    ...b.sources,
    '-o',
    b.out,
  ];
  const r = await runProgram('avr-gcc', args, { timeoutMs: 180000 });
  if (r.code !== 0) throw new Error(`avr-gcc failed (exit ${r.code ?? r.signal}):\navr-gcc ${args.join(' ')}\n${r.stderr}${r.stdout}`);
  return b.out;
}

/** The program's stdout from simavr's stderr: colour codes removed, split lines joined, "|." back to line breaks. */
export function simavrUart(stderr: string): string {
  // simavr logs each UART line as ESC[32m<text>ESC[0m newline; a newline sent by the harness is "|."
  // eslint-disable-next-line no-control-regex
  const pieces = stderr.replace(/\x1b\[\d*m/g, '').split('\n');
  return pieces.join('').split('|.').join('\n');
}

export interface AvrRun extends RunResult {
  /** main's return value, the stack bytes used at most and the RAM never touched (harness report); null if missing. */
  exit: { code: number; stack: number; free: number } | null;
}

/** Run an ELF built with the harness under simavr. stdout is the program's UART output. */
export async function runSimavr(elf: string, mcu: AvrMcu, opts: { timeoutMs?: number } = {}): Promise<AvrRun> {
  const r = await runProgram('simavr', ['-m', mcu.mcu, '-f', String(mcu.hz), elf], { timeoutMs: opts.timeoutMs ?? 120000 });
  const stdout = simavrUart(r.stderr);
  const m = /^EXIT (-?\d+) STACK (\d+) FREE (\d+)$/m.exec(stdout);
  return { ...r, stdout, exit: m ? { code: Number(m[1]), stack: Number(m[2]), free: Number(m[3]) } : null };
}

export interface AvrSize {
  /** Bytes of flash: .text (code, vectors, PROGMEM constants) + .data (initial values, copied to RAM). */
  flash: number;
  /** Bytes of static RAM: .data + .bss (+ .noinit). */
  ram: number;
  text: number;
  data: number;
  bss: number;
}

/** Section sizes of an AVR ELF or object, read with avr-size -A (Berkeley totals, as avr-size -B prints them). */
export async function avrSize(file: string): Promise<AvrSize> {
  const r = await runProgram('avr-size', ['-A', file]);
  if (r.code !== 0) throw new Error(`avr-size ${file} failed: ${r.stderr}`);
  const sec: Record<string, number> = {};
  for (const line of r.stdout.split('\n')) {
    const m = /^(\.\S+)\s+(\d+)\s+\d+/.exec(line.trim());
    if (m) sec[m[1]] = (sec[m[1]] ?? 0) + Number(m[2]);
  }
  const text = Object.entries(sec)
    .filter(([k]) => k === '.text' || k.startsWith('.text.') || k.startsWith('.progmem'))
    .reduce((n, [, v]) => n + v, 0);
  const data = Object.entries(sec)
    .filter(([k]) => k === '.data' || k.startsWith('.data.') || k.startsWith('.rodata'))
    .reduce((n, [, v]) => n + v, 0);
  const bss = Object.entries(sec)
    .filter(([k]) => k === '.bss' || k.startsWith('.bss.') || k === '.noinit')
    .reduce((n, [, v]) => n + v, 0);
  return { flash: text + data, ram: data + bss, text, data, bss };
}

export interface AvrObjectSizes {
  /** Code: .text sections. */
  code: number;
  /** Constants in program memory: .progmem sections. */
  progmem: number;
  /** Initialised data (.data and .rodata, both in RAM on AVR; their initial values are stored in flash too). */
  data: number;
  /** Zeroed RAM: .bss. */
  bss: number;
}

/** Section sizes of an AVR object file (avr-size -A), by kind. */
export async function avrObjectSizes(obj: string): Promise<AvrObjectSizes> {
  const r = await runProgram('avr-size', ['-A', obj]);
  if (r.code !== 0) throw new Error(`avr-size ${obj} failed: ${r.stderr}`);
  const out: AvrObjectSizes = { code: 0, progmem: 0, data: 0, bss: 0 };
  for (const line of r.stdout.split('\n')) {
    const m = /^(\.\S+)\s+(\d+)\s+\d+/.exec(line.trim());
    if (!m) continue;
    const [name, n] = [m[1], Number(m[2])];
    if (name.startsWith('.progmem')) out.progmem += n;
    else if (name.startsWith('.text')) out.code += n;
    else if (name.startsWith('.data') || name.startsWith('.rodata')) out.data += n;
    else if (name.startsWith('.bss')) out.bss += n;
  }
  return out;
}
