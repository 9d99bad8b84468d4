// The pooling layer in the IR: the readout features of a reservoir over time (docs/quantization.md,
// "Pool"). It turns the sequence of its input vectors into S segment means, in running sums, so no
// history is buffered: step t (counted from reset) adds its input to segment
//   s(t) = min(S - 1, floor(t * S / W))
// (W the window: the sequence length the model was trained on; steps beyond it add to the last
// segment), and the output after every step is the mean of each segment so far (the zero point
// for a segment not reached yet). S = 1 is the mean over time. With `abs`, each segment also gives
// the mean absolute value of each unit (its energy: a shake and a circle can have the same mean).
// The last state needs no pool layer.
// Legend: I layer input, S segments, W window, A = 2 with abs (else 1); output S*A*I, segment-major:
// segment s, unit i at (s*A)*I + i (its mean) and (s*A + 1)*I + i (its mean absolute value).
import { DiagnosticList } from '../../core/ir/errors';
import { FloatChecker } from '../../core/ir/float-check';
import { Checker } from '../../core/ir/quant-check';
import type { IrHooks } from '../../core/ir/kind-hooks';

/** Largest number of segments and window (the int32 running sums stay below 2^29 for at most 2^22 int8 inputs per segment). */
export const POOL_MAX_SEGMENTS = 64;
export const POOL_MAX_COUNT = 1 << 22;

export interface PoolLayer {
  kind: 'pool';
  name?: string;
  inputSize: number; // I
  segments: number; // S
  window: number; // W
  /** Also the mean absolute value of each unit per segment. */
  abs: boolean;
}

export interface QPoolLayer {
  kind: 'pool';
  name?: string;
  inputSize: number; // I
  segments: number; // S
  window: number; // W
  abs: boolean;
  /** Zero point of the int8 input and output (they share scale and zero point); the mean of an empty segment. */
  zp: number;
}

/** Segment of step t (from reset). Integer-exact: t <= 2^22 and S <= 64 keep t * S below 2^28. */
export function poolSegment(t: number, S: number, W: number): number {
  return Math.min(S - 1, Math.floor((Math.min(t, POOL_MAX_COUNT) * S) / W));
}

function checkShape(c: DiagnosticList, path: string, code: 'TNN104' | 'TNN207', S: number | undefined, W: number | undefined): void {
  if (S !== undefined && S > POOL_MAX_SEGMENTS) c.add(code, `${path}.segments`, 'too many segments', S, `1..${POOL_MAX_SEGMENTS}`);
  if (W !== undefined && W > POOL_MAX_COUNT) c.add(code, `${path}.window`, 'window too long', W, `1..${POOL_MAX_COUNT}`);
  if (S !== undefined && W !== undefined && S > W) c.add(code, `${path}.segments`, 'more segments than window steps', S, `at most the window (${W})`);
}

function validate(c: FloatChecker, l: Record<string, unknown>, path: string, width: number | undefined): number | undefined {
  const I = c.posInt(l, 'inputSize', path);
  c.chain(I, width, path);
  const S = c.posInt(l, 'segments', path);
  const W = c.posInt(l, 'window', path);
  c.name(l, path);
  if (typeof l.abs !== 'boolean') c.add('TNN101', `${path}.abs`, 'missing or not a boolean', l.abs, 'true or false');
  checkShape(c, path, 'TNN104', S, W);
  return I !== undefined && S !== undefined ? I * S * (l.abs === true ? 2 : 1) : undefined;
}

function validateQuant(c: Checker, l: Record<string, unknown>, path: string, width: number | undefined, isLast: boolean): number | undefined {
  const I = c.size(l, 'inputSize', path);
  c.chain(I, width, path);
  const S = c.size(l, 'segments', path);
  const W = c.size(l, 'window', path);
  c.int(l, 'zp', path, -128, 127);
  c.bool(l, 'abs', path);
  checkShape(c, path, 'TNN207', S, W);
  if (isLast) c.add('TNN204', `${path}.kind`, 'a pool layer cannot be the last layer', 'pool', 'a dense readout after it');
  return I !== undefined && S !== undefined ? I * S * (l.abs === true ? 2 : 1) : undefined;
}

export const ir: IrHooks<PoolLayer, QPoolLayer> = {
  validate,
  validateQuant,
  // sums: |x| <= 128 per step, at most 2^22 steps per segment: below 2^29
  bounds: () => undefined,
  inputSize: (l) => l.inputSize,
  outputSize: (l) => poolWidth(l),
  paramCount: () => 0,
  paramBytes: () => 0,
  // int32 sums (S*A, I), int32 counts (S), int32 step counter
  stateBytes: (l) => 4 * (poolWidth(l) + l.segments + 1),
  scratchBytes: (l) => poolWidth(l),
  macs: () => 0,
  tables: () => ({ sigmoid: false, tanh: false }),
  outType: () => 's8',
  streams: true,
  arrays: () => [],
  title: (l) => `pool ${l.inputSize}x${l.segments}${l.abs ? ' +abs' : ''} over a ${l.window}-step window`,
};

/** Output width S*A*I (A = 2 with abs). */
export function poolWidth(l: { inputSize: number; segments: number; abs: boolean }): number {
  return l.inputSize * l.segments * (l.abs ? 2 : 1);
}

/** One line for inspect and quantize: the features it pools. */
export function poolDetail(l: { inputSize: number; segments: number; window: number; abs: boolean }): string {
  const what = l.abs ? 'means and mean absolute values' : 'means';
  return l.segments === 1
    ? `${what} over time of ${l.inputSize} units`
    : `${what} of ${l.inputSize} units over ${l.segments} segments of a ${l.window}-step window`;
}
