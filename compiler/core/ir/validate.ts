// Validation of a FloatModel: collects every problem (code, JSON path, value, expectation)
// before failing, so a user fixes a broken model in one round. Each layer is checked by its kind's
// hooks (compiler/layers/<kind>/ir.ts); this file checks the model around them.
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
//   TNN119 final-state output (output mode 'final') invalid

import { Diagnostic, TinyrnnError, isPlainObject } from './errors';
import { FloatChecker } from './float-check';
import { FloatModel, Layer, OUTPUT_MODES, TASKS, layerOutputSize, modelOutputSize } from './model';
import { finalFieldProblems } from './final';
import { LAYER_KINDS, isLayerKind } from './kinds';
import { IR_KINDS } from '../../layers/ir';
import { checkMeta } from './meta-check';

const isObj = isPlainObject;

/** Checks one would-be layer by its kind's hooks; returns its output width when known. */
function validateLayer(c: FloatChecker, l: unknown, path: string, width: number | undefined): number | undefined {
  if (!isObj(l)) {
    c.add('TNN100', path, 'layer is not an object', l, 'a layer object');
    return undefined;
  }
  if (!isLayerKind(l.kind)) {
    c.add('TNN103', `${path}.kind`, 'unknown layer kind', l.kind, LAYER_KINDS.join(', '));
    return undefined;
  }
  return IR_KINDS[l.kind].validate(c, l, path, width, (o, p, w) => validateLayer(c, o, p, w));
}

/** All problems of a would-be FloatModel; empty when it is valid. */
export function floatModelProblems(m: unknown): Diagnostic[] {
  const c = new FloatChecker();
  if (!isObj(m)) {
    c.add('TNN100', '', 'model is not an object', m, 'a FloatModel');
    return c.problems;
  }
  if (m.format !== 'float') c.add('TNN100', 'format', 'not a float model', m.format, '"float"');
  const F = c.posInt(m, 'inputSize', '');
  if (!(TASKS as readonly unknown[]).includes(m.task)) c.add('TNN104', 'task', 'unknown task', m.task, TASKS.join(' or '));
  if (!(OUTPUT_MODES as readonly unknown[]).includes(m.output)) {
    c.add('TNN104', 'output', 'unknown output mode', m.output, `${OUTPUT_MODES.join(', ')} (one output per step, one per sequence, or the final states)`);
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
  const last = c.problems.length === 0 ? (m.layers[m.layers.length - 1] as Layer | undefined) : undefined;
  for (const p of finalFieldProblems(m, last)) c.add('TNN119', p.path, p.message, p.value, p.expected);
  if (m.output === 'final') width = c.problems.length === 0 && last ? modelOutputSize(m as unknown as FloatModel) : undefined;
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
