// `tinyrnn flash DIR|MODEL.q.tnn --board NAME --port PORT [--dry-run] [--json]`: writes an Espruino
// build (from `tinyrnn compile --target espruino`, or compiled on the fly from a quantised model)
// to the board's Storage, verifies it and starts the app.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command, UsageError, emit, flag, requireStr, str, choice } from '../command';
import { loadQuantModel } from '../../../compiler/core/ir/format';
import { TinyrnnError } from '../../../compiler/core/ir/errors';
import { findBoard } from '../../../targets/boards';
import { assertFits } from '../../../targets/espruino/estimate';
import { buildEspruino, writeBuild } from '../../../targets/espruino/target';
import { flash, readBuildDir } from '../../../runtime/flash/flash';

export const flashCommand: Command = {
  name: 'flash',
  summary: 'write an Espruino build to a board (serial, Bluetooth or tcp://), verify it and start the app',
  usage: 'tinyrnn flash DIR|MODEL.q.tnn --board NAME --port PORT [--weights inline|storage] [--dry-run] [--json]',
  description:
    'DIR is the output folder of `tinyrnn compile --target espruino`; a quantised model is compiled first. ' +
    'Every file is read back (length and checksum) after writing. Nothing is written when the board on the port ' +
    'is not the one asked for, or when the model does not fit its Storage or RAM.',
  options: {
    board: { type: 'string', short: 'b', arg: 'NAME', help: 'board profile (PUCKJS, BANGLEJS2, ...); must match the board on the port' },
    port: { type: 'string', short: 'p', arg: 'PORT', help: 'serial device, Bluetooth address, or tcp://host:port' },
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
  ],
  async run(values, [target], io) {
    const boardName = requireStr(values, 'board', 'NAME (the board profile, e.g. PUCKJS)');
    const board = findBoard(boardName, { espruino: true });
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
    const json = flag(values, 'json');
    const file = path.resolve(io.cwd, target);
    let dir = file;
    let tmp: string | undefined;
    const isModel = fs.existsSync(file) && fs.statSync(file).isFile();
    if (!isModel && str(values, 'weights') !== undefined)
      throw new UsageError('--weights applies when flashing a model file; a compiled folder already fixed it (compile again with --weights)');
    if (isModel) {
      const m = loadQuantModel(file);
      const b = buildEspruino(m, { board: board.id, weights: choice(values, 'weights', ['inline', 'storage'] as const), modelFile: path.basename(file) });
      assertFits(b.estimate, b.board.name);
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-flash-'));
      writeBuild(b, tmp);
      dir = tmp;
      if (!json)
        io.err(
          `compiled ${path.basename(file)} for ${board.name}: module ${b.gen.moduleName}, about ${b.estimate.peakBlocks} of ${b.estimate.variables} blocks`,
        );
    }
    const timeoutText = str(values, 'timeout');
    const timeoutMs = timeoutText === undefined ? undefined : Number(timeoutText);
    if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs >= 100))
      throw new TinyrnnError({ code: 'ESP410', path: '--timeout', message: 'timeout must be an integer >= 100 (ms)', value: timeoutText });
    try {
      const plan = readBuildDir(dir);
      const report = await flash(plan, {
        port: port ?? '',
        board: board.id,
        dryRun,
        start: !flag(values, 'no-start'),
        throttle: !flag(values, 'no-throttle'),
        boot: flag(values, 'boot'),
        timeoutMs,
        progress: json ? undefined : (line) => io.err(line),
      });
      emit(io, json, report, () =>
        dryRun
          ? `dry run: ${report.files.length} files, ${report.storageNeeded} bytes of Storage, about ${report.ramNeededBlocks} RAM blocks on ${board.name}`
          : `flashed ${report.files.length} files (${report.storageNeeded} bytes) to ${report.firmwareBoard} on ${report.port}, all verified${report.started ? '; app started' : ''}`,
      );
      return 0;
    } finally {
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    }
  },
};
