// The input stage of the quantiser (docs/quantization.md sections 4 and 7.9): how the device's raw
// integers relate to the model's units (rawPerUnit), the normalisation folded in (offset, the
// offset's fraction of a raw unit as `bias`, and the multipliers), and the sentence `quantize`
// prints about that choice.
//
// The rule, written once: for float data rawPerUnit is the largest power of two that keeps the
// inputs in int16, so one raw unit is at most 2^-14 of the feature's largest magnitude and the
// offset is rounded to whole raw units (no bias: such models compute exactly as before the bias
// existed). Integer-valued data keep rawPerUnit 1 (the device is fed the sensor's own counts) and
// an explicit rawPerUnit wins; in both cases a raw unit can be a large share of the feature's
// spread (a channel of 0..16), so the offset keeps its fraction as bias, to 1/m raw unit.

import { QuantInput, QuantModel } from '../core/ir/quant-types';
import { RAW_OFFSET_MAX } from '../core/spec/spec';
import { FloatModel } from '../core/ir/model';
import { Problems } from './rows';

/** How the raw unit was chosen: given by the user, integer-valued data, or float data. */
export type RawUnitReason = 'explicit' | 'integer' | 'float';

/** The raw units per model unit of every feature (section 7.9). */
export function chooseRawPerUnit(absMax: ArrayLike<number>, reason: RawUnitReason, given?: number): Int32Array {
  return Int32Array.from(absMax, (a) => {
    if (reason === 'explicit') return given ?? 1;
    if (reason === 'integer') return 1;
    let k = 1;
    while (k < 2 ** 24 && a * k * 2 <= 32767) k *= 2;
    return k;
  });
}

/** The input stage's integers: offsets, multipliers, shifts, and the offset's fraction where the rule keeps it. */
export function quantizeInputStage(m: FloatModel, p: Problems, rawPerUnit: Int32Array, xScale: ArrayLike<number>, reason: RawUnitReason): QuantInput {
  const F = m.inputSize;
  const offset = new Int32Array(F);
  const im = new Int32Array(F);
  const is = new Int32Array(F);
  const bias = new Int32Array(F);
  for (let f = 0; f < F; f++) {
    const mean = m.normalization ? m.normalization.mean[f] : 0;
    const std = m.normalization ? m.normalization.std[f] : 1;
    const exact = mean * rawPerUnit[f];
    const off = Math.round(exact);
    if (Math.abs(off) > RAW_OFFSET_MAX) {
      p.add('QNT007', `input.offset[${f}]`, `raw offset ${off} of feature ${m.meta.features[f]} is beyond 2^30 - 1`, {
        value: off,
        expected: '|offset| <= 2^30 - 1',
        hint: 'use a smaller --raw-per-unit',
      });
    }
    offset[f] = Math.max(-RAW_OFFSET_MAX, Math.min(RAW_OFFSET_MAX, off));
    const q = p.mult(1 / (rawPerUnit[f] * std * xScale[f]), `input.m[${f}]`, `input stage of feature ${m.meta.features[f]}`);
    im[f] = q.m;
    is[f] = q.s;
    // |exact - offset| <= 1/2 unless QNT007 clamped the offset, so |bias| <= 16384 (section 6: 2^15 - 1)
    if (reason !== 'float' && off === offset[f]) bias[f] = Math.round(-(exact - offset[f]) * q.m);
  }
  return { rawPerUnit, offset, m: im, s: is, ...(bias.some((b) => b !== 0) ? { bias } : {}) };
}

/** The smallest and largest value of every feature in the calibration data, and whether every value is an integer. */
export function featureRanges(sequences: ArrayLike<ArrayLike<number>>[], F: number): { ranges: [number, number][]; integer: boolean } {
  const ranges: [number, number][] = Array.from({ length: F }, () => [Infinity, -Infinity]);
  let integer = true;
  for (const seq of sequences)
    for (let t = 0; t < seq.length; t++)
      for (let f = 0; f < F; f++) {
        const v = seq[t][f];
        if (!Number.isInteger(v)) integer = false;
        if (v < ranges[f][0]) ranges[f][0] = v;
        if (v > ranges[f][1]) ranges[f][1] = v;
      }
  return { ranges, integer };
}

/** What the quantiser chose for the device's raw input, and why. */
export interface InputChoice {
  reason: RawUnitReason;
  /** Per feature: calibration range and raw units per model unit. */
  features: { name: string; min: number; max: number; rawPerUnit: number }[];
  /** The offset's resolution in raw units: 1 (whole raw units) or 2^-k (the fractional offset). */
  offsetResolution: number;
  /** One sentence for the terminal and the report. */
  text: string;
}

function rangeList(c: InputChoice['features']): string {
  const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(4));
  const shown = c.slice(0, 6).map((f) => `${f.name} ${num(f.min)}..${num(f.max)}`);
  return shown.join(', ') + (c.length > 6 ? `, ... (${c.length} channels)` : '');
}

function offsetText(q: QuantInput, res: number): string {
  if (!q.bias) return 'offset in whole raw units (the normalisation mean is a whole number of raw units, or a raw unit is below 2^-14 of the range)';
  return `offset kept to 1/2^${Math.round(-Math.log2(res))} raw unit (input.bias), so the normalisation costs no accuracy`;
}

/** Describes the input stage of q, quantised from these calibration sequences (explicit: --raw-per-unit was given). */
export function describeInputChoice(q: QuantModel, sequences: ArrayLike<ArrayLike<number>>[], explicit: boolean): InputChoice {
  const { ranges, integer } = featureRanges(sequences, q.inputSize);
  const reason: RawUnitReason = explicit ? 'explicit' : integer ? 'integer' : 'float';
  const features = q.meta.features.map((name, f) => ({ name, min: ranges[f][0], max: ranges[f][1], rawPerUnit: q.input.rawPerUnit[f] }));
  const ms = Array.from(q.input.m).filter((v, f) => v > 0 && q.input.bias?.[f] !== undefined);
  const res = q.input.bias && ms.length ? 2 ** -Math.floor(Math.log2(Math.min(...ms))) : 1;
  const off = offsetText(q.input, res);
  const rpu = (k: number) => `rawPerUnit ${k}`;
  const text =
    reason === 'integer'
      ? `inputs are integer-valued (channel ranges ${rangeList(features)}): raw input = sensor reading (${rpu(1)}: firmware feeds its counts unscaled), ${off}`
      : reason === 'explicit'
        ? `--raw-per-unit ${features[0]?.rawPerUnit} given: raw input = round(x * ${features[0]?.rawPerUnit}), ${off}`
        : `inputs are not integer-valued: raw input = round(x * rawPerUnit) with the largest power of two that keeps 2 * max|x| * rawPerUnit within int16 (${features
            .slice(0, 6)
            .map((f) => `${f.name} x${f.rawPerUnit}`)
            .join(', ')}${features.length > 6 ? ', ...' : ''}), ${off}`;
  return { reason, features, offsetResolution: res, text };
}
