// Integer-valued inputs keep their precision: the input stage's fractional offset (input.bias,
// docs/quantization.md sections 4, 6, 7.9). What the quantiser keeps and why, what the reference
// computes with it, what a reader refuses, and the acceptance on gestures read as counts 0..16.
import * as path from 'node:path';
import { quantizeModel } from '../../../compiler/quant/quantize';
import { describeInputChoice } from '../../../compiler/quant/input';
import { TinyrnnError } from '../../../compiler/core/ir/errors';
import { QuantModel, validateQuantModel } from '../../../compiler/core/ir/quant-model';
import { decodeQuantModel, encodeQuantModel, loadFloatModel } from '../../../compiler/core/ir/format';
import { quantizeInput } from '../../../compiler/core/reference';
import { loadData } from '../../../compiler/data/load';
import { datasetSequences } from '../../../compiler/quant/calibrate';
import { compareQuant, evaluateQuant } from '../../../compiler/quant/report';
import { tinyModel } from '../../helpers/models';
import { Rng } from '../../../compiler/core/util/rng';

const rng = new Rng(23);
/** Counts 0..16 (integer-valued) and float values, 8 sequences of 12 steps, 3 features. */
const counts = Array.from({ length: 8 }, () => Array.from({ length: 12 }, () => [0, 1, 2].map(() => rng.int(17))));
const floats = counts.map((s) => s.map((r) => r.map((v) => v + rng.normal() * 0.1)));

/** tinyModel with normalisation means that are not whole counts (8.37, 5.5, 11.81) and stds of a few counts. */
function countModel() {
  const m = tinyModel();
  m.normalization = { mean: Float32Array.from([8.37, 5.5, 11.81]), std: Float32Array.from([4.2, 3.1, 0.8]) };
  return m;
}

function withoutBias(q: QuantModel): QuantModel {
  const input = { ...q.input };
  delete input.bias;
  return { ...q, input };
}

/** x16 the exact normalisation would give for raw r of feature f: (r / rpu - mean) / std / s_x. */
function idealX16(q: QuantModel, f: number, r: number): number {
  const m = countModel().normalization!;
  return (r / q.input.rawPerUnit[f] - m.mean[f]) / m.std[f] / q.doc.inputScale[f];
}

function refusal(f: () => unknown): TinyrnnError {
  try {
    f();
  } catch (e) {
    if (e instanceof TinyrnnError) return e;
    throw e;
  }
  throw new Error('expected a TinyrnnError, nothing was thrown');
}

describe('what the quantiser keeps', () => {
  test('integer-valued data: rawPerUnit 1, the offset whole counts and its fraction as bias (|bias| <= m/2)', () => {
    const q = quantizeModel(countModel(), counts);
    expect(Array.from(q.input.rawPerUnit)).toEqual([1, 1, 1]);
    expect(Array.from(q.input.offset)).toEqual([8, 6, 12]);
    expect(q.input.bias).toBeDefined();
    for (let f = 0; f < 3; f++) {
      const frac = countModel().normalization!.mean[f] - q.input.offset[f];
      expect(q.input.bias![f]).toBe(Math.round(-frac * q.input.m[f]));
      expect(Math.abs(q.input.bias![f])).toBeLessThanOrEqual(q.input.m[f] / 2 + 0.5);
    }
    expect(Array.from(decodeQuantModel(encodeQuantModel(q)).input.bias!)).toEqual(Array.from(q.input.bias!));
  });

  test('float data: rawPerUnit a power of two and no bias (the model is as before the field existed)', () => {
    const q = quantizeModel(countModel(), floats);
    expect(q.input.rawPerUnit[0]).toBeGreaterThan(1);
    expect(q.input.bias).toBeUndefined();
    expect('bias' in q.input).toBe(false);
  });

  test('an explicit rawPerUnit wins and keeps the fraction; whole means store no bias', () => {
    const q = quantizeModel(countModel(), floats, { rawPerUnit: 3 });
    expect(Array.from(q.input.rawPerUnit)).toEqual([3, 3, 3]);
    expect(q.input.bias).toBeDefined();
    const whole = tinyModel(); // means 0.5, times 2: whole raw units
    expect(quantizeModel(whole, floats, { rawPerUnit: 2 }).input.bias).toBeUndefined();
  });

  test('quantize says what it chose and why', () => {
    const ints = describeInputChoice(quantizeModel(countModel(), counts), counts, false);
    expect(ints.reason).toBe('integer');
    expect(ints.text).toMatch(/^inputs are integer-valued \(channel ranges f0 \d+\.\.\d+, f1 \d+\.\.\d+, f2 \d+\.\.\d+\): raw input = sensor reading/);
    expect(ints.text).toMatch(/offset kept to 1\/2\^14 raw unit \(input\.bias\)/);
    expect(ints.offsetResolution).toBe(2 ** -14);
    const fl = describeInputChoice(quantizeModel(countModel(), floats), floats, false);
    expect(fl.reason).toBe('float');
    expect(fl.text).toMatch(/^inputs are not integer-valued: .*offset in whole raw units/);
    const ex = describeInputChoice(quantizeModel(countModel(), floats, { rawPerUnit: 3 }), floats, true);
    expect(ex.text).toMatch(/^--raw-per-unit 3 given: raw input = round\(x \* 3\), offset kept to/);
  });
});

describe('the reference input stage with a bias', () => {
  test('x16 = sat_s16(rshift_round((r - offset) * m + bias, s)): within a few x16 steps of the exact normalisation, where whole counts are hundreds off', () => {
    const q = quantizeModel(countModel(), counts);
    const whole = withoutBias(q);
    let worstBias = 0;
    let worstWhole = 0;
    for (let r = 0; r <= 16; r++) {
      const x = quantizeInput(q, [r, r, r]);
      const w = quantizeInput(whole, [r, r, r]);
      for (let f = 0; f < 3; f++) {
        const ideal = idealX16(q, f, r);
        if (Math.abs(ideal) > 32767) continue;
        worstBias = Math.max(worstBias, Math.abs(x[f] - ideal));
        worstWhole = Math.max(worstWhole, Math.abs(w[f] - ideal));
        const expected = Math.floor(((r - q.input.offset[f]) * q.input.m[f] + q.input.bias![f] + 2 ** (q.input.s[f] - 1)) / 2 ** q.input.s[f]);
        expect(x[f]).toBe(Math.max(-32768, Math.min(32767, expected)));
      }
    }
    // the whole-count offset is off by up to half a count (hundreds of x16 steps); the bias leaves
    // the rounding of the multiplier (a few steps at most)
    expect(worstBias).toBeLessThan(4);
    expect(worstWhole).toBeGreaterThan(100 * worstBias);
  });

  test('raw extremes +-2^30 with a bias saturate, exactly', () => {
    const q = quantizeModel(countModel(), counts);
    expect(Array.from(quantizeInput(q, [2 ** 30, -(2 ** 30), 2 ** 30]))).toEqual([32767, -32768, 32767]);
  });
});

describe('what a reader refuses', () => {
  const q = quantizeModel(countModel(), counts);
  const withBias = (bias: unknown) => ({ ...q, input: { ...q.input, bias } });
  test.each([32768, -32768, 2 ** 31 - 1])('bias %d is beyond 2^15 - 1 (TNN207)', (v) => {
    const b = Int32Array.from(q.input.bias!);
    b[1] = v;
    const e = refusal(() => validateQuantModel(withBias(b) as QuantModel));
    expect(e.diagnostics[0]).toMatchObject({ code: 'TNN207', path: 'input.bias[1]', value: v });
  });
  test('bias of the wrong length (TNN206) or type (TNN205)', () => {
    expect(refusal(() => validateQuantModel(withBias(new Int32Array(2)) as QuantModel)).diagnostics[0]).toMatchObject({ code: 'TNN206', path: 'input.bias' });
    expect(refusal(() => validateQuantModel(withBias([1, 2, 3]) as QuantModel)).diagnostics[0]).toMatchObject({ code: 'TNN205', path: 'input.bias' });
  });
  test('a bias at +-(2^15 - 1) is accepted', () => {
    expect(() => validateQuantModel(withBias(Int32Array.from([32767, -32767, 0])) as QuantModel)).not.toThrow();
  });
});

// Acceptance: gestures read by a 17-level converter (counts 0..16 per channel, builtin
// levels=17), an LSTM of 16 units trained on them (fixtures/README.md), quantised with the
// defaults, scored on 1,500 sequences of other users: int8 within 0.5 points of float, and the
// offset in whole counts (the behaviour before input.bias) measurably worse.
test('gestures as counts 0..16: int8 within 0.5 points of float with the defaults; whole-count offsets are worse', () => {
  const model = loadFloatModel(path.join(__dirname, 'fixtures', 'gestures17-lstm-h16.tnn'));
  const calib = loadData('builtin:gestures?levels=17&n=600'); // the training data's distribution (n=3000, seed 1), fewer sequences
  const test = loadData('builtin:gestures?levels=17&seed=2&n=1500');
  expect(test.x.length).toBeGreaterThanOrEqual(1500);
  for (const x of test.x) for (const v of x) expect(Number.isInteger(v) && v >= 0 && v <= 16).toBe(true);
  const q = quantizeModel(model, datasetSequences(calib, model.inputSize), { source: calib.source });
  expect(Array.from(q.input.rawPerUnit)).toEqual([1, 1, 1]);
  expect(q.input.bias).toBeDefined();
  const rep = compareQuant(model, q, test, { traceSequences: 0 });
  const old = evaluateQuant(withoutBias(q), test);
  const fa = rep.float.classification!.accuracy;
  const qa = rep.int8.classification!.accuracy;
  const oa = old.classification!.accuracy;
  console.log(
    `gestures levels=17 (${test.x.length} sequences): float ${(100 * fa).toFixed(2)}%, int8 ${(100 * qa).toFixed(2)}% (${(100 * (qa - fa)).toFixed(2)} points); offset in whole counts: int8 ${(100 * oa).toFixed(2)}% (${(100 * (oa - fa)).toFixed(2)} points)`,
  );
  expect(fa).toBeGreaterThan(0.9);
  expect(Math.abs(qa - fa)).toBeLessThanOrEqual(0.005);
  expect(qa).toBeGreaterThan(oa);
}, 300000);
