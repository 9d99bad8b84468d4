// The integer identities of the Espruino kernels, written once: every constant the loop kernels
// (templates/_kernels.hbs) read and every literal the unrolled steps (unroll.ts and each kind's
// compiler/layers/<kind>/espruino.ts) write comes from the functions here. Espruino holds every
// number in a double (exact below 2^53) and has no 64-bit integers, so the spec's primitives
// (docs/quantization.md section 3) are rewritten as exact double arithmetic:
//
// 1. requantize(acc, m, s) = floor((acc*m + half(s)) / 2^s), half(s) = s ? 2^(s-1) : 0 (the spec's
//    rshift_round). Section 6 bounds |acc| by A = |bias| + X * sum|w_row| <= 2^31 - 1 and m by
//    32767, so |acc*m| < 2^46. Adding 2^47 (P47) makes the numerator n = acc*m + half(s) + 2^47
//    positive and below 2^48, where n % 2^s and n / 2^s are exact, and 2^47 / 2^s = 2^(47-s) is an
//    integer for s <= 46:  requantize = (n - n % 2^s) / 2^s - 2^(47-s)  (floorOffset).
//    The bias rides in the constant: acc*m + half + 2^47 = dot*m + (bias*m + half(s) + 2^47)
//    (requantConst).
// 2. int8 vectors (layer outputs h8, Elman relu's state, an int8 Jordan feedback y) are stored as
//    value + 128 (INT8_BIAS) in Uint8ClampedArrays, whose store clamps to [0, 255]: storing
//    zp + 128 + v is sat_s8(zp + v) + 128 (biasedZero). A row reading such a vector u = x + 128
//    computes sum w*x = sum w*u - 128 * sum w, so its bias absorbs -128 * rowSum (foldBias), and
//    its accumulator bound uses 255 (the largest stored value) for X (accBound).
// 3. When the requantised value is known small (P(A, m, s) = floor(A m / 2^s) + 1 < 2^30, the
//    spec's section 6 bound), a power of two c > P offsets the numerator instead of 2^47: the
//    quotient is then positive and below 2^31, so `n / 2^s | 0` truncates to the exact floor
//    (requantExpr).
// 4. Quotients of positive integers a < 2^31 by b (the pool's segment t * S / W and its rounded
//    means, docs/quantization.md "Pool"): a / b is a double within a/b * 2^-52 < 1/b of the true
//    quotient, and a non-integer a/b lies at least 1/b from every integer, so `a / b | 0` (the
//    quotient is positive and below 2^31) truncates to the exact floor. mean_round(v, n) =
//    sign(v) * floor((2|v| + n) / (2n)) has |v| <= 255 * 2^22, so 2|v| + n < 2^31 (meanRound).
import { QuantInput, requantBound, rowAbsSum } from '../../compiler/core/ir/quant-model';

/** The offset that makes a requantisation numerator positive (identity 1). */
export const P47 = 2 ** 47;

/** int8 vectors are stored as value + INT8_BIAS (identity 2). */
export const INT8_BIAS = 128;

/** The largest stored value of a biased int8 vector, and the largest |value| of an int16 one (the X of section 6). */
const BIASED_MAX = 255;
const INT16_MAX_ABS = 32768;

/** The rounding term of rshift_round(x, s). */
export function half(s: number): number {
  return s > 0 ? 2 ** (s - 1) : 0;
}

/** 2^(47-s), what the 2^47 offset adds to the quotient (identity 1). */
export function floorOffset(s: number): number {
  return 2 ** (47 - s);
}

/** The bias's share of a requantisation numerator: bias*m + half(s). */
export function roundedBias(bias: number, m: number, s: number): number {
  return bias * m + half(s);
}

/** The numerator constant of requantize(dot + bias, m, s): bias*m + half(s) + 2^47 (identity 1). */
export function requantConst(bias: number, m: number, s: number): number {
  return roundedBias(bias, m, s) + P47;
}

/** The stored form of an int8 zero point (identity 2). */
export function biasedZero(zp: number): number {
  return zp + INT8_BIAS;
}

/** The constant added after a 2^47 floor of a value stored as int8 with zero point zp: zp + 128 - 2^(47-s). */
export function biasedOutConst(zp: number, s: number): number {
  return biasedZero(zp) - floorOffset(s);
}

/** Sum of row r of an (rows, n) weight matrix. */
export function rowSum(w: Int8Array, r: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += w[r * n + i];
  return s;
}

/** One side of a row's pre-activation: weights (rows, n), biases, multipliers, shifts, and whether its vector is stored biased. */
export interface Side {
  w: Int8Array;
  b: Int32Array;
  m: Int32Array;
  s: Int32Array;
  n: number;
  biased: boolean;
}

/** Row r's bias with -128 * sum(row) folded in when the side reads a biased int8 vector (identity 2). */
export function foldBias(side: Side, r: number): number {
  return side.b[r] - (side.biased ? INT8_BIAS * rowSum(side.w, r, side.n) : 0);
}

/** The largest |accumulator| of row r with its folded bias: |bias| + X * sum|w| (section 6, identity 2). */
export function accBound(side: Side, r: number): number {
  return Math.abs(foldBias(side, r)) + (side.biased ? BIASED_MAX : INT16_MAX_ABS) * rowAbsSum(side.w, r, side.n);
}

/**
 * Per-row constants of a two-sided pre-activation (input side x, recurrent side h), for the loop
 * kernels: MX/CX/DX and MH/CH/DH for the two exact requantisations, KQ their combined 2^47
 * offsets, BX/BH each side's offset alone (the GRU's candidate row reads them separately).
 */
export interface RowConstants {
  MX: number[];
  CX: number[];
  DX: number[];
  MH: number[];
  CH: number[];
  DH: number[];
  KQ: number[];
  BX: number[];
  BH: number[];
}

export function rowConstants(rows: number, x: Side, h: Side): RowConstants {
  const k: RowConstants = { MX: [], CX: [], DX: [], MH: [], CH: [], DH: [], KQ: [], BX: [], BH: [] };
  for (let r = 0; r < rows; r++) {
    k.MX.push(x.m[r]);
    k.CX.push(requantConst(foldBias(x, r), x.m[r], x.s[r]));
    k.DX.push(2 ** x.s[r]);
    k.MH.push(h.m[r]);
    k.CH.push(requantConst(foldBias(h, r), h.m[r], h.s[r]));
    k.DH.push(2 ** h.s[r]);
    k.BX.push(floorOffset(x.s[r]));
    k.BH.push(floorOffset(h.s[r]));
    k.KQ.push(floorOffset(x.s[r]) + floorOffset(h.s[r]));
  }
  return k;
}

/** Per-unit constants of a one-sided requantisation (dense rows, the input stage): M, C, D, B as above. */
export interface UnitConstants {
  M: number[];
  C: number[];
  D: number[];
  B: number[];
}

export function unitConstants(units: number, bias: (u: number) => number, m: ArrayLike<number>, s: ArrayLike<number>): UnitConstants {
  const k: UnitConstants = { M: [], C: [], D: [], B: [] };
  for (let u = 0; u < units; u++) {
    k.M.push(m[u]);
    k.C.push(requantConst(bias(u), m[u], s[u]));
    k.D.push(2 ** s[u]);
    k.B.push(floorOffset(s[u]));
  }
  return k;
}

/**
 * The input stage's constants: x16 = sat_s16(rshift_round((r - offset) * m + bias, s)), computed as
 * floor((r*m + C) / 2^s) - 2^(47-s) with C = -offset*m + bias + half(s) + 2^47 (identity 1; the
 * offset's fraction of a raw unit, bias, rides in C; |(r - offset) * m + bias| < 2^46, spec section 6).
 */
export function inputConstants(q: QuantInput, F: number): UnitConstants {
  const k = unitConstants(F, (f) => -q.offset[f], q.m, q.s);
  k.C = k.C.map((c, f) => c + (q.bias ? q.bias[f] : 0));
  return k;
}

/** An integer literal (no parentheses: an object field's value or an operand after an operator that takes a sign). */
export function fieldLit(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`internal: constant ${n} is not a safe integer`);
  return String(n);
}

/** An integer literal usable anywhere in an expression: negative values in parentheses. */
export function exprLit(n: number): string {
  const s = fieldLit(n);
  return n < 0 ? `(${s})` : s;
}

/** `- n` / `+ n` with the sign folded. */
export function plus(n: number): string {
  return n < 0 ? `-${-n}` : `+${n}`;
}

/** floor(n / 2^s) as code for a positive numerator already in variable v: `(v - v % D) / D` (identity 1). */
export function floorDiv(v: string, s: number): string {
  const d = 2 ** s;
  return d === 1 ? v : `(${v}-${v}%${d})/${d}`;
}

/**
 * requantize(acc, m, s) + c as code, for |acc| <= A, where dot is code for acc * m - bias0 * m
 * (the bias folded into c0 = bias * m + half(s)). With identity 3 it returns [code, c] for the
 * `| 0` truncation; otherwise the numerator is offset by 2^47 and floored with % through the
 * variable v (identity 1): [code, 2^(47-s)].
 */
export function requantExpr(dot: string, c0: number, s: number, A: number, m: number, v: string): [string, number] {
  const D = 2 ** s;
  const P = requantBound(A, m, s);
  if (P < 2 ** 30) {
    const c = 2 ** Math.ceil(Math.log2(P + 1));
    const C = c0 + c * D;
    if (A * m + Math.abs(c0) + c * D < 2 ** 52) return [D === 1 ? `(${dot}${plus(C)}|0)` : `((${dot}${plus(C)})/${D}|0)`, c];
  }
  const C = c0 + P47;
  return [D === 1 ? `(${dot}${plus(C)})` : `(((${v}=${dot}${plus(C)})-${v}%${D})/${D})`, floorOffset(s)];
}

/** requantExpr of row r of one side: the folded bias, its bound, the side's m and s. */
export function sideExpr(side: Side, r: number, dot: string, v: string): [string, number] {
  return requantExpr(dot, roundedBias(foldBias(side, r), side.m[r], side.s[r]), side.s[r], accBound(side, r), side.m[r], v);
}

/**
 * Code storing sat_s8(zp + requantize(v, m, s)) + 128 into target (a Uint8ClampedArray element,
 * identity 2) for an activation |v| <= 32768 and m <= 32767: v * m + half(s) < 2^31, so for
 * s <= 30 an arithmetic shift is the exact floor; otherwise identity 1 through the variable n.
 */
export function storeBiased(target: string, v: string, m: number, s: number, zp: number): string {
  if (s <= 30) return `${target}=((${v}*${m}+${half(s)})>>${s})+${biasedZero(zp)};`;
  return `n=${v}*${m}+${requantConst(0, m, s)};${target}=${floorDiv('n', s)}${plus(biasedOutConst(zp, s))};`;
}

/**
 * mean_round(v, n) as code (identity 4): v and n are variables or literals (v a plain name: it is
 * read twice), d holds 2n; nonNegative: v is known to be >= 0 (sums of absolute values).
 */
export function meanRound(v: string, n: string, d: string, nonNegative = false): string {
  const up = `(2*${v}+${n})/${d}|0`;
  return nonNegative ? `(${up})` : `(${v}<0?-((${n}-2*${v})/${d}|0):${up})`;
}
