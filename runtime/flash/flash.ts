// `tinyrnn flash`: writes the runtime, the model module, its weights and the example app to an
// Espruino board's Storage through the `espruino` package (serial, BLE, or tcp://host:port),
// verifies every file by reading back its length and checksum, starts the app, and reports
// progress. Refuses before writing anything when the board is not the one compiled for, or has
// not enough Storage or RAM.
//
// The real Espruino interpreter for Linux (started with --telnet, see runtime/espruino-real/telnet.ts)
// reports its board as LINUX: `interpreter` names the memory layout it stands in for (puckjs,
// banglejs2), accepted only when the firmware says LINUX and its variable count is the layout's.
// It has no accelerometer nor display, so there the runtime and the module are loaded instead of
// starting the app.
//
// Codes: ESP401 no port, ESP402 no answer, ESP403 cannot connect, ESP404 wrong board,
// ESP405 not enough Storage, ESP406 not enough RAM, ESP407 verification failed,
// ESP408 bad build folder, ESP409 the app did not start, ESP411 --boot with --interpreter.
import { ChildProcess, fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TinyrnnError } from '../../compiler/core/ir/errors';
import { packageRoot } from '../../compiler/core/util/version';
import { MANIFEST, Manifest } from '../../targets/espruino/target';
import { checksumExpression, checksumOf } from '../../targets/espruino/checksum';
import { storageFileBytes } from '../../targets/espruino/memory';
import { RUNTIME_MODULE } from '../../targets/espruino/runtime-build';
import { espruinoProfile, findBoard } from '../../targets/boards';
import { LAYOUT_BOARD, LAYOUTS, Layout } from '../espruino-real/interpreter';

export interface FlashFile {
  name: string;
  bytes: Uint8Array;
  kind: string;
}

export interface FlashPlan {
  manifest: Manifest;
  files: FlashFile[];
}

/** Reads a compile output folder: the manifest and the files it lists, checked against their checksums. */
export function readBuildDir(dir: string): FlashPlan {
  const mf = path.join(dir, MANIFEST);
  if (!fs.existsSync(mf)) {
    throw new TinyrnnError({
      code: 'ESP408',
      path: dir,
      message: `no ${MANIFEST} in this folder`,
      hint: 'give the output folder of `tinyrnn compile --target espruino`, or a model.q.tnn',
    });
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(mf, 'utf8')) as Manifest;
  } catch (e) {
    throw new TinyrnnError({ code: 'ESP408', path: mf, message: `manifest is not valid JSON: ${(e as Error).message}` });
  }
  const files: FlashFile[] = [];
  for (const f of manifest.files ?? []) {
    const local = path.join(dir, path.basename(f.local));
    if (!fs.existsSync(local))
      throw new TinyrnnError({ code: 'ESP408', path: local, message: `file listed in the manifest is missing`, hint: 'compile again' });
    const bytes = new Uint8Array(fs.readFileSync(local));
    const sum = checksumOf(bytes);
    if (sum.join() !== f.checksum.join()) {
      throw new TinyrnnError({
        code: 'ESP408',
        path: local,
        message: 'file differs from the manifest (edited after compile?)',
        value: sum.join(','),
        expected: f.checksum.join(','),
        hint: 'compile again',
      });
    }
    files.push({ name: f.name, bytes, kind: f.kind });
  }
  return { manifest, files };
}

interface Pending {
  resolve(v: string): void;
  reject(e: Error & { code?: string }): void;
}

/** One connection to a board through the worker process. */
export class BoardLink {
  private child: ChildProcess;
  private next = 1;
  private pending = new Map<number, Pending>();
  readonly log: string[] = [];
  private exited = false;

  constructor() {
    const worker = path.join(packageRoot(), 'runtime', 'flash', 'flash-worker.js');
    this.child = fork(worker, [], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], serialization: 'json', env: process.env });
    this.child.on('message', (m: { id?: number; ok?: boolean; result?: string; error?: string; code?: string; log?: string }) => {
      if (m.log !== undefined) {
        this.log.push(m.log);
        return;
      }
      if (m.id === undefined) return;
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result ?? '');
      else p.reject(Object.assign(new Error(m.error ?? 'failed'), { code: m.code }));
    });
    this.child.on('exit', () => {
      this.exited = true;
      for (const p of this.pending.values()) p.reject(Object.assign(new Error('the espruino worker exited'), { code: 'EXIT' }));
      this.pending.clear();
    });
  }

  private call(msg: Record<string, unknown>): Promise<string> {
    if (this.exited) return Promise.reject(Object.assign(new Error('the espruino worker exited'), { code: 'EXIT' }));
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, ...msg });
    });
  }

  open(port: string, timeoutMs = 10000, throttle = true): Promise<string> {
    return this.call({ op: 'open', port, timeoutMs, throttle });
  }
  /** Evaluates an expression on the board; returns its JSON text. */
  expr(expr: string, timeoutMs = 15000): Promise<string> {
    return this.call({ op: 'expr', expr, timeoutMs });
  }
  statement(code: string, timeoutMs = 15000): Promise<string> {
    return this.call({ op: 'statement', code, timeoutMs });
  }
  upload(name: string, bytes: Uint8Array, timeoutMs = 120000): Promise<string> {
    return this.call({ op: 'upload', name, base64: Buffer.from(bytes).toString('base64'), timeoutMs });
  }
  async close(): Promise<void> {
    if (this.exited) return;
    try {
      await this.call({ op: 'close' });
    } catch {
      /* already gone */
    }
    if (!this.exited) this.child.kill();
  }
}

export interface FlashOptions {
  port: string;
  /** Board id the user asked for (must match the build's); default the build's. */
  board?: string;
  /** The port is the real interpreter for Linux standing in for this layout (see above). */
  interpreter?: Layout;
  dryRun?: boolean;
  /** Start the app after writing (default true). */
  start?: boolean;
  progress?: (line: string) => void;
  timeoutMs?: number;
  /** Pause after each Storage write so the board can program its flash (default true). */
  throttle?: boolean;
  /** Also make the app start at power-up (.bootcde; boards other than Bangle.js, which use their launcher). */
  boot?: boolean;
}

export interface FlashReport {
  port: string;
  board: string;
  firmwareBoard?: string;
  dryRun: boolean;
  files: { name: string; bytes: number; verified: boolean }[];
  storageNeeded: number;
  storageFree?: number;
  ramFreeBlocks?: number;
  ramNeededBlocks: number;
  started: boolean;
  /** On the interpreter: the runtime and the module were loaded with require() (the app needs the board's sensors). */
  loaded: boolean;
  startOutput?: string;
  /** What the espruino package logged (its own progress messages), last 200 lines. */
  log: string[];
  /** The app was made to start at power-up (.bootcde). */
  boot: boolean;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new TinyrnnError({ code: 'ESP402', path: what, message: `unexpected answer from the board: ${text.slice(0, 80)}` });
  }
}

interface Firmware {
  board?: string;
  version?: string;
  /** process.memory().total: the JsVar count of the firmware's pool. */
  vars?: number;
}

/** ESP404 before connecting: --board (when given) and --interpreter must name the build's board. */
function checkAsked(mf: Manifest, opts: FlashOptions): void {
  const asked = findBoard(opts.board ?? mf.board, { espruino: true });
  if (asked.id !== mf.board) {
    throw new TinyrnnError({
      code: 'ESP404',
      path: '--board',
      message: `the build is for ${mf.board}, not ${asked.id}`,
      value: opts.board,
      expected: mf.board,
      hint: `compile again with --board ${asked.id}`,
    });
  }
  if (opts.interpreter === undefined) return;
  if (opts.boot)
    throw new TinyrnnError({
      code: 'ESP411',
      path: '--boot',
      message: 'the interpreter cannot start the app at power-up: it has no accelerometer nor display for it',
      hint: 'leave out --boot with --interpreter',
    });
  if (!LAYOUTS.includes(opts.interpreter))
    throw new TinyrnnError({
      code: 'ESP404',
      path: '--interpreter',
      message: `unknown interpreter layout`,
      value: opts.interpreter,
      expected: LAYOUTS.join(' or '),
    });
  if (LAYOUT_BOARD[opts.interpreter] !== mf.board) {
    throw new TinyrnnError({
      code: 'ESP404',
      path: '--interpreter',
      message: `the ${opts.interpreter} interpreter stands in for ${LAYOUT_BOARD[opts.interpreter]}, the build is for ${mf.board}`,
      value: opts.interpreter,
      expected: LAYOUTS.find((l) => LAYOUT_BOARD[l] === mf.board) ?? `a build for ${LAYOUTS.map((l) => LAYOUT_BOARD[l]).join(' or ')}`,
    });
  }
}

/** ESP404 after connecting: the firmware is the build's board, or the Linux interpreter with the layout's memory when `interpreter` is given. */
function checkFirmware(mf: Manifest, opts: FlashOptions, env: Firmware): void {
  const wrong = (message: string, value: unknown, expected: unknown, hint?: string): never => {
    throw new TinyrnnError({ code: 'ESP404', path: opts.port, message, value: String(value), expected: String(expected), hint });
  };
  if (opts.interpreter === undefined) {
    if (env.board === mf.firmwareBoard) return;
    const hint =
      env.board === LINUX
        ? `the Espruino interpreter for Linux: name the layout it stands in for, --interpreter ${LAYOUTS.join('|')}`
        : `compile for it: --board ${env.board}`;
    wrong(`the board on ${opts.port} is ${env.board}, the build is for ${mf.board} (${mf.firmwareBoard})`, env.board, mf.firmwareBoard, hint);
  }
  const layout = opts.interpreter as Layout;
  if (env.board !== LINUX)
    wrong(
      `--interpreter is for the Espruino interpreter for Linux (process.env.BOARD ${LINUX}); the board on ${opts.port} is ${env.board}`,
      env.board,
      LINUX,
      `leave out --interpreter for a real board`,
    );
  const vars = espruinoProfile(findBoard(LAYOUT_BOARD[layout], { espruino: true })).variables;
  if (env.vars !== vars)
    wrong(
      `the interpreter on ${opts.port} has ${env.vars} variables, the ${layout} layout has ${vars}: it is another build`,
      env.vars,
      vars,
      `name the layout it was built with (--interpreter ${LAYOUTS.join('|')})`,
    );
}

/** What process.env.BOARD says on the Espruino interpreter for Linux. */
const LINUX = 'LINUX';

/** Loads the flashed runtime and module on the interpreter (ESP409 when that fails); returns what it printed. */
async function loadOnInterpreter(link: BoardLink, mf: Manifest, timeout: number): Promise<string> {
  const code = `try{require(${JSON.stringify(RUNTIME_MODULE)});var m=require(${JSON.stringify(mf.module)});m.reset();print(${JSON.stringify(`tinyrnn: loaded ${mf.module}, `)}+process.memory().usage+" blocks used");}catch(e){print("Uncaught "+e);}`;
  const out = await link.statement(code, timeout).catch((e: Error) => {
    throw new TinyrnnError({ code: 'ESP409', path: mf.module, message: `the module did not load: ${e.message}` });
  });
  if (/Uncaught|Error/.test(out))
    throw new TinyrnnError({ code: 'ESP409', path: mf.module, message: `the module failed to load: ${out.trim().slice(0, 200)}` });
  return out.trim();
}

export async function flash(plan: FlashPlan, opts: FlashOptions): Promise<FlashReport> {
  const say = opts.progress ?? (() => undefined);
  const mf = plan.manifest;
  checkAsked(mf, opts);
  const storageNeeded = plan.files.reduce((s, f) => s + storageFileBytes(f.bytes.length), 0);
  const report: FlashReport = {
    port: opts.port,
    board: mf.board,
    dryRun: !!opts.dryRun,
    files: plan.files.map((f) => ({ name: f.name, bytes: f.bytes.length, verified: false })),
    storageNeeded,
    ramNeededBlocks: mf.estimate.peakBlocks,
    started: false,
    loaded: false,
    log: [],
    boot: false,
  };
  if (opts.dryRun) {
    say(`dry run: would write ${plan.files.length} files (${storageNeeded} bytes of Storage) to ${mf.board} on ${opts.port}`);
    for (const f of plan.files) say(`  ${f.name.padEnd(28)} ${String(f.bytes.length).padStart(7)} B  ${f.kind}`);
    return report;
  }
  if (!opts.port) {
    throw new TinyrnnError({
      code: 'ESP401',
      path: '--port',
      message: 'no port given',
      hint: "give the board's port: a serial device (/dev/ttyACM0, COM3), a Bluetooth address (aa:bb:cc:dd:ee:ff), or tcp://host:port",
    });
  }
  const link = new BoardLink();
  const timeout = opts.timeoutMs ?? 15000;
  try {
    say(`connecting to ${opts.port}`);
    try {
      await link.open(opts.port, timeout, opts.throttle !== false);
    } catch (e) {
      throw new TinyrnnError({
        code: 'ESP403',
        path: opts.port,
        message: `cannot connect: ${(e as Error).message}`,
        hint: 'check the port, that the board is powered, and that no other program (Web IDE) holds the connection',
      });
    }
    const ask = async (expr: string, what: string): Promise<unknown> => {
      try {
        return parseJson(await link.expr(expr, timeout), what);
      } catch (e) {
        if (e instanceof TinyrnnError) throw e;
        // The package logs what it did receive ("... just got ..."): show it, it often names the error.
        const got = [...link.log].reverse().find((l) => /just got/.test(l));
        const detail = got ? `; the board said ${got.replace(/^.*just got /, '').slice(0, 160)}` : '';
        throw new TinyrnnError({
          code: 'ESP402',
          path: opts.port,
          message: `no answer from the board (${what}): ${(e as Error).message}${detail}`,
          hint: 'is an Espruino board on this port? Try resetting it',
        });
      }
    };
    const env = (await ask('{board:process.env.BOARD,version:process.env.VERSION,vars:process.memory().total}', 'process.env')) as Firmware;
    report.firmwareBoard = env.board;
    say(`found ${env.board ?? 'an unknown board'} ${env.version ?? ''}`.trim());
    checkFirmware(mf, opts, env);
    // Room: Storage free space (old copies of our files are replaced), and the RAM pool.
    const names = JSON.stringify(plan.files.map((f) => f.name));
    const room = (await ask(
      `(function(){var S=require("Storage"),n=${names},o=0,i,s;for(i=0;i<n.length;i++){s=S.read(n[i]);if(s!==undefined)o+=32+Math.ceil(s.length/4)*4;}return {free:S.getFree(),old:o,mem:process.memory().total};})()`,
      'Storage free space',
    )) as { free: number; old: number; mem: number };
    report.storageFree = room.free + room.old;
    if (storageNeeded > room.free + room.old) {
      throw new TinyrnnError({
        code: 'ESP405',
        path: opts.port,
        message: `not enough room in Storage: the files need ${storageNeeded} bytes, the board has ${room.free + room.old} free`,
        value: storageNeeded,
        expected: `at most ${room.free + room.old}`,
        hint: 'erase unused files (require("Storage").erase(name)) or compile with --minify',
      });
    }
    report.ramFreeBlocks = room.mem;
    if (mf.estimate.peakBlocks > Math.floor(room.mem * 0.9)) {
      throw new TinyrnnError({
        code: 'ESP406',
        path: opts.port,
        message: `not enough RAM: the model needs about ${mf.estimate.peakBlocks} blocks, the board has ${room.mem}`,
        value: mf.estimate.peakBlocks,
        expected: `at most ${Math.floor(room.mem * 0.9)} (90%)`,
      });
    }
    say(`Storage: ${storageNeeded} bytes needed, ${room.free + room.old} free; RAM: about ${mf.estimate.peakBlocks} of ${room.mem} blocks`);
    // A clean interpreter (Storage is kept), then the files.
    await link.statement('reset()', timeout).catch(() => '');
    for (let i = 0; i < plan.files.length; i++) {
      const f = plan.files[i];
      say(`[${i + 1}/${plan.files.length}] writing ${f.name} (${f.bytes.length} B)`);
      try {
        await link.upload(f.name, f.bytes, Math.max(timeout, 2000 + f.bytes.length * 4));
      } catch (e) {
        throw new TinyrnnError({ code: 'ESP402', path: f.name, message: `writing failed: ${(e as Error).message}` });
      }
      const got = await ask(checksumExpression(f.name), `checksum of ${f.name}`);
      const want = checksumOf(f.bytes);
      if (!Array.isArray(got) || got.join() !== want.join()) {
        throw new TinyrnnError({
          code: 'ESP407',
          path: f.name,
          message: 'verification failed: the board stored something else',
          value: JSON.stringify(got),
          expected: want.join(','),
          hint: 'the connection may be unreliable: try again, closer to the board or over USB',
        });
      }
      report.files[i].verified = true;
      say(`      verified: ${want[0]} bytes, checksum ${want[1]}/${want[2]}`);
    }
    if (opts.boot) {
      if (mf.files.some((f) => f.kind === 'info')) {
        say('Bangle.js: the app is in the launcher (its .info file); --boot is not needed');
      } else {
        const boot = new Uint8Array(Buffer.from(`eval(require("Storage").read(${JSON.stringify(mf.app)}));\n`, 'latin1'));
        say('writing .bootcde (starts the app at power-up)');
        await link.upload('.bootcde', boot, timeout);
        const got = await ask(checksumExpression('.bootcde'), 'checksum of .bootcde');
        if (!Array.isArray(got) || got.join() !== checksumOf(boot).join())
          throw new TinyrnnError({
            code: 'ESP407',
            path: '.bootcde',
            message: 'verification failed',
            value: JSON.stringify(got),
            expected: checksumOf(boot).join(','),
          });
        report.boot = true;
      }
    }
    if (opts.start !== false && opts.interpreter) {
      say(`the interpreter has no accelerometer nor display: loading ${RUNTIME_MODULE} and ${mf.module} instead of starting ${mf.app}`);
      report.startOutput = await loadOnInterpreter(link, mf, timeout);
      report.loaded = true;
      say(`loaded: ${report.startOutput}`);
    } else if (opts.start !== false) {
      say(`starting ${mf.app}`);
      const out = await link
        .statement(`try{eval(require("Storage").read(${JSON.stringify(mf.app)}));}catch(e){print("Uncaught "+e);}`, timeout)
        .catch((e: Error) => {
          throw new TinyrnnError({ code: 'ESP409', path: mf.app, message: `the app did not start: ${e.message}` });
        });
      report.startOutput = out.trim();
      if (/Uncaught|Error/.test(out)) throw new TinyrnnError({ code: 'ESP409', path: mf.app, message: `the app failed: ${out.trim().slice(0, 200)}` });
      report.started = true;
      say(`started: ${out.trim() || 'ok'}`);
    }
    return report;
  } finally {
    report.log = link.log.slice(-200);
    await link.close();
  }
}
