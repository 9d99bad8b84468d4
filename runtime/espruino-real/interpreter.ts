// The real Espruino interpreters (Espruino 2v29 built for Linux, i386, with Puck.js's and Bangle.js
// 2's memory layouts; see the tools README of the folder they live in): where they are, how this
// machine runs them (natively, or under qemu-i386 where the kernel cannot execute 32-bit programs;
// decided once per process by a one-line script that prints a marker), and one script run in its
// own temporary working folder (the emulated Storage, espruino.flash, lives there).
//
// Folder: $ESPRUINO_DIR (resolved against the project root when relative), else
// ../shared/tools/espruino beside the project root. TINYRNN_HIDE_TOOLS=espruino pretends the
// interpreters are missing; TINYRNN_ESPRUINO_EXEC=native|qemu forces how they run.
//
// Codes: ESP601 interpreters missing, ESP602 cannot execute them, ESP603 a run did not finish.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TinyrnnError } from '../../compiler/core/ir/errors';
import { packageRoot } from '../../compiler/core/util/version';

export type Layout = 'puckjs' | 'banglejs2';
export const LAYOUTS: Layout[] = ['puckjs', 'banglejs2'];
/** The board profile each interpreter's memory layout stands in for. */
export const LAYOUT_BOARD: Record<Layout, string> = { puckjs: 'PUCKJS', banglejs2: 'BANGLEJS2' };
export type ExecMode = 'native' | 'qemu';

export interface Interpreters {
  dir: string;
  mode: ExecMode;
  binary: Record<Layout, string>;
}

export type InterpreterStatus = { ok: true; interpreters: Interpreters } | { ok: false; why: string };

const PROBE_MARKER = 'TINYRNN_PROBE_';

/** The folder that should hold the interpreters. */
export function espruinoDir(): string {
  const env = process.env.ESPRUINO_DIR;
  return env ? path.resolve(packageRoot(), env) : path.resolve(packageRoot(), '..', 'shared', 'tools', 'espruino');
}

function hidden(): boolean {
  return (process.env.TINYRNN_HIDE_TOOLS ?? '').split(',').some((x) => x.trim() === 'espruino');
}

function onPath(cmd: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((d) => d !== '' && fs.existsSync(path.join(d, cmd)));
}

/** The program and arguments that run `binary` on `script` in a mode. */
export function commandLine(mode: ExecMode, binary: string, args: string[], qemuArgs: string[] = []): { file: string; args: string[] } {
  return mode === 'native' ? { file: binary, args } : { file: 'qemu-i386', args: [...qemuArgs, binary, ...args] };
}

/**
 * Runs a one-line script printing a marker; true when the marker comes back. Its standard input is
 * closed at once (a synchronous probe cannot hold it open): enough for a script that quits before
 * the console reads input; real runs (runScript) keep it open and empty.
 */
export function probe(mode: ExecMode, binary: string): boolean {
  if (mode === 'qemu' && !onPath('qemu-i386')) return false;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-esp-probe-'));
  try {
    fs.writeFileSync(path.join(dir, 'probe.js'), `print("${PROBE_MARKER}"+(40+2));quit();\n`);
    const c = commandLine(mode, binary, ['probe.js']);
    const r = spawnSync(c.file, c.args, { cwd: dir, input: '', timeout: 30000, killSignal: 'SIGKILL' });
    return r.status === 0 && String(r.stdout).includes(`${PROBE_MARKER}42`);
  } catch {
    return false;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

let cached: InterpreterStatus | undefined;

/** Finds the interpreters and decides how to run them (once per process). */
export function interpreterStatus(): InterpreterStatus {
  if (cached) return cached;
  cached = findInterpreters();
  return cached;
}

/** Finds the interpreters and decides how to run them, without the cache (interpreterStatus() is the cached one). */
export function findInterpreters(): InterpreterStatus {
  const dir = espruinoDir();
  if (hidden()) return { ok: false, why: 'hidden by TINYRNN_HIDE_TOOLS=espruino' };
  const binary = { puckjs: path.join(dir, 'espruino-puckjs'), banglejs2: path.join(dir, 'espruino-banglejs2') };
  const absent = LAYOUTS.filter((l) => !fs.existsSync(binary[l])).map((l) => binary[l]);
  if (absent.length) return { ok: false, why: `no Espruino interpreter at ${absent.join(', ')} (set ESPRUINO_DIR to the folder holding both layouts)` };
  const forced = process.env.TINYRNN_ESPRUINO_EXEC;
  if (forced && forced !== 'native' && forced !== 'qemu') return { ok: false, why: `TINYRNN_ESPRUINO_EXEC must be native or qemu, not "${forced}"` };
  const modes: ExecMode[] = forced ? [forced as ExecMode] : ['native', 'qemu'];
  for (const mode of modes) if (probe(mode, binary.puckjs)) return { ok: true, interpreters: { dir, mode, binary } };
  return {
    ok: false,
    why: `the i386 interpreters in ${dir} do not run ${forced ? `(${forced})` : 'natively nor under qemu-i386'}: apt-get install libc6-i386 lib32stdc++6 lib32gcc-s1 qemu-user`,
  };
}

/** The interpreters, or ESP601/ESP602 saying why they cannot run here. */
export function requireInterpreters(): Interpreters {
  const s = interpreterStatus();
  if (s.ok) return s.interpreters;
  throw new TinyrnnError({ code: s.why.startsWith('no Espruino') ? 'ESP601' : 'ESP602', path: espruinoDir(), message: s.why });
}

export interface ScriptRun {
  stdout: string;
  /** Wall time of the interpreter process. */
  ms: number;
}

export interface RunOptions {
  /** Files to place in the working folder before the run (host name -> bytes). */
  files?: Map<string, Uint8Array | string>;
  timeoutMs?: number;
  /** Extra qemu-i386 arguments (a plugin); the run then goes through qemu-i386 whatever the mode. */
  qemuArgs?: string[];
  /** Called with the working folder once the interpreter has exited, before it is deleted. */
  inspect?: (dir: string) => void;
}

/**
 * Runs `script` (Espruino JavaScript that ends with quit()) on the layout's interpreter in a fresh
 * temporary folder, with a standard input that stays open and empty until the process has exited.
 */
export async function runScript(it: Interpreters, layout: Layout, script: string, opts: RunOptions = {}): Promise<ScriptRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tinyrnn-esp-${layout}-`));
  try {
    fs.writeFileSync(path.join(dir, 'main.js'), script);
    for (const [name, bytes] of opts.files ?? []) fs.writeFileSync(path.join(dir, name), bytes);
    const mode: ExecMode = opts.qemuArgs ? 'qemu' : it.mode;
    const c = commandLine(mode, it.binary[layout], ['main.js'], opts.qemuArgs);
    const r = await spawnCollect(c.file, c.args, dir, opts.timeoutMs ?? 120000);
    opts.inspect?.(dir);
    return r;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function spawnCollect(file: string, args: string[], cwd: string, timeoutMs: number): Promise<ScriptRun> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(file, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => out.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new TinyrnnError({ code: 'ESP602', path: file, message: `cannot start the interpreter: ${e.message}` }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      child.stdin.destroy();
      const stdout = Buffer.concat(out).toString('latin1');
      if (code === 0) return resolve({ stdout, ms: Date.now() - t0 });
      reject(
        new TinyrnnError({
          code: 'ESP603',
          path: path.basename(args[args.length - 1] ?? file),
          message: `the interpreter ${signal === 'SIGKILL' ? `was stopped after ${timeoutMs} ms` : `exited with ${code ?? signal}`}; its output ended with: ${stdout.slice(-400)}`,
        }),
      );
    });
  });
}
