// The pool layer kind (compiler/layers/pool): the integer reference against its definition, float
// inference against the training node (evaluation runs through it) and its gradient against finite
// differences, its refusals (TNN104, QNT010), its Espruino build, and an echo state network with a pooled
// readout whose validation accuracy in `train` equals float evaluation on the same split.
import { QPoolLayer } from '../../../compiler/core/ir/quant-types';
import { validateFloatModel } from '../../../compiler/core/ir/validate';
import { FloatModel, PoolLayer } from '../../../compiler/core/ir/model';
import { mean_round, reference } from '../../../compiler/layers/pool/reference';
import { poolFloat } from '../../../compiler/layers/pool/float';
import { PoolNode } from '../../../compiler/layers/pool/train';
import { quantizeModel } from '../../../compiler/quant/quantize';
import { buildEspruino } from '../../../targets/espruino/target';
import { fitEsn, parseReadout, readoutName, searchEsn } from '../../../compiler/esn/esn';
import { esnFloatModel } from '../../../compiler/esn/model';
import { gesturesDataset } from '../../../compiler/data/builtin/gestures';
import { subset, splitIndices } from '../../../compiler/data/prep';
import { evaluateFloat } from '../../../compiler/train/metrics';
import { Rng } from '../../../compiler/core/util/rng';
import { codeOf } from '../../helpers/errors';

test('mean_round rounds halves away from zero', () => {
  expect([mean_round(5, 2), mean_round(-5, 2), mean_round(4, 3), mean_round(-4, 3), mean_round(7, 3), mean_round(0, 9)]).toEqual([3, -3, 1, -1, 2, 0]);
});

test('the reference pools segment means and mean absolute values, and steps past the window into the last segment', () => {
  const l: QPoolLayer = { kind: 'pool', inputSize: 2, segments: 2, window: 4, abs: true, zp: -3 };
  const st = reference.newState(l);
  const xs = [
    [1, -4],
    [2, -8],
    [-7, 10],
    [4, 1],
    [100, 0],
  ];
  const ys = xs.map((x) => Array.from(reference.step(l, { sigmoid: new Int16Array(0), tanh: new Int16Array(0) } as never, x, st, undefined, 'L1')));
  // step 0: segment 0 holds [1, -4]; |x - zp| = [4, 1]; segment 1 empty -> zp
  expect(ys[0]).toEqual([1, -4, -3 + 4, -3 + 1, -3, -3, -3, -3]);
  // step 1: means of [1, 2] and [-4, -8]: 1.5 -> 2, -6; abs means (4 + 5) / 2 -> 5 (4.5 up), (1 + 5) / 2 = 3
  expect(ys[1]).toEqual([2, -6, 2, 0, -3, -3, -3, -3]);
  // step 4 (past the window of 4): segment 1 holds [-7, 10], [4, 1], [100, 0]: means 32.3 -> 32, 3.67 -> 4
  expect(ys[4].slice(4, 6)).toEqual([32, 4]);
  // |x - zp| means: (4 + 7 + 103) / 3 = 38, (13 + 4 + 3) / 3 = 6.67 -> 7, each zp + ...
  expect(ys[4].slice(6)).toEqual([-3 + 38, -3 + 7]);
  reference.reset(l, st);
  expect(Array.from(reference.step(l, {} as never, [0, 0], st, undefined, 'L1')).slice(4)).toEqual([-3, -3, -3, -3]);
});

test('the training node computes the float outputs and their gradient', () => {
  const l: PoolLayer = { kind: 'pool', inputSize: 3, segments: 3, window: 7, abs: true };
  const T = 7;
  const B = 2;
  const rng = new Rng(3);
  const X = Float64Array.from({ length: T * B * 3 }, () => rng.normal());
  const node = new PoolNode(l, { path: 'layers[1]', offset: () => 0, maxSteps: T, maxBatch: B, output: false, task: 'classification', lastOnly: false });
  node.forward(new Float64Array(0), X, T, B, false);
  for (let b = 0; b < B; b++) {
    const run = poolFloat.run(
      l,
      Array.from({ length: T }, (_, t) => X.slice((t * B + b) * 3, (t * B + b + 1) * 3)),
      () => undefined,
    );
    for (let t = 0; t < T; t++) expect(Array.from(node.out.subarray((t * B + b) * node.O, (t * B + b + 1) * node.O))).toEqual(Array.from(run.seq[t]));
  }
  // loss = sum(c * out): dX against central differences
  const c = Float64Array.from({ length: node.out.length }, () => rng.normal());
  const loss = (x: Float64Array): number => {
    node.forward(new Float64Array(0), x, T, B, false);
    return node.out.reduce((s, v, i) => s + v * c[i], 0);
  };
  loss(X);
  node.dOut.set(c);
  const dX = new Float64Array(X.length);
  node.backward(new Float64Array(0), new Float64Array(0), X, T, B, dX);
  for (let i = 0; i < X.length; i++) {
    const xp = Float64Array.from(X);
    const xm = Float64Array.from(X);
    xp[i] += 1e-6;
    xm[i] -= 1e-6;
    expect(Math.abs((loss(xp) - loss(xm)) / 2e-6 - dX[i])).toBeLessThan(1e-6);
  }
});

const data = gesturesDataset({ n: 120, length: 20, users: 10, seed: 6, noise: 1 });

test('readout names round-trip and bad ones are refused', () => {
  for (const n of ['last', 'mean', 'seg3', 'mean+abs', 'seg12+abs']) expect(readoutName(parseReadout(n)!)).toBe(n);
  for (const n of ['last+abs', 'seg0', 'seg65', 'avg']) expect(parseReadout(n)).toBeUndefined();
});

test('a pool layer with more segments than window steps is refused (TNN104)', () => {
  const fit = fitEsn(data, { units: 6, seed: 2, readout: parseReadout('seg3') }, { val: 0.2, test: 0 });
  const m = esnFloatModel(fit, data, 'p');
  const bad = { ...m, layers: m.layers.map((l) => (l.kind === 'pool' ? { ...l, segments: 40 } : l)) } as FloatModel;
  expect(codeOf(() => validateFloatModel(bad))).toBe('TNN104');
});

test('a pool layer first is refused by the quantiser (QNT010); the Espruino target builds pool layers, their state in the memory estimate', () => {
  const fit = fitEsn(data, { units: 6, seed: 2, readout: parseReadout('mean') }, { val: 0.2, test: 0 });
  const m = esnFloatModel(fit, data, 'p');
  const calib = data.x.slice(0, 10).map((x) => Array.from({ length: x.length / 3 }, (_, t) => Array.from(x.subarray(t * 3, t * 3 + 3))));
  const head = { ...m.layers[2], inputSize: 3, w: new Float32Array(6 * 3) } as FloatModel['layers'][number];
  const first: FloatModel = { ...m, normalization: undefined, layers: [{ kind: 'pool', inputSize: 3, segments: 1, window: 20, abs: false }, head] };
  expect(codeOf(() => quantizeModel(first, calib))).toBe('QNT010');
  const q = quantizeModel(m, calib);
  expect(q.layers[1].kind).toBe('pool');
  const b = buildEspruino(q, { board: 'PUCKJS' });
  // sums (6 units, 1 segment), count and t in l1.c; the 6 means in l1.hb
  expect(b.gen.view.ramArrays.filter((a) => a.name.startsWith('l1.')).map((a) => [a.name, a.bytes])).toEqual([
    ['l1.c', 4 * (6 + 1 + 1)],
    ['l1.hb', 6],
  ]);
});

test('train picks a pooled readout on validation, and its validation accuracy equals float evaluation of the saved model', () => {
  const split = { val: 0.2, test: 0.2 };
  const fit = searchEsn(data, { units: 16, seed: 3 }, split, 1, {
    leak: [1, 0.3],
    spectralRadius: [0.9],
    readout: ['last', 'seg2+abs'].map((n) => parseReadout(n)!),
    ridge: [1e-2, 1],
  });
  expect(fit.grid.map((g) => `${g.leak}/${readoutName(g.readout)}`)).toEqual(['1/last', '1/seg2+abs', '0.3/last', '0.3/seg2+abs']);
  const m = esnFloatModel(fit, data, 'p');
  const s = splitIndices(data, split, 1);
  const val = evaluateFloat(m, subset(data, s.val));
  const score = fit.ridge.scores.find((x) => x.lambda === fit.ridge.lambda)!;
  expect(val.classification!.accuracy).toBe(score.accuracy);
});
