// Data preparation for training: consistency checks, windowing of long recordings, splits by
// sequence (stratified by class), and normalisation statistics.
//
// Legend: N sequences, T steps, F features, K regression targets, W window length.
// Codes: DATA005 NaN/Inf   DATA006 ragged   DATA008 unknown label   DATA009 empty
//        DATA014 windowing  DATA015 split too small   DATA016 no labels/targets to train on

import { Diagnostic, TinyrnnError } from '../core/ir/errors';
import { Dataset, labelExpectation, seqLength } from './dataset';
import { Rng } from '../core/util/rng';

/** Checks a Dataset built by any means (files, generators, API): collects every problem. */
export function checkDataset(d: Dataset, opts: { needTargets?: boolean } = {}): void {
  const problems: Diagnostic[] = [];
  const add = (p: Diagnostic): void => {
    if (problems.length < 20) problems.push(p);
  };
  const F = d.features.length;
  if (F === 0) add({ code: 'DATA006', path: 'features', message: 'no features', expected: 'at least one feature' });
  if (d.x.length === 0) add({ code: 'DATA009', path: 'x', message: 'no sequences', expected: 'at least one sequence' });
  d.x.forEach((x, n) => {
    if (x.length === 0) add({ code: 'DATA009', path: `x[${n}]`, message: 'sequence has no time steps', expected: 'at least one step' });
    else if (F > 0 && x.length % F !== 0)
      add({ code: 'DATA006', path: `x[${n}]`, message: `${x.length} values is not a whole number of steps`, expected: `a multiple of ${F} features` });
    for (let i = 0; i < x.length; i++) {
      if (!Number.isFinite(x[i])) {
        add({
          code: 'DATA005',
          path: `x[${n}][${Math.floor(i / Math.max(F, 1))}][${i % Math.max(F, 1)}]`,
          message: 'value is not finite',
          value: x[i],
          expected: 'a finite number',
          hint: 'fill sensor dropouts before training (e.g. repeat the last sample)',
        });
        break;
      }
    }
  });
  const K = d.labels?.length ?? 0;
  if (d.y) {
    if (d.y.length !== d.x.length) add({ code: 'DATA007', path: 'y', message: `${d.y.length} labels`, expected: `${d.x.length} (one per sequence)` });
    d.y.forEach((v, n) => {
      if (!(v >= 0 && v < K)) add({ code: 'DATA008', path: `y[${n}]`, message: 'unknown label', value: v, expected: labelExpectation(d.labels ?? [], false) });
    });
  }
  if (d.yStep) {
    d.yStep.forEach((ys, n) => {
      if (d.x[n] && ys.length !== d.x[n].length / Math.max(F, 1))
        add({ code: 'DATA007', path: `y[${n}]`, message: `${ys.length} per-step labels`, expected: `${d.x[n].length / F} (the length of x[${n}])` });
      for (let t = 0; t < ys.length; t++) {
        if (!(ys[t] >= 0 && ys[t] < K)) {
          add({ code: 'DATA008', path: `y[${n}][${t}]`, message: 'unknown label', value: ys[t], expected: labelExpectation(d.labels ?? [], true) });
          break;
        }
      }
    });
  }
  if (d.targets) {
    const Kt = d.targetNames?.length ?? 0;
    d.targets.forEach((tg, n) => {
      const T = d.x[n] ? d.x[n].length / Math.max(F, 1) : 0;
      if (tg.length !== T * Kt)
        add({ code: 'DATA007', path: `y[${n}]`, message: `${tg.length} target values`, expected: `${T * Kt} (${T} steps x ${Kt} targets)` });
      for (let i = 0; i < tg.length; i++) {
        if (!Number.isFinite(tg[i])) {
          add({
            code: 'DATA005',
            path: `y[${n}][${Math.floor(i / Kt)}][${i % Kt}]`,
            message: 'target is not finite',
            value: tg[i],
            expected: 'a finite number',
          });
          break;
        }
      }
    });
  }
  if (opts.needTargets && !d.y && !d.yStep && !d.targets) {
    add({
      code: 'DATA016',
      path: 'y',
      message: 'the data has no labels or targets',
      expected: 'class labels (y) or regression targets',
      hint: 'training needs to know the right answers: add a label column or target* columns',
    });
  }
  if (problems.length) throw new TinyrnnError(problems, d.source);
}

/** A subset of sequences (shares the arrays). */
export function subset(d: Dataset, idx: ArrayLike<number>): Dataset {
  const pick = <T>(a: T[] | undefined): T[] | undefined => (a ? Array.from(idx, (i) => a[i]) : undefined);
  const out: Dataset = { ...d, x: Array.from(idx, (i) => d.x[i]) };
  if (d.y) out.y = Int32Array.from(idx, (i) => d.y![i]);
  if (d.yStep) out.yStep = pick(d.yStep);
  if (d.targets) out.targets = pick(d.targets);
  return out;
}

/**
 * Cuts every sequence into windows of `length` steps every `stride` steps (a trailing part shorter
 * than a window is dropped). Per-sequence labels are inherited; per-step labels and targets are cut
 * alongside.
 */
export function windowDataset(d: Dataset, length: number, stride = length): Dataset {
  if (!Number.isInteger(length) || length < 1 || !Number.isInteger(stride) || stride < 1) {
    throw new TinyrnnError({ code: 'DATA014', path: 'window', message: `window ${length} stride ${stride}`, expected: 'positive integers' }, d.source);
  }
  const F = d.features.length;
  const Kt = d.targetNames?.length ?? 0;
  const x: Float32Array[] = [];
  const y: number[] = [];
  const yStep: Int32Array[] = [];
  const targets: Float32Array[] = [];
  d.x.forEach((seq, n) => {
    const T = seq.length / F;
    for (let s = 0; s + length <= T; s += stride) {
      x.push(seq.slice(s * F, (s + length) * F));
      if (d.y) y.push(d.y[n]);
      if (d.yStep) yStep.push(d.yStep[n].slice(s, s + length));
      if (d.targets) targets.push(d.targets[n].slice(s * Kt, (s + length) * Kt));
    }
  });
  if (x.length === 0) {
    const longest = Math.max(...d.x.map((s) => s.length / F));
    throw new TinyrnnError(
      {
        code: 'DATA014',
        path: 'window',
        message: `no sequence is as long as the window (${length} steps)`,
        value: longest,
        expected: `a window of at most ${longest} steps`,
      },
      d.source,
    );
  }
  const out: Dataset = { ...d, x };
  if (d.y) out.y = Int32Array.from(y);
  if (d.yStep) out.yStep = yStep;
  if (d.targets) out.targets = targets;
  return out;
}

export interface SplitFractions {
  /** Fraction of sequences for validation (early stopping, model selection). */
  val: number;
  /** Fraction held out for the final test. */
  test: number;
}

export interface Split {
  train: Int32Array;
  val: Int32Array;
  test: Int32Array;
}

/**
 * Splits sequence indices into train/validation/test with a seeded shuffle. Classification data
 * with one class per sequence is stratified: every class is split in the same proportions.
 */
export function splitIndices(d: Dataset, f: SplitFractions, seed: number): Split {
  if (!(f.val >= 0 && f.test >= 0 && f.val + f.test < 1)) {
    throw new TinyrnnError({
      code: 'DATA015',
      path: 'split',
      message: `validation ${f.val} + test ${f.test}`,
      expected: 'fractions >= 0 that sum to less than 1',
    });
  }
  const rng = new Rng(seed ^ 0x5917);
  const groups: number[][] = [];
  if (d.y && d.labels) {
    for (let k = 0; k < d.labels.length; k++) groups.push([]);
    d.y.forEach((k, n) => groups[k].push(n));
  } else groups.push(d.x.map((_, n) => n));
  const train: number[] = [];
  const val: number[] = [];
  const test: number[] = [];
  for (const g of groups) {
    rng.shuffle(g);
    const nt = Math.round(g.length * f.test);
    const nv = Math.round(g.length * f.val);
    test.push(...g.slice(0, nt));
    val.push(...g.slice(nt, nt + nv));
    train.push(...g.slice(nt + nv));
  }
  const sort = (a: number[]): Int32Array => Int32Array.from(a).sort();
  const s = { train: sort(train), val: sort(val), test: sort(test) };
  const n = d.x.length;
  if (s.train.length === 0 || (f.val > 0 && s.val.length === 0)) {
    throw new TinyrnnError(
      {
        code: 'DATA015',
        path: 'split',
        message: `${n} sequences are too few to split (train ${s.train.length}, validation ${s.val.length}, test ${s.test.length})`,
        expected: 'at least one training and one validation sequence',
        hint: 'use more data, window long recordings into sequences (--window), or lower --val/--test',
      },
      d.source,
    );
  }
  return s;
}

/**
 * Per-feature mean and standard deviation over every step of the given sequences, in float64,
 * rounded to float32 (what the model stores). A constant feature gets std 1.
 */
export function normalizationStats(d: Dataset, idx?: ArrayLike<number>): { mean: Float32Array; std: Float32Array } {
  const F = d.features.length;
  const sum = new Float64Array(F);
  const list = idx ? Array.from(idx) : d.x.map((_, n) => n);
  let count = 0;
  for (const n of list) {
    const x = d.x[n];
    for (let i = 0; i < x.length; i++) sum[i % F] += x[i];
    count += x.length / F;
  }
  const mean = new Float64Array(F);
  for (let f = 0; f < F; f++) mean[f] = count ? sum[f] / count : 0;
  const sq = new Float64Array(F);
  for (const n of list) {
    const x = d.x[n];
    for (let i = 0; i < x.length; i++) {
      const e = x[i] - mean[i % F];
      sq[i % F] += e * e;
    }
  }
  const std = new Float32Array(F);
  for (let f = 0; f < F; f++) {
    const s = count ? Math.sqrt(sq[f] / count) : 1;
    std[f] = s > 1e-6 ? s : 1;
  }
  return { mean: Float32Array.from(mean), std };
}

/** Per-class sequence counts (classification data with one label per sequence). */
export function classCounts(d: Dataset): number[] {
  const c = new Array(d.labels?.length ?? 0).fill(0);
  if (d.y) for (const k of d.y) c[k]++;
  else if (d.yStep) for (const ys of d.yStep) for (const k of ys) c[k]++;
  return c;
}

export function totalSteps(d: Dataset): number {
  let s = 0;
  for (let n = 0; n < d.x.length; n++) s += seqLength(d, n);
  return s;
}
