// The JS module of a native Espruino build: it checks the blob's header and addresses, owns the
// stream state and the I/O block (flat typed arrays it passes by address), and calls the blob through
// E.nativeCall, with the same API as the JS-kernel module (reset, step, run, predict, classify,
// argmax, toRaw, and final() for a model with final states beside its output). Where native code
// cannot run it loads the JS-kernel module built beside it.
import { QuantModel } from '../../../compiler/core/ir/quant-model';
import { QUANT_SPEC_VERSION } from '../../../compiler/core/spec/spec';
import { VERSION } from '../../../compiler/core/util/version';
import { commentText, jsString } from '../../emit/names';
import { assertEspruinoDialect } from '../dialect';
import { espruinoTemplates } from '../generate';
import { outputPerText } from '../../../compiler/core/ir/model';
import { hasExtraFinal, modelFinalSize } from '../../../compiler/core/ir/final';
import { minifyJs } from '../minify';
import { NATIVE_CORES, NATIVE_HEADER_BYTES, NativeCore, readHeader } from './header';

export const NATIVE_CORE_NAMES: Record<NativeCore, string> = {
  m4: 'Cortex-M4 (DSP)',
  m3: 'Cortex-M3',
  i386: 'i386 (the Linux Espruino interpreter, for tests)',
};

export interface NativeModuleOptions {
  moduleName: string;
  /** Storage name of the blob. */
  blobName: string;
  /** require() name of the JS-kernel module loaded when native code cannot run; null: none (loading then throws). */
  fallback: string | null;
  fallbackNote: string;
  modelFile?: string;
  minify?: boolean;
}

/** Final states beside the output: their width (what the module's final() returns), else 0. */
export const nativeFinalSize = (m: QuantModel): number => (hasExtraFinal(m) ? modelFinalSize(m) : 0);

/** Bytes of the module's I/O block: the operation word, then a step's inputs and outputs or the final states. */
export const nativeIoBytes = (m: QuantModel): number => 4 * (1 + Math.max(m.inputSize + m.outputSize, nativeFinalSize(m)));

/** The module source for a model and its blob (the blob's header supplies core, sizes and hash). */
export function generateNativeModule(m: QuantModel, blob: Uint8Array, opts: NativeModuleOptions): string {
  const h = readHeader(blob);
  if (!h || h.entry !== NATIVE_HEADER_BYTES) throw new Error('internal: the native blob has no valid header');
  const data = {
    version: VERSION,
    modelFile: commentText(opts.modelFile ?? 'a QuantModel'),
    specVersion: QUANT_SPEC_VERSION,
    modelName: commentText(m.meta.name),
    F: m.inputSize,
    O: m.outputSize,
    task: m.task,
    outputPer: outputPerText(m.output),
    coreName: NATIVE_CORE_NAMES[h.core],
    coreCode: NATIVE_CORES[h.core],
    thumb: h.core !== 'i386',
    blobName: jsString(opts.blobName),
    blobNameText: commentText(opts.blobName).replace(/["\\]/g, ''),
    blobBytes: blob.length,
    fallback: opts.fallback === null ? '' : jsString(opts.fallback),
    fallbackNote: commentText(opts.fallbackNote),
    moduleName: opts.moduleName,
    streaming: h.streaming ? 'true' : 'false',
    streamingBool: h.streaming,
    stateBytes: h.stateBytes,
    hashBytes: Array.from({ length: 8 }, (_, i) => String(parseInt(h.modelHash.slice(2 * i, 2 * i + 2), 16))),
    labels: (m.meta.labels ?? []).map(jsString),
    classification: m.task === 'classification',
    // one answer per sequence: the last step's output, or the final states (run returns one row)
    lastOnly: m.output !== 'sequence',
    finalOut: m.output === 'final',
    rawPerUnit: Array.from(m.input.rawPerUnit, String),
    // final states beside the output: their width, read by final() (0: the module has no final())
    finSize: nativeFinalSize(m),
    ioBytes: nativeIoBytes(m),
  };
  let source = espruinoTemplates().render('model-native.js', data);
  if (opts.minify) source = minifyJs(source);
  assertEspruinoDialect(source, `${opts.moduleName}.js`, { integerLiterals: true });
  return source;
}
