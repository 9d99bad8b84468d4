// `tinyrnn flash DIR|MODEL.q.tnn [--board NAME] --port PORT [--interpreter LAYOUT] [--dry-run] [--json]`:
// writes an Espruino build (from `tinyrnn compile --target espruino`, or compiled on the fly from a
// quantised model) to the board's Storage, verifies it and starts the app. A folder's board is the
// one in its manifest unless --board is given; --interpreter names the layout the Espruino
// interpreter for Linux stands in for (runtime/flash/flash.ts checks it).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command, Io, UsageError, Values, emit, flag, str, choice } from '../command';
import { loadQuantModel } from '../../../compiler/core/ir/format';
import { TinyrnnError } from '../../../compiler/core/ir/errors';
import { BoardProfile, findBoard } from '../../../targets/boards';
import { assertFits } from '../../../targets/espruino/estimate';
import { buildEspruino, writeBuild } from '../../../targets/espruino/target';
import { FlashReport, flash, readBuildDir } from '../../../runtime/flash/flash';
import { LAYOUTS, LAYOUT_BOARD, Layout } from '../../../runtime/espruino-real/interpreter';

export const flashCommand: Command = {
  name: 'flash',
  summary: 'write an Espruino build to a board (serial, Bluetooth or tcp://), verify it and start the app',
  usage: 'tinyrnn flash DIR|MODEL.q.tnn [--board NAME] --port PORT [--interpreter puckjs|banglejs2] [--weights inline|storage] [--dry-run] [--json]',
  description:
    'DIR is the output folder of `tinyrnn compile --target espruino`; a quantised model is compiled first. ' +
    'Every file is read back (length and checksum) after writing. Nothing is written when the board on the port ' +
    'is not the one asked for, or when the model does not fit its Storage or RAM. ' +
    '--interpreter: the port is the Espruino interpreter for Linux (process.env.BOARD LINUX, e.g. started with --telnet at tcp://127.0.0.1:2323) ' +
    "built with that board's memory layout; accepted only when its variable count is the layout's; it loads the module instead of starting the app.",
  options: {
    board: {
      type: 'string',
      short: 'b',
      arg: 'NAME',
      help: "board profile (PUCKJS, BANGLEJS2, ...); must match the board on the port. Default: the build's (a model file needs it, or --interpreter)",
    },
    port: { type: 'string', short: 'p', arg: 'PORT', help: 'serial device, Bluetooth address, or tcp://host:port' },
    interpreter: {
      type: 'string',
      arg: 'puckjs|banglejs2',
      help: 'the port is the Espruino interpreter for Linux with this memory layout (stands in for PUCKJS, BANGLEJS2)',
    },
    weights: { type: 'string', arg: 'inline|storage', help: 'when compiling a model: where the weights go' },
    'dry-run': { type: 'boolean', help: 'show what would be written, without connecting' },
    'no-start': { type: 'boolean', help: 'do not start the app after writing' },
    'no-throttle': { type: 'boolean', help: 'no pause after each Storage write (connections with flow control, simulators)' },
    boot: { type: 'boolean', help: 'also start the app at power-up (.bootcde; Bangle.js apps go to the launcher instead)' },
    timeout: { type: 'string', arg: 'MS', help: 'answer timeout per request in milliseconds (default 15000)' },
    json: { type: 'boolean', help: 'machine-readable report' },
  },
  positionals: [1, 1],
  examples: [
    'tinyrnn flash build/puck --board PUCKJS --port /dev/ttyACM0',
    'tinyrnn flash gestures.q.tnn --board BANGLEJS2 --port aa:bb:cc:dd:ee:ff',
    'tinyrnn flash build/puck --board PUCKJS --port tcp://192.168.1.20:23 --dry-run',
    'tinyrnn flash build/puck --port tcp://127.0.0.1:2323 --interpreter puckjs --no-throttle',
  ],
  async run(values, [target], io) {
    const dryRun = flag(values, 'dry-run');
    const port = str(values, 'port');
    if (!port && !dryRun) {
      throw new TinyrnnError({
        code: 'ESP401',
        path: '--port',
        message: 'no port given',
        hint: "give the board's port: a serial device (/dev/ttyACM0, COM3), a Bluetooth address, or tcp://host:port",
      });
    }
    const interpreter = choice(values, 'interpreter', LAYOUTS);
    const timeoutMs = timeoutOf(values);
    const json = flag(values, 'json');
    const build = buildFolder(values, path.resolve(io.cwd, target), interpreter, json ? undefined : io);
    try {
      const plan = readBuildDir(build.dir);
      const board = findBoard(str(values, 'board') ?? plan.manifest.board, { espruino: true });
      const report = await flash(plan, {
        port: port ?? '',
        board: board.id,
        interpreter,
        dryRun,
        start: !flag(values, 'no-start'),
        throttle: !flag(values, 'no-throttle'),
        boot: flag(values, 'boot'),
        timeoutMs,
        progress: json ? undefined : (line) => io.err(line),
      });
      emit(io, json, report, () => summary(report, board));
      return 0;
    } finally {
      build.cleanup();
    }
  },
};

function timeoutOf(values: Values): number | undefined {
  const text = str(values, 'timeout');
  const ms = text === undefined ? undefined : Number(text);
  if (ms !== undefined && !(Number.isInteger(ms) && ms >= 100))
    throw new TinyrnnError({ code: 'ESP410', path: '--timeout', message: 'timeout must be an integer >= 100 (ms)', value: text });
  return ms;
}

/** The build folder: `file` itself, or a temporary one holding a model file compiled for --board (or the interpreter's layout). */
function buildFolder(values: Values, file: string, interpreter: Layout | undefined, io?: Io): { dir: string; cleanup(): void } {
  const isModel = fs.existsSync(file) && fs.statSync(file).isFile();
  if (!isModel && str(values, 'weights') !== undefined)
    throw new UsageError('--weights applies when flashing a model file; a compiled folder already fixed it (compile again with --weights)');
  if (!isModel) return { dir: file, cleanup: () => undefined };
  const boardName = str(values, 'board') ?? (interpreter && LAYOUT_BOARD[interpreter]);
  if (boardName === undefined) throw new UsageError('missing --board NAME (the board profile, e.g. PUCKJS): a model file is compiled for it');
  const board = findBoard(boardName, { espruino: true });
  const m = loadQuantModel(file);
  const b = buildEspruino(m, { board: board.id, weights: choice(values, 'weights', ['inline', 'storage'] as const), modelFile: path.basename(file) });
  assertFits(b.estimate, b.board.name);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-flash-'));
  writeBuild(b, dir);
  io?.err(`compiled ${path.basename(file)} for ${board.name}: module ${b.gen.moduleName}, about ${b.estimate.peakBlocks} of ${b.estimate.variables} blocks`);
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

function summary(r: FlashReport, board: BoardProfile): string {
  if (r.dryRun) return `dry run: ${r.files.length} files, ${r.storageNeeded} bytes of Storage, about ${r.ramNeededBlocks} RAM blocks on ${board.name}`;
  const then = r.started ? '; app started' : r.loaded ? '; module loaded' : '';
  return `flashed ${r.files.length} files (${r.storageNeeded} bytes) to ${r.firmwareBoard} on ${r.port}, all verified${then}`;
}
