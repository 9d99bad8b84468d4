// Checks shared by the float and the quantised model: the metadata (free text that reaches
// reports and generated code, so every field has a checked type) and the quantised model's
// documentation scales (printed by inspect and quantize, so every number is finite).
//   TNN101 metadata missing         TNN110 labels/features do not match the sizes
//   TNN113 metadata field of the wrong type or value

import { DiagnosticList, isPlainObject } from './errors';
import type { FinalSegment } from './final';

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/** Metadata of a model with F inputs and O outputs (undefined: not known, the size check is skipped). */
export function checkMeta(c: DiagnosticList, meta: unknown, F: number | undefined, O: number | undefined): void {
  if (!isPlainObject(meta)) return c.add('TNN101', 'meta', 'metadata missing', meta, '{ name, features, ... }');
  if (typeof meta.name !== 'string') c.add('TNN113', 'meta.name', 'model name is not a string', meta.name, 'a string');
  if (!isStringList(meta.features)) c.add('TNN113', 'meta.features', 'feature names are not a list of strings', meta.features, 'string[]');
  else if (F !== undefined && meta.features.length !== F)
    c.add('TNN110', 'meta.features', `${meta.features.length} feature names`, undefined, `${F} (the model's input size)`);
  if (meta.sampleRate !== undefined && !(typeof meta.sampleRate === 'number' && meta.sampleRate > 0 && Number.isFinite(meta.sampleRate))) {
    c.add('TNN113', 'meta.sampleRate', 'sample rate is not a positive number', meta.sampleRate, 'Hz > 0, or absent');
  }
  if (meta.extra !== undefined && (!isPlainObject(meta.extra) || Object.values(meta.extra).some((v) => typeof v !== 'string'))) {
    c.add('TNN113', 'meta.extra', 'extra metadata is not a string map', meta.extra, 'Record<string, string>');
  }
  if (meta.labels === undefined) return;
  if (!isStringList(meta.labels)) return c.add('TNN113', 'meta.labels', 'class labels are not a list of strings', meta.labels, 'string[]');
  if (O !== undefined && meta.labels.length !== O)
    c.add('TNN110', 'meta.labels', `${meta.labels.length} class labels`, undefined, `${O} (the model's output width)`);
  if (new Set(meta.labels).size !== meta.labels.length) c.add('TNN110', 'meta.labels', 'class labels are not unique', meta.labels, 'distinct names');
}

function finite(c: DiagnosticList, o: Record<string, unknown>, key: string, path: string, kind: 'scale' | 'zp' | 'optional scale'): void {
  const v = o[key];
  if (kind === 'optional scale' && v === undefined) return;
  const ok = typeof v === 'number' && (kind === 'zp' ? Number.isSafeInteger(v) : v > 0 && Number.isFinite(v));
  if (!ok)
    c.add(
      'TNN113',
      `${path}.${key}`,
      `documentation ${kind === 'zp' ? 'zero point' : 'scale'} is not a ${kind === 'zp' ? 'integer' : 'positive number'}`,
      v,
      kind === 'zp' ? 'an integer' : 'a finite number > 0',
    );
}

/** The documentation scales of a quantised model with F inputs (types and finiteness: inspect and quantize print them). */
export function checkQuantDoc(c: DiagnosticList, doc: unknown, F: number | undefined): void {
  if (!isPlainObject(doc)) return c.add('TNN201', 'doc', 'missing documentation scales', doc, '{ inputScale, layers, outputScale, outputZp, calibration }');
  const scales = doc.inputScale;
  if (!Array.isArray(scales) || (F !== undefined && scales.length !== F) || scales.some((s) => !(typeof s === 'number' && s > 0 && Number.isFinite(s)))) {
    c.add('TNN113', 'doc.inputScale', 'input scales are not one positive number per feature', scales, `${F ?? 'F'} finite numbers > 0`);
  }
  if (!Array.isArray(doc.layers)) {
    c.add('TNN113', 'doc.layers', 'layer scales are not a list', doc.layers, 'records { outScale, outZp }');
  } else {
    doc.layers.forEach((l: unknown, i: number) => {
      const path = `doc.layers[${i}]`;
      if (!isPlainObject(l)) return c.add('TNN113', path, 'layer scales are not a record', l, '{ outScale, outZp }');
      finite(c, l, 'outScale', path, 'scale');
      finite(c, l, 'outZp', path, 'zp');
      finite(c, l, 'cellScale', path, 'optional scale');
    });
  }
  finite(c, doc, 'outputScale', 'doc', 'scale');
  finite(c, doc, 'outputZp', 'doc', 'zp');
  if (Array.isArray(doc.outputSegments))
    doc.outputSegments.forEach((s: unknown, i: number) => {
      const path = `doc.outputSegments[${i}]`;
      if (!isPlainObject(s)) return c.add('TNN113', path, 'output segment is not a record', s, '{ part, direction, offset, size, scale, zp }');
      finite(c, s, 'scale', path, 'scale');
      finite(c, s, 'zp', path, 'zp');
    });
  if (typeof doc.calibration !== 'string') c.add('TNN113', 'doc.calibration', 'calibration note is not a string', doc.calibration, 'a string');
}

/**
 * The documentation's output segments against the model's final-state layout `want` (undefined:
 * the model does not output final states, so there must be none): same parts, directions, offsets
 * and sizes, in order; in output mode 'final' (isMain) the first one's scale and zero point repeated
 * as outputScale/outputZp (TNN215). Beside a main output the segments describe the final vector only.
 */
export function checkOutputSegments(c: DiagnosticList, doc: Record<string, unknown>, want: readonly FinalSegment[] | undefined, isMain = true): void {
  const got = doc.outputSegments;
  if (want === undefined) {
    if (got !== undefined)
      c.add('TNN215', 'doc.outputSegments', 'output segments for a model that does not output final states', got, 'no segments, or a "final" field');
    return;
  }
  const layout = (s: unknown) => (isPlainObject(s) ? `${String(s.part)} ${String(s.direction)} ${String(s.offset)}+${String(s.size)}` : String(s));
  const expected = want.map(layout).join(', ');
  if (!Array.isArray(got) || got.map(layout).join(', ') !== expected)
    return c.add('TNN215', 'doc.outputSegments', 'output segments do not match the final states the model outputs', got, expected);
  const first = got[0] as Record<string, unknown> | undefined;
  // output mode 'final': the first segment's scale is the output's; beside a main output it is the main output's own
  if (isMain && first && (first.scale !== doc.outputScale || first.zp !== doc.outputZp))
    c.add(
      'TNN215',
      'doc.outputScale',
      "the output scale is not the first segment's",
      [doc.outputScale, doc.outputZp],
      `${String(first.scale)}, ${String(first.zp)}`,
    );
}
