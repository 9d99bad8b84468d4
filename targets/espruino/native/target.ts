// The native kernel of the Espruino target: `compile --target espruino --kernel native`. A native
// build holds the blob (Storage file <module>.nat), the module that calls it (<module>), and the
// JS-kernel module of the same model (<fallback>, with its weights) that the module loads where
// native code cannot run; the runtime and the app are the JS build's. The memory estimate counts
// the blob in Storage only where Storage is memory-mapped (else as a flat string in RAM), the
// state and I/O block as flat strings, and the fallback in Storage only.
import { TinyrnnError } from '../../../compiler/core/ir/errors';
import { QuantModel } from '../../../compiler/core/ir/quant-model';
import { toolStatus } from '../../c/toolchain';
import { BoardProfile, espruinoProfile, findBoard } from '../../boards';
import { BuildOptions, DEFAULT_BOARD, EspruinoBuild, buildEspruino } from '../target';
import { MemoryEstimate, countFunctions, summarizeEstimate } from '../estimate';
import { STORAGE_BUFFER_BLOCKS, VIEW_BLOCKS, codeBlocks, flatBlocks, typedArrayBlocks } from '../memory';
import { buildNativeBlob } from './build';
import { NativeCore, readHeader } from './header';
import { generateNativeModule, nativeFinalSize, nativeIoBytes } from './module';
import { NativeCost, countBlobInstructions, nativeCost } from './cost';
import { StepCost } from '../target';
import { buildModelView } from '../../emit/view';

/** Thumb instructions per multiply-accumulate of a step, for an estimate without QEMU: the QEMU counts of the gesture LSTM 3-16 (5,522 / 1,280 MACs = 4.3) and GRU 3-16 (4.9) rounded up. */
export const NATIVE_INSTRUCTIONS_PER_MAC = 5;

/** The blob's cost: counted on QEMU where it is installed, else estimated from the multiply-accumulates (labelled so). */
async function blobCost(blob: Uint8Array, m: QuantModel, board: BoardProfile, core: NativeCore, count_: boolean): Promise<NativeCost> {
  const count = core === 'i386' || !count_ ? null : await countBlobInstructions(blob, m);
  if (count !== null) return nativeCost(count, board, core);
  const est = nativeCost(NATIVE_INSTRUCTIONS_PER_MAC * buildModelView(m, 'm').macs, board, core);
  return {
    ...est,
    source: est.source.replace('(QEMU count,', `(${NATIVE_INSTRUCTIONS_PER_MAC} per multiply-accumulate, not counted on QEMU,`),
  };
}

/** The build's StepCost: blob cycles and the glue's x86 instructions, both taken as board cycles. */
function stepCostOf(c: NativeCost): StepCost {
  const breakdown = {
    total: c.blobInstructions + c.glueInstructions,
    interpret: c.glueInstructions,
    helperElements: 0,
    unmapped: 0,
    nativeCode: c.blobInstructions,
    jsCalls: 0,
    nativeCalls: 0,
    statements: 0,
    loopIterations: 0,
  };
  return { instructionsPerStep: breakdown.total, breakdown, msPerStep: c.msPerStep, maxRateHz: c.maxRateHz, steps: 1 };
}

/** The native core of a board, or null where it has none Espruino can call (ESP32, Cortex-M0). */
export function nativeCoreOf(board: BoardProfile): NativeCore | null {
  if (board.core === 'cortex-m4f' || board.core === 'cortex-m4') return board.dsp === false ? 'm3' : 'm4';
  if (board.core === 'cortex-m3') return 'm3';
  return null;
}

export interface NativeBuildOptions extends BuildOptions {
  /** The core to build for; default the board's (i386 builds the Linux interpreter's test blob). */
  nativeCore?: NativeCore;
  /** Carry the JS-kernel module for boards or firmware that cannot run the blob (default true; it costs its Storage). */
  fallback?: boolean;
  /** Count the blob's instructions on QEMU for the cost (default true); false: the per-MAC estimate. */
  countOnQemu?: boolean;
}

export interface NativeParts {
  core: NativeCore;
  blob: Uint8Array;
  blobName: string;
  /** The JS-kernel build of the same model (its module and weights are in the files unless built without the fallback). */
  fallback: EspruinoBuild;
  /** The cost estimate's parts and where the blob's count came from. */
  cost: NativeCost;
}

export const fallbackNameOf = (moduleName: string): string => `${moduleName.slice(0, 21)}_js`;

/** Why a native kernel cannot be built for a board (coded), or null when it can: every model can get one. */
export function nativeRefusal(board: BoardProfile, core?: NativeCore): TinyrnnError | null {
  if (!(core ?? nativeCoreOf(board)))
    return new TinyrnnError({
      code: 'ESP510',
      path: '--kernel',
      message: `${board.name} (${board.core}) cannot run native code through E.nativeCall`,
      value: 'native',
      expected: 'a board with a Cortex-M3 or M4 core (Puck.js, Pixl.js, MDBT42Q, Bangle.js 1/2, Pico, WiFi, Original)',
      hint: 'use --kernel unrolled or loop on this board',
    });
  const st = toolStatus();
  const cc = core === 'i386' ? st.hostCc : st.armCc;
  if (!cc)
    return new TinyrnnError({
      code: 'ESP509',
      path: '--kernel',
      message: `building the native kernel needs ${core === 'i386' ? 'gcc' : 'arm-none-eabi-gcc'}, which is not installed`,
      value: 'native',
      expected: 'the compiler on PATH',
      hint: core === 'i386' ? 'apt-get install gcc gcc-multilib' : 'apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi binutils-arm-none-eabi',
    });
  return null;
}

/** The native build of a model: throws when the board cannot have one, or the blob cannot be built. */
export async function buildEspruinoNative(m: QuantModel, opts: NativeBuildOptions = {}): Promise<EspruinoBuild & { native: NativeParts }> {
  const board = findBoard(opts.board ?? DEFAULT_BOARD, { espruino: true });
  const refusal = nativeRefusal(board, opts.nativeCore);
  if (refusal) throw refusal;
  const core = (opts.nativeCore ?? nativeCoreOf(board))!;
  const blob = (await buildNativeBlob(m, core)).bytes;
  const main = buildEspruino(m, opts);
  const moduleName = main.gen.moduleName;
  const fallbackName = fallbackNameOf(moduleName);
  // The fallback is the compact loop kernel, minified: it runs only where native code cannot.
  const fallback = buildEspruino(m, { ...opts, name: fallbackName, kernel: 'loop', minify: true });
  const withFallback = opts.fallback !== false;
  const blobName = `${moduleName}.nat`;
  const source = generateNativeModule(m, blob, {
    moduleName,
    blobName,
    fallback: withFallback ? fallbackName : null,
    fallbackNote: `${fallback.gen.kernel} kernel`,
    modelFile: opts.modelFile,
    minify: opts.minify,
  });
  const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
  const files: EspruinoBuild['files'] = [main.files[0]];
  files.push({ name: blobName, local: `${moduleName}_nat.bin`, bytes: blob, kind: 'weights' });
  if (withFallback) files.push(...fallback.files.filter((f) => f.kind === 'weights' || f.kind === 'module'));
  files.push({ name: moduleName, local: `${moduleName}.js`, bytes: enc(source), kind: 'module' });
  files.push(...main.files.filter((f) => f.kind === 'app' || f.kind === 'info'));
  const estimate = nativeEstimate(board, main.estimate, files, blob.length, source, m, readHeader(blob)!.stateBytes);
  const cost = await blobCost(blob, m, board, core, opts.countOnQemu !== false);
  return { ...main, files, estimate, cost: stepCostOf(cost), native: { core, blob, blobName, fallback, cost } };
}

/** The memory of a native build: the JS build's firmware, runtime, app and label items, then the native module's own. */
function nativeEstimate(
  board: BoardProfile,
  main: MemoryEstimate,
  files: EspruinoBuild['files'],
  blobBytes: number,
  source: string,
  m: QuantModel,
  stateBytes: number,
): MemoryEstimate {
  const p = espruinoProfile(board);
  const bs = p.blockSize;
  const keep = main.items.filter((i) => i.what === 'firmware after boot' || i.what.startsWith('labels') || /^code (tinyrnn_rt|.*\.app\.js) /.test(i.what));
  const ioBytes = nativeIoBytes(m);
  const items = [
    ...keep,
    {
      what: `native blob (${blobBytes} B in Storage${p.storageMapped ? ', mapped: runs in place' : ', copied once into a flat string in RAM'})`,
      blocks: p.storageMapped ? STORAGE_BUFFER_BLOCKS : flatBlocks(blobBytes, bs),
    },
    {
      what: `stream state and I/O block (flat strings of ${ioBytes} B and the state, with their views)`,
      // final states beside the output: final() reads them through one more view
      blocks: typedArrayBlocks(ioBytes + 4, bs) + VIEW_BLOCKS * (nativeFinalSize(m) ? 2 : 1) + flatBlocks(stateBytes + 4, bs),
    },
    {
      what: `code of the native module (${source.length} chars${p.storageMapped ? ', in flash' : ', read from Storage as it runs'})`,
      blocks: codeBlocks(countFunctions(source)),
    },
  ];
  // Not mapped: E.nativeCall copies the blob into a flat string while the Storage string is still referenced.
  const transient = p.storageMapped ? 0 : flatBlocks(blobBytes, bs) + 1;
  return summarizeEstimate(
    board,
    items,
    transient,
    files.map((f) => ({ name: f.name, bytes: f.bytes.length })),
  );
}

export type KernelChoice = 'native' | 'unrolled' | 'loop';

/**
 * The kernel a build gets: the one asked for (native refused with its code when it cannot be
 * built), else native where the board's core runs it and the cross compiler is here, else the JS
 * kernel compile picks by size (kernel undefined), with a note saying why when native was possible
 * on the board but not built here.
 */
export function chooseKernel(board: BoardProfile, requested?: KernelChoice): { kernel?: KernelChoice; note?: string } {
  if (requested && requested !== 'native') return { kernel: requested };
  const refusal = nativeRefusal(board);
  if (requested === 'native') {
    if (refusal) throw refusal;
    return { kernel: 'native' };
  }
  if (!refusal) return { kernel: 'native' };
  const d = refusal.diagnostics[0];
  if (d.code === 'ESP510') return {};
  return { note: `native kernel not built (${d.code}: ${d.message}${d.hint ? `; ${d.hint}` : ''}): the JavaScript kernel runs instead` };
}

/** The build `compile` makes by default: native where chooseKernel allows and it fits, else the JS kernel; with the kernel's name and any note. */
export async function buildEspruinoDefault(m: QuantModel, opts: BuildOptions = {}): Promise<{ build: EspruinoBuild; kernel: string; note?: string }> {
  const board = findBoard(opts.board ?? DEFAULT_BOARD, { espruino: true });
  const choice = chooseKernel(board);
  if (choice.kernel === 'native') {
    const b = await buildEspruinoNative(m, opts);
    if (b.estimate.fits) return { build: b, kernel: `native (${b.native.core})` };
  }
  const b = buildEspruino(m, opts);
  return { build: b, kernel: b.gen.kernel, ...(choice.note ? { note: choice.note } : {}) };
}
