// The int8 accuracy report (`tinyrnn eval MODEL.q.tnn --data D --compare MODEL.tnn`): the metric
// for float and int8, how often their predictions agree, and where the error comes from: every
// tensor (input, each gate's pre-activation and output, cell, state, hidden, dense) compared in
// real units, and how the error grows over the time steps.
//
// Legend: N sequences, T steps, F features, O outputs, H hidden, G gates.

import { TinyrnnError } from '../core/ir/errors';
import { FloatModel, modelOutputSize } from '../core/ir/model';
import { QuantModel } from '../core/ir/quant-model';
import { SaturationCounter, SaturationRow, dequantTrace, formatSaturation } from './saturation';
import { Dataset } from '../data/dataset';
import { runFloat, argmax } from '../float/infer';
import { EvalReport, canScore, evaluateOutputs, formatEvalReport, predictFloat } from '../train/metrics';
import { dequantizeOutput, rawSequence, runQuant, runRows, QuantObserver } from '../core/reference';

export interface TensorError {
  /** e.g. "L0 lstm pre.i", "L1 dense out", "input x". */
  name: string;
  layer: number;
  maxAbs: number;
  meanAbs: number;
  /** Mean |float value| of the tensor (to judge the error against). */
  meanMagnitude: number;
  count: number;
  /**
   * Share of values at the limit of their integer type (x16, Q3.12 pre-activations, cell, int8
   * h, outputs): saturation, which explains large max errors (e.g. a pre-activation of 11 held
   * at 8, harmless after a sigmoid). null where a limit is meaningless (gate outputs, h16).
   */
  atLimit: number | null;
}

export interface GrowthRow {
  from: number; // first step (0-based)
  to: number; // last step, inclusive
  outputMean: number;
  outputMax: number;
  /** Mean |error| of each recurrent layer's hidden output h over these steps, by layer name. */
  hidden: Record<string, number>;
}

export interface QuantReport {
  data: string;
  sequences: number;
  steps: number;
  float: EvalReport;
  int8: EvalReport;
  /** Classification: how many predictions of int8 equal float's. */
  agreement?: { predictions: number; identical: number; rate: number };
  /** Model outputs (dequantised; probabilities for softmax heads) against float, every step. */
  output: { maxAbs: number; meanAbs: number };
  tensors: TensorError[];
  /** Sequences the per-tensor analysis ran on (at most opts.traceSequences). */
  tracedSequences: number;
  growth: GrowthRow[];
  /** Output and state tensors at their integer limit, share of steps (every sequence). */
  saturation: SaturationRow[];
}

/** Dequantised model outputs of every sequence, (N)(T*O), in the shape evaluateOutputs takes. */
export function predictQuant(q: QuantModel, data: Dataset, obs?: QuantObserver): Float64Array[] {
  if (data.features.length !== q.inputSize) {
    throw new TinyrnnError(
      {
        code: 'DATA006',
        path: 'x',
        message: `sequences have ${data.features.length} features`,
        expected: `${q.inputSize} (${q.meta.features.join(', ')}), what the model was quantised for`,
      },
      data.source,
    );
  }
  const O = q.outputSize;
  return data.x.map((x) => {
    const rows = runRows(q, runQuant(q, rawSequence(q, x), obs));
    const out = new Float64Array(rows.length * O);
    rows.forEach((y, t) => out.set(dequantizeOutput(q, y), t * O));
    return out;
  });
}

/** Output mode 'final': the float final states of every sequence, one row each (compiler/float/infer). */
function predictFinalFloat(f: FloatModel, data: Dataset): Float64Array[] {
  const F = f.inputSize;
  return data.x.map(
    (x) =>
      runFloat(
        f,
        Array.from({ length: x.length / F }, (_, t) => x.subarray(t * F, (t + 1) * F)),
      ).output[0],
  );
}

/** The report without a task metric (final states, or data without labels or targets): the sequences only. */
function unscored(m: { task: EvalReport['task']; output: EvalReport['output'] }, data: Dataset): EvalReport {
  return { task: m.task, output: m.output, sequences: data.x.length, loss: NaN };
}

/** Scores a quantised model alone (the metric of `tinyrnn eval MODEL.q.tnn`). */
export function evaluateQuant(q: QuantModel, data: Dataset): EvalReport {
  return evaluateOutputs(q, data, predictQuant(q, data));
}

/** Float outputs (T, O) per sequence, flat, from compiler/float/infer (runFloat). */
class Acc {
  max = 0;
  sum = 0;
  mag = 0;
  n = 0;
  limit = 0;
  limitChecked = false;
  add(err: number, magnitude: number): void {
    if (err > this.max) this.max = err;
    this.sum += err;
    this.mag += magnitude;
    this.n++;
  }
}

/** Compares a quantised model with its float original on a dataset. */
export function compareQuant(f: FloatModel, q: QuantModel, data: Dataset, opts: { traceSequences?: number } = {}): QuantReport {
  if (f.inputSize !== q.inputSize || modelOutputSize(f) !== q.outputSize) {
    throw new TinyrnnError({
      code: 'QNT009',
      path: '',
      message: `the float model (${f.inputSize} inputs, ${modelOutputSize(f)} outputs) is not the one this quantised model was made from (${q.inputSize} inputs, ${q.outputSize} outputs)`,
      hint: 'pass the .tnn that was given to tinyrnn quantize',
    });
  }
  if (f.layers.length !== q.layers.length || f.layers.some((l, i) => l.kind !== q.layers[i].kind)) {
    throw new TinyrnnError({
      code: 'QNT009',
      path: 'layers',
      message: `layers differ: float ${f.layers.map((l) => l.kind).join(', ')}; int8 ${q.layers.map((l) => l.kind).join(', ')}`,
      hint: 'pass the .tnn that was given to tinyrnn quantize',
    });
  }
  const O = q.outputSize;
  const F = q.inputSize;
  // final states (output mode 'final'): one row per sequence, compared value by value, no task metric
  const final = f.output === 'final';
  const floatOut = final ? predictFinalFloat(f, data) : predictFloat(f, data);
  const sat = new SaturationCounter(q);
  const quantOut = predictQuant(q, data, sat.observe);
  // scored by the task's metric when the data hold labels or targets (calibration data often hold neither)
  const scored = !final && canScore(f.task, data);
  const fr = scored ? evaluateOutputs(f, data, floatOut) : unscored(f, data);
  const qr = scored ? evaluateOutputs(q, data, quantOut) : unscored(q, data);
  let steps = 0;
  const outAcc = new Acc();
  let identical = 0;
  let predictions = 0;
  floatOut.forEach((fo, n) => {
    const T = data.x[n].length / F;
    steps += T;
    for (let k = 0; k < fo.length; k++) outAcc.add(Math.abs(fo[k] - quantOut[n][k]), Math.abs(fo[k]));
    if (f.task === 'classification') {
      const ts = f.output === 'last' ? [T - 1] : Array.from({ length: T }, (_, t) => t);
      for (const t of ts) {
        predictions++;
        if (argmax(fo.subarray(t * O, (t + 1) * O)) === argmax(quantOut[n].subarray(t * O, (t + 1) * O))) identical++;
      }
    }
  });

  // per-tensor errors and growth over time, on the first traceSequences sequences
  const nTrace = Math.min(data.x.length, opts.traceSequences ?? 100);
  const tensors = new Map<string, { layer: number; acc: Acc }>();
  const maxT = Math.max(1, ...data.x.slice(0, nTrace).map((x) => x.length / F));
  const width = Math.max(1, Math.ceil(maxT / 8));
  const buckets = Array.from({ length: Math.ceil(maxT / width) }, () => ({ out: new Acc(), hidden: new Map<string, Acc>() }));
  for (let n = 0; n < nTrace; n++) {
    const x = data.x[n];
    const T = x.length / F;
    const seq = Array.from({ length: T }, (_, t) => x.subarray(t * F, (t + 1) * F));
    const fl = new Map<string, Float64Array>();
    runFloat(f, seq, (layer, t, key, values) => fl.set(`${layer}|${t}|${key}`, values.slice()));
    const obs: QuantObserver = (layer, t, key, v) => {
      const d = dequantTrace(q, layer, key, v);
      if (!d) return;
      const fv = fl.get(`${layer}|${t}|${d.floatKey}`);
      if (!fv || fv.length !== d.values.length) return;
      // split gate blocks: pre.i, pre.f, ... (cells with more than one gate)
      const gates = d.gates ?? [''];
      const H = d.values.length / gates.length;
      const who = layer < 0 ? 'input' : `L${layer} ${d.label}`;
      gates.forEach((gate, g) => {
        const name = `${who} ${d.tensor}${d.gates ? `.${gate}` : ''}`;
        let e = tensors.get(name);
        if (!e) tensors.set(name, (e = { layer, acc: new Acc() }));
        for (let k = g * H; k < (g + 1) * H; k++) e.acc.add(Math.abs(d.values[k] - fv[k]), Math.abs(fv[k]));
        if (d.limits) {
          e.acc.limitChecked = true;
          for (let k = g * H; k < (g + 1) * H; k++) if (v[k] === d.limits[0] || v[k] === d.limits[1]) e.acc.limit++;
        }
      });
      if (d.hidden) {
        const b = buckets[Math.floor(t / width)];
        let a = b.hidden.get(who);
        if (!a) b.hidden.set(who, (a = new Acc()));
        for (let k = 0; k < fv.length; k++) a.add(Math.abs(d.values[k] - fv[k]), Math.abs(fv[k]));
      }
    };
    runQuant(q, rawSequence(q, x), obs);
    for (let t = 0; t < (final ? 0 : T); t++) {
      const b = buckets[Math.floor(t / width)];
      for (let k = t * O; k < (t + 1) * O; k++) b.out.add(Math.abs(floatOut[n][k] - quantOut[n][k]), Math.abs(floatOut[n][k]));
    }
  }
  const growth: GrowthRow[] = buckets.map((b, i) => ({
    from: i * width,
    to: Math.min(maxT, (i + 1) * width) - 1,
    outputMean: b.out.n ? b.out.sum / b.out.n : 0,
    outputMax: b.out.max,
    hidden: Object.fromEntries([...b.hidden].map(([k, a]) => [k, a.n ? a.sum / a.n : 0])),
  }));
  return {
    data: data.source,
    sequences: data.x.length,
    steps,
    float: fr,
    int8: qr,
    ...(f.task === 'classification' ? { agreement: { predictions, identical, rate: predictions ? identical / predictions : 1 } } : {}),
    output: { maxAbs: outAcc.max, meanAbs: outAcc.n ? outAcc.sum / outAcc.n : 0 },
    tensors: [...tensors].map(([name, { layer, acc }]) => ({
      name,
      layer,
      maxAbs: acc.max,
      meanAbs: acc.n ? acc.sum / acc.n : 0,
      meanMagnitude: acc.n ? acc.mag / acc.n : 0,
      count: acc.n,
      atLimit: acc.limitChecked && acc.n ? acc.limit / acc.n : null,
    })),
    tracedSequences: nTrace,
    growth,
    saturation: sat.result(),
  };
}

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
const g4 = (v: number): string => (v === 0 ? '0' : v < 1e-3 ? v.toExponential(2) : v.toPrecision(3));

/** Human-readable report. */
export function formatQuantReport(r: QuantReport, title: string): string {
  const lines: string[] = [];
  lines.push(`${title}: int8 against float on ${r.data} (${r.sequences} sequences, ${r.steps} steps)`);
  if (r.float.classification && r.int8.classification) {
    const a = r.float.classification.accuracy;
    const b = r.int8.classification.accuracy;
    lines.push(`  accuracy: float ${pct(a)}, int8 ${pct(b)} (${b - a >= 0 ? '+' : ''}${(100 * (b - a)).toFixed(2)} points)`);
  }
  if (r.float.regression && r.int8.regression) {
    lines.push(
      `  RMSE: float ${g4(r.float.regression.rmse)}, int8 ${g4(r.int8.regression.rmse)}; MAE: float ${g4(r.float.regression.mae)}, int8 ${g4(r.int8.regression.mae)}`,
    );
  }
  if (r.agreement) lines.push(`  predictions identical to float: ${r.agreement.identical} of ${r.agreement.predictions} (${pct(r.agreement.rate)})`);
  lines.push(
    `  model output vs float (every step${r.float.classification ? ', probabilities' : ''}): max |error| ${g4(r.output.maxAbs)}, mean ${g4(r.output.meanAbs)}`,
  );
  lines.push(`  where the error comes from (real units, ${r.tracedSequences} sequences):`);
  const w = Math.max(6, ...r.tensors.map((t) => t.name.length));
  lines.push(`    ${'tensor'.padEnd(w)}  ${'max |err|'.padStart(10)}  ${'mean |err|'.padStart(10)}  ${'mean |value|'.padStart(12)}  ${'at limit'.padStart(8)}`);
  const lim = (a: number | null): string => (a === null ? '-' : a === 0 ? '0' : a < 0.001 ? '<0.1%' : `${(100 * a).toFixed(1)}%`);
  for (const t of r.tensors)
    lines.push(
      `    ${t.name.padEnd(w)}  ${g4(t.maxAbs).padStart(10)}  ${g4(t.meanAbs).padStart(10)}  ${g4(t.meanMagnitude).padStart(12)}  ${lim(t.atLimit).padStart(8)}`,
    );
  lines.push('    (at limit: share of values held at the limit of their integer type; saturated pre-activations beyond +-8 are harmless after sigmoid/tanh)');
  const hn = [...new Set(r.growth.flatMap((g) => Object.keys(g.hidden)))];
  lines.push("  error over time (mean |err| of the output and of each recurrent layer's h):");
  lines.push(`    ${'steps'.padEnd(11)}  ${'output'.padStart(10)}  ${hn.map((h) => h.padStart(Math.max(10, h.length))).join('  ')}`);
  for (const g of r.growth) {
    lines.push(
      `    ${`${g.from + 1}-${g.to + 1}`.padEnd(11)}  ${g4(g.outputMean).padStart(10)}  ${hn.map((h) => g4(g.hidden[h] ?? 0).padStart(Math.max(10, h.length))).join('  ')}`,
    );
  }
  lines.push(formatSaturation(r.saturation));
  return lines.join('\n');
}

/** The plain eval report of a quantised model, titled as such. */
export function formatQuantEval(r: EvalReport, title: string): string {
  return formatEvalReport(r, `${title} (int8)`);
}
