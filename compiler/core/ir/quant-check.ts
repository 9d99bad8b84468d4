// The field checker of the quantised-model validator, the output-stage check shared by dense and
// Jordan layers, and the integer-bound helpers (docs/quantization.md section 6). A leaf below
// quant-model.ts and quant-jordan.ts.
import { DiagnosticList, isTypedArray, joinPath } from './errors';
import { MULT_MAX, SHIFT_MAX } from '../spec/spec';

export function rowAbsSum(w: Int8Array, r: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.abs(w[r * n + i]);
  return s;
}

/** Largest |requantize(acc, m, s)| for |acc| <= a. */
export function requantBound(a: number, m: number, s: number): number {
  return Math.floor((a * m) / 2 ** s) + 1;
}

type Obj = Record<string, unknown>;
const join = joinPath;
type IntArray = Int8Array | Int16Array | Int32Array;
type IntArrayCtor = Int8ArrayConstructor | Int16ArrayConstructor | Int32ArrayConstructor;

/** Storage type of a layer's output vector. */
export type QOutputType = 's8' | 's16';

/** Reports a bound broken: `what` at `path` can reach v, beyond limit (quant-model.ts quantBoundProblems). */
export type BoundCheck = (path: string, what: string, v: number, limit: number) => void;

export class Checker extends DiagnosticList {
  /** The layer's input size I against the previous layer's output width (TNN208). */
  chain(I: number | undefined, width: number | undefined, path: string): void {
    if (I !== undefined && width !== undefined && I !== width)
      this.add('TNN208', join(path, 'inputSize'), 'does not match the previous layer output', I, String(width));
  }
  size(o: Obj, key: string, path: string): number | undefined {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0 || v > 1 << 20) {
      this.add(
        v === undefined ? 'TNN201' : 'TNN202',
        join(path, key),
        v === undefined ? 'missing size' : 'size is not a positive integer',
        v,
        'an integer in 1..1048576',
      );
      return undefined;
    }
    return v;
  }
  int(o: Obj, key: string, path: string, lo: number, hi: number): number | undefined {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      this.add('TNN201', join(path, key), v === undefined ? 'missing integer' : 'not an integer', v, `an integer in [${lo}, ${hi}]`);
      return undefined;
    }
    if (v < lo || v > hi) {
      this.add('TNN207', join(path, key), 'integer out of range', v, `[${lo}, ${hi}]`);
      return undefined;
    }
    return v;
  }
  bool(o: Obj, key: string, path: string): void {
    if (typeof o[key] !== 'boolean') this.add('TNN201', join(path, key), 'missing or not a boolean', o[key], 'true or false');
  }
  oneOf(o: Obj, key: string, path: string, allowed: readonly string[]): void {
    const v = o[key];
    if (typeof v !== 'string' || !allowed.includes(v))
      this.add(v === undefined ? 'TNN201' : 'TNN204', join(path, key), 'unknown value', v, `one of ${allowed.join(', ')}`);
  }
  arr(o: Obj, key: string, path: string, ctor: IntArrayCtor, length: number | undefined, shape: string, lo: number, hi: number): IntArray | undefined {
    const v = o[key];
    const p = join(path, key);
    if (v === undefined) {
      this.add('TNN201', p, 'missing array', undefined, `${ctor.name} ${shape}`);
      return undefined;
    }
    if (!isTypedArray<IntArray>(v, ctor.name)) {
      this.add('TNN205', p, 'array has the wrong type', v, `${ctor.name} ${shape}`);
      return undefined;
    }
    if (length !== undefined && v.length !== length) {
      this.add('TNN206', p, `has ${v.length} values`, undefined, `${shape} = ${length}`);
      return undefined;
    }
    for (let i = 0; i < v.length; i++) {
      if (v[i] < lo || v[i] > hi) {
        this.add('TNN207', `${p}[${i}]`, 'integer out of range', v[i], `[${lo}, ${hi}]`);
        return undefined;
      }
    }
    return v;
  }
}

/** The output stage shared by dense layers and a Jordan layer's projection: type, zero point, Q15 requantisation. */
export function checkOutputStage(c: Checker, l: Record<string, unknown>, path: string, isLast: boolean): void {
  c.oneOf(l, 'outType', path, ['s8', 's16']);
  if (l.outType === 's16') c.int(l, 'outZp', path, 0, 0);
  else c.int(l, 'outZp', path, -128, 127);
  c.int(l, 'oM', path, 0, MULT_MAX);
  c.int(l, 'oS', path, 0, SHIFT_MAX);
  if (l.outType === 's16' && !isLast) c.add('TNN204', joinPath(path, 'outType'), 'only the last layer may output int16', 's16', 's8');
}
