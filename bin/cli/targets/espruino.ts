// `tinyrnn compile MODEL.q.tnn --target espruino --out DIR [--board NAME] [--weights inline|storage] ...`:
// the command-line adapter of the Espruino target (targets/espruino).
import * as path from 'node:path';
import { Target, CompileResult } from './target';
import { Io, OptionSpec, UsageError, Values, choice, flag, str } from '../command';
import { loadQuantModel } from '../../../compiler/core/ir/format';
import { DEFAULT_BOARD, buildEspruino, costText, writeBuild } from '../../../targets/espruino/target';
import { assertFits, formatEstimate } from '../../../targets/espruino/estimate';
import { buildEspruinoNative, chooseKernel } from '../../../targets/espruino/native/target';
import { findBoard } from '../../../targets/boards';
import { QuantModel } from '../../../compiler/core/ir/quant-model';

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
    kernel: {
      type: 'string',
      arg: 'native|unrolled|loop',
      help: 'native: the C step as Thumb code called through E.nativeCall (built with arm-none-eabi-gcc); unrolled or loop: JavaScript. Default: native on Cortex-M3/M4 boards when arm-none-eabi-gcc is installed, else unrolled when small enough and it fits, else loop',
    },
    name: { type: 'string', arg: 'NAME', help: 'module name for require() and Storage (default: from the model name)' },
    'no-fallback': {
      type: 'boolean',
      help: 'native kernel: leave out the JavaScript-kernel module the native module loads where the blob cannot run (saves its Storage; loading then throws the coded reason)',
    },
  } as Record<string, OptionSpec>,
  async compile(modelFile: string, outDir: string, values: Values, io: Io): Promise<CompileResult> {
    const weights = choice(values, 'weights', ['inline', 'storage'] as const);
    const m = loadQuantModel(modelFile);
    const name = str(values, 'name');
    if (name !== undefined && !/^[a-z][a-z0-9_]{0,23}$/.test(name))
      throw new UsageError(`--name ${JSON.stringify(name)} must be a lower-case letter followed by letters, digits or _ (at most 24)`);
    const opts = {
      board: str(values, 'board'),
      weights,
      minify: flag(values, 'minify'),
      name,
      modelFile: path.basename(modelFile),
      fallback: !flag(values, 'no-fallback'),
    };
    const board = findBoard(opts.board ?? DEFAULT_BOARD, { espruino: true });
    const asked = choice(values, 'kernel', ['native', 'unrolled', 'loop'] as const);
    const choice_ = chooseKernel(board, asked);
    if (choice_.note) io.err(`warning: ${choice_.note}`);
    if (choice_.kernel === 'native') {
      const native = await compileNative(m, opts, outDir, asked === 'native');
      if (native) return native;
      io.err(`warning: the native build does not fit ${board.name} (with its JavaScript fallback): the JavaScript kernel runs instead`);
    }
    const kernel = choice_.kernel === 'native' ? undefined : choice_.kernel;
    const b = buildEspruino(m, { ...opts, kernel });
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

/** The native build; null when it was not asked for explicitly and does not fit (the caller then builds the JS kernel). */
async function compileNative(
  m: QuantModel,
  opts: { board?: string; weights?: 'inline' | 'storage'; minify: boolean; name?: string; modelFile: string; fallback: boolean },
  outDir: string,
  asked: boolean,
): Promise<CompileResult | null> {
  const b = await buildEspruinoNative(m, opts);
  if (!asked && !b.estimate.fits) return null;
  assertFits(b.estimate, b.board.name);
  const cost = b.native.cost;
  const files = writeBuild(b, outDir);
  const text = [
    `espruino: module ${b.gen.moduleName} for ${b.board.name}, native kernel (${b.native.core}, ${b.native.blob.length} B in Storage file ${b.native.blobName}); ${opts.fallback ? `JS fallback ${b.native.fallback.gen.moduleName} (${b.native.fallback.gen.kernel} kernel)` : 'no JS fallback'}`,
    formatEstimate(b.estimate, b.board.name),
    `cost: about ${cost.msPerStep} ms per step on ${b.board.name} at ${b.board.clockMHz} MHz, up to ${cost.maxRateHz} Hz (${cost.source})`,
  ].join('\n');
  return {
    files,
    report: {
      board: b.board.id,
      module: b.gen.moduleName,
      weights: b.weights,
      kernel: 'native',
      core: b.native.core,
      blobBytes: b.native.blob.length,
      memory: b.estimate,
      cost,
    },
    text,
  };
}
