// Echo state network fitting: the readout equals the closed-form ridge solution computed here
// independently (Gaussian elimination with partial pivoting on the normal equations, float64),
// the regularisation is the validation argmin, and the model forecasts builtin:sines and
// classifies sequences far better than trivial baselines.
import { DEFAULT_ESN_OPTIONS, buildReservoir, fitEsn, reservoirStates } from '../../../compiler/esn/esn';
import { sinesDataset } from '../../../compiler/data/builtin/sines';
import { normalizationStats, splitIndices } from '../../../compiler/data/prep';
import { Dataset } from '../../../compiler/data/dataset';
import { spectralRadius } from '../../../compiler/core/spec/reservoir';
import { TinyrnnError } from '../../../compiler/core/ir/errors';
import { Rng } from '../../../compiler/core/util/rng';

/** Solves A w = b (n, n) by Gaussian elimination with partial pivoting. */
function gaussSolve(a0: number[][], b0: number[]): number[] {
  const n = b0.length;
  const a = a0.map((r) => r.slice());
  const b = b0.slice();
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    [b[c], b[p]] = [b[p], b[c]];
    for (let r = c + 1; r < n; r++) {
      const f = a[r][c] / a[c][c];
      for (let k = c; k < n; k++) a[r][k] -= f * a[c][k];
      b[r] -= f * b[c];
    }
  }
  const w = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r];
    for (let k = r + 1; k < n; k++) s -= a[r][k] * w[k];
    w[r] = s / a[r][r];
  }
  return w;
}

/** Independent per-step design of one forecasting split: states by a direct loop over the leaky update. */
function rows(
  d: Dataset,
  idx: Int32Array,
  mean: Float32Array,
  std: Float32Array,
  fit: ReturnType<typeof fitEsn>,
  washout: number,
): { phi: number[][]; y: number[] } {
  const r = fit.reservoir;
  const H = r.units;
  const a = r.leakQ15 / 32768;
  const phi: number[][] = [];
  const y: number[] = [];
  for (const n of idx) {
    const x = d.x[n];
    let h = new Array<number>(H).fill(0);
    for (let t = 0; t < x.length; t++) {
      const u = (x[t] - mean[0]) / std[0];
      h = h.map((hj, j) => {
        let s = r.winScale * r.int8.win[j] * u;
        let sh = 0;
        for (let k = 0; k < H; k++) sh += r.int8.w[j * H + k] * h[k];
        s += r.wScale * sh;
        return (1 - a) * hj + a * Math.tanh(s);
      });
      if (t >= washout) {
        phi.push([...h, 1]);
        y.push(d.targets![n][t]);
      }
    }
  }
  return { phi, y };
}

function ridgeByHand(phi: number[][], y: number[], lambda: number): number[] {
  const P = phi[0].length;
  const A = Array.from({ length: P }, () => new Array<number>(P).fill(0));
  const b = new Array<number>(P).fill(0);
  for (let m = 0; m < phi.length; m++) {
    for (let i = 0; i < P; i++) {
      b[i] += phi[m][i] * y[m];
      for (let j = 0; j < P; j++) A[i][j] += phi[m][i] * phi[m][j];
    }
  }
  for (let i = 0; i < P - 1; i++) A[i][i] += lambda; // the bias (last) is not penalised
  return gaussSolve(A, b);
}

const relErr = (got: ArrayLike<number>, want: number[]): number => {
  let num = 0;
  let den = 0;
  for (let i = 0; i < want.length; i++) {
    num += (got[i] - want[i]) ** 2;
    den += want[i] ** 2;
  }
  return Math.sqrt(num / den);
};

const sines = sinesDataset({ n: 40, length: 60, seed: 3, noise: 0.05 });
const opts = { units: 24, spectralRadius: 0.9, inputScaling: 0.8, leak: 0.6, sparsity: 0.7, seed: 5, washout: 5, ridgeGrid: [1e-6, 1e-4, 1e-2, 1] };
const fit = fitEsn(sines, opts, { val: 0.2, test: 0.2 }, 1);

test('the readout equals the independently computed closed-form ridge solution (float64, 1e-9 relative), at the chosen lambda', () => {
  const s = splitIndices(sines, { val: 0.2, test: 0.2 }, 1);
  const { mean, std } = normalizationStats(sines, s.train);
  const tr = rows(sines, s.train, mean, std, fit, opts.washout);
  const w = ridgeByHand(tr.phi, tr.y, fit.ridge.lambda);
  const e = relErr(fit.wOut, w);
  console.log(`ESN readout vs hand ridge (lambda ${fit.ridge.lambda}): relative error ${e.toExponential(2)}`);
  expect(e).toBeLessThan(1e-9);

  // lambda is the validation argmin over the grid, scored on the validation states rounded to
  // the int8 grid (256 levels over the training states' range, widened to contain 0), recomputed here
  const va = rows(sines, s.val, mean, std, fit, opts.washout);
  const H = opts.units;
  const all = tr.phi.flatMap((p) => p.slice(0, H));
  const lo = Math.min(0, ...all);
  const hi = Math.max(0, ...all);
  const q = (v: number): number => lo + Math.min(255, Math.max(0, Math.round((v - lo) / ((hi - lo) / 255)))) * ((hi - lo) / 255);
  const score = (round: boolean): number[] =>
    opts.ridgeGrid.map((l) => {
      const wl = ridgeByHand(tr.phi, tr.y, l);
      let se = 0;
      va.phi.forEach((p, m) => (se += (p.reduce((acc, v, i) => acc + (round && i < H ? q(v) : v) * wl[i], 0) - va.y[m]) ** 2));
      return se / va.y.length;
    });
  const valMse = score(false);
  const valMse8 = score(true);
  const best = opts.ridgeGrid[valMse8.indexOf(Math.min(...valMse8))];
  console.log(
    `ESN ridge choice: float val mse ${valMse.map((v) => v.toPrecision(3)).join(', ')}; int8-state val mse ${valMse8.map((v) => v.toPrecision(3)).join(', ')}; chosen ${fit.ridge.lambda}`,
  );
  expect(fit.ridge.lambda).toBe(best);
  fit.ridge.scores.forEach((sc, i) => {
    expect(sc.mse).toBeCloseTo(valMse[i], 10);
    expect(sc.int8.mse).toBeCloseTo(valMse8[i], 10);
  });
});

test('the float reservoir is exactly the int8 reservoir times one scale per matrix, at the requested spectral radius', () => {
  const r = buildReservoir(1, { ...DEFAULT_ESN_OPTIONS, units: 16, spectralRadius: 0.8 });
  expect(r.winScale).toBe(DEFAULT_ESN_OPTIONS.inputScaling / 127);
  expect(r.leakQ15).toBe(32768);
  expect(
    spectralRadius(
      Array.from(r.int8.w, (v) => v * r.wScale),
      16,
    ),
  ).toBeCloseTo(0.8, 9);
  // one step from h = 0: h1 = tanh(winScale * win8 * x) exactly
  const st = reservoirStates(r, [0.5]);
  for (let j = 0; j < 16; j++) expect(st[j]).toBe(Math.tanh(r.winScale * (r.int8.win[j] * 0.5)));
});

test('builtin:sines forecast: test mse far below the persistence and zero baselines', () => {
  const s = splitIndices(sines, { val: 0.2, test: 0.2 }, 1);
  let persist = 0;
  let zero = 0;
  let count = 0;
  for (const n of s.test) {
    for (let t = opts.washout; t < 60; t++) {
      persist += (sines.x[n][t] - sines.targets![n][t]) ** 2;
      zero += sines.targets![n][t] ** 2;
      count++;
    }
  }
  console.log(
    `ESN sines test mse ${fit.test.mse.toExponential(3)}, persistence ${(persist / count).toExponential(3)}, zero ${(zero / count).toExponential(3)}`,
  );
  expect(fit.task).toBe('regression');
  expect(fit.output).toBe('sequence');
  expect(fit.test.mse).toBeLessThan(0.5 * (persist / count));
  expect(fit.test.mse).toBeLessThan(0.2 * (zero / count));
});

test('classification of whole sequences by the last state: the reservoir remembers an offset seen 10 steps earlier', () => {
  const rng = new Rng(9);
  const x: Float32Array[] = [];
  const y: number[] = [];
  for (let n = 0; n < 80; n++) {
    const k = n % 2;
    const s = new Float32Array(30);
    // steps 0-19: noise around +0.5 (class "up") or -0.5 ("down"); steps 20-29: zero-mean noise only
    for (let t = 0; t < 30; t++) s[t] = (t < 20 ? (k ? 0.5 : -0.5) : 0) + 0.5 * rng.normal();
    x.push(s);
    y.push(k);
  }
  const d: Dataset = { source: 'test', features: ['v'], x, y: Int32Array.from(y), labels: ['down', 'up'] };
  const c = fitEsn(d, { units: 30, leak: 0.3, seed: 2 }, { val: 0.2, test: 0.25 });
  expect(c.task).toBe('classification');
  expect(c.output).toBe('last');
  expect(c.outputs).toBe(2);
  expect(c.ridge.scores.every((s) => s.accuracy !== undefined)).toBe(true);
  console.log(`ESN offset-memory classification: test accuracy ${c.test.accuracy}`);
  expect(c.test.accuracy).toBeGreaterThanOrEqual(0.9);
});

test('bad options are refused with ESN001 naming the option and the value', () => {
  const bad = (o: Record<string, number>, path: string): void => {
    let err: unknown;
    try {
      buildReservoir(1, { ...DEFAULT_ESN_OPTIONS, ...o });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TinyrnnError);
    expect((err as TinyrnnError).diagnostics[0]).toMatchObject({ code: 'ESN001', path, value: Object.values(o)[0] });
  };
  bad({ leak: 0 }, 'leak');
  bad({ leak: 1.5 }, 'leak');
  bad({ spectralRadius: -1 }, 'spectralRadius');
  bad({ sparsity: 1 }, 'sparsity');
  bad({ units: 0 }, 'units');
  bad({ seed: 2 ** 31 }, 'seed');
});
