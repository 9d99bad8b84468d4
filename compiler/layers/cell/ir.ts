// What the three gated cells (Elman, LSTM, GRU) share in the IR: the kinds and their gate order,
// the fields every cell has (float and quantised), their validation, and the per-layer facts that
// follow from the gate count alone. Each cell's own ir.ts adds its fields and facts on top.
//
// Legend: I layer input, H hidden, G gates of the cell (elman 1, gru 3, lstm 4).
import { FloatChecker, mulSizes } from '../../core/ir/float-check';
import { BoundCheck, Checker, requantBound, rowAbsSum } from '../../core/ir/quant-check';
import { INT32_MAX, MULT_MAX, SHIFT_MAX } from '../../core/spec/spec';
import type { FinalStateShape, LayerArray } from '../../core/ir/kind-hooks';

/** Recurrent cell kinds, written once. Adding one breaks the build wherever it must be handled. */
export const CELL_KINDS = ['elman', 'lstm', 'gru'] as const;
export type CellKind = (typeof CELL_KINDS)[number];

/**
 * Gate order, defined once per cell. Importers translate to it.
 *  LSTM: i input gate, f forget gate, g cell candidate, o output gate
 *        c_t = f*c_{t-1} + i*g,  h_t = o*tanh(c_t)
 *  GRU:  r reset gate, z update gate, n candidate
 *        h_t = (1-z)*n + z*h_{t-1}
 *  Elman: a single "gate" h
 */
export const LSTM_GATES = ['i', 'f', 'g', 'o'] as const;
export const GRU_GATES = ['r', 'z', 'n'] as const;
export const ELMAN_GATES = ['h'] as const;
export const CELL_GATES: { readonly [K in CellKind]: readonly string[] } = {
  elman: ELMAN_GATES,
  lstm: LSTM_GATES,
  gru: GRU_GATES,
};
export function gateCount(kind: CellKind): number {
  return CELL_GATES[kind].length;
}

export interface CellCommon {
  /** Optional human name (kept from imports). */
  name?: string;
  inputSize: number; // I
  hidden: number; // H
  wx: Float32Array; // (G*H, I) input weights, gate blocks in CELL_GATES order
  wh: Float32Array; // (G*H, H) recurrent weights
  bx: Float32Array; // (G*H) input-side bias
  bh: Float32Array; // (G*H) recurrent-side bias (kept apart: GRU reset-after needs it)
  /**
   * Optional clip of gate pre-activations to [-clip, clip] before their activation
   * (ONNX `clip` semantics). Absent: no clipping.
   */
  clip?: number;
}

export interface QCellCommon {
  name?: string;
  inputSize: number; // I
  hidden: number; // H
  wx: Int8Array; // (G*H, I) per-row symmetric, [-127, 127]; applied to x16 (first layer) or x8
  wh: Int8Array; // (G*H, H) applied to h16 (Q0.15), or to h8 for elman relu
  bx: Int32Array; // (G*H) input-side bias with the input zero point folded in
  bh: Int32Array; // (G*H) recurrent-side bias (elman relu: with the h8 zero point folded in)
  mx: Int32Array; // (G*H) requantisation acc_x -> pre-activation units
  sx: Int32Array; // (G*H)
  mh: Int32Array; // (G*H) requantisation acc_h -> pre-activation units
  sh: Int32Array; // (G*H)
  /** Pre-activation clamp to [-clip, clip] in pre-activation units; 0 means no clamp. */
  clip: number;
  /** Zero point of the int8 hidden output h8 (also this layer's output). */
  hZp: number;
  /** Requantisation of h16 (Q0.15) to the int8 output h8; unused (0) for elman relu. */
  hM: number;
  hS: number;
}

/** A cell of any kind, by its common fields and kind tag (what the shared helpers below read). */
export type AnyCell = { kind: CellKind; activation?: string };

/** True for the one cell whose recurrent input is its int8 output h8 (elman relu: h is unbounded); the others use h16 (Q0.15). */
export function recurrentIsH8(c: AnyCell): boolean {
  return c.kind === 'elman' && c.activation === 'relu';
}

type Obj = Record<string, unknown>;

/** Checks the float fields every cell has; returns H when usable. The cell's own fields are checked after. */
export function validateCellCommon(c: FloatChecker, o: Obj, path: string, width: number | undefined, kind: CellKind): number | undefined {
  const I = c.posInt(o, 'inputSize', path);
  const H = c.posInt(o, 'hidden', path);
  c.chain(I, width, path);
  const G = gateCount(kind);
  const gh = H !== undefined ? G * H : undefined;
  const hs = `H = ${H ?? '?'}, I = ${I ?? '?'}`;
  c.f32(o, 'wx', path, mulSizes(gh, I), `(${G}*H, I) with ${hs}`);
  c.f32(o, 'wh', path, mulSizes(gh, H), `(${G}*H, H) with ${hs}`);
  c.f32(o, 'bx', path, gh, `(${G}*H) with H = ${H ?? '?'}`);
  c.f32(o, 'bh', path, gh, `(${G}*H) with H = ${H ?? '?'}`);
  if (o.clip !== undefined && (typeof o.clip !== 'number' || !(o.clip > 0) || !Number.isFinite(o.clip))) {
    c.add('TNN104', `${path}.clip`, 'clip is not a positive number', o.clip, 'a finite number > 0, or absent');
  }
  c.name(o, path);
  return H;
}

/** What a quantised cell's check found: its hidden size and h8 zero point when usable. */
export interface QCellFound {
  hidden?: number;
  hZp?: number;
}

/** Checks the quantised fields every cell has (TNN2xx). The cell's own fields are checked after. */
export function checkQCellCommon(c: Checker, o: Obj, path: string, width: number | undefined, kind: CellKind): QCellFound {
  const I = c.size(o, 'inputSize', path);
  c.chain(I, width, path);
  const H = c.size(o, 'hidden', path);
  const GH = H === undefined ? undefined : gateCount(kind) * H;
  c.arr(o, 'wx', path, Int8Array, mulSizes(GH, I), '(G*H, I)', -127, 127);
  c.arr(o, 'wh', path, Int8Array, mulSizes(GH, H), '(G*H, H)', -127, 127);
  for (const k of ['bx', 'bh']) c.arr(o, k, path, Int32Array, GH, '(G*H)', -INT32_MAX, INT32_MAX);
  for (const k of ['mx', 'mh']) c.arr(o, k, path, Int32Array, GH, '(G*H)', 0, MULT_MAX);
  for (const k of ['sx', 'sh']) c.arr(o, k, path, Int32Array, GH, '(G*H)', 0, SHIFT_MAX);
  c.int(o, 'clip', path, 0, INT32_MAX);
  const hZp = c.int(o, 'hZp', path, -128, 127);
  c.int(o, 'hM', path, 0, MULT_MAX);
  c.int(o, 'hS', path, 0, SHIFT_MAX);
  return { hidden: H, hZp };
}

/** Section 6 bounds of a cell: both accumulators of every row and their requantised sum. */
export function cellBounds(l: QCellCommon & AnyCell, path: string, xMax: number, check: BoundCheck): void {
  for (let r = 0; r < gateCount(l.kind) * l.hidden; r++) {
    const ax = Math.abs(l.bx[r]) + xMax * rowAbsSum(l.wx, r, l.inputSize);
    // the recurrent input is h16 (|h16| <= 32768), or h8 for elman relu
    const ah = Math.abs(l.bh[r]) + (recurrentIsH8(l) ? 128 : 32768) * rowAbsSum(l.wh, r, l.hidden);
    check(`${path}.wx[${r}]`, `input accumulator of row ${r}`, ax, INT32_MAX);
    check(`${path}.wh[${r}]`, `recurrent accumulator of row ${r}`, ah, INT32_MAX);
    if (ax <= INT32_MAX && ah <= INT32_MAX) {
      const px = requantBound(ax, l.mx[r], l.sx[r]);
      const ph = requantBound(ah, l.mh[r], l.sh[r]);
      // margin 32768: a zero point (elman relu) or a rounding term added after the sum still fits
      check(`${path}.mx[${r}]`, `pre-activation sum of row ${r}`, px + ph, INT32_MAX - 32768);
    }
  }
}

/** Float parameters every cell has (wx, wh, bx, bh). */
export function cellParamCount(l: CellCommon): number {
  return l.wx.length + l.wh.length + l.bx.length + l.bh.length;
}

/** Bytes a device stores for a quantised cell: int8 weights, int32 biases, int16 multipliers, int8 shifts. */
export function cellParamBytes(l: QCellCommon): number {
  return l.wx.length + l.wh.length + 4 * (l.bx.length + l.bh.length) + 2 * (l.mx.length + l.mh.length) + (l.sx.length + l.sh.length);
}

/** State bytes of a cell: h8 (the output), h16 (Q0.15 state) unless the recurrent input is h8, c (int16) for LSTM. */
export function cellStateBytes(l: QCellCommon & AnyCell): number {
  return l.hidden * (1 + (recurrentIsH8(l) ? 0 : 2) + (l.kind === 'lstm' ? 2 : 0));
}

/** A cell's parameter arrays (part: '' or a bidirectional half's 'f' / 'b'). */
export function cellArrays(c: QCellCommon & AnyCell, part = ''): LayerArray[] {
  const GH = gateCount(c.kind) * c.hidden;
  const a = (field: string, type: LayerArray['type'], values: ArrayLike<number>, shape: string, role: LayerArray['role']): LayerArray => ({
    part,
    field,
    type,
    values,
    shape,
    role,
  });
  return [
    a('wx', 's8', c.wx, `(G*H, I) = (${GH}, ${c.inputSize})`, 'weights'),
    a('wh', 's8', c.wh, `(G*H, H) = (${GH}, ${c.hidden})`, 'weights'),
    a('bx', 's32', c.bx, `(G*H) = (${GH})`, 'biases'),
    a('bh', 's32', c.bh, `(G*H) = (${GH})`, 'biases'),
    a('mx', 's16', c.mx, `(G*H) = (${GH})`, 'requant'),
    a('mh', 's16', c.mh, `(G*H) = (${GH})`, 'requant'),
    a('sx', 'u8', c.sx, `(G*H) = (${GH})`, 'requant'),
    a('sh', 'u8', c.sh, `(G*H) = (${GH})`, 'requant'),
  ];
}

/**
 * The facts every cell shares, as IR hooks: sizes, MACs G*H*(I+H), scratch (the int16 pre-activations
 * and gate outputs), int8 output, streaming. A cell's ir.ts spreads these into its hooks.
 */
export const CELL_FACTS = {
  inputSize: (l: { inputSize: number }): number => l.inputSize,
  outputSize: (l: { hidden: number }): number => l.hidden,
  paramBytes: cellParamBytes,
  stateBytes: cellStateBytes,
  scratchBytes: (l: QCellCommon & AnyCell): number => 2 * gateCount(l.kind) * l.hidden,
  macs: (l: QCellCommon & AnyCell): number => gateCount(l.kind) * l.hidden * (l.inputSize + l.hidden),
  outType: (): 's8' => 's8',
  bounds: cellBounds,
  streams: true,
  arrays: (l: QCellCommon & AnyCell): LayerArray[] => cellArrays(l),
  finalStates: (l: { kind: CellKind; hidden: number }): FinalStateShape[] => [cellFinalState(l, 'forward')],
} as const;

/** A cell's final state when it runs in `direction` (a reverse layer's cell runs backward). */
export function cellFinalState(l: { kind: CellKind; hidden: number }, direction: FinalStateShape['direction']): FinalStateShape {
  return { direction, hidden: l.hidden, cell: l.kind === 'lstm' };
}
