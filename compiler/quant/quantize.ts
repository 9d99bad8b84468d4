// The quantize pass: FloatModel + calibration data -> QuantModel (docs/quantization.md section 7).
// All floating point of the int8 pipeline happens here; the result holds integers only (plus
// documentation scales under `doc`). The model driver: the input stage, then each layer through
// its kind's hooks (compiler/layers/<kind>/quant.ts, listed in compiler/layers/quant.ts).
// Problems are collected and reported together:
//   QNT001 NaN/Inf parameter     QNT002 peepholes          QNT003 integer bound broken
//   QNT004 multiplier too large  QNT005 calibration data   QNT006 softmax not last
//   QNT007 raw offset too large  QNT008 bad option value    (QNT009: report.ts)

import { TinyrnnError } from '../core/ir/errors';
import { validateFloatModel } from '../core/ir/validate';
import { FloatModel, layerOutputSize, modelOutputSize } from '../core/ir/model';
import { QLayer, QuantModel, quantBoundProblems, validateQuantModel } from '../core/ir/quant-model';
import { calibrate, rawAbsMax } from './calibrate';
import { layerOutType } from '../layers/ir';
import { sigmoidTable, tanhTable } from './scale';
import { QUANT_SPEC_VERSION } from '../core/spec/spec';
import { RawUnitReason, chooseRawPerUnit, quantizeInputStage } from './input';
import { commonInputScale, firstLayerIsReservoir } from '../esn/quant';
import { quantHooks } from '../layers/quant';
import { finalOutputSegments } from './final';
import { Cols, DEFAULT_HEADROOM, INPUT_HEADROOM, MAX_HEADROOM, Problems, QParams, nonFinite, uniform } from './rows';

export {
  DEFAULT_HEADROOM,
  INPUT_HEADROOM,
  MAX_HEADROOM,
  PRE_SCALE,
  Problems,
  int8Params,
  nonFinite,
  quantRows,
  foldBias,
  rowMultipliers,
  uniform,
} from './rows';
export { denseParams } from '../layers/dense/quant';
export type { Cols, QParams } from './rows';

export interface QuantizeOptions {
  /** Use the P-th / (100-P)-th percentiles instead of min/max (P in (50, 100]). */
  percentile?: number;
  /** Raw units per model unit for every feature (an integer >= 1); default: automatic (section 7.9). */
  rawPerUnit?: number;
  /** Output and state ranges cover this many times their calibrated range (>= 1; default DEFAULT_HEADROOM). */
  headroom?: number;
  /** Where the calibration data came from (recorded in doc.calibration). */
  source?: string;
}

/** How rawPerUnit is chosen (section 7.9): as given, 1 for integer-valued data, else a power of two. */
export function rawUnitReason(opts: QuantizeOptions, integerInputs: boolean): RawUnitReason {
  return opts.rawPerUnit !== undefined ? 'explicit' : integerInputs ? 'integer' : 'float';
}

function preflight(m: FloatModel): void {
  const p = new Problems();
  if (m.normalization) {
    nonFinite(p, m.normalization.mean, 'normalization.mean');
    nonFinite(p, m.normalization.std, 'normalization.std');
  }
  const last = m.layers.length - 1;
  m.layers.forEach((l, i) => quantHooks(l.kind).preflight(p, l, `layers[${i}]`, i === last));
  p.throwIfAny();
}

/** Quantises a float model with calibration sequences (N)(T)(F) in the model's input units. */
export function quantizeModel(m: FloatModel, sequences: ArrayLike<ArrayLike<number>>[], opts: QuantizeOptions = {}): QuantModel {
  preflight(m);
  validateFloatModel(m);
  const p = new Problems();
  const { percentile } = opts;
  if (percentile !== undefined && !(percentile > 50 && percentile <= 100)) {
    p.add('QNT008', 'percentile', 'percentile out of range', { value: percentile, expected: 'a number in (50, 100]', hint: 'e.g. 99.99' });
  }
  if (opts.rawPerUnit !== undefined && !(Number.isInteger(opts.rawPerUnit) && opts.rawPerUnit >= 1 && opts.rawPerUnit <= 2 ** 24)) {
    p.add('QNT008', 'rawPerUnit', 'raw units per model unit must be an integer', { value: opts.rawPerUnit, expected: 'an integer in [1, 2^24]' });
  }
  const headroom = opts.headroom ?? DEFAULT_HEADROOM;
  if (!(headroom >= 1 && headroom <= MAX_HEADROOM)) {
    p.add('QNT008', 'headroom', 'headroom out of range', {
      value: opts.headroom,
      expected: `a number in [1, ${MAX_HEADROOM}] (1: no margin beyond the calibrated ranges)`,
    });
  }
  const F = m.inputSize;
  let steps = 0;
  sequences.forEach((seq, n) => {
    steps += seq.length;
    for (let t = 0; t < seq.length; t++) {
      if (seq[t].length !== F) {
        p.add('QNT005', `calib[${n}][${t}]`, `calibration step has ${seq[t].length} features`, { expected: `${F} (${m.meta.features.join(', ')})` });
        return;
      }
      for (let f = 0; f < F; f++) {
        if (!Number.isFinite(seq[t][f])) {
          p.add('QNT005', `calib[${n}][${t}][${f}]`, 'calibration value is not finite', { value: seq[t][f], expected: 'a finite number' });
          return;
        }
      }
    }
  });
  if (steps === 0)
    p.add('QNT005', 'calib', 'no calibration data', {
      expected: 'at least one sequence with one step',
      hint: 'pass --calib with the training or validation data',
    });
  p.throwIfAny();

  const cal = calibrate(m, sequences, percentile !== undefined && percentile < 100);
  const get = (k: string) => cal.stats.get(k);

  // --- input stage (sections 4, 7.9) ---
  const reason = rawUnitReason(opts, cal.integerInputs);
  const rawPerUnit = chooseRawPerUnit(rawAbsMax(sequences, F), reason, opts.rawPerUnit);
  // x16: symmetric int16, one scale per feature (the first layer's weights absorb the scales),
  // with INPUT_HEADROOM times the calibrated range so that live data beyond it still fit
  const inCols: Cols = { scale: new Float64Array(F), zp: new Int32Array(F) };
  for (let f = 0; f < F; f++) {
    const a = get(`x${f}`)?.absMax(percentile) ?? 0;
    inCols.scale[f] = a > 0 ? (INPUT_HEADROOM * a) / 32767 : 2 ** -15;
  }
  // a regenerated reservoir cannot absorb per-feature scales into its weights: one common x16 scale
  if (firstLayerIsReservoir(m)) commonInputScale(inCols.scale);
  const input = quantizeInputStage(m, p, rawPerUnit, inCols.scale, reason);

  // --- layers ---
  const layers: QLayer[] = [];
  const docLayers: QuantModel['doc']['layers'] = [];
  let cur: Cols = inCols;
  let curQ: QParams = { scale: NaN, zp: 0 };
  const last = m.layers.length - 1;
  m.layers.forEach((l, i) => {
    const stat = (key: string) => get(`L${i}.${key}`)?.withHeadroom(headroom);
    const q = quantHooks(l.kind).quantize({ p, path: `layers[${i}]`, inQ: cur, isLast: i === last, stat, percentile }, l);
    layers.push(q.layer);
    docLayers.push(q.doc);
    curQ = q.out;
    cur = uniform(q.out, layerOutputSize(l));
  });
  p.throwIfAny();
  const lastQ = layers[layers.length - 1];
  // final states (the output in mode 'final', an extra output beside it otherwise): int16 copies of
  // the last layer's final states, each segment in its own scale
  const segments = m.final ? finalOutputSegments(lastQ, docLayers[last], m.final) : undefined;
  const isFinal = m.output === 'final' && segments !== undefined;
  const outQ = isFinal ? { scale: segments[0].scale, zp: segments[0].zp } : curQ;
  const qm: QuantModel = {
    format: 'quant',
    specVersion: QUANT_SPEC_VERSION,
    meta: structuredClone(m.meta),
    task: m.task,
    output: m.output,
    ...(m.final ? { final: m.final.slice() } : {}),
    inputSize: F,
    outputSize: modelOutputSize(m),
    input,
    tables: { sigmoid: sigmoidTable(), tanh: tanhTable() },
    layers,
    outputType: isFinal ? 's16' : layerOutType(lastQ),
    doc: {
      inputScale: Array.from(inCols.scale),
      layers: docLayers,
      outputScale: outQ.scale,
      outputZp: outQ.zp,
      ...(segments ? { outputSegments: segments } : {}),
      calibration: `${percentile !== undefined && percentile < 100 ? `percentile ${percentile}` : 'min/max'} over ${cal.sequences} sequences, ${cal.steps} steps${opts.source ? ` of ${opts.source}` : ''}${headroom !== 1 ? `, headroom ${headroom}x` : ''}`,
    },
  };
  const bounds = quantBoundProblems(qm, 'QNT003');
  if (bounds.length) throw new TinyrnnError(bounds);
  return validateQuantModel(qm);
}
