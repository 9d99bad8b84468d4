// The quantize pass: FloatModel + calibration data -> QuantModel (docs/quantization.md section 7).
// All floating point of the int8 pipeline happens here; the result holds integers only (plus
// documentation scales under `doc`). Problems are collected and reported together:
//   QNT001 NaN/Inf parameter     QNT002 peepholes          QNT003 integer bound broken
//   QNT004 multiplier too large  QNT005 calibration data   QNT006 softmax not last
//   QNT007 raw offset too large  QNT008 bad option value    (QNT009: report.ts)

import { TinyrnnError } from '../core/ir/errors';
import { validateFloatModel } from '../core/ir/validate';
import { CellLayer, FloatModel, Layer, assertNever, gateCount, modelOutputSize } from '../core/ir/model';
import { QCellLayer, QLayer, QuantModel, quantBoundProblems, validateQuantModel } from '../core/ir/quant-model';
import { Calibration, calibrate, rawAbsMax } from './calibrate';
import { sigmoidTable, tanhTable } from './scale';
import { INT32_MAX, QUANT_SPEC_VERSION, RAW_OFFSET_MAX } from '../core/spec/spec';
import { commonInputScale, firstLayerIsReservoir, leakToQ15, reservoirRows } from '../esn/quant';
import { jordanParams } from './quantize-jordan';
import { Cols, INPUT_HEADROOM, PRE_SCALE, Problems, QParams, denseParams, foldBias, int8Params, nonFinite, quantRows, rowMultipliers, uniform } from './rows';

export { INPUT_HEADROOM, PRE_SCALE, Problems, int8Params, nonFinite, quantRows, foldBias, rowMultipliers, denseParams, uniform } from './rows';
export type { Cols, QParams } from './rows';

export interface QuantizeOptions {
  /** Use the P-th / (100-P)-th percentiles instead of min/max (P in (50, 100]). */
  percentile?: number;
  /** Raw units per model unit for every feature (an integer >= 1); default: automatic (section 7.9). */
  rawPerUnit?: number;
  /** Where the calibration data came from (recorded in doc.calibration). */
  source?: string;
}

function preflight(m: FloatModel): void {
  const p = new Problems();
  if (m.normalization) {
    nonFinite(p, m.normalization.mean, 'normalization.mean');
    nonFinite(p, m.normalization.std, 'normalization.std');
  }
  const cell = (c: CellLayer, path: string): void => {
    for (const k of ['wx', 'wh', 'bx', 'bh'] as const) nonFinite(p, c[k], `${path}.${k}`);
    if (c.kind === 'lstm' && c.peepholes) {
      nonFinite(p, c.peepholes, `${path}.peepholes`);
      p.add('QNT002', `${path}.peepholes`, 'LSTM peepholes are not part of the int8 spec (version 1)', {
        value: 'peepholes',
        expected: 'an LSTM without peepholes',
        hint: 'run this model as float, or retrain/export it without peepholes',
      });
    }
    if (c.clip !== undefined && !(c.clip > 0 && Number.isFinite(c.clip)))
      p.add('QNT001', `${path}.clip`, 'clip is not a positive finite number', { value: c.clip });
  };
  m.layers.forEach((l, i) => {
    const path = `layers[${i}]`;
    switch (l.kind) {
      case 'elman':
      case 'lstm':
      case 'gru':
        cell(l, path);
        break;
      case 'bidirectional':
        cell(l.forward, `${path}.forward`);
        cell(l.backward, `${path}.backward`);
        break;
      case 'dense':
        nonFinite(p, l.w, `${path}.w`);
        nonFinite(p, l.b, `${path}.b`);
        if (l.activation === 'softmax' && i !== m.layers.length - 1) {
          p.add('QNT006', `${path}.activation`, 'softmax is only supported on the last layer', { value: 'softmax', expected: 'none, relu, tanh or sigmoid' });
        }
        break;
      case 'jordan':
        for (const k of ['wx', 'wy', 'bx', 'wo', 'bo'] as const) nonFinite(p, l[k], `${path}.${k}`);
        break;
      default:
        assertNever(l);
    }
  });
  p.throwIfAny();
}

function cellParams(
  p: Problems,
  c: CellLayer,
  path: string,
  inQ: Cols,
  hQ: QParams,
  cal: Calibration,
  key: string,
  percentile: number | undefined,
): QCellLayer {
  const G = gateCount(c.kind);
  const H = c.hidden;
  const I = c.inputSize;
  const relu = c.kind === 'elman' && c.activation === 'relu';
  const preScale = relu ? hQ.scale : PRE_SCALE;
  // the recurrent input: h16 in Q0.15 (zero point 0), or h8 for elman relu
  const hCols = relu ? uniform(hQ, H) : uniform({ scale: 2 ** -15, zp: 0 }, H);
  // a regenerated reservoir keeps the generator's int8 weights (compiler/esn/quant.ts)
  const rsv = c.kind === 'elman' && c.reservoir ? reservoirRows(c, inQ.scale) : undefined;
  const qx = rsv ? rsv.qx : quantRows(c.wx, c.bx, G * H, I, inQ);
  const qh = rsv ? rsv.qh : quantRows(c.wh, c.bh, G * H, H, hCols);
  const { m: mx, s: sx } = rowMultipliers(p, qx.sa, preScale, `${path}.mx`, 'input side');
  const { m: mh, s: sh } = rowMultipliers(p, qh.sa, preScale, `${path}.mh`, 'recurrent side');
  const clip = c.clip === undefined ? 0 : Math.min(INT32_MAX, Math.max(1, Math.round(c.clip / preScale)));
  const common = {
    ...(c.name !== undefined ? { name: c.name } : {}),
    inputSize: I,
    hidden: H,
    wx: qx.w8,
    wh: qh.w8,
    bx: foldBias(p, c.bx, qx.w8, qx.sa, I, inQ, `${path}.bx`),
    bh: foldBias(p, c.bh, qh.w8, qh.sa, H, hCols, `${path}.bh`),
    mx,
    sx,
    mh,
    sh,
    clip,
    hZp: hQ.zp,
  };
  switch (c.kind) {
    case 'elman': {
      const h = relu ? { m: 0, s: 0 } : p.mult(2 ** -15 / hQ.scale, `${path}.hM`, 'h16 to h8');
      const leakQ15 = leakToQ15(c.leak);
      return {
        kind: 'elman',
        activation: c.activation,
        ...common,
        hM: h.m,
        hS: h.s,
        ...(leakQ15 !== undefined ? { leakQ15 } : {}),
        ...(c.reservoir ? { reservoir: { seed: c.reservoir.seed, densityQ16: c.reservoir.densityQ16 } } : {}),
      };
    }
    case 'lstm': {
      const cmax = cal.stats.get(`${key}c`)?.absMax(percentile) ?? 0;
      const cellFrac = cmax > 0 ? Math.max(0, Math.min(15, 15 - Math.ceil(Math.log2(cmax)))) : 15;
      const h = p.mult(2 ** -15 / hQ.scale, `${path}.hM`, 'h16 to h8');
      return { kind: 'lstm', ...common, hM: h.m, hS: h.s, cellFrac };
    }
    case 'gru': {
      const h = p.mult(2 ** -15 / hQ.scale, `${path}.hM`, 'h16 to h8');
      return { kind: 'gru', resetAfter: c.resetAfter, ...common, hM: h.m, hS: h.s };
    }
    default:
      return assertNever(c);
  }
}

function hRange(c: CellLayer, st: { range(p?: number): [number, number] } | undefined, percentile: number | undefined): [number, number] {
  const [lo, hi] = st ? st.range(percentile) : [0, 0];
  return c.kind === 'elman' && c.activation === 'relu' ? [0, hi] : [lo, hi];
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

  // --- input stage (section 4) ---
  const absMax = rawAbsMax(sequences, F);
  const rawPerUnit = new Int32Array(F);
  for (let f = 0; f < F; f++) {
    if (opts.rawPerUnit !== undefined) rawPerUnit[f] = opts.rawPerUnit;
    else if (cal.integerInputs) rawPerUnit[f] = 1;
    else {
      let k = 1;
      while (k < 2 ** 24 && absMax[f] * k * 2 <= 32767) k *= 2;
      rawPerUnit[f] = k;
    }
  }
  // x16: symmetric int16, one scale per feature (the first layer's weights absorb the scales),
  // with INPUT_HEADROOM times the calibrated range so that live data beyond it still fit
  const inCols: Cols = { scale: new Float64Array(F), zp: new Int32Array(F) };
  for (let f = 0; f < F; f++) {
    const a = get(`x${f}`)?.absMax(percentile) ?? 0;
    inCols.scale[f] = a > 0 ? (INPUT_HEADROOM * a) / 32767 : 2 ** -15;
  }
  // a regenerated reservoir cannot absorb per-feature scales into its weights: one common x16 scale
  if (firstLayerIsReservoir(m)) commonInputScale(inCols.scale);
  const offset = new Int32Array(F);
  const im = new Int32Array(F);
  const is = new Int32Array(F);
  for (let f = 0; f < F; f++) {
    const mean = m.normalization ? m.normalization.mean[f] : 0;
    const std = m.normalization ? m.normalization.std[f] : 1;
    const off = Math.round(mean * rawPerUnit[f]);
    if (Math.abs(off) > RAW_OFFSET_MAX) {
      p.add('QNT007', `input.offset[${f}]`, `raw offset ${off} of feature ${m.meta.features[f]} is beyond 2^30 - 1`, {
        value: off,
        expected: '|offset| <= 2^30 - 1',
        hint: 'use a smaller --raw-per-unit',
      });
    }
    offset[f] = Math.max(-RAW_OFFSET_MAX, Math.min(RAW_OFFSET_MAX, off));
    const q = p.mult(1 / (rawPerUnit[f] * std * inCols.scale[f]), `input.m[${f}]`, `input stage of feature ${m.meta.features[f]}`);
    im[f] = q.m;
    is[f] = q.s;
  }

  // --- layers ---
  const layers: QLayer[] = [];
  const docLayers: QuantModel['doc']['layers'] = [];
  let cur: Cols = inCols;
  let curQ: QParams = { scale: NaN, zp: 0 };
  const last = m.layers.length - 1;
  m.layers.forEach((l: Layer, i) => {
    const path = `layers[${i}]`;
    const key = `L${i}.`;
    switch (l.kind) {
      case 'elman':
      case 'lstm':
      case 'gru': {
        const hQ = int8Params(...hRange(l, get(`${key}h`), percentile));
        const q = cellParams(p, l, path, cur, hQ, cal, key, percentile);
        layers.push(q);
        docLayers.push({ outScale: hQ.scale, outZp: hQ.zp, ...(q.kind === 'lstm' ? { cellScale: 2 ** -q.cellFrac } : {}) });
        curQ = hQ;
        cur = uniform(hQ, l.hidden);
        break;
      }
      case 'bidirectional': {
        const [flo, fhi] = hRange(l.forward, get(`${key}fwd.h`), percentile);
        const [blo, bhi] = hRange(l.backward, get(`${key}bwd.h`), percentile);
        const hQ = int8Params(Math.min(flo, blo), Math.max(fhi, bhi));
        const forward = cellParams(p, l.forward, `${path}.forward`, cur, hQ, cal, `${key}fwd.`, percentile);
        const backward = cellParams(p, l.backward, `${path}.backward`, cur, hQ, cal, `${key}bwd.`, percentile);
        layers.push({ kind: 'bidirectional', ...(l.name !== undefined ? { name: l.name } : {}), forward, backward });
        docLayers.push({ outScale: hQ.scale, outZp: hQ.zp });
        curQ = hQ;
        cur = uniform(hQ, l.forward.hidden + l.backward.hidden);
        break;
      }
      case 'dense': {
        const q = denseParams(p, l, path, cur, i === last, get(`${key}${l.activation === 'softmax' ? 'pre' : 'out'}`), percentile);
        layers.push(q.layer);
        docLayers.push({ outScale: q.out.scale, outZp: q.out.zp });
        curQ = q.out;
        cur = uniform(q.out, l.units);
        break;
      }
      case 'jordan': {
        const q = jordanParams(p, l, path, cur, i === last, get(`${key}out`), percentile);
        layers.push(q.layer);
        docLayers.push({ outScale: q.out.scale, outZp: q.out.zp });
        curQ = q.out;
        cur = uniform(q.out, l.units);
        break;
      }
      default:
        assertNever(l);
    }
  });
  p.throwIfAny();
  const lastQ = layers[layers.length - 1];
  const qm: QuantModel = {
    format: 'quant',
    specVersion: QUANT_SPEC_VERSION,
    meta: structuredClone(m.meta),
    task: m.task,
    output: m.output,
    inputSize: F,
    outputSize: modelOutputSize(m),
    input: { rawPerUnit, offset, m: im, s: is },
    tables: { sigmoid: sigmoidTable(), tanh: tanhTable() },
    layers,
    outputType: lastQ.kind === 'dense' || lastQ.kind === 'jordan' ? lastQ.outType : 's8',
    doc: {
      inputScale: Array.from(inCols.scale),
      layers: docLayers,
      outputScale: curQ.scale,
      outputZp: curQ.zp,
      calibration: `${percentile !== undefined && percentile < 100 ? `percentile ${percentile}` : 'min/max'} over ${cal.sequences} sequences, ${cal.steps} steps${opts.source ? ` of ${opts.source}` : ''}`,
    },
  };
  const bounds = quantBoundProblems(qm, 'QNT003');
  if (bounds.length) throw new TinyrnnError(bounds);
  return validateQuantModel(qm);
}
