// Generates the Espruino module for a QuantModel: the model module (kernels + constants), its
// weight blobs (inline base64 or Storage files), with the dialect check applied to the result.
// Pure: returns file contents; target.ts writes them and adds the runtime, the example app and
// the manifest.
import * as path from 'node:path';
import { QuantModel, assertSpecVersion } from '../../compiler/core/ir/quant-model';
import { TinyrnnError } from '../../compiler/core/ir/errors';
import { loadTemplates, TemplateSet } from '../emit/template';
import { jsString, commentText } from '../emit/names';
import { packageRoot, VERSION } from '../../compiler/core/util/version';
import { QUANT_SPEC_VERSION } from '../../compiler/core/spec/spec';
import { BoardProfile } from '../boards';
import { buildView, EspruinoView, packSections } from './emit';
import { LayerView } from './layer-view';
import { INT8_BIAS, floorOffset, requantConst } from './arith';
import { assertEspruinoDialect } from './dialect';
import { minifyJs } from './minify';
import { esnGeneratorJs } from './esn';
import { UNROLL_MAX_ROWS, modelRows, unrollInput, unrollLayers } from './unroll';
import { KERNEL_KIND } from './kinds';
import { finalOutputSize, finalSegments, hasExtraFinal } from '../../compiler/core/ir/final';
import { outputPerText } from '../../compiler/core/ir/model';

export type WeightsMode = 'inline' | 'storage';

export interface GenerateOptions {
  board: BoardProfile;
  weights: WeightsMode;
  /** Module name (require() name and Storage file name), <= 24 characters. */
  moduleName: string;
  minify?: boolean;
  /** 'unrolled': straight-line code per layer with literal constants (fast); 'loop': compact loop kernels; default by size. */
  kernel?: 'unrolled' | 'loop';
  /** Model file name for the banner. */
  modelFile?: string;
}

export interface GeneratedModule {
  moduleName: string;
  /** The module's JavaScript. */
  source: string;
  /** Weight blobs; for storage mode each goes to Storage under its name. */
  blobs: { id: string; storageName: string; bytes: Uint8Array }[];
  view: EspruinoView;
  /** Typed-array views on the blobs. */
  views: number;
  kernel: 'unrolled' | 'loop';
}

let templates: TemplateSet | undefined;
export function espruinoTemplates(): TemplateSet {
  const root = packageRoot();
  // the loop kernels of each layer kind: compiler/layers/<kind>/espruino-kernel.hbs
  templates ??= loadTemplates(path.join(root, 'targets', 'espruino', 'templates'), { layersDir: path.join(root, 'compiler', 'layers'), stage: 'espruino' });
  return templates;
}

/** A Storage-safe module name from the model name: lower-case letters, digits, _; <= 20 chars. */
export function moduleNameFor(name: string): string {
  let s = name
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!/^[a-z]/.test(s)) s = `m_${s}`;
  s = s.slice(0, 20).replace(/_+$/, '');
  return s || 'model';
}

export function checkModuleName(name: string): void {
  if (!/^[a-z][a-z0-9_]{0,23}$/.test(name)) {
    throw new TinyrnnError({
      code: 'ESP202',
      path: '--name',
      message: 'module name is not usable as a Storage file name',
      value: name,
      expected: 'a lower-case letter, then letters, digits or _ (at most 24 characters; Storage names are at most 28)',
    });
  }
}

/** The module variable of a blob section: short, since the interpreter reads the name on every use (l0_wx -> L0WX). */
function varOf(name: string): string {
  return name.replace(/_/g, '').toUpperCase();
}

/** The blobs, their ids and Storage names, and the typed-array views on them (one module variable per section). */
function placeSections(view: EspruinoView, moduleName: string) {
  const { blobs, placed } = packSections(view.sections);
  const blobIds = blobs.map((_, i) => `B${i}`);
  const storageNames = blobs.map((_, i) => `${moduleName}.w${i}`);
  const seen = new Set<string>();
  for (const p of placed) {
    const v = varOf(p.name);
    if (seen.has(v)) throw new Error(`internal: two weight views would be named ${v}`);
    seen.add(v);
  }
  const views = placed.map((p) => ({ name: varOf(p.name), type: p.type, blob: blobIds[p.blob], byteOffset: p.byteOffset, length: p.data.length }));
  return { blobs, blobIds, storageNames, views };
}

/** A layer object's fields with section references (`@name`) resolved to their module variables. */
function resolvedFields(l: LayerView): { name: string; expr: string }[] {
  return l.fields.map((f) => ({ name: f.name, expr: f.expr.startsWith('@') ? varOf(f.expr.slice(1)) : f.expr }));
}

function moduleLayers(view: EspruinoView) {
  return view.layers.map((l) => ({
    id: l.id,
    comment: commentText(l.comment),
    fields: resolvedFields(l),
    fwd: l.fwd ? { id: l.fwd.id, fields: resolvedFields(l.fwd) } : undefined,
    bwd: l.bwd ? { id: l.bwd.id, fields: resolvedFields(l.bwd) } : undefined,
  }));
}

/** The template's fields describing the model and its board (banner, metadata, API constants). */
function modelData(m: QuantModel, opts: GenerateOptions, view: EspruinoView) {
  return {
    kinds: KERNEL_KIND,
    version: VERSION,
    modelFile: commentText(opts.modelFile ?? 'a QuantModel'),
    specVersion: QUANT_SPEC_VERSION,
    modelName: commentText(m.meta.name),
    F: view.F,
    O: view.O,
    task: m.task,
    outputPer: outputPerText(m.output),
    boardName: commentText(opts.board.name),
    streaming: view.streaming ? 'true' : 'false',
    outType: view.outWide ? 'Int16Array' : 'Int8Array',
    outWide: view.outWide,
    int8Bias: INT8_BIAS,
    labels: (m.meta.labels ?? []).map(jsString),
    features: m.meta.features.map(jsString),
    classification: m.task === 'classification' ? 'true' : 'false',
    isClassification: m.task === 'classification',
    // one answer per sequence: the last step's output, or the final states (run returns one row)
    lastOnly: m.output !== 'sequence',
    sampleRate: m.meta.sampleRate !== undefined && Number.isInteger(m.meta.sampleRate) ? String(m.meta.sampleRate) : 'undefined',
    rawPerUnit: Array.from(m.input.rawPerUnit, String),
    // The GRU reset-after kernel's floor of r * hn by 2^15 (arith.ts identity 1, m = 1, s = 15).
    resetAfterConst: requantConst(0, 1, 15),
    resetAfterOffset: floorOffset(15),
  };
}

/**
 * Final states (the output in mode 'final', else what final() returns beside the output): one entry
 * per segment, `[cell object, part (0 h, 1 c), offset, size]`, the cell object of its direction (a
 * bidirectional layer's halves, forward then backward); [] without final states.
 */
function finalData(m: QuantModel, view: EspruinoView) {
  const last = view.layers[view.layers.length - 1];
  const cells = last.fwd && last.bwd ? [last.fwd.id, last.bwd.id] : [last.id];
  const segments = m.final ? (finalSegments(m.layers[m.layers.length - 1], m.final) ?? []) : [];
  return {
    finalOut: m.output === 'final',
    extraFinal: hasExtraFinal(m),
    anyFinal: segments.length > 0,
    finSize: m.output === 'final' ? 'O' : String(finalOutputSize(segments)),
    finalSegments: segments.map((s) => `[${cells[s.half]}, ${s.part === 'c' ? 1 : 0}, ${s.offset}, ${s.size}]`),
  };
}

/** The template's fields of the kernels: unrolled steps, or the loop kernels' switch. */
function kernelData(m: QuantModel, view: EspruinoView, kernel: 'unrolled' | 'loop') {
  const unrolled = kernel === 'unrolled' ? unrollLayers(m, varOf) : { fns: [], attach: [] };
  return {
    kernel,
    allUnrolled: kernel === 'unrolled',
    // The pool kernel goes only into a module with a pool layer (as in C): every other module is unchanged.
    hasPool: view.layers.some((l) => l.kind === KERNEL_KIND.pool),
    // Likewise the liquid's generator and kernel; an unrolled step also calls its generator.
    hasLsm: view.layers.some((l) => l.kind === KERNEL_KIND.lsm),
    unrolled: unrolled.fns.join('\n\n'),
    attach: unrolled.attach,
    unrolledInput: kernel === 'unrolled' ? unrollInput(m) : '',
    // a reverse layer's cell object runs backwards in run() (compiler/layers/reverse/espruino-kernel.hbs)
    hasReverse: m.layers.some((l) => l.kind === 'reverse'),
    // Unrolled streaming models: the step calls the layer functions directly, copies the output unrolled.
    directStep: kernel === 'unrolled' && view.streaming ? m.layers.reduce((acc, _l, i) => `f_l${i}(${acc})`, 'input(raw)') : '',
    outCopy: Array.from({ length: view.O }, (_, i) => `OUT[${i}] = v[${i}]${view.outWide ? '' : ` - ${INT8_BIAS}`};`),
  };
}

function reservoirData(view: EspruinoView) {
  return {
    hasReservoir: view.reservoirs.length > 0,
    reservoirs: view.reservoirs.map((r) => ({ ...r, wxLen: r.H * r.I, whLen: r.H * r.H })),
    esnGenerator: view.reservoirs.length ? esnGeneratorJs() : '',
  };
}

export function generateModule(m: QuantModel, opts: GenerateOptions): GeneratedModule {
  checkModuleName(opts.moduleName);
  assertSpecVersion(m);
  const kernel = opts.kernel ?? (modelRows(m) <= UNROLL_MAX_ROWS ? 'unrolled' : 'loop');
  const view = buildView(m, { unrolled: kernel === 'unrolled' });
  const { blobs, blobIds, storageNames, views } = placeSections(view, opts.moduleName);
  const storage = opts.weights === 'storage';
  const data = {
    ...modelData(m, opts, view),
    weightsMode: storage ? 'in Storage' : 'inline (base64)',
    storage,
    storageNames,
    moduleName: opts.moduleName,
    blobs: blobs.map((b, i) => ({ id: blobIds[i], storageName: jsString(storageNames[i]), base64: Buffer.from(b).toString('base64') })),
    views,
    layers: moduleLayers(view),
    layerIds: view.layers.map((l) => l.id),
    layerCount: view.layers.length,
    ...kernelData(m, view, kernel),
    ...reservoirData(view),
    ...finalData(m, view),
  };
  let source = espruinoTemplates().render('model.js', data);
  if (opts.minify) source = minifyJs(source);
  assertEspruinoDialect(source, `${opts.moduleName}.js`, { integerLiterals: true });
  return {
    moduleName: opts.moduleName,
    source,
    blobs: blobs.map((bytes, i) => ({ id: blobIds[i], storageName: storageNames[i], bytes })),
    view,
    views: views.length,
    kernel,
  };
}
