// Saturation: how often an int8 model's output and state tensors sit at the limit of their
// integer type on some data (quantize on the calibration data, eval --compare, simulate). A value
// held at its limit is clipped: a series past its calibrated range (plus headroom) shows up here
// first. Pre-activations are left out: saturating them beyond +-8 is harmless after sigmoid/tanh.
//
// Legend: N sequences, T steps.

import { QuantModel } from '../core/ir/quant-model';
import { QuantObserver, rawSequence, runQuant } from '../core/reference';
import { quantHooks } from '../layers/quant';
import { S16, TraceEntry } from './hooks';

/** Share of steps above which a tensor at its limit is warned about. */
export const SATURATION_WARN = 0.01;

export interface SaturationRow {
  /** e.g. "input x", "L0 gru h", "L1 dense out". */
  name: string;
  /** -1: the model input. */
  layer: number;
  /** True for the model's output tensor. */
  output: boolean;
  /** Steps observed and steps with at least one value of the tensor at its limit. */
  steps: number;
  atLimit: number;
  share: number;
}

/** An integer trace entry in real units (layer i < 0: the model input x16); null when it has no float counterpart. */
export function dequantTrace(q: QuantModel, i: number, key: string, v: Int32Array): TraceEntry | null {
  if (i >= 0) return quantHooks(q.layers[i].kind).trace(q.layers[i], q.doc.layers[i], key, v);
  const out = new Float64Array(v.length);
  for (let f = 0; f < v.length; f++) out[f] = v[f] * q.doc.inputScale[f];
  return { floatKey: 'x', values: out, limits: S16, label: '', tensor: key, hidden: false };
}

const isPre = (tensor: string): boolean => /(^|\.)y?pre$/.test(tensor);

/** Counts, per output and state tensor, the steps at which a value sits at its integer limit (pass `observe` to runQuant). */
export class SaturationCounter {
  private readonly rows = new Map<string, SaturationRow>();
  constructor(private readonly q: QuantModel) {}
  readonly observe: QuantObserver = (layer, _t, key, v) => {
    const d = dequantTrace(this.q, layer, key, v);
    if (!d?.limits || isPre(d.tensor)) return;
    const name = layer < 0 ? 'input x' : `L${layer} ${d.label} ${d.tensor}`;
    let r = this.rows.get(name);
    const output = layer === this.q.layers.length - 1 && (d.tensor === 'out' || d.hidden);
    if (!r) this.rows.set(name, (r = { name, layer, output, steps: 0, atLimit: 0, share: 0 }));
    r.steps++;
    const [lo, hi] = d.limits;
    if (v.some((x) => x === lo || x === hi)) r.atLimit++;
  };
  result(): SaturationRow[] {
    return [...this.rows.values()].map((r) => ({ ...r, share: r.steps ? r.atLimit / r.steps : 0 }));
  }
}

/** Saturation of every output and state tensor over sequences (N)(T*F) in model units. */
export function saturation(q: QuantModel, sequences: ArrayLike<number>[]): SaturationRow[] {
  const c = new SaturationCounter(q);
  for (const x of sequences) runQuant(q, rawSequence(q, x), c.observe);
  return c.result();
}

const pct = (v: number): string => (v === 0 ? '0' : v < 0.001 ? '<0.1%' : `${(100 * v).toFixed(1)}%`);

/** One warning per tensor at its limit in more than `threshold` of the steps, naming the layer. */
export function saturationWarnings(rows: SaturationRow[], threshold = SATURATION_WARN): string[] {
  return rows
    .filter((r) => r.share > threshold)
    .map(
      (r) =>
        `warning: ${r.name}${r.output ? ' (the model output)' : ''} is at its integer limit in ${pct(r.share)} of steps (${r.atLimit} of ${r.steps}): values beyond its range are clipped; quantize with a larger --headroom or calibrate on data that cover the range`,
    );
}

/** The saturation per tensor, one line each. */
export function saturationTable(rows: SaturationRow[]): string[] {
  const label = (r: SaturationRow): string => r.name + (r.output ? ' (output)' : '');
  const w = Math.max(6, ...rows.map((r) => label(r).length));
  return [`  saturation (share of steps with a value at its integer limit):`, ...rows.map((r) => `    ${label(r).padEnd(w)}  ${pct(r.share).padStart(6)}`)];
}

/** The table and the warnings. */
export function formatSaturation(rows: SaturationRow[], threshold = SATURATION_WARN): string {
  return [...saturationTable(rows), ...saturationWarnings(rows, threshold)].join('\n');
}
