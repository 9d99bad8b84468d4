// The js engine: the emitted Espruino module (targets/espruino) running in the Espruino sandbox
// with the board's JsVar pool enforced (a model or a step that needs more blocks than the board has
// fails with "Out of Memory!" as on the device) and the interpreter cost counted per step by the
// target's cost model (x86-equivalent instructions, taken as board cycles: facts, a 64 MHz nRF52
// runs about 64 M of them per second).
//
// The module is generated once (prepare) and each device loads it into its own sandbox, the way
// `tinyrnn flash` puts it on a board: weights as Storage files on boards whose Storage is
// memory-mapped flash, inline base64 elsewhere.

import { QuantModel } from '../../../compiler/core/ir/quant-model';
import { TinyrnnError } from '../../../compiler/core/ir/errors';
import { BoardProfile, espruinoProfile } from '../../../targets/boards';
import { generateModule, moduleNameFor, WeightsMode } from '../../../targets/espruino/generate';
import { EspruinoSandbox, OutOfMemory } from '../../../targets/espruino/sandbox';
import { storageFileBytes } from '../../../targets/espruino/memory';
import { ChunkResult, EngineProvider, EngineSession, PreparedEngine } from '../engine';
import { MemoryUse } from '../types';
import { EngineContext } from '../engine';
import { buildEspruinoNative, chooseKernel } from '../../../targets/espruino/native/target';
import { NATIVE_GLUE_X86 } from '../../../targets/espruino/native/cost';
import { nativeEmulation } from '../../../targets/espruino/native/emulate';
import { readHeader } from '../../../targets/espruino/native/header';

interface JsData {
  moduleName: string;
  source: string;
  /** Storage files besides the module: weights, and for a native build the blob and the JS fallback. */
  blobs: { storageName: string; bytes: Uint8Array }[];
  weights: WeightsMode;
  /** A native build: E.nativeCall is emulated for the blob of this model hash, charging its QEMU count per step. */
  native?: { hash: string; instructionsPerStep: number; core: string; blobBytes: number };
}

/** The module's streaming interface (what an app on the board calls). */
interface DeviceModule {
  reset(): void;
  step(raw: ArrayLike<number>): ArrayLike<number>;
}

/** Puts the generated files on a fresh simulated board and loads the module, as flashing would. */
function boot(d: JsData, board: BoardProfile, countCost: boolean, model: QuantModel): { sb: EspruinoSandbox; mod: DeviceModule } {
  const extend = d.native && nativeEmulation({ models: [{ hash: d.native.hash, model }], instructionsPerStep: d.native.instructionsPerStep });
  const sb = new EspruinoSandbox({ board, countCost, ...(extend ? { extend } : {}) });
  for (const b of d.blobs) sb.storage.set(b.storageName, b.bytes.slice());
  sb.storage.set(d.moduleName, Buffer.from(d.source, 'latin1'));
  const mod = sb.require(d.moduleName) as DeviceModule;
  sb.markPersistent();
  return { sb, mod };
}

class JsSession implements EngineSession {
  constructor(
    private readonly sb: EspruinoSandbox,
    private readonly mod: DeviceModule,
    private readonly F: number,
    private readonly O: number,
    /** A native kernel's estimated cycles per step (blob + measured glue), which replace the interpreter count. */
    private readonly nativeCycles?: number,
  ) {}
  async run(raw: Int32Array, T: number): Promise<ChunkResult> {
    const out = new Int32Array(T * this.O);
    const cycles = new Float64Array(T);
    const F = this.F;
    for (let t = 0; t < T; t++) {
      const before = this.sb.cost().total;
      // The app hands the module a plain array of raw sensor integers.
      const y = this.mod.step(Array.from(raw.subarray(t * F, (t + 1) * F)));
      cycles[t] = this.nativeCycles ?? this.sb.cost().total - before;
      for (let o = 0; o < this.O; o++) out[t * this.O + o] = y[o];
      this.sb.settle();
    }
    return { out, cycles };
  }
  async reset(): Promise<void> {
    this.mod.reset();
    this.sb.settle();
  }
  async close(): Promise<void> {}
}

/** Blocks in use after loading and at the peak of a step, in a sandbox of the board. */
function measure(d: JsData, m: QuantModel, board: BoardProfile): MemoryUse {
  const p = espruinoProfile(board);
  const pool = p.variables * p.blockSize;
  const flashBytes = d.blobs.reduce((s, b) => s + storageFileBytes(b.bytes.length), 0) + storageFileBytes(Buffer.byteLength(d.source, 'latin1'));
  let peakBlocks: number;
  let loaded = 0;
  try {
    const { sb, mod } = boot(d, board, false, m);
    loaded = sb.usedBlocks;
    const zero = new Array(m.inputSize).fill(0);
    for (let t = 0; t < 3; t++) {
      mod.step(zero);
      sb.settle();
    }
    peakBlocks = sb.peakBlocks;
  } catch (e) {
    if (!(e instanceof OutOfMemory)) throw e;
    peakBlocks = e.blocks;
  }
  return {
    ramBytes: peakBlocks * p.blockSize,
    flashBytes,
    ramLimit: pool,
    flashLimit: p.storageBytes,
    source: `Espruino sandbox: JsVar blocks of ${p.blockSize} B (pool of ${p.variables} variables = ${pool} B), peak over loading and stepping; flash = Storage files of the model module and its weights (the app and the device runtime come on top)`,
    parts: [
      { name: 'JsVars after loading (firmware base, module, weights in RAM)', kind: 'ram', bytes: loaded * p.blockSize },
      { name: 'JsVars at the peak of a step', kind: 'ram', bytes: peakBlocks * p.blockSize },
      { name: `module source (${Buffer.byteLength(d.source, 'latin1')} B)`, kind: 'flash', bytes: storageFileBytes(Buffer.byteLength(d.source, 'latin1')) },
      ...d.blobs.map((b) => ({ name: `weights ${b.storageName}`, kind: 'flash' as const, bytes: storageFileBytes(b.bytes.length) })),
    ],
  };
}

export const jsEngine: EngineProvider = {
  name: 'js',
  summary: 'the emitted Espruino module in the Espruino sandbox (JsVar limit, interpreter cost model)',
  unavailable(board) {
    return board.espruino ? null : `${board.name} does not run Espruino: the js engine needs an Espruino board (PUCKJS, BANGLEJS2, PIXLJS, ...)`;
  },
  async prepare(ctx): Promise<PreparedEngine> {
    const choice = chooseKernel(ctx.board, ctx.kernel);
    if (choice.kernel === 'native') {
      const native = await prepareNative(ctx);
      if (native) return native;
    }
    return prepareJs(ctx, choice.kernel === 'native' ? undefined : choice.kernel, choice.note);
  },
  async open(prepared: PreparedEngine, model: QuantModel, board: BoardProfile): Promise<EngineSession> {
    const d = prepared.data as unknown as JsData;
    try {
      const { sb, mod } = boot(d, board, true, model);
      sb.resetCost();
      return new JsSession(sb, mod, model.inputSize, model.outputSize, d.native && d.native.instructionsPerStep + NATIVE_GLUE_X86);
    } catch (e) {
      if (e instanceof OutOfMemory)
        throw new TinyrnnError({ code: 'SIM001', path: 'ram', message: `the Espruino module does not fit ${board.name}: ${e.message}` });
      throw e;
    }
  },
};

/** The JS kernel's engine (loop or unrolled, by size unless asked). */
async function prepareJs(ctx: EngineContext, kernel: 'unrolled' | 'loop' | undefined, note?: string): Promise<PreparedEngine> {
  const p = espruinoProfile(ctx.board);
  const weights: WeightsMode = p.storageMapped ? 'storage' : 'inline';
  const gen = generateModule(ctx.model, {
    board: ctx.board,
    weights,
    moduleName: moduleNameFor(ctx.model.meta.name),
    minify: true,
    ...(kernel ? { kernel } : {}),
    modelFile: ctx.modelFile,
  });
  // Inline mode carries the weights in the module source (base64): no Storage files for them.
  const blobs = weights === 'storage' ? gen.blobs.map((b) => ({ storageName: b.storageName, bytes: b.bytes })) : [];
  const data: JsData = { moduleName: gen.moduleName, source: gen.source, blobs, weights };
  const memory = measure(data, ctx.model, ctx.board);
  return {
    engine: 'js',
    detail: `Espruino module "${gen.moduleName}" (${Buffer.byteLength(gen.source, 'latin1')} B minified, weights ${weights === 'storage' ? 'in Storage, memory-mapped' : 'inline'}) in the Espruino sandbox of ${ctx.board.name}; cost model of the Espruino 2v29 interpreter`,
    memory,
    costSource: 'espruino-cost-model',
    data: data as unknown as Record<string, unknown>,
    notes: [
      'js time per step: interpreter cost counted statement by statement (targets/espruino/cost.ts, fitted to callgrind measurements of Espruino 2v29), one x86-equivalent instruction taken as one board cycle: an estimate, not a measurement on the board',
      ...(note ? [note] : []),
    ],
  };
}

/** The native kernel's engine: the native module and blob in the sandbox, E.nativeCall emulated; null without QEMU to count the blob. */
async function prepareNative(ctx: EngineContext): Promise<PreparedEngine | null> {
  // Without a time estimate wanted (parity checks only) the blob is not counted on QEMU: the estimate per multiply-accumulate stands in.
  const count = ctx.measureTime !== false;
  const b = await buildEspruinoNative(ctx.model, { board: ctx.board.id, minify: true, modelFile: ctx.modelFile, countOnQemu: count });
  if (!b.estimate.fits) return null;
  const moduleFile = b.files.find((f) => f.kind === 'module' && f.name === b.gen.moduleName)!;
  const blobs = b.files.filter((f) => f !== moduleFile && (f.kind === 'weights' || f.kind === 'module')).map((f) => ({ storageName: f.name, bytes: f.bytes }));
  const hash = readHeader(b.native.blob)!.modelHash;
  const data: JsData = {
    moduleName: b.gen.moduleName,
    source: Buffer.from(moduleFile.bytes).toString('latin1'),
    blobs,
    weights: b.weights,
    native: { hash, instructionsPerStep: b.native.cost.blobInstructions, core: b.native.core, blobBytes: b.native.blob.length },
  };
  return {
    engine: 'js',
    detail: `Espruino native module "${b.gen.moduleName}" with its ${b.native.core} blob (${b.native.blob.length} B in Storage) in the Espruino sandbox of ${ctx.board.name}; E.nativeCall emulated`,
    memory: measure(data, ctx.model, ctx.board),
    costSource: 'espruino-cost-model',
    data: data as unknown as Record<string, unknown>,
    notes: [
      count
        ? `native time per step, as compile estimates it (${b.native.cost.source}): an estimate, not a measurement on the board`
        : 'no time estimate: not requested (the blob was not counted on QEMU)',
      'native kernel in the sandbox: E.nativeCall is emulated by the reference kernels on the state and I/O memory the module passes (the blob itself is checked bit for bit on QEMU and on the real interpreter)',
    ],
  };
}
