// Evaluation: predictions of a float model on a dataset, and the metrics every report uses
// (accuracy, per-class precision/recall/F1, confusion matrix; MAE/RMSE). The metric functions
// take plain predictions, so a quantised model's outputs can be scored the same way.
//
// Legend: N sequences, T steps, O outputs, K classes.

import { TinyrnnError } from '../core/ir/errors';
import { endsInSoftmax } from '../core/ir/kinds';
import { FloatModel, OutputMode, needsWholeSequence, modelOutputSize } from '../core/ir/model';
import { Dataset } from '../data/dataset';
import { Net } from './net';
import { runFloat } from '../float/infer';
import { trainHooks } from '../layers/train';

export interface ClassStats {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ClassificationMetrics {
  n: number;
  accuracy: number;
  macroF1: number;
  perClass: ClassStats[];
  /** confusion[truth][predicted] counts. */
  confusion: number[][];
}

export interface RegressionMetrics {
  n: number;
  mae: number;
  rmse: number;
  perTarget: { name: string; mae: number; rmse: number }[];
}

export interface EvalReport {
  task: 'classification' | 'regression';
  output: OutputMode;
  sequences: number;
  /** Mean loss: cross-entropy (classification; from logits when the head has no softmax) or squared error (regression). */
  loss: number;
  classification?: ClassificationMetrics;
  regression?: RegressionMetrics;
}

/** Metrics from parallel arrays of true and predicted class indices. */
export function classificationMetrics(labels: readonly string[], truth: ArrayLike<number>, pred: ArrayLike<number>): ClassificationMetrics {
  const K = labels.length;
  const confusion = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    confusion[truth[i]][pred[i]]++;
    if (truth[i] === pred[i]) correct++;
  }
  const perClass = labels.map((label, k) => {
    const tp = confusion[k][k];
    let predicted = 0;
    let support = 0;
    for (let j = 0; j < K; j++) {
      predicted += confusion[j][k];
      support += confusion[k][j];
    }
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  const present = perClass.filter((c) => c.support > 0);
  const macroF1 = present.length ? present.reduce((s, c) => s + c.f1, 0) / present.length : 0;
  return { n: truth.length, accuracy: truth.length ? correct / truth.length : 0, macroF1, perClass, confusion };
}

/** Metrics from parallel flat arrays of targets and predictions, K values per row. */
export function regressionMetrics(names: readonly string[], target: ArrayLike<number>, pred: ArrayLike<number>): RegressionMetrics {
  const K = names.length;
  const abs = new Float64Array(K);
  const sq = new Float64Array(K);
  const rows = target.length / K;
  for (let i = 0; i < target.length; i++) {
    const e = pred[i] - target[i];
    abs[i % K] += Math.abs(e);
    sq[i % K] += e * e;
  }
  const sa = abs.reduce((a, b) => a + b, 0);
  const ss = sq.reduce((a, b) => a + b, 0);
  return {
    n: rows,
    mae: target.length ? sa / target.length : 0,
    rmse: target.length ? Math.sqrt(ss / target.length) : 0,
    perTarget: names.map((name, k) => ({ name, mae: rows ? abs[k] / rows : 0, rmse: rows ? Math.sqrt(sq[k] / rows) : 0 })),
  };
}

/** Steps processed per forward call when a model can carry state across windows. */
const PREDICT_WINDOW = 256;
const PREDICT_BATCH = 32;

/**
 * Output mode 'final': each sequence's final-state vector (runFloat), at its last step like a
 * last-step model's answer; the earlier steps hold no answer (NaN), and nothing reads them.
 */
function predictFinal(model: FloatModel, data: Dataset): Float64Array[] {
  const F = model.inputSize;
  const O = modelOutputSize(model);
  return data.x.map((x) => {
    const T = x.length / F;
    const out = new Float64Array(T * O).fill(NaN);
    const run = runFloat(
      model,
      Array.from({ length: T }, (_, t) => x.subarray(t * F, (t + 1) * F)),
    );
    out.set(run.output[0], (T - 1) * O);
    return out;
  });
}

/**
 * Runs a float model over every sequence of a dataset (float64 arithmetic on its float32
 * parameters: the same numbers as runFloat, computed batched). Returns per sequence the outputs
 * at every step (T, O), flat.
 */
export function predictFloat(model: FloatModel, data: Dataset): Float64Array[] {
  const F = model.inputSize;
  if (data.features.length !== F) {
    throw new TinyrnnError(
      {
        code: 'DATA006',
        path: 'x',
        message: `sequences have ${data.features.length} features`,
        expected: `${F} (${model.meta.features.join(', ')}), what the model was trained on`,
      },
      data.source,
    );
  }
  if (model.output === 'final') return predictFinal(model, data);
  const lengths = data.x.map((x) => x.length / F);
  const maxT = Math.max(...lengths);
  const W = needsWholeSequence(model) ? maxT : Math.min(maxT, PREDICT_WINDOW);
  // keep the workspaces (about ten (T, B, G*H) float64 buffers per cell) near 2 million values each
  const widest = Math.max(...model.layers.map((l) => trainHooks(l.kind).workspaceWidth(l)));
  const B = Math.max(1, Math.min(PREDICT_BATCH, Math.floor(2_000_000 / (W * widest))));
  const net = new Net(model, { maxSteps: W, maxBatch: B, allSteps: true });
  const O = modelOutputSize(model);
  const out = lengths.map((T) => new Float64Array(T * O));
  const norm = model.normalization;
  // equal lengths batch together
  const byLen = new Map<number, number[]>();
  lengths.forEach((T, n) => {
    const l = byLen.get(T);
    if (l) l.push(n);
    else byLen.set(T, [n]);
  });
  const x0 = net.x0;
  for (const [T, idx] of byLen) {
    for (let b0 = 0; b0 < idx.length; b0 += B) {
      const batch = idx.slice(b0, b0 + B);
      const Bn = batch.length;
      for (let t0 = 0; t0 < T; t0 += W) {
        const Tc = Math.min(W, T - t0);
        for (let b = 0; b < Bn; b++) {
          const x = data.x[batch[b]];
          for (let t = 0; t < Tc; t++) {
            const src = (t0 + t) * F;
            const dst = (t * Bn + b) * F;
            for (let f = 0; f < F; f++) x0[dst + f] = norm ? (x[src + f] - norm.mean[f]) / norm.std[f] : x[src + f];
          }
        }
        // every step is needed here (the caller picks), so run dense layers on all steps
        net.forward(Tc, Bn, null, t0 > 0);
        net.saveCarry(Tc, Bn);
        const y = net.output;
        for (let b = 0; b < Bn; b++) {
          const o = out[batch[b]];
          for (let t = 0; t < Tc; t++) for (let k = 0; k < O; k++) o[(t0 + t) * O + k] = y[(t * Bn + b) * O + k];
        }
      }
    }
  }
  return out;
}

/** Maps the dataset's class indices onto the model's label order (by name). */
export function labelMap(model: FloatModel, data: Dataset): Int32Array {
  const names = model.meta.labels ?? [];
  const dl = data.labels ?? [];
  const map = new Int32Array(dl.length);
  const missing: string[] = [];
  dl.forEach((l, i) => {
    const k = names.indexOf(l);
    if (k < 0) missing.push(l);
    map[i] = k;
  });
  if (missing.length) {
    throw new TinyrnnError(
      {
        code: 'DATA008',
        path: 'labels',
        message: `labels the model does not know: ${missing.map((s) => JSON.stringify(s)).join(', ')}`,
        expected: `labels among ${names.map((s) => JSON.stringify(s)).join(', ')}`,
      },
      data.source,
    );
  }
  return map;
}

export { endsInSoftmax };

/** log sum exp(z) of z = o[off .. off+O), computed stably. */
function logSumExp(o: ArrayLike<number>, off: number, O: number): number {
  let mx = -Infinity;
  for (let u = 0; u < O; u++) mx = Math.max(mx, o[off + u]);
  let s = 0;
  for (let u = 0; u < O; u++) s += Math.exp(o[off + u] - mx);
  return mx + Math.log(s);
}

/** Cross-entropy -log softmax(z)[k] of the logits z = o[off .. off+O). */
export function logitLoss(o: ArrayLike<number>, off: number, O: number, k: number): number {
  return logSumExp(o, off, O) - o[off + k];
}

/** softmax(z): class probabilities from logits, on the host. */
export function softmaxOf(z: ArrayLike<number>): number[] {
  const lse = logSumExp(z, 0, z.length);
  return Array.from(z, (v) => Math.exp(v - lse));
}

/** Scores a float model on a dataset: the float path of `tinyrnn eval`. */
export function evaluateFloat(model: FloatModel, data: Dataset): EvalReport {
  return evaluateOutputs(model, data, predictFloat(model, data));
}

/** True when the data hold what scoring a model of this task needs: class labels, or regression targets. */
export function canScore(task: EvalReport['task'], data: Dataset): boolean {
  return task === 'classification' ? Boolean(data.y || data.yStep) : Boolean(data.targets);
}

/**
 * Scores per-sequence outputs (T, O) of any implementation of the model (float or quantised,
 * dequantised to real values) against a dataset's labels or targets.
 */
export function evaluateOutputs(
  model: FloatModel | { task: 'classification' | 'regression'; output: OutputMode; meta: { labels?: string[] }; layers: readonly { kind: string }[] },
  data: Dataset,
  outputs: Float64Array[],
): EvalReport {
  const F = data.features.length;
  const last = model.output !== 'sequence';
  const base = { task: model.task, output: model.output, sequences: data.x.length };
  if (model.task === 'classification') {
    if (!canScore(model.task, data))
      throw new TinyrnnError({ code: 'DATA016', path: 'y', message: 'the data has no class labels', expected: 'labels to score a classifier' }, data.source);
    const map = labelMap(model as FloatModel, data);
    const truth: number[] = [];
    const pred: number[] = [];
    let loss = 0;
    const O = (model.meta.labels ?? []).length;
    const probs = endsInSoftmax(model.layers);
    outputs.forEach((o, n) => {
      const T = data.x[n].length / F;
      const score = (t: number, k: number): void => {
        let best = 0;
        for (let u = 1; u < O; u++) if (o[t * O + u] > o[t * O + best]) best = u;
        truth.push(k);
        pred.push(best);
        loss += probs ? -Math.log(Math.max(o[t * O + k], 1e-12)) : logitLoss(o, t * O, O, k);
      };
      if (last) score(T - 1, map[data.y ? data.y[n] : (data.yStep as Int32Array[])[n][T - 1]]);
      else for (let t = 0; t < T; t++) score(t, map[data.y ? data.y[n] : (data.yStep as Int32Array[])[n][t]]);
    });
    return { ...base, loss: truth.length ? loss / truth.length : 0, classification: classificationMetrics(model.meta.labels ?? [], truth, pred) };
  }
  if (!canScore(model.task, data))
    throw new TinyrnnError(
      { code: 'DATA016', path: 'y', message: 'the data has no regression targets', expected: 'target columns to score a regression model' },
      data.source,
    );
  const K = data.targetNames?.length ?? 0;
  const tg: number[] = [];
  const pr: number[] = [];
  outputs.forEach((o, n) => {
    const T = data.x[n].length / F;
    const y = (data.targets as Float32Array[])[n];
    if (o.length !== T * K)
      throw new TinyrnnError(
        { code: 'DATA007', path: `y[${n}]`, message: `${K} targets per step`, expected: `${o.length / T} (the model's outputs)` },
        data.source,
      );
    for (let t = last ? T - 1 : 0; t < T; t++) {
      for (let k = 0; k < K; k++) {
        tg.push(y[t * K + k]);
        pr.push(o[t * K + k]);
      }
    }
  });
  const r = regressionMetrics(data.targetNames ?? [], tg, pr);
  return { ...base, loss: r.rmse * r.rmse, regression: r };
}

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

/** Human-readable report: accuracy, per-class table and confusion matrix, or MAE/RMSE. */
export function formatEvalReport(r: EvalReport, title = 'evaluation'): string {
  const lines: string[] = [];
  if (r.classification) {
    const c = r.classification;
    lines.push(
      `${title}: ${r.sequences} sequences, ${c.n} predictions: accuracy ${pct(c.accuracy)}, macro F1 ${c.macroF1.toFixed(3)}, loss ${r.loss.toFixed(4)}`,
    );
    const w = Math.max(5, ...c.perClass.map((p) => p.label.length));
    lines.push(`  ${'class'.padEnd(w)}  precision  recall     F1  support`);
    for (const p of c.perClass)
      lines.push(
        `  ${p.label.padEnd(w)}  ${pct(p.precision).padStart(9)}  ${pct(p.recall).padStart(6)}  ${p.f1.toFixed(3).padStart(5)}  ${String(p.support).padStart(7)}`,
      );
    lines.push('  confusion (rows: true class, columns: predicted):');
    const cw = Math.max(4, ...c.confusion.flat().map((v) => String(v).length), ...c.perClass.map((p) => Math.min(p.label.length, 6)));
    lines.push(`  ${''.padEnd(w)}  ${c.perClass.map((p) => p.label.slice(0, 6).padStart(cw)).join(' ')}`);
    c.confusion.forEach((row, k) => lines.push(`  ${c.perClass[k].label.padEnd(w)}  ${row.map((v) => String(v).padStart(cw)).join(' ')}`));
  } else if (r.regression) {
    const g = r.regression;
    lines.push(`${title}: ${r.sequences} sequences, ${g.n} predicted steps: MAE ${g.mae.toPrecision(4)}, RMSE ${g.rmse.toPrecision(4)}`);
    if (g.perTarget.length > 1) for (const t of g.perTarget) lines.push(`  ${t.name}: MAE ${t.mae.toPrecision(4)}, RMSE ${t.rmse.toPrecision(4)}`);
  }
  return lines.join('\n');
}
