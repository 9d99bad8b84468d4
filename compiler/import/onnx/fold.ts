// Constant folding: the ONNX operators exporters use for shape plumbing, evaluated on tensors
// known at import time. Semantics follow the ONNX operator specification (numpy-style
// broadcasting, negative axes count from the end, Slice clamping rules).

import { ONNX_DTYPE } from './schema';
import { ConstValue, ShapeValue, Value, numel } from './values';

export const FLOAT_TYPES: readonly number[] = [ONNX_DTYPE.FLOAT, ONNX_DTYPE.DOUBLE, ONNX_DTYPE.FLOAT16, ONNX_DTYPE.BFLOAT16];

export function isFloatType(t: number): boolean {
  return FLOAT_TYPES.includes(t);
}

export function constOf(dtype: number, dims: number[], data: ArrayLike<number>): ConstValue {
  return { kind: 'const', dtype, dims: dims.slice(), data: Float64Array.from(data) };
}

export function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= dims[i];
  }
  return s;
}

/** Broadcast shape of two shapes (numpy rules) or undefined when they do not broadcast. */
export function broadcastDims(a: readonly number[], b: readonly number[]): number[] | undefined {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return undefined;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Reads element `flat` of the broadcast shape `out` from tensor (dims, data). */
function broadcastIndex(dims: readonly number[], out: readonly number[], flat: number): number {
  const os = strides(out);
  const ds = strides(dims);
  const off = out.length - dims.length;
  let idx = 0;
  for (let i = 0; i < out.length; i++) {
    const c = Math.floor(flat / os[i]) % out[i];
    const di = i - off;
    if (di >= 0 && dims[di] !== 1) idx += c * ds[di];
  }
  return idx;
}

export function expandTo(c: ConstValue, dims: readonly number[]): ConstValue | undefined {
  const out = broadcastDims(c.dims, dims);
  if (!out) return undefined;
  const n = numel(out);
  const data = new Float64Array(n);
  for (let k = 0; k < n; k++) data[k] = c.data[broadcastIndex(c.dims, out, k)];
  return { kind: 'const', dtype: c.dtype, dims: out, data };
}

export function roundTo(dtype: number, v: number): number {
  switch (dtype) {
    case ONNX_DTYPE.FLOAT:
    case ONNX_DTYPE.FLOAT16:
    case ONNX_DTYPE.BFLOAT16:
      return Math.fround(v);
    case ONNX_DTYPE.DOUBLE:
      return v;
    case ONNX_DTYPE.BOOL:
      return v !== 0 ? 1 : 0;
    default:
      return Number.isFinite(v) ? Math.trunc(v) : v;
  }
}

export function binary(op: string, a: ConstValue, b: ConstValue): ConstValue | undefined {
  const out = broadcastDims(a.dims, b.dims);
  if (!out) return undefined;
  const n = numel(out);
  const data = new Float64Array(n);
  const dtype = a.dtype;
  const intDiv = !isFloatType(dtype);
  for (let k = 0; k < n; k++) {
    const x = a.data[broadcastIndex(a.dims, out, k)];
    const y = b.data[broadcastIndex(b.dims, out, k)];
    let r: number;
    switch (op) {
      case 'Add':
        r = x + y;
        break;
      case 'Sub':
        r = x - y;
        break;
      case 'Mul':
        r = x * y;
        break;
      case 'Div':
        r = intDiv ? Math.trunc(x / y) : x / y;
        break;
      case 'Equal':
        r = x === y ? 1 : 0;
        break;
      default:
        return undefined;
    }
    data[k] = op === 'Equal' ? r : roundTo(dtype, r);
  }
  return { kind: 'const', dtype: op === 'Equal' ? ONNX_DTYPE.BOOL : dtype, dims: out, data };
}

export function transposeConst(c: ConstValue, perm: readonly number[]): ConstValue {
  const dims = perm.map((p) => c.dims[p]);
  const is = strides(c.dims);
  const os = strides(dims);
  const n = numel(dims);
  const data = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let src = 0;
    for (let i = 0; i < dims.length; i++) src += (Math.floor(k / os[i]) % dims[i]) * is[perm[i]];
    data[k] = c.data[src];
  }
  return { kind: 'const', dtype: c.dtype, dims, data };
}

/** Gather along `axis` with (already normalised, in-range) indices of shape idxDims. */
export function gatherConst(c: ConstValue, axis: number, idx: readonly number[], idxDims: readonly number[]): ConstValue {
  const outer = numel(c.dims.slice(0, axis));
  const inner = numel(c.dims.slice(axis + 1));
  const dims = [...c.dims.slice(0, axis), ...idxDims, ...c.dims.slice(axis + 1)];
  const data = new Float64Array(numel(dims));
  let k = 0;
  for (let o = 0; o < outer; o++) {
    for (const ix of idx) {
      const base = (o * c.dims[axis] + ix) * inner;
      for (let i = 0; i < inner; i++) data[k++] = c.data[base + i];
    }
  }
  return { kind: 'const', dtype: c.dtype, dims, data };
}

export function concatConst(parts: ConstValue[], axis: number): ConstValue {
  const dims = parts[0].dims.slice();
  dims[axis] = parts.reduce((s, p) => s + p.dims[axis], 0);
  const outer = numel(dims.slice(0, axis));
  const data = new Float64Array(numel(dims));
  let k = 0;
  for (let o = 0; o < outer; o++) {
    for (const p of parts) {
      const chunk = numel(p.dims.slice(axis));
      data.set(p.data.subarray(o * chunk, (o + 1) * chunk), k);
      k += chunk;
    }
  }
  return { kind: 'const', dtype: parts[0].dtype, dims, data };
}

/** Resolves Slice bounds on one axis of length n (ONNX Slice-10+ clamping rules). Returns the indices taken. */
export function sliceIndices(n: number, start: number, end: number, step: number): number[] {
  let s = start < 0 ? start + n : start;
  let e = end < 0 ? end + n : end;
  const out: number[] = [];
  if (step > 0) {
    s = Math.min(Math.max(s, 0), n);
    e = Math.min(Math.max(e, 0), n);
    for (let i = s; i < e; i += step) out.push(i);
  } else {
    s = Math.min(Math.max(s, -1), n - 1);
    e = Math.min(Math.max(e, -1), n - 1);
    for (let i = s; i > e; i += step) out.push(i);
  }
  return out;
}

export function sliceConst(c: ConstValue, picks: Map<number, number[]>): ConstValue {
  let cur = c;
  for (const [axis, idx] of picks) cur = gatherConst(cur, axis, idx, [idx.length]);
  return cur;
}

/** A tensor of the given dims whose every element is `value`. */
export function fullConst(dtype: number, dims: number[], value: number): ConstValue {
  return { kind: 'const', dtype, dims, data: new Float64Array(numel(dims)).fill(value) };
}

/** A shape vector as a constant, when none of its elements is symbolic. */
export function shapeToConst(s: ShapeValue): ConstValue | undefined {
  if (s.elems.some((e) => typeof e !== 'number')) return undefined;
  return constOf(ONNX_DTYPE.INT64, s.scalar ? [] : [s.elems.length], s.elems as number[]);
}

export function shapeOrConst(s: ShapeValue): Value {
  return shapeToConst(s) ?? s;
}
