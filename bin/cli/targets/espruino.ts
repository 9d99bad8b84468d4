// `tinyrnn compile MODEL.q.tnn --target espruino --out DIR [--board NAME] [--weights inline|storage] ...`:
// the command-line adapter of the Espruino target (targets/espruino).
import * as path from 'node:path';
import { Target, CompileResult } from './target';
import { Io, OptionSpec, UsageError, Values, choice, flag, str } from '../command';
import { loadQuantModel } from '../../../compiler/core/ir/format';
import { DEFAULT_BOARD, buildEspruino, costText, writeBuild } from '../../../targets/espruino/target';
import { assertFits, formatEstimate } from '../../../targets/espruino/estimate';

export const espruinoTarget: Target = {
  name: 'espruino',
  summary: 'JavaScript module for Espruino boards (Puck.js, Bangle.js, Pico, ...), runtime and example app',
  options: {
    board: {
      type: 'string',
      short: 'b',
      arg: 'NAME',
      help: `board profile (default ${DEFAULT_BOARD}): PUCKJS, PIXLJS, BANGLEJS, BANGLEJS2, PICO, ORIGINAL, WIFI, MDBT42Q, ESP32`,
    },
    weights: {
      type: 'string',
      arg: 'inline|storage',
      help: 'weights as base64 in the module, or a Storage file read in place (default: storage where Storage is memory-mapped)',
    },
    minify: { type: 'boolean', help: 'strip comments and whitespace from the model module and app (the runtime always is)' },
    kernel: { type: 'string', arg: 'unrolled|loop', help: 'kernel style (default: unrolled when small enough and it fits, else loop)' },
    name: { type: 'string', arg: 'NAME', help: 'module name for require() and Storage (default: from the model name)' },
  } as Record<string, OptionSpec>,
  compile(modelFile: string, outDir: string, values: Values, io: Io): CompileResult {
    void io;
    const weights = choice(values, 'weights', ['inline', 'storage'] as const);
    const m = loadQuantModel(modelFile);
    const name = str(values, 'name');
    if (name !== undefined && !/^[a-z][a-z0-9_]{0,23}$/.test(name))
      throw new UsageError(`--name ${JSON.stringify(name)} must be a lower-case letter followed by letters, digits or _ (at most 24)`);
    const kernel = choice(values, 'kernel', ['unrolled', 'loop'] as const);
    const b = buildEspruino(m, { board: str(values, 'board'), weights, minify: flag(values, 'minify'), name, modelFile: path.basename(modelFile), kernel });
    assertFits(b.estimate, b.board.name);
    const files = writeBuild(b, outDir);
    const text = [
      `espruino: module ${b.gen.moduleName} for ${b.board.name}, weights ${b.weights === 'storage' ? 'in Storage' : 'inline'}, ${b.gen.kernel} kernel`,
      formatEstimate(b.estimate, b.board.name),
      costText(b.cost, b.board),
    ].join('\n');
    return {
      files,
      report: {
        board: b.board.id,
        module: b.gen.moduleName,
        weights: b.weights,
        kernel: b.gen.kernel,
        memory: b.estimate,
        cost: { instructionsPerStep: b.cost.instructionsPerStep, msPerStep: b.cost.msPerStep, maxRateHz: b.cost.maxRateHz },
      },
      text,
    };
  },
};
