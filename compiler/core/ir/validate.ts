// Validation of a FloatModel: collects every problem (code, JSON path, value, expectation)
// before failing, so a user fixes a broken model in one round.
//
// Codes (one test each in test/compiler/core/ir/validate.test.ts):
//   TNN100 not an object / wrong format tag     TNN101 missing or mistyped field
//   TNN102 size not a positive integer          TNN103 unknown layer kind
//   TNN104 unknown activation / option value    TNN105 array of the wrong type
//   TNN106 array of the wrong length            TNN107 non-finite value (NaN/Inf)
//   TNN108 layer input size does not chain      TNN109 model has no layers
//   TNN110 labels/features do not match sizes   TNN111 normalisation std not > 0
//   TNN112 bidirectional halves differ          TNN113 bad metadata value
//   TNN114 Elman leak rate invalid              TNN115 reservoir parameters invalid
//   TNN116 weights differ from the regenerated reservoir (compiler/core/ir/esn-check.ts)
//   TNN117 Jordan layer inside a bidirectional layer

import { Diagnostic, DiagnosticList, TinyrnnError, isPlainObject, isTypedArray, joinPath } from './errors';
import { floatEsnProblems } from './esn-check';
import { checkMeta } from './meta-check';
import {
  CELL_KINDS,
  CellLayer,
  DENSE_ACTIVATIONS,
  ELMAN_ACTIVATIONS,
  FloatModel,
  JORDAN_OUT_ACTIVATIONS,
  Layer,
  OUTPUT_MODES,
  TASKS,
  gateCount,
  layerOutputSize,
} from './model';

type Obj = Record<string, unknown>;

const join = joinPath;

const isObj = isPlainObject;

class Collector extends DiagnosticList {
  posInt(o: Obj, key: string, path: string): number | undefined {
    const v = o[key];
    if (v === undefined) {
      this.add('TNN101', join(path, key), 'missing size', undefined, 'a positive integer');
      return undefined;
    }
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0 || v > 1 << 20) {
      this.add('TNN102', join(path, key), 'size is not a positive integer', v, 'an integer in 1..1048576');
      return undefined;
    }
    return v;
  }
  /** Checks a Float32Array field of a given length; returns it if usable. */
  f32(o: Obj, key: string, path: string, length: number | undefined, shape: string): Float32Array | undefined {
    const v = o[key];
    const p = join(path, key);
    if (v === undefined) {
      this.add('TNN101', p, 'missing array', undefined, `Float32Array ${shape}`);
      return undefined;
    }
    if (!isTypedArray<Float32Array>(v, 'Float32Array')) {
      this.add('TNN105', p, 'array has the wrong type', v, `Float32Array ${shape}`);
      return undefined;
    }
    if (length !== undefined && v.length !== length) {
      this.add('TNN106', p, `has ${v.length} values`, undefined, `${shape} = ${length}`);
      return undefined;
    }
    for (let i = 0; i < v.length; i++) {
      if (!Number.isFinite(v[i])) {
        this.add('TNN107', `${p}[${i}]`, 'value is not finite', v[i], 'a finite number', 'the model diverged in training or the file was damaged');
        return undefined;
      }
    }
    return v;
  }
}

function validateCell(c: Collector, o: Obj, path: string, expectedInput: number | undefined): number | undefined {
  const kind = o.kind as CellLayer['kind'];
  const I = c.posInt(o, 'inputSize', path);
  const H = c.posInt(o, 'hidden', path);
  if (I !== undefined && expectedInput !== undefined && I !== expectedInput) {
    c.add('TNN108', `${path}.inputSize`, `layer input size is ${I}`, undefined, `${expectedInput} (the previous layer's output width)`);
  }
  const G = gateCount(kind);
  const gh = H !== undefined ? G * H : undefined;
  const hs = `H = ${H ?? '?'}, I = ${I ?? '?'}`;
  c.f32(o, 'wx', path, gh !== undefined && I !== undefined ? gh * I : undefined, `(${G}*H, I) with ${hs}`);
  c.f32(o, 'wh', path, gh !== undefined && H !== undefined ? gh * H : undefined, `(${G}*H, H) with ${hs}`);
  c.f32(o, 'bx', path, gh, `(${G}*H) with H = ${H ?? '?'}`);
  c.f32(o, 'bh', path, gh, `(${G}*H) with H = ${H ?? '?'}`);
  if (o.clip !== undefined && (typeof o.clip !== 'number' || !(o.clip > 0) || !Number.isFinite(o.clip))) {
    c.add('TNN104', `${path}.clip`, 'clip is not a positive number', o.clip, 'a finite number > 0, or absent');
  }
  if (o.name !== undefined && typeof o.name !== 'string') c.add('TNN113', `${path}.name`, 'name is not a string', o.name, 'a string');
  switch (kind) {
    case 'elman':
      if (!(ELMAN_ACTIVATIONS as readonly unknown[]).includes(o.activation)) {
        c.add('TNN104', `${path}.activation`, 'unknown Elman activation', o.activation, ELMAN_ACTIVATIONS.join(' or '));
      }
      c.problems.push(...floatEsnProblems(o, path, /\.(forward|backward)$/.test(path)));
      break;
    case 'lstm':
      if (o.peepholes !== undefined) c.f32(o, 'peepholes', path, H !== undefined ? 3 * H : undefined, `(3, H) with H = ${H ?? '?'}`);
      break;
    case 'gru':
      if (typeof o.resetAfter !== 'boolean') {
        c.add('TNN101', `${path}.resetAfter`, 'GRU variant missing', o.resetAfter, 'true (reset after, PyTorch/Keras) or false (reset before)');
      }
      break;
  }
  return H;
}

function validateLayer(c: Collector, l: unknown, path: string, expectedInput: number | undefined): number | undefined {
  if (!isObj(l)) {
    c.add('TNN100', path, 'layer is not an object', l, 'a layer object');
    return undefined;
  }
  const kind = l.kind;
  if ((CELL_KINDS as readonly unknown[]).includes(kind)) return validateCell(c, l, path, expectedInput);
  if (kind === 'bidirectional') {
    if (!isObj(l.forward) || !isObj(l.backward)) {
      c.add('TNN101', path, 'bidirectional layer needs forward and backward cells', undefined, '{ forward: cell, backward: cell }');
      return undefined;
    }
    const hf = validateLayer(c, l.forward, `${path}.forward`, expectedInput);
    const hb = validateLayer(c, l.backward, `${path}.backward`, expectedInput);
    if (l.forward.kind === 'jordan' || l.backward.kind === 'jordan') {
      c.add(
        'TNN117',
        path,
        'a Jordan layer cannot be a bidirectional half',
        'jordan',
        'elman, lstm or gru on both sides',
        'a Jordan layer feeds back its own output step by step; run it forwards only',
      );
      return undefined;
    }
    if (l.forward.kind !== l.backward.kind || !(CELL_KINDS as readonly unknown[]).includes(l.forward.kind)) {
      c.add(
        'TNN112',
        path,
        'bidirectional halves must be the same recurrent cell kind',
        `${String(l.forward.kind)}/${String(l.backward.kind)}`,
        'elman, lstm or gru on both sides',
      );
      return undefined;
    }
    if (hf !== undefined && hb !== undefined && hf !== hb) {
      c.add('TNN112', path, `bidirectional halves have hidden sizes ${hf} and ${hb}`, undefined, 'equal hidden sizes');
    }
    return hf !== undefined && hb !== undefined ? hf + hb : undefined;
  }
  if (kind === 'dense') {
    const I = c.posInt(l, 'inputSize', path);
    const U = c.posInt(l, 'units', path);
    if (I !== undefined && expectedInput !== undefined && I !== expectedInput) {
      c.add('TNN108', `${path}.inputSize`, `layer input size is ${I}`, undefined, `${expectedInput} (the previous layer's output width)`);
    }
    c.f32(l, 'w', path, I !== undefined && U !== undefined ? I * U : undefined, `(U, I) with U = ${U ?? '?'}, I = ${I ?? '?'}`);
    c.f32(l, 'b', path, U, `(U) with U = ${U ?? '?'}`);
    if (!(DENSE_ACTIVATIONS as readonly unknown[]).includes(l.activation)) {
      c.add('TNN104', `${path}.activation`, 'unknown dense activation', l.activation, DENSE_ACTIVATIONS.join(', '));
    }
    return U;
  }
  if (kind === 'jordan') return validateJordan(c, l, path, expectedInput);
  c.add('TNN103', `${path}.kind`, 'unknown layer kind', kind, [...CELL_KINDS, 'bidirectional', 'dense', 'jordan'].join(', '));
  return undefined;
}

function validateJordan(c: Collector, o: Obj, path: string, expectedInput: number | undefined): number | undefined {
  const I = c.posInt(o, 'inputSize', path);
  const H = c.posInt(o, 'hidden', path);
  const U = c.posInt(o, 'units', path);
  if (I !== undefined && expectedInput !== undefined && I !== expectedInput) {
    c.add('TNN108', `${path}.inputSize`, `layer input size is ${I}`, undefined, `${expectedInput} (the previous layer's output width)`);
  }
  const dims = `H = ${H ?? '?'}, I = ${I ?? '?'}, U = ${U ?? '?'}`;
  const n = (a: number | undefined, b: number | undefined): number | undefined => (a !== undefined && b !== undefined ? a * b : undefined);
  c.f32(o, 'wx', path, n(H, I), `(H, I) with ${dims}`);
  c.f32(o, 'wy', path, n(H, U), `(H, U) with ${dims}`);
  c.f32(o, 'bx', path, H, `(H) with ${dims}`);
  c.f32(o, 'wo', path, n(U, H), `(U, H) with ${dims}`);
  c.f32(o, 'bo', path, U, `(U) with ${dims}`);
  if (!(JORDAN_OUT_ACTIVATIONS as readonly unknown[]).includes(o.outActivation)) {
    c.add(
      'TNN104',
      `${path}.outActivation`,
      'unknown Jordan output activation',
      o.outActivation,
      JORDAN_OUT_ACTIVATIONS.join(', '),
      o.outActivation === 'softmax'
        ? 'the fed-back output must be computable on the device: use none (logits) and put a dense softmax layer after the Jordan layer'
        : undefined,
    );
  }
  if (o.name !== undefined && typeof o.name !== 'string') c.add('TNN113', `${path}.name`, 'name is not a string', o.name, 'a string');
  return U;
}

/** All problems of a would-be FloatModel; empty when it is valid. */
export function floatModelProblems(m: unknown): Diagnostic[] {
  const c = new Collector();
  if (!isObj(m)) {
    c.add('TNN100', '', 'model is not an object', m, 'a FloatModel');
    return c.problems;
  }
  if (m.format !== 'float') c.add('TNN100', 'format', 'not a float model', m.format, '"float"');
  const F = c.posInt(m, 'inputSize', '');
  if (!(TASKS as readonly unknown[]).includes(m.task)) c.add('TNN104', 'task', 'unknown task', m.task, TASKS.join(' or '));
  if (!(OUTPUT_MODES as readonly unknown[]).includes(m.output)) {
    c.add('TNN104', 'output', 'unknown output mode', m.output, `${OUTPUT_MODES.join(' or ')} (one output per step, or one per sequence)`);
  }
  if (m.normalization !== undefined) {
    if (!isObj(m.normalization)) c.add('TNN101', 'normalization', 'normalisation is not an object', m.normalization, '{ mean, std }');
    else {
      c.f32(m.normalization, 'mean', 'normalization', F, '(F)');
      const std = c.f32(m.normalization, 'std', 'normalization', F, '(F)');
      if (std) {
        for (let i = 0; i < std.length; i++) {
          if (!(std[i] > 0)) {
            c.add(
              'TNN111',
              `normalization.std[${i}]`,
              'standard deviation is not > 0',
              std[i],
              'a value > 0',
              'a constant feature has std 0: drop it, or set its std to 1',
            );
            break;
          }
        }
      }
    }
  }
  if (!Array.isArray(m.layers)) {
    c.add('TNN101', 'layers', 'layer list missing', m.layers, 'an array of layers');
    return c.problems;
  }
  if (m.layers.length === 0) c.add('TNN109', 'layers', 'model has no layers', undefined, 'at least one layer');
  let width: number | undefined = F;
  m.layers.forEach((l, i) => {
    width = validateLayer(c, l, `layers[${i}]`, width);
  });
  checkMeta(c, m.meta, F, width);
  return c.problems;
}

/** Throws a TinyrnnError listing every problem; returns the model typed when it is valid. */
export function validateFloatModel(m: unknown, file?: string): FloatModel {
  const problems = floatModelProblems(m);
  if (problems.length) throw new TinyrnnError(problems, file);
  return m as FloatModel;
}

/** Output width of every layer, for reports. */
export function layerWidths(m: FloatModel): number[] {
  return m.layers.map((l: Layer) => layerOutputSize(l));
}
