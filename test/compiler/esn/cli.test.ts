// `tinyrnn train --cell esn` end to end: fit on builtin:sines, the saved model computes what the
// fit computed, quantises, and the int8 model tracks the float one; options are checked.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadFloatModel, loadQuantModel } from '../../../compiler/core/ir/format';

import { runFloat } from '../../../compiler/float/infer';
import { builtinDataset } from '../../../compiler/data/builtin';
import { fitEsn, predict, sequenceDesign } from '../../../compiler/esn/esn';
import { esnFloatModel } from '../../../compiler/esn/model';
import { dequantizeOutput, rawSequence, runQuant } from '../../../compiler/core/reference';
import { runCli } from '../../helpers/cli';

let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esn-cli-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const DATA = 'builtin:sines?n=40&length=60';

test('train --cell esn on builtin:sines, then quantize: the int8 model follows the float model', async () => {
  const r = await runCli(['train', '--data', DATA, '--cell', 'esn', '--hidden', '32', '--seed', '3', '--out', 'esn.tnn', '--json'], dir);
  expect(r.err).not.toContain('error');
  expect(r.code).toBe(0);
  const j = JSON.parse(r.out);
  expect(j.cell).toBe('esn');
  expect(j.trainedParams).toBe(33);
  expect(j.reservoir.int8Bytes).toBe(32 * 32 + 32);
  expect(j.reservoir.flashStored).toBe(32 * 32 + 32);
  expect(j.reservoir.flashRegenerated).toBe(0);
  const t = await runCli(['train', '--data', DATA, '--cell', 'esn', '--hidden', '8', '--leak', '0.5', '--out', 'esn8.tnn'], dir);
  expect(t.code).toBe(0);
  expect(t.out + t.err).toContain(
    'reservoir: regenerated on the device from seed 1: 0 bytes of flash instead of 72 (int8 W 8x8 + Win 8x1), 72 bytes of RAM filled at start-up',
  );
  expect(t.out + t.err).toContain('leak 0.5');
  const ins = await runCli(['inspect', path.join(dir, 'esn8.tnn')], dir);
  expect(ins.out).toContain('hidden 8, tanh, leak 0.5, reservoir (seed 1)');
  const st = await runCli(['train', '--data', DATA, '--cell', 'esn', '--hidden', '8', '--store-reservoir', '--out', 'esn8s.tnn', '--json'], dir);
  expect(st.code).toBe(0);
  const stText = await runCli(['train', '--data', DATA, '--cell', 'esn', '--hidden', '8', '--store-reservoir', '--out', 'esn8t.tnn'], dir);
  expect(stText.out + stText.err).toContain('reservoir: stored (--store-reservoir): 72 bytes of flash (int8 W 8x8 + Win 8x1), no RAM for it');
  expect(JSON.parse(st.out).reservoir.regenerated).toBe(false);
  const l8 = loadFloatModel(path.join(dir, 'esn8s.tnn')).layers[0];
  expect(l8.kind === 'elman' && l8.reservoir).toBeUndefined();
  expect(l8.kind === 'elman' && l8.reservoir === undefined && loadFloatModel(path.join(dir, 'esn8.tnn')).layers[0]).toMatchObject({ leak: 0.5 });
  // the test rmse of the one-step forecast is far below the signal's own spread
  const d0 = builtinDataset('sines?n=40&length=60');
  let v = 0;
  let c = 0;
  for (const y of d0.targets!) for (const e of y) ((v += e * e), c++);
  console.log(`ESN sines CLI: test rmse ${j.test.regression.rmse.toFixed(4)}, target rms ${Math.sqrt(v / c).toFixed(4)}, lambda ${j.ridge.lambda}`);
  expect(j.test.regression.rmse).toBeLessThan(0.5 * Math.sqrt(v / c));
  const m = loadFloatModel(path.join(dir, 'esn.tnn'));
  expect(m.layers.map((l) => l.kind)).toEqual(['elman', 'dense']);

  const q = await runCli(['quantize', 'esn.tnn', '--calib', DATA, '-o', 'esn.q.tnn'], dir);
  expect(q.code).toBe(0);
  const qm = loadQuantModel(path.join(dir, 'esn.q.tnn'));
  const d = builtinDataset('sines?n=40&length=60');
  let se = 0;
  let ref = 0;
  let n = 0;
  for (let s = 0; s < 10; s++) {
    const rows = Array.from({ length: 60 }, (_, t) => [d.x[s][t]]);
    const f = runFloat(m, rows).output;
    const y = runQuant(qm, rawSequence(qm, d.x[s])).output;
    for (let t = 10; t < 60; t++) {
      se += (dequantizeOutput(qm, y[t])[0] - f[t][0]) ** 2;
      ref += (f[t][0] - d.targets![s][t]) ** 2;
      n++;
    }
  }
  console.log(`ESN sines: float rmse vs target ${Math.sqrt(ref / n).toFixed(4)}, int8 rmse vs float ${Math.sqrt(se / n).toFixed(4)}`);
  // quantisation error well below the model's own forecasting error
  expect(Math.sqrt(se / n)).toBeLessThan(0.5 * Math.sqrt(ref / n));
});

test('the saved float model computes what the fit computed (float32 weights: 1e-4)', () => {
  const d = builtinDataset('sines?n=20&length=40');
  const fit = fitEsn(d, { units: 16, seed: 4, washout: 0 }, { val: 0.2, test: 0 });
  const m = esnFloatModel(fit, d, 'x');
  const xn = (x: Float32Array): Float64Array => Float64Array.from(x, (v) => (v - fit.mean[0]) / fit.std[0]);
  const des = sequenceDesign(fit.reservoir, [xn(d.x[0])], [d.targets![0]], 1, 0);
  const want = predict(des, fit.wOut, 17, 1);
  const got = runFloat(
    m,
    Array.from({ length: 40 }, (_, t) => [d.x[0][t]]),
  ).output;
  let worst = 0;
  for (let t = 0; t < 40; t++) worst = Math.max(worst, Math.abs(got[t][0] - want[t]));
  expect(worst).toBeLessThan(1e-4);
});

test('a leaky reservoir saves (leak and generator parameters recorded); gradient options are refused with --cell esn', async () => {
  const d = builtinDataset('sines?n=20&length=40');
  const fit = fitEsn(d, { units: 8, leak: 0.5 }, { val: 0.2, test: 0 });
  const m = esnFloatModel(fit, d, 'x');
  const l0 = m.layers[0];
  expect(l0.kind === 'elman' && l0.leak).toBe(0.5);
  expect(l0.kind === 'elman' && l0.reservoir).toEqual({
    seed: fit.reservoir.seed,
    densityQ16: fit.reservoir.densityQ16,
    wScale: fit.reservoir.wScale,
    winScale: fit.reservoir.winScale,
  });
  const plain = esnFloatModel(fit, d, 'x', { regenerate: false }).layers[0];
  expect(plain.kind === 'elman' && plain.reservoir).toBeUndefined();
  const r = await runCli(['train', '--data', DATA, '--cell', 'esn', '--epochs', '5', '--out', 'x.tnn'], dir);
  expect(r.code).toBe(2);
  expect(r.err).toContain('--epochs does not apply to --cell esn');
  const s = await runCli(['train', '--data', DATA, '--cell', 'lstm', '--leak', '0.5', '--out', 'x.tnn'], dir);
  expect(s.code).toBe(2);
  expect(s.err).toContain('--leak applies to --cell esn only');
  for (const bad of ['0', '1.5', 'x']) {
    const e = await runCli(['train', '--data', DATA, '--cell', 'esn', '--leak', bad, '--out', 'x.tnn'], dir);
    expect([e.code, e.err]).toEqual([2, expect.stringContaining(`--leak "${bad}" is not a number > 0 <= 1`)]);
  }
});
