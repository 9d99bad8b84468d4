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
//   (Jordan layers: compiler/core/ir/quant-jordan.ts, same codes)

import { Diagnostic, TinyrnnError, isPlainObject, joinPath } from './errors';
import { assertNever, layerInputSize, layerOutputSize } from './model';
import { quantEsnProblems } from './esn-check';
import { checkMeta, checkQuantDoc } from './meta-check';
import { QUANT_SPEC_VERSION, INT32_MAX, MULT_MAX, SHIFT_MAX, TABLE_SIZE, RAW_OFFSET_MAX } from '../spec/spec';
import { checkJordan, jordanBoundProblems } from './quant-jordan';
import { Checker, checkOutputStage, rowAbsSum, requantBound } from './quant-check';
import { QCELL_KINDS, QDENSE_ACTIVATIONS, QCellLayer, QLayer, QuantModel, qGateCount } from './quant-types';

export { Checker, checkOutputStage, rowAbsSum, requantBound } from './quant-check';

export * from './quant-types';

/** True for the one cell whose recurrent input is its int8 output h8 (elman relu: h is unbounded); the others use h16 (Q0.15). */
export function recurrentIsH8(c: QCellLayer): boolean {
  return c.kind === 'elman' && c.activation === 'relu';
}

/** Gates per cell, output and input widths: the float IR's helpers serve quantised layers too. */
export const qLayerOutputSize: (l: QLayer) => number = layerOutputSize;
export const qLayerInputSize: (l: QLayer) => number = layerInputSize;

/** Bytes of the integer parameters a device stores for a layer (weights, biases, multipliers, shifts). */
export function qLayerBytes(l: QLayer): number {
  switch (l.kind) {
    case 'elman':
    case 'lstm':
    case 'gru':
      return l.wx.length + l.wh.length + 4 * (l.bx.length + l.bh.length) + 2 * (l.mx.length + l.mh.length) + (l.sx.length + l.sh.length);
    case 'bidirectional':
      return qLayerBytes(l.forward) + qLayerBytes(l.backward);
    case 'dense':
      return l.w.length + 4 * l.b.length + 2 * l.m.length + l.s.length;
    case 'jordan':
      return (
        l.wx.length +
        l.wy.length +
        l.wo.length +
        4 * (l.bx.length + l.by.length + l.bo.length) +
        2 * (l.mx.length + l.my.length + l.mo.length) +
        (l.sx.length + l.sy.length + l.so.length)
      );
    default:
      return assertNever(l);
  }
}

// ---------------------------------------------------------------------------------------------
// Integer bounds: the static proof that no int32 intermediate overflows and every product stays
// far below 2^53 (docs/quantization.md section 6). Used by the quantiser (to refuse a model) and
// by the validator (a hand-edited file gets the same verdict).

/** Checks the accumulator and requantised-sum bounds of every row; returns the problems found. */
export function quantBoundProblems(m: QuantModel, code = 'TNN213'): Diagnostic[] {
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
  const cell = (c: QCellLayer, path: string, xMax: number): void => {
    const G = qGateCount(c.kind);
    for (let r = 0; r < G * c.hidden; r++) {
      const ax = Math.abs(c.bx[r]) + xMax * rowAbsSum(c.wx, r, c.inputSize);
      // the recurrent input is h16 (|h16| <= 32768), or h8 for elman relu
      const ah = Math.abs(c.bh[r]) + (recurrentIsH8(c) ? 128 : 32768) * rowAbsSum(c.wh, r, c.hidden);
      check(`${path}.wx[${r}]`, `input accumulator of row ${r}`, ax, INT32_MAX);
      check(`${path}.wh[${r}]`, `recurrent accumulator of row ${r}`, ah, INT32_MAX);
      if (ax <= INT32_MAX && ah <= INT32_MAX) {
        const px = requantBound(ax, c.mx[r], c.sx[r]);
        const ph = requantBound(ah, c.mh[r], c.sh[r]);
        // margin 32768: a zero point (elman relu) or a rounding term added after the sum still fits
        check(`${path}.mx[${r}]`, `pre-activation sum of row ${r}`, px + ph, INT32_MAX - 32768);
      }
    }
  };
  m.layers.forEach((l, i) => {
    const path = `layers[${i}]`;
    const xMax = i === 0 ? 32768 : 128;
    switch (l.kind) {
      case 'elman':
      case 'lstm':
      case 'gru':
        cell(l, path, xMax);
        break;
      case 'bidirectional':
        cell(l.forward, `${path}.forward`, xMax);
        cell(l.backward, `${path}.backward`, xMax);
        break;
      case 'dense':
        for (let u = 0; u < l.units; u++) {
          const a = Math.abs(l.b[u]) + xMax * rowAbsSum(l.w, u, l.inputSize);
          check(`${path}.w[${u}]`, `accumulator of unit ${u}`, a, INT32_MAX);
          if (a <= INT32_MAX) check(`${path}.m[${u}]`, `requantised output of unit ${u}`, requantBound(a, l.m[u], l.s[u]), INT32_MAX - 32768);
        }
        break;
      case 'jordan':
        jordanBoundProblems(l, path, xMax, check);
        break;
      default:
        assertNever(l);
    }
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Validation

const isObj = isPlainObject;
const join = joinPath;

function checkCell(c: Checker, o: unknown, path: string, inputSize: number | undefined): { hidden?: number; kind?: string; hZp?: number } {
  if (!isObj(o)) {
    c.add('TNN201', path, 'layer is not an object', o);
    return {};
  }
  const kind = o.kind;
  if (kind !== 'elman' && kind !== 'lstm' && kind !== 'gru') {
    c.add('TNN203', join(path, 'kind'), 'unknown cell kind', kind, QCELL_KINDS.join(', '));
    return {};
  }
  const I = c.size(o, 'inputSize', path);
  if (I !== undefined && inputSize !== undefined && I !== inputSize)
    c.add('TNN208', join(path, 'inputSize'), 'does not match the previous layer output', I, String(inputSize));
  const H = c.size(o, 'hidden', path);
  const GH = H === undefined ? undefined : qGateCount(kind) * H;
  c.arr(o, 'wx', path, Int8Array, GH !== undefined && I !== undefined ? GH * I : undefined, '(G*H, I)', -127, 127);
  c.arr(o, 'wh', path, Int8Array, GH !== undefined && H !== undefined ? GH * H : undefined, '(G*H, H)', -127, 127);
  for (const k of ['bx', 'bh']) c.arr(o, k, path, Int32Array, GH, '(G*H)', -INT32_MAX, INT32_MAX);
  for (const k of ['mx', 'mh']) c.arr(o, k, path, Int32Array, GH, '(G*H)', 0, MULT_MAX);
  for (const k of ['sx', 'sh']) c.arr(o, k, path, Int32Array, GH, '(G*H)', 0, SHIFT_MAX);
  c.int(o, 'clip', path, 0, INT32_MAX);
  const hZp = c.int(o, 'hZp', path, -128, 127);
  c.int(o, 'hM', path, 0, MULT_MAX);
  c.int(o, 'hS', path, 0, SHIFT_MAX);
  if (kind === 'elman') c.oneOf(o, 'activation', path, ['tanh', 'relu']);
  if (kind === 'elman') c.problems.push(...quantEsnProblems(o, path, /\.(forward|backward)$/.test(path)));
  if (kind === 'lstm') c.int(o, 'cellFrac', path, 0, 15);
  if (kind === 'gru') c.bool(o, 'resetAfter', path);
  return { hidden: H, kind, hZp };
}

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
  c.oneOf(m, 'output', '', ['sequence', 'last']);
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
    switch (l.kind) {
      case 'elman':
      case 'lstm':
      case 'gru':
        width = checkCell(c, l, path, width).hidden;
        break;
      case 'bidirectional': {
        const f = checkCell(c, l.forward, join(path, 'forward'), width);
        const b = checkCell(c, l.backward, join(path, 'backward'), width);
        if (f.kind && b.kind && (f.kind !== b.kind || f.hidden !== b.hidden || f.hZp !== b.hZp)) {
          c.add('TNN212', path, 'bidirectional halves differ', `${b.kind}(${b.hidden}, zp ${b.hZp})`, `same as forward: ${f.kind}(${f.hidden}, zp ${f.hZp})`);
        }
        width = f.hidden !== undefined && b.hidden !== undefined ? f.hidden + b.hidden : undefined;
        break;
      }
      case 'dense': {
        const I = c.size(l, 'inputSize', path);
        if (I !== undefined && width !== undefined && I !== width)
          c.add('TNN208', join(path, 'inputSize'), 'does not match the previous layer output', I, String(width));
        const U = c.size(l, 'units', path);
        c.arr(l, 'w', path, Int8Array, U !== undefined && I !== undefined ? U * I : undefined, '(U, I)', -127, 127);
        c.arr(l, 'b', path, Int32Array, U, '(U)', -INT32_MAX, INT32_MAX);
        c.arr(l, 'm', path, Int32Array, U, '(U)', 0, MULT_MAX);
        c.arr(l, 's', path, Int32Array, U, '(U)', 0, SHIFT_MAX);
        c.oneOf(l, 'activation', path, QDENSE_ACTIVATIONS);
        checkOutputStage(c, l, path, i === (m.layers as unknown[]).length - 1);
        if (l.activation === 'softmax' && i !== (m.layers as unknown[]).length - 1)
          c.add('TNN204', join(path, 'activation'), 'softmax is only allowed on the last layer', 'softmax', 'none, relu, tanh or sigmoid');
        width = U;
        break;
      }
      case 'jordan':
        width = checkJordan(c, l, path, width, i === (m.layers as unknown[]).length - 1);
        break;
      default:
        c.add('TNN203', join(path, 'kind'), 'unknown layer kind', l.kind, 'elman, lstm, gru, bidirectional, dense or jordan');
        width = undefined;
    }
  });
  checkQuantDoc(c, m.doc, F);
  if (O !== undefined && width !== undefined && O !== width) c.add('TNN208', 'outputSize', 'does not match the last layer output', O, String(width));
  if (c.problems.length === 0) {
    const last = m.layers[m.layers.length - 1] as QLayer;
    const want = last.kind === 'dense' || last.kind === 'jordan' ? last.outType : 's8';
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
