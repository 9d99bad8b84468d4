// The Espruino target's build (its `compile` adapter is bin/cli/targets/espruino.ts): a module loadable with require() on the board, its
// weights (inline base64 or Storage files), the device runtime, an example app for the board's
// family, a manifest for `tinyrnn flash`, and a report with the memory estimate and the
// estimated time per step. Refuses a model that does not fit the board, with the numbers.
import { writeBuildUnit } from '../../compiler/core/ir/write-unit';
import { QuantModel } from '../../compiler/core/ir/quant-model';
import { isStreaming } from '../../compiler/layers/ir';
import { commentText } from '../emit/names';
import { VERSION } from '../../compiler/core/util/version';
import { BoardProfile, espruinoProfile, findBoard } from '../boards';
import { GeneratedModule, WeightsMode, espruinoTemplates, generateModule, moduleNameFor, checkModuleName } from './generate';
import { MemoryEstimate, estimateMemory } from './estimate';
import { RUNTIME_MODULE, deviceRuntime } from './runtime-build';
import { assertEspruinoDialect } from './dialect';
import { CostBreakdown, instructionsPerSecond } from './cost';
import { EspruinoSandbox } from './sandbox';
import { checksumOf } from './checksum';
import { minifyJs } from './minify';

export const DEFAULT_BOARD = 'PUCKJS';

export interface EspruinoBuild {
  board: BoardProfile;
  weights: WeightsMode;
  gen: GeneratedModule;
  /** Files for the device: Storage name -> bytes, in upload order (runtime, weights, module, app). */
  files: { name: string; local: string; bytes: Uint8Array; kind: 'runtime' | 'weights' | 'module' | 'app' | 'info' }[];
  appName: string;
  estimate: MemoryEstimate;
  cost: StepCost;
}

export interface StepCost {
  /** x86-equivalent instructions per time step (cost model of the shared facts). */
  instructionsPerStep: number;
  breakdown: CostBreakdown;
  /** Estimated milliseconds per step on the board, and the highest sample rate it sustains. */
  msPerStep: number;
  maxRateHz: number;
  steps: number;
}

/** Runs the module in the counting sandbox for a few steps of mid-range input and returns the cost per step. */
export function measureStepCost(gen: GeneratedModule, board: BoardProfile, m: QuantModel, steps = 8): StepCost {
  // Memory is not the question here: a large pool so that the count never stops early.
  const roomy: BoardProfile = { ...board, espruino: { ...espruinoProfile(board), variables: 1 << 30 } };
  const sb = new EspruinoSandbox({ board: roomy, countCost: true, baseBlocks: 0 });
  for (const b of gen.blobs) sb.storage.set(b.storageName, b.bytes.slice());
  sb.storage.set(gen.moduleName, Buffer.from(gen.source, 'latin1'));
  const mod = sb.require(gen.moduleName) as { step(r: number[]): unknown; run(s: number[][]): unknown; reset(): void; streaming: boolean };
  const F = m.inputSize;
  const seq: number[][] = [];
  for (let t = 0; t < steps; t++)
    seq.push(Array.from({ length: F }, (_, f) => m.input.offset[f] + (((t * 7 + f * 3) % 11) - 5) * Math.max(1, m.input.rawPerUnit[f] >> 3)));
  // One-time work of the first step after load (a liquid regenerates its synapses then) is not a step's cost.
  mod.run([seq[0]]);
  mod.reset();
  sb.resetCost();
  if (mod.streaming) for (const r of seq) mod.step(r);
  else mod.run(seq);
  const c = sb.cost();
  const per = c.total / steps;
  const ms = (per / instructionsPerSecond(board.clockMHz)) * 1000;
  return { instructionsPerStep: Math.round(per), breakdown: c, msPerStep: Math.round(ms * 10) / 10, maxRateHz: Math.floor((1000 / ms) * 10) / 10, steps };
}

function appView(m: QuantModel, board: BoardProfile, moduleName: string, mode: string, window: number): Record<string, unknown> {
  const p = espruinoProfile(board);
  const rate = m.meta.sampleRate ?? 25;
  const accel = p.accelerometer;
  // Puck.js: the supported accelerometer rate nearest to the model's.
  let rateExpr = String(Math.round(rate));
  if (accel && p.family === 'puck') {
    const best = accel.rateHz.reduce((a, b) => (Math.abs(b - rate) < Math.abs(a - rate) ? b : a));
    rateExpr = Number.isInteger(best) ? String(best) : `${best * 2} / 2`;
  }
  return {
    version: VERSION,
    boardName: commentText(board.name),
    modelName: commentText(m.meta.name),
    runtimeModule: RUNTIME_MODULE,
    moduleName,
    mode,
    window,
    confirm: 2,
    smoothNum: 1,
    smoothDen: 2,
    unitsPerG: accel ? accel.unitsPerG : 1,
    rateExpr,
    rateText: commentText(String(rate)),
    pollMs: Math.max(10, Math.round(1000 / rate)),
    F: m.inputSize,
  };
}

export interface BuildOptions {
  board?: string;
  weights?: WeightsMode;
  minify?: boolean;
  name?: string;
  modelFile?: string;
  /** Sample window for window-mode apps (bidirectional models). */
  window?: number;
  /** Kernel style; by default unrolled when the model is small enough and it fits the board, else loops. */
  kernel?: 'unrolled' | 'loop';
}

/** Everything `compile` and `flash` need, without writing files. */
export function buildEspruino(m: QuantModel, opts: BuildOptions = {}): EspruinoBuild {
  const board = findBoard(opts.board ?? DEFAULT_BOARD, { espruino: true });
  const p = espruinoProfile(board);
  const weights: WeightsMode = opts.weights ?? (p.storageMapped ? 'storage' : 'inline');
  const moduleName = opts.name ?? moduleNameFor(m.meta.name);
  checkModuleName(moduleName);
  const gen = generateModule(m, { board, weights, moduleName, minify: opts.minify, modelFile: opts.modelFile, kernel: opts.kernel });
  const mode = isStreaming(m) ? 'stream' : 'window';
  const template = p.family === 'puck' ? 'app-puck.js' : p.family === 'bangle' ? 'app-bangle.js' : 'app-generic.js';
  let app = espruinoTemplates().render(template, appView(m, board, moduleName, mode, opts.window ?? 32));
  // The runtime's comments are for readers of targets/espruino/device/runtime.ts: on the device they only cost
  // Storage and parse time, so it always goes minified.
  const runtime = minifyJs(deviceRuntime());
  if (opts.minify) app = minifyJs(app);
  const appName = `${moduleName}.app.js`;
  assertEspruinoDialect(app, appName, { integerLiterals: true });
  assertEspruinoDialect(runtime, `${RUNTIME_MODULE}.js`, { integerLiterals: true });
  const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
  const files: EspruinoBuild['files'] = [{ name: RUNTIME_MODULE, local: `${RUNTIME_MODULE}.js`, bytes: enc(runtime), kind: 'runtime' }];
  if (weights === 'storage')
    for (const b of gen.blobs) files.push({ name: b.storageName, local: b.storageName.replace(/\./g, '_') + '.bin', bytes: b.bytes, kind: 'weights' });
  files.push({ name: moduleName, local: `${moduleName}.js`, bytes: enc(gen.source), kind: 'module' });
  files.push({ name: appName, local: appName, bytes: enc(app), kind: 'app' });
  if (p.family === 'bangle') {
    // The launcher's entry: Bangle.js lists apps by their .info file.
    const info = JSON.stringify({
      id: moduleName,
      name: m.meta.name.slice(0, 20),
      src: appName,
      type: 'app',
      version: VERSION,
      files: files.map((f) => f.name).join(','),
    });
    files.push({ name: `${moduleName}.info`, local: `${moduleName}.info`, bytes: enc(info), kind: 'info' });
  }
  const estimate = estimateMemory(
    board,
    gen,
    weights,
    [
      { name: RUNTIME_MODULE, text: runtime },
      { name: moduleName, text: gen.source },
      { name: appName, text: app },
    ],
    m.meta.labels ?? [],
    m.meta.features,
    files.filter((f) => f.kind === 'info').map((f) => ({ name: f.name, bytes: f.bytes.length })),
  );
  if (!estimate.fits && gen.kernel === 'unrolled' && opts.kernel === undefined) {
    // The unrolled code is larger: try the compact loop kernels before giving up.
    const loop = buildEspruino(m, { ...opts, kernel: 'loop' });
    if (loop.estimate.fits) return loop;
  }
  const cost = measureStepCost(gen, board, m);
  return { board, weights, gen, files, appName, estimate, cost };
}

export interface Manifest {
  tinyrnn: string;
  specVersion: number;
  board: string;
  firmwareBoard: string;
  module: string;
  app: string;
  weights: WeightsMode;
  files: { name: string; local: string; kind: string; bytes: number; checksum: [number, number, number] }[];
  estimate: MemoryEstimate;
  cost: { instructionsPerStep: number; msPerStep: number; maxRateHz: number };
}

export const MANIFEST = 'tinyrnn-espruino.json';

export function manifestOf(b: EspruinoBuild): Manifest {
  return {
    tinyrnn: VERSION,
    specVersion: 1,
    board: b.board.id,
    firmwareBoard: espruinoProfile(b.board).board,
    module: b.gen.moduleName,
    app: b.appName,
    weights: b.weights,
    files: b.files.map((f) => ({ name: f.name, local: f.local, kind: f.kind, bytes: f.bytes.length, checksum: checksumOf(f.bytes) })),
    estimate: b.estimate,
    cost: { instructionsPerStep: b.cost.instructionsPerStep, msPerStep: b.cost.msPerStep, maxRateHz: b.cost.maxRateHz },
  };
}

/** Writes the build's files and manifest as one unit (all replace the previous build, or none). */
export function writeBuild(b: EspruinoBuild, outDir: string): string[] {
  const files = b.files.map((f) => ({ path: f.local, data: f.bytes }));
  return writeBuildUnit(outDir, files, MANIFEST, JSON.stringify(manifestOf(b), null, 2) + '\n');
}

export function costText(c: StepCost, board: BoardProfile): string {
  return `cost: about ${(c.instructionsPerStep / 1e6).toFixed(2)} M x86-equivalent instructions per step (interpreter cost model) -> ${c.msPerStep} ms per step on ${board.name} at ${board.clockMHz} MHz, up to ${c.maxRateHz} Hz`;
}
