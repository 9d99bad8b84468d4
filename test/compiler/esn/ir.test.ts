// Leaky and regenerated reservoirs in the model IR: validator codes (float TNN114-TNN116, quantised
// TNN207/TNN204/TNN214), the .tnn round trip of the new fields, leak in float inference (per step
// and batched), and the int8 leaky ESN against its float model on builtin:sines.
import { builtinDataset } from '../../../compiler/data/builtin';
import { fitEsn } from '../../../compiler/esn/esn';
import { esnFloatModel } from '../../../compiler/esn/model';
import { esn_generate } from '../../../compiler/core/spec/reservoir';
import { decodeContainer, decodeFloatModel, decodeQuantModel, encodeContainer, encodeFloatModel, encodeQuantModel } from '../../../compiler/core/ir/format';
import { ElmanLayer, FloatModel, emptyCell } from '../../../compiler/core/ir/model';
import { QElmanLayer, QuantModel, quantModelProblems } from '../../../compiler/core/ir/quant-model';
import { floatModelProblems } from '../../../compiler/core/ir/validate';
import { runFloat } from '../../../compiler/float/infer';
import { quantizeModel } from '../../../compiler/quant/quantize';
import { predictFloat } from '../../../compiler/train/metrics';
import { TrainCell } from '../../../compiler/layers/cell/train';
import { elmanKernel } from '../../../compiler/layers/elman/train';
import { TinyrnnError } from '../../../compiler/core/ir/errors';
import { dequantizeOutput, rawSequence, runQuant } from '../../../compiler/core/reference';
import { tinyModel } from '../../helpers/models';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

const sines = builtinDataset('sines?n=24&length=50');
const fitLeaky = fitEsn(sines, { units: 16, leak: 0.5, seed: 5, sparsity: 0.8, washout: 5 }, { val: 0.2, test: 0 });
const leaky = esnFloatModel(fitLeaky, sines, 'leaky');
const calib = sines.x.slice(0, 16).map((x) => Array.from(x, (v) => [v]));
const qLeaky = quantizeModel(leaky, calib);

const clone = (m: FloatModel): Any => decodeContainer(encodeContainer('float', m)).model;
const qclone = (m: QuantModel): Any => decodeContainer(encodeContainer('quant', m)).model;

function problemAt(ps: { code: string; path: string }[], code: string, path: string): void {
  if (!ps.some((p) => p.code === code && p.path === path)) throw new Error(`expected ${code} at ${path}, got ${JSON.stringify(ps)}`);
}

describe('float validation of leak and reservoir', () => {
  test('a leaky regenerated ESN and its stored twin are valid', () => {
    expect(floatModelProblems(leaky)).toEqual([]);
    expect(floatModelProblems(esnFloatModel(fitLeaky, sines, 'x', { regenerate: false }))).toEqual([]);
  });
  test('TNN114 leak out of range, on relu, in a bidirectional half', () => {
    for (const v of [0, -0.5, 1.5, NaN, '0.5']) {
      const m = clone(leaky);
      m.layers[0].leak = v;
      problemAt(floatModelProblems(m), 'TNN114', 'layers[0].leak');
    }
    const r: Any = tinyModel({ cell: 'elman' });
    r.layers[0].activation = 'relu';
    r.layers[0].leak = 0.5;
    problemAt(floatModelProblems(r), 'TNN114', 'layers[0].leak');
    const b: Any = tinyModel({ cell: 'elman', bidirectional: true });
    b.layers[0].forward.leak = 0.5;
    problemAt(floatModelProblems(b), 'TNN114', 'layers[0].forward.leak');
  });
  test('TNN115 reservoir parameters invalid', () => {
    const cases: [(r: Any, m: Any) => void, string][] = [
      [(r) => (r.seed = -1), 'layers[0].reservoir.seed'],
      [(r) => (r.seed = 2 ** 31), 'layers[0].reservoir.seed'],
      [(r) => (r.densityQ16 = 0), 'layers[0].reservoir.densityQ16'],
      [(r) => (r.densityQ16 = 1.5), 'layers[0].reservoir.densityQ16'],
      [(r) => (r.wScale = 0), 'layers[0].reservoir.wScale'],
      [(r) => (r.winScale = Infinity), 'layers[0].reservoir.winScale'],
      [(_r, m) => (m.layers[0].reservoir = 7), 'layers[0].reservoir'],
    ];
    for (const [mutate, path] of cases) {
      const m = clone(leaky);
      mutate(m.layers[0].reservoir, m);
      problemAt(floatModelProblems(m), 'TNN115', path);
    }
  });
  test('TNN116 weights or biases that differ from the regenerated reservoir name the first mismatch', () => {
    const m = clone(leaky);
    m.layers[0].wh[37] += 0.001;
    m.layers[0].wh[90] += 0.001;
    const ps = floatModelProblems(m);
    const p = ps.find((x) => x.code === 'TNN116')!;
    expect(p.path).toBe('layers[0].wh[37]');
    expect(p.message).toContain('row 2, column 5');
    const x = clone(leaky);
    x.layers[0].wx[3] = 0.123;
    problemAt(floatModelProblems(x), 'TNN116', 'layers[0].wx[3]');
    const b = clone(leaky);
    b.layers[0].bh[4] = 0.5;
    problemAt(floatModelProblems(b), 'TNN116', 'layers[0].bh[4]');
    // another seed gives other weights
    const s = clone(leaky);
    s.layers[0].reservoir.seed = 6;
    expect(floatModelProblems(s).some((d) => d.code === 'TNN116')).toBe(true);
  });
});

describe('quantised validation of leakQ15 and reservoir', () => {
  test('the quantised leaky ESN keeps the generator weights and records leakQ15 and the reservoir', () => {
    expect(quantModelProblems(qLeaky)).toEqual([]);
    const l = qLeaky.layers[0] as QElmanLayer;
    expect(l.leakQ15).toBe(16384);
    expect(l.reservoir).toEqual({ seed: 5, densityQ16: fitLeaky.reservoir.densityQ16 });
    const g = esn_generate({ inputSize: 1, units: 16, densityQ16: fitLeaky.reservoir.densityQ16, seed: 5 });
    expect(l.wh).toEqual(g.w);
    expect(l.wx).toEqual(g.win);
    // one real scale per matrix: every row has the same multiplier and shift
    expect(new Set(Array.from(l.mh)).size).toBe(1);
    expect(new Set(Array.from(l.sh)).size).toBe(1);
    expect(new Set(Array.from(l.mx)).size).toBe(1);
  });
  test('TNN207 leakQ15 out of [1, 32768]; TNN201 not an integer; TNN204 on relu', () => {
    for (const v of [0, 32769, -5]) {
      const m = qclone(qLeaky);
      m.layers[0].leakQ15 = v;
      problemAt(quantModelProblems(m), 'TNN207', 'layers[0].leakQ15');
    }
    const f = qclone(qLeaky);
    f.layers[0].leakQ15 = 0.5;
    problemAt(quantModelProblems(f), 'TNN201', 'layers[0].leakQ15');
    const r = qclone(qLeaky);
    r.layers[0].activation = 'relu';
    delete r.layers[0].reservoir;
    problemAt(quantModelProblems(r), 'TNN204', 'layers[0].leakQ15');
  });
  test('TNN214 reservoir parameters invalid or int8 weights differ from the regenerated ones', () => {
    const s = qclone(qLeaky);
    s.layers[0].reservoir.seed = 'x';
    problemAt(quantModelProblems(s), 'TNN214', 'layers[0].reservoir.seed');
    const d = qclone(qLeaky);
    d.layers[0].reservoir.densityQ16 = 70000;
    problemAt(quantModelProblems(d), 'TNN214', 'layers[0].reservoir.densityQ16');
    const w = qclone(qLeaky);
    w.layers[0].wh[17] = w.layers[0].wh[17] === 5 ? 6 : 5;
    problemAt(quantModelProblems(w), 'TNN214', 'layers[0].wh[17]');
    const x = qclone(qLeaky);
    x.layers[0].wx[0] = x.layers[0].wx[0] === 1 ? 2 : 1;
    problemAt(quantModelProblems(x), 'TNN214', 'layers[0].wx[0]');
  });
});

test('.tnn round trip keeps leak, reservoir, leakQ15 (float and quantised files)', () => {
  const f = decodeFloatModel(encodeFloatModel(leaky));
  expect(f.layers[0]).toEqual(leaky.layers[0]);
  const l0 = f.layers[0];
  expect(l0.kind === 'elman' && l0.leak).toBe(0.5);
  expect(l0.kind === 'elman' && l0.reservoir).toEqual((leaky.layers[0] as Any).reservoir);
  const q = decodeQuantModel(encodeQuantModel(qLeaky));
  expect(q).toEqual(qLeaky);
  expect((q.layers[0] as QElmanLayer).leakQ15).toBe(16384);
  // a plain model gets no new fields
  const plain = decodeFloatModel(encodeFloatModel(tinyModel({ cell: 'elman' })));
  expect('leak' in plain.layers[0]).toBe(false);
  expect('reservoir' in plain.layers[0]).toBe(false);
});

test('float leak: step-by-step inference follows h = (1 - a) h + a tanh(pre); the batched evaluator agrees', () => {
  const x = Array.from(sines.x[0], (v) => [v]);
  const got = runFloat(leaky, x).output;
  // by hand from the layer's weights
  const l = leaky.layers[0] as Any;
  const d = leaky.layers[1] as Any;
  const H = 16;
  let h = new Float64Array(H);
  let worst = 0;
  for (let t = 0; t < x.length; t++) {
    const xn = (x[t][0] - leaky.normalization!.mean[0]) / leaky.normalization!.std[0];
    const nh = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      let a = l.wx[j] * xn;
      for (let k = 0; k < H; k++) a += l.wh[j * H + k] * h[k];
      nh[j] = 0.5 * h[j] + 0.5 * Math.tanh(a);
    }
    h = nh;
    let y = d.b[0];
    for (let j = 0; j < H; j++) y += d.w[j] * h[j];
    worst = Math.max(worst, Math.abs(y - got[t][0]));
  }
  expect(worst).toBeLessThan(1e-9);
  const batched = predictFloat(leaky, { ...sines, x: [sines.x[0]] })[0];
  for (let t = 0; t < x.length; t++) expect(Math.abs(batched[t] - got[t][0])).toBeLessThan(1e-9);
});

test('gradient training refuses a leaky Elman cell (TRN001) instead of ignoring the leak', () => {
  const leakyCell: ElmanLayer = { ...(emptyCell('elman', 1, 2) as ElmanLayer), leak: 0.5 };
  const c = new TrainCell(elmanKernel(leakyCell), 1, 2, false, { wx: 0, wh: 2, bx: 6, bh: 8 }, 2, 1);
  let err: unknown;
  try {
    c.backward(new Float64Array(10), new Float64Array(10), new Float64Array(2), 2, 1, new Float64Array(4), 2, 0, null);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(TinyrnnError);
  expect((err as TinyrnnError).diagnostics[0].code).toBe('TRN001');
});

test('int8 leaky ESN follows its float model on sines (error well below the forecasting error)', () => {
  // 32 units: the ridge chosen on validation keeps the readout weights moderate (a 16-unit fit
  // picks lambda 1e-8 and readout weights near 50, which magnify the int8 rounding of the states)
  const fit = fitEsn(sines, { units: 32, leak: 0.5, seed: 5, sparsity: 0.8, washout: 5 }, { val: 0.2, test: 0 });
  const m = esnFloatModel(fit, sines, 'leaky32');
  const q = quantizeModel(m, calib);
  let se = 0;
  let ref = 0;
  let n = 0;
  for (let s = 16; s < 24; s++) {
    const x = Array.from(sines.x[s], (v) => [v]);
    const f = runFloat(m, x).output;
    const y = runQuant(q, rawSequence(q, sines.x[s])).output;
    for (let t = 5; t < x.length; t++) {
      se += (dequantizeOutput(q, y[t])[0] - f[t][0]) ** 2;
      ref += (f[t][0] - sines.targets![s][t]) ** 2;
      n++;
    }
  }
  const rq = Math.sqrt(se / n);
  const rf = Math.sqrt(ref / n);
  console.log(`leaky ESN (leak 0.5, 32 units) on sines: float rmse vs target ${rf.toFixed(4)}, int8 rmse vs float ${rq.toFixed(4)}`);
  expect(rq).toBeLessThan(0.5 * rf);
});

test('a reservoir on a 3-feature input: one common x16 scale, exact generator weights', () => {
  const g = builtinDataset('gestures?n=60&length=20');
  const fit = fitEsn(g, { units: 8, seed: 2, leak: 0.75 }, { val: 0.2, test: 0 });
  const m = esnFloatModel(fit, g, 'g');
  const F = g.features.length;
  const cal = g.x.slice(0, 20).map((x) => Array.from({ length: x.length / F }, (_, t) => Array.from(x.subarray(t * F, (t + 1) * F))));
  const q = quantizeModel(m, cal);
  expect(new Set(q.doc.inputScale).size).toBe(1);
  // the stored twin keeps per-feature scales
  const qs = quantizeModel(esnFloatModel(fit, g, 'g', { regenerate: false }), cal);
  expect(new Set(qs.doc.inputScale).size).toBe(F);
  const l = q.layers[0] as QElmanLayer;
  const gen = esn_generate({ inputSize: F, units: 8, densityQ16: fit.reservoir.densityQ16, seed: 2 });
  expect(l.wx).toEqual(gen.win);
  expect(l.wh).toEqual(gen.w);
});
