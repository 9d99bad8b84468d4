// The real interpreter serving its console on TCP (`--telnet`): the `espruino` package, and so
// `tinyrnn flash`, connects to it at tcp://127.0.0.1:2323 as to a board. The port is fixed in the
// interpreter, so one such interpreter runs at a time on a machine. It runs in a working folder
// of its own (its emulated Storage, espruino.flash, lives there) with a standard input that stays
// open and empty until it is stopped. It does not end on SIGTERM, nor on quit() sent to its
// standard input once the console is on TCP: stop() kills it.
//
// Codes: ESP606 port 2323 is taken by another program; ESP603 the interpreter exited or did not
// open its port in time.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { TinyrnnError } from '../../compiler/core/ir/errors';
import { Interpreters, Layout, commandLine } from './interpreter';

/** The console port the Linux builds serve with --telnet (fixed in the interpreter). */
export const TELNET_PORT = 2323;
export const TELNET_URL = `tcp://127.0.0.1:${TELNET_PORT}`;
/** Output kept for error messages (the tail). */
const OUTPUT_KEEP = 8192;

export interface ConsoleInterpreter {
  layout: Layout;
  /** Working folder: espruino.flash in it is the Storage. Deleted by stop() unless it was given. */
  dir: string;
  url: string;
  /** The tail of what the process printed. */
  output(): string;
  /** Kills the process and waits for it to end. */
  stop(): Promise<void>;
}

export interface ConsoleOptions {
  /** Working folder to use (kept after stop()); default a new temporary one. */
  dir?: string;
  /** How long to wait for the port to open (default 30 s; longer under qemu-i386 on a busy machine). */
  timeoutMs?: number;
}

/** True when something accepts connections on 127.0.0.1:port. */
export function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function portBusy(): TinyrnnError {
  return new TinyrnnError({
    code: 'ESP606',
    path: TELNET_URL,
    message: `port ${TELNET_PORT} is already taken (another interpreter started with --telnet, or another program)`,
    hint: 'the port is fixed in the interpreter: run one such interpreter at a time; stop the other one first',
  });
}

/** Starts the layout's interpreter with --telnet and resolves once its console port accepts connections. */
export async function startConsole(it: Interpreters, layout: Layout, opts: ConsoleOptions = {}): Promise<ConsoleInterpreter> {
  if (await portAnswers(TELNET_PORT)) throw portBusy();
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), `tinyrnn-esp-telnet-${layout}-`));
  const c = commandLine(it.mode, it.binary[layout], ['--telnet']);
  const child = spawn(c.file, c.args, { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer): void => {
    out = (out + d.toString('latin1')).slice(-OUTPUT_KEEP);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const ended = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await ended;
    child.stdin.destroy();
    if (!opts.dir) fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(child, opts.timeoutMs ?? 30000, () => out);
  } catch (e) {
    await stop();
    throw e;
  }
  return { layout, dir, url: TELNET_URL, output: () => out, stop };
}

/** Polls the port until it answers; ESP603 when the process ends first or the time runs out. */
async function waitForPort(child: ChildProcess, timeoutMs: number, output: () => string): Promise<void> {
  const until = Date.now() + timeoutMs;
  let gone: string | undefined;
  child.once('error', (e) => (gone = `could not be started (${e.message})`));
  child.once('exit', (code, signal) => (gone = gone ?? `exited with ${code ?? signal}`));
  for (;;) {
    if (gone)
      throw new TinyrnnError({
        code: 'ESP603',
        path: TELNET_URL,
        message: `the interpreter ${gone} before opening its console port; it printed: ${output().slice(-400)}`,
      });
    if (await portAnswers(TELNET_PORT)) return;
    if (Date.now() > until)
      throw new TinyrnnError({
        code: 'ESP603',
        path: TELNET_URL,
        message: `the interpreter did not open port ${TELNET_PORT} within ${timeoutMs} ms; it printed: ${output().slice(-400)}`,
      });
    await new Promise((r) => setTimeout(r, 100));
  }
}
