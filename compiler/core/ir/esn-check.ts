// Validation of the echo-state-network fields of an Elman layer, float (`leak`, `reservoir`) and
// quantised (`leakQ15`, `reservoir`). The Elman kind's validation (compiler/layers/elman/ir.ts)
// calls these on every Elman cell; the codes are the model validators':
//   float:     TNN114 leak invalid (range, relu, bidirectional half)
//              TNN115 reservoir parameters invalid
//              TNN116 weights or biases differ from the regenerated reservoir
//   quantised: TNN207 leakQ15 out of [1, 32768] (the validator's range code)
//              TNN204 leak or reservoir where none is allowed (relu, bidirectional half)
//              TNN214 reservoir parameters invalid, or int8 weights differ from the regenerated ones

import { Diagnostic, DiagnosticCode, isPlainObject, isTypedArray } from './errors';
import { esn_generate } from '../spec/reservoir';

type Obj = Record<string, unknown>;

const SEED_MAX = 0x7fffffff;
const isInt = (v: unknown, lo: number, hi: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;

/** The first index where a differs from b, or -1. */
function firstMismatch(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** Shape of a would-be Elman layer, when its sizes are usable. */
function sizes(o: Obj): { I: number; H: number } | undefined {
  const ok = (v: unknown) => isInt(v, 1, 1 << 20);
  return ok(o.inputSize) && ok(o.hidden) ? { I: o.inputSize as number, H: o.hidden as number } : undefined;
}

/** Problems of the ESN fields of a float Elman layer `o` at `path`; `inBidirectional` for a bidirectional half. */
export function floatEsnProblems(o: Obj, path: string, inBidirectional: boolean): Diagnostic[] {
  const out: Diagnostic[] = [];
  const add = (code: DiagnosticCode, p: string, message: string, value: unknown, expected: string, hint?: string) =>
    out.push({ code, path: p, message, ...(value !== undefined ? { value } : {}), expected, ...(hint ? { hint } : {}) });
  if (o.leak !== undefined) {
    if (typeof o.leak !== 'number' || !(o.leak > 0 && o.leak <= 1))
      add('TNN114', `${path}.leak`, 'leak rate out of range', o.leak, 'a number in (0, 1], or absent (1)');
    else if (o.activation !== 'tanh')
      add('TNN114', `${path}.leak`, 'a leak rate needs the tanh activation', o.activation, 'activation "tanh"', 'remove the leak, or use tanh');
    else if (inBidirectional) add('TNN114', `${path}.leak`, 'a leak rate is not supported inside a bidirectional or reverse layer', o.leak, 'absent');
  }
  if (o.reservoir === undefined) return out;
  const r = o.reservoir;
  const rp = `${path}.reservoir`;
  if (!isPlainObject(r)) {
    add('TNN115', rp, 'reservoir parameters are not an object', r, '{ seed, densityQ16, wScale, winScale }');
    return out;
  }
  const before = out.length;
  if (!isInt(r.seed, 0, SEED_MAX)) add('TNN115', `${rp}.seed`, 'reservoir seed is not an integer in range', r.seed, `an integer in [0, ${SEED_MAX}]`);
  if (!isInt(r.densityQ16, 1, 65536))
    add('TNN115', `${rp}.densityQ16`, 'reservoir density is not an integer in range', r.densityQ16, 'an integer in [1, 65536] (density * 65536)');
  for (const k of ['wScale', 'winScale'] as const) {
    const v = r[k];
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v))
      add('TNN115', `${rp}.${k}`, 'reservoir scale is not a positive number', v, 'a finite number > 0');
  }
  if (o.activation !== 'tanh') add('TNN115', rp, 'a reservoir needs the tanh activation', o.activation, 'activation "tanh"');
  if (inBidirectional) add('TNN115', rp, 'a reservoir is not supported inside a bidirectional or reverse layer', undefined, 'no reservoir');
  if (out.length > before) return out;
  const sz = sizes(o);
  const arrays = ['wx', 'wh', 'bx', 'bh'].map((k) => o[k]);
  if (!sz || !arrays.every((a) => isTypedArray<Float32Array>(a, 'Float32Array'))) return out; // reported by the layer checks
  const { I, H } = sz;
  const [wx, wh, bx, bh] = arrays as Float32Array[];
  if (wx.length !== H * I || wh.length !== H * H || bx.length !== H || bh.length !== H) return out;
  const g = esn_generate({ inputSize: I, units: H, densityQ16: r.densityQ16 as number, seed: r.seed as number });
  const ws = r.wScale as number;
  const wins = r.winScale as number;
  const hint =
    'the weights of a reservoir layer are fixed by its seed: regenerate the model with tinyrnn train --cell esn, or remove `reservoir` to store the weights';
  const kh = firstMismatch(
    wh,
    Float32Array.from(g.w, (v) => v * ws),
  );
  if (kh >= 0)
    add(
      'TNN116',
      `${path}.wh[${kh}]`,
      `recurrent weight ${kh} (row ${Math.floor(kh / H)}, column ${kh % H}) differs from the regenerated reservoir`,
      wh[kh],
      `${Math.fround(g.w[kh] * ws)} (W8 ${g.w[kh]} x wScale)`,
      hint,
    );
  const kx = firstMismatch(
    wx,
    Float32Array.from(g.win, (v) => v * wins),
  );
  if (kx >= 0)
    add(
      'TNN116',
      `${path}.wx[${kx}]`,
      `input weight ${kx} (row ${Math.floor(kx / I)}, column ${kx % I}) differs from the regenerated reservoir`,
      wx[kx],
      `${Math.fround(g.win[kx] * wins)} (Win8 ${g.win[kx]} x winScale)`,
      hint,
    );
  for (const [k, b] of [
    ['bx', bx],
    ['bh', bh],
  ] as const) {
    const i = b.findIndex((v) => v !== 0);
    if (i >= 0) add('TNN116', `${path}.${k}[${i}]`, 'a reservoir layer has no biases', b[i], '0', hint);
  }
  return out;
}

/** Problems of the ESN fields of a quantised Elman layer `o` at `path`. */
export function quantEsnProblems(o: Obj, path: string, inBidirectional: boolean): Diagnostic[] {
  const out: Diagnostic[] = [];
  const add = (code: DiagnosticCode, p: string, message: string, value: unknown, expected: string, hint?: string) =>
    out.push({ code, path: p, message, ...(value !== undefined ? { value } : {}), expected, ...(hint ? { hint } : {}) });
  if (o.leakQ15 !== undefined) {
    if (!isInt(o.leakQ15, 1, 32768))
      add(
        typeof o.leakQ15 === 'number' && Number.isInteger(o.leakQ15) ? 'TNN207' : 'TNN201',
        `${path}.leakQ15`,
        'leak rate (Q0.15) out of range',
        o.leakQ15,
        'an integer in [1, 32768], or absent (32768)',
      );
    else if (o.activation !== 'tanh') add('TNN204', `${path}.leakQ15`, 'a leak rate needs the tanh activation', o.activation, 'activation "tanh"');
    else if (inBidirectional) add('TNN204', `${path}.leakQ15`, 'a leak rate is not supported inside a bidirectional or reverse layer', o.leakQ15, 'absent');
  }
  if (o.reservoir === undefined) return out;
  const r = o.reservoir;
  const rp = `${path}.reservoir`;
  if (!isPlainObject(r)) {
    add('TNN214', rp, 'reservoir parameters are not an object', r, '{ seed, densityQ16 }');
    return out;
  }
  const before = out.length;
  if (!isInt(r.seed, 0, SEED_MAX)) add('TNN214', `${rp}.seed`, 'reservoir seed is not an integer in range', r.seed, `an integer in [0, ${SEED_MAX}]`);
  if (!isInt(r.densityQ16, 1, 65536))
    add('TNN214', `${rp}.densityQ16`, 'reservoir density is not an integer in range', r.densityQ16, 'an integer in [1, 65536]');
  if (o.activation !== 'tanh') add('TNN204', rp, 'a reservoir needs the tanh activation', o.activation, 'activation "tanh"');
  if (inBidirectional) add('TNN204', rp, 'a reservoir is not supported inside a bidirectional or reverse layer', undefined, 'no reservoir');
  if (out.length > before) return out;
  const sz = sizes(o);
  if (!sz || !isTypedArray<Int8Array>(o.wx, 'Int8Array') || !isTypedArray<Int8Array>(o.wh, 'Int8Array')) return out;
  const { I, H } = sz;
  const wx = o.wx as Int8Array;
  const wh = o.wh as Int8Array;
  if (wx.length !== H * I || wh.length !== H * H) return out;
  const g = esn_generate({ inputSize: I, units: H, densityQ16: r.densityQ16 as number, seed: r.seed as number });
  const hint = 'a device regenerates these weights from the seed: quantise the float model again (the quantiser keeps them exact)';
  const kh = firstMismatch(wh, g.w);
  if (kh >= 0)
    add(
      'TNN214',
      `${path}.wh[${kh}]`,
      `int8 recurrent weight ${kh} (row ${Math.floor(kh / H)}, column ${kh % H}) differs from the regenerated reservoir`,
      wh[kh],
      String(g.w[kh]),
      hint,
    );
  const kx = firstMismatch(wx, g.win);
  if (kx >= 0)
    add(
      'TNN214',
      `${path}.wx[${kx}]`,
      `int8 input weight ${kx} (row ${Math.floor(kx / I)}, column ${kx % I}) differs from the regenerated reservoir`,
      wx[kx],
      String(g.win[kx]),
      hint,
    );
  return out;
}
