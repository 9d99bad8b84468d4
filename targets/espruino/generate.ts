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
import { assertEspruinoDialect } from './dialect';
import { minifyJs } from './minify';
import { esnGeneratorJs } from './esn';
import { UNROLL_MAX_ROWS, modelRows, unrollCell, unrollDense, unrollInput } from './unroll';
import { unrollJordan } from './unroll-jordan';
import { KERNEL_KIND } from './kinds';

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
  templates ??= loadTemplates(path.join(packageRoot(), 'targets', 'espruino', 'templates'));
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

export function generateModule(m: QuantModel, opts: GenerateOptions): GeneratedModule {
  checkModuleName(opts.moduleName);
  assertSpecVersion(m);
  const kernel = opts.kernel ?? (modelRows(m) <= UNROLL_MAX_ROWS ? 'unrolled' : 'loop');
  const view = buildView(m, { unrolled: kernel === 'unrolled' });
  const { blobs, placed } = packSections(view.sections);
  const blobIds = blobs.map((_, i) => `B${i}`);
  const storageNames = blobs.map((_, i) => `${opts.moduleName}.w${i}`);
  // Short names: the interpreter reads them on every use (l0_wx -> L0WX).
  const varOf = (name: string): string => name.replace(/_/g, '').toUpperCase();
  const seen = new Set<string>();
  for (const p of placed) {
    const v = varOf(p.name);
    if (seen.has(v)) throw new Error(`internal: two weight views would be named ${v}`);
    seen.add(v);
  }
  const views = placed.map((p) => ({ name: varOf(p.name), type: p.type, blob: blobIds[p.blob], byteOffset: p.byteOffset, length: p.data.length }));
  const resolve = (expr: string): string => (expr.startsWith('@') ? varOf(expr.slice(1)) : expr);
  const layers = view.layers.map((l) => ({
    id: l.id,
    comment: commentText(l.comment),
    fields: l.fields.map((f) => ({ name: f.name, expr: resolve(f.expr) })),
    fwd: l.fwd ? { id: l.fwd.id, fields: l.fwd.fields.map((f) => ({ name: f.name, expr: resolve(f.expr) })) } : undefined,
    bwd: l.bwd ? { id: l.bwd.id, fields: l.bwd.fields.map((f) => ({ name: f.name, expr: resolve(f.expr) })) } : undefined,
  }));
  const unrolled: string[] = [];
  const attach: string[] = [];
  if (kernel === 'unrolled') {
    m.layers.forEach((l, i) => {
      const id = `l${i}`;
      const names = (cid: string) => ({ wx: varOf(`${cid}_wx`), wh: varOf(`${cid}_wh`), obj: cid });
      if (l.kind === 'dense') {
        unrolled.push(unrollDense(l, `f_${id}`, varOf(`${id}_w`), id, i > 0));
        attach.push(`${id}.fn = f_${id};`);
      } else if (l.kind === 'bidirectional') {
        for (const [half, cell] of [
          ['f', l.forward],
          ['b', l.backward],
        ] as const) {
          unrolled.push(unrollCell(cell, `f_${id}${half}`, names(`${id}${half}`), i > 0));
          attach.push(`${id}${half}.fn = f_${id}${half};`);
        }
      } else if (l.kind === 'jordan') {
        unrolled.push(
          unrollJordan(l, `f_${id}`, { wx: varOf(`${id}r_wx`), wy: varOf(`${id}r_wy`), wo: varOf(`${id}o_w`), rec: `${id}r`, proj: `${id}o` }, i > 0),
        );
        attach.push(`${id}.fn = f_${id};`);
      } else if (l.kind !== 'pool') {
        unrolled.push(unrollCell(l, `f_${id}`, names(id), i > 0));
        attach.push(`${id}.fn = f_${id};`);
      }
    });
  }
  const storage = opts.weights === 'storage';
  const data = {
    kinds: KERNEL_KIND,
    version: VERSION,
    modelFile: commentText(opts.modelFile ?? 'a QuantModel'),
    specVersion: QUANT_SPEC_VERSION,
    modelName: commentText(m.meta.name),
    F: view.F,
    O: view.O,
    task: m.task,
    outputPer: m.output === 'sequence' ? 'time step' : 'sequence (last step)',
    boardName: commentText(opts.board.name),
    weightsMode: storage ? 'in Storage' : 'inline (base64)',
    storage,
    storageNames,
    moduleName: opts.moduleName,
    blobs: blobs.map((b, i) => ({ id: blobIds[i], storageName: jsString(storageNames[i]), base64: Buffer.from(b).toString('base64') })),
    views,
    layers,
    layerIds: view.layers.map((l) => l.id),
    layerCount: view.layers.length,
    streaming: view.streaming ? 'true' : 'false',
    outType: view.outWide ? 'Int16Array' : 'Int8Array',
    outWide: view.outWide,
    labels: (m.meta.labels ?? []).map(jsString),
    features: m.meta.features.map(jsString),
    classification: m.task === 'classification' ? 'true' : 'false',
    isClassification: m.task === 'classification',
    lastOnly: m.output === 'last',
    sampleRate: m.meta.sampleRate !== undefined && Number.isInteger(m.meta.sampleRate) ? String(m.meta.sampleRate) : 'undefined',
    rawPerUnit: Array.from(m.input.rawPerUnit, String),
    kernel,
    allUnrolled: kernel === 'unrolled',
    unrolled: unrolled.join('\n\n'),
    attach,
    unrolledInput: kernel === 'unrolled' ? unrollInput(m) : '',
    // Unrolled streaming models: the step calls the layer functions directly, copies the output unrolled.
    directStep: kernel === 'unrolled' && view.streaming ? m.layers.reduce((acc, _l, i) => `f_l${i}(${acc})`, 'input(raw)') : '',
    hasReservoir: view.reservoirs.length > 0,
    reservoirs: view.reservoirs.map((r) => ({ ...r, wxLen: r.H * r.I, whLen: r.H * r.H })),
    esnGenerator: view.reservoirs.length ? esnGeneratorJs() : '',
    outCopy: Array.from({ length: view.O }, (_, i) => `OUT[${i}] = v[${i}]${view.outWide ? '' : ' - 128'};`),
  };
  let source = espruinoTemplates().render('model.js', data);
  if (opts.minify) source = minifyJs(source);
  assertEspruinoDialect(source, `${opts.moduleName}.js`, { integerLiterals: true });
  return {
    moduleName: opts.moduleName,
    source,
    blobs: blobs.map((bytes, i) => ({ id: blobIds[i], storageName: storageNames[i], bytes })),
    view,
    views: placed.length,
    kernel,
  };
}
