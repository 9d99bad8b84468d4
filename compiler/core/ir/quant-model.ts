// The quantised model IR (QuantModel): what `tinyrnn quantize` produces and what the reference
// kernels, the C target and the Espruino target consume. It holds integers only (weights,
// biases, multipliers, shifts, zero points, activation tables); the float scales under `doc`
// are documentation for dequantising results on the host and are never read by a kernel.
// The arithmetic is defined in docs/quantization.md and executed by compiler/core/reference.
//
// Legend: F model input features, I layer input, H hidden, G gates (elman 1, gru 3, lstm 4),
//         U dense units, O model outputs. Matrices are row-major (R, C).
//
// Validation codes (TNN2xx, one test each in test/compiler/quant/quant-validate.test.ts):
//   TNN200 not an object / wrong format tag     TNN201 missing or mistyped field
//   TNN202 size not a positive integer          TNN203 unknown layer kind
//   TNN204 unknown option value                 TNN205 array of the wrong type
//   TNN206 array of the wrong length            TNN207 integer out of its documented range
//   TNN208 layer sizes do not chain             TNN209 model has no layers
//   TNN210 spec version not supported           TNN211 activation table malformed
//   TNN212 bidirectional halves differ          TNN213 integer bound broken (int32 / 2^53)
//   TNN214 reservoir parameters invalid or int8 weights differ from the regenerated reservoir
//   Each kind's fields and bounds are checked by its hooks (compiler/layers/<kind>/ir.ts), same codes.

import { Diagnostic, DiagnosticCode, TinyrnnError, isPlainObject } from './errors';
import { QUANT_SPEC_VERSION, RAW_OFFSET_MAX, INPUT_BIAS_MAX, INT32_MAX, MULT_MAX, SHIFT_MAX, TABLE_SIZE } from '../spec/spec';
import { Checker } from './quant-check';
import { LAYER_KINDS, QLayer, isLayerKind } from './kinds';
import { QuantModel } from './quant-types';
import { IR_KINDS, irOf, lastOutputType, layerInputSize, layerOutputSize } from '../../layers/ir';
import { checkMeta, checkOutputSegments, checkQuantDoc } from './meta-check';
import { OUTPUT_MODES, modelOutputSize } from './model';
import { FinalPart, finalFieldProblems, finalSegments } from './final';

export { Checker, checkOutputStage, rowAbsSum, requantBound } from './quant-check';
export { recurrentIsH8 } from '../../layers/cell/ir';
export { qLayerBytes } from '../../layers/ir';

export * from './quant-types';

/** Output and input widths: the float IR's helpers serve quantised layers too. */
export const qLayerOutputSize: (l: QLayer) => number = layerOutputSize;
export const qLayerInputSize: (l: QLayer) => number = layerInputSize;

/** Throws TNN210 unless the model's integers are defined by the spec version this tinyrnn implements. */
export function assertSpecVersion(m: { specVersion: number }): void {
  if (m.specVersion !== QUANT_SPEC_VERSION) {
    throw new TinyrnnError({
      code: 'TNN210',
      path: 'specVersion',
      message: `quantisation spec version ${m.specVersion} is not supported`,
      expected: String(QUANT_SPEC_VERSION),
      hint: 'quantise the float model again with this tinyrnn',
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Integer bounds: the static proof that no int32 intermediate overflows and every product stays
// far below 2^53 (docs/quantization.md section 6). Used by the quantiser (to refuse a model) and
// by the validator (a hand-edited file gets the same verdict).

/** Checks the accumulator and requantised-sum bounds of every row; returns the problems found. */
export function quantBoundProblems(m: QuantModel, code: DiagnosticCode = 'TNN213'): Diagnostic[] {
  const out: Diagnostic[] = [];
  const hint = 'the weights or biases are too large for exact integer arithmetic: retrain with weight decay or a smaller learning rate, or clip the weights';
  const check = (path: string, what: string, v: number, limit: number): void => {
    if (!(v <= limit)) {
      out.push({
        code,
        path,
        message: `${what} can reach ${v}, beyond ${limit} (int32); the int32 arithmetic would overflow and products would leave the range where JavaScript numbers are exact (2^53)`,
        value: v,
        expected: `at most ${limit}`,
        hint,
      });
    }
  };
  // |input element|: 32768 for the first layer (x16), 128 after it (int8)
  m.layers.forEach((l, i) => irOf(l).bounds(l, `layers[${i}]`, i === 0 ? 32768 : 128, check));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Validation

const isObj = isPlainObject;

/** Returns every problem of a decoded quant model (empty when it is valid). */
export function quantModelProblems(m: unknown): Diagnostic[] {
  const c = new Checker();
  if (!isObj(m) || m.format !== 'quant') {
    c.add('TNN200', 'format', 'not a quantised model', isObj(m) ? m.format : m, '"quant"');
    return c.problems;
  }
  const v = m.specVersion;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > QUANT_SPEC_VERSION) {
    c.add(
      'TNN210',
      'specVersion',
      `quantisation spec version ${String(v)} is not supported (this tinyrnn implements version ${QUANT_SPEC_VERSION})`,
      v,
      `${QUANT_SPEC_VERSION}`,
      'quantise the float model again with this tinyrnn, or upgrade tinyrnn',
    );
    return c.problems;
  }
  c.oneOf(m, 'task', '', ['classification', 'regression']);
  c.oneOf(m, 'output', '', OUTPUT_MODES);
  c.oneOf(m, 'outputType', '', ['s8', 's16']);
  const F = c.size(m, 'inputSize', '');
  const O = c.size(m, 'outputSize', '');
  checkMeta(c, m.meta, F, O);
  if (!isObj(m.input)) c.add('TNN201', 'input', 'missing input stage', m.input);
  else {
    c.arr(m.input, 'rawPerUnit', 'input', Int32Array, F, '(F)', 1, INT32_MAX);
    c.arr(m.input, 'offset', 'input', Int32Array, F, '(F)', -RAW_OFFSET_MAX, RAW_OFFSET_MAX);
    c.arr(m.input, 'm', 'input', Int32Array, F, '(F)', 0, MULT_MAX);
    c.arr(m.input, 's', 'input', Int32Array, F, '(F)', 0, SHIFT_MAX);
    if (m.input.bias !== undefined) c.arr(m.input, 'bias', 'input', Int32Array, F, '(F)', -INPUT_BIAS_MAX, INPUT_BIAS_MAX);
  }
  if (!isObj(m.tables)) c.add('TNN201', 'tables', 'missing activation tables', m.tables);
  else {
    for (const name of ['sigmoid', 'tanh'] as const) {
      const t = c.arr(m.tables, name, 'tables', Int16Array, TABLE_SIZE, '(257)', 0, 32767);
      if (!t) continue;
      let ok = t[0] === (name === 'sigmoid' ? 16384 : 0);
      for (let k = 1; k < t.length; k++) if (t[k] < t[k - 1]) ok = false;
      if (!ok)
        c.add(
          'TNN211',
          `tables.${name}`,
          'activation table is malformed',
          undefined,
          `non-decreasing, starting at ${name === 'sigmoid' ? 16384 : 0}`,
          'the file was edited or damaged: quantise the float model again',
        );
    }
  }
  if (!Array.isArray(m.layers) || m.layers.length === 0) {
    c.add(Array.isArray(m.layers) ? 'TNN209' : 'TNN201', 'layers', 'model has no layers', m.layers, 'at least one layer');
    return c.problems;
  }
  let width: number | undefined = F;
  m.layers.forEach((l: unknown, i: number) => {
    const path = `layers[${i}]`;
    if (!isObj(l)) {
      c.add('TNN201', path, 'layer is not an object', l);
      width = undefined;
      return;
    }
    if (!isLayerKind(l.kind)) {
      c.add('TNN203', `${path}.kind`, 'unknown layer kind', l.kind, LAYER_KINDS.join(', '));
      width = undefined;
      return;
    }
    width = IR_KINDS[l.kind].validateQuant(c, l, path, width, i === (m.layers as unknown[]).length - 1);
  });
  checkQuantDoc(c, m.doc, F);
  const last = c.problems.length === 0 ? (m.layers[m.layers.length - 1] as QLayer) : undefined;
  for (const p of finalFieldProblems(m, last)) c.add('TNN215', p.path, p.message, p.value, p.expected);
  if (m.output === 'final') width = c.problems.length === 0 && last ? modelOutputSize(m as unknown as QuantModel) : undefined;
  if (c.problems.length === 0 && isPlainObject(m.doc))
    checkOutputSegments(c, m.doc, m.final !== undefined && last ? finalSegments(last, m.final as FinalPart[]) : undefined, m.output === 'final');
  if (O !== undefined && width !== undefined && O !== width) c.add('TNN208', 'outputSize', 'does not match the last layer output', O, String(width));
  if (c.problems.length === 0) {
    const want = m.output === 'final' ? 's16' : lastOutputType(m as unknown as QuantModel);
    if (m.outputType !== want) c.add('TNN204', 'outputType', 'does not match the last layer', m.outputType, want);
    c.problems.push(...quantBoundProblems(m as unknown as QuantModel));
  }
  return c.problems;
}

/** Validates a decoded quant model; throws a TinyrnnError listing every problem. */
export function validateQuantModel(m: unknown): QuantModel {
  const problems = quantModelProblems(m);
  if (problems.length) throw new TinyrnnError(problems);
  return m as QuantModel;
}
