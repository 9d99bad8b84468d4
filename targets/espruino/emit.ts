// The Espruino view of a QuantModel: every constant the JS kernels need, computed on the host
// with exact integer arithmetic, packed into binary blobs (weights, per-row requantisation
// constants, activation tables) that the device either decodes from base64 inline or maps from
// Storage, plus the layer descriptors the template writes as object literals.
//
// Legend: F features, I layer input, H hidden, G gates, R = G*H rows, U dense units, O outputs.
//
// Kernel arithmetic (templates/_kernels.hbs) and the constants here must agree:
//   requantize(acc, m, s) = floor((acc*m + half(s) + 2^47) / 2^s) - 2^(47-s),  half(s) = s ? 2^(s-1) : 0
//   (the numerator is positive, so the device takes floor with % and / exactly);
//   int8 vectors (layer outputs h8, elman relu's state) are stored as value + 128 in
//   Uint8ClampedArrays (the store is sat_s8), so the biases of rows that read them absorb
//   -128 * sum(row); the model input x16 and the recurrent h16 are plain Int16Arrays.
import { QCellLayer, QDenseLayer, QJordanLayer, QLayer, QuantModel, qGateCount, qLayerOutputSize } from '../../compiler/core/ir/quant-model';
import { jordanProjection } from '../../compiler/core/ir/quant-jordan';
import { assertNever } from '../../compiler/core/ir/model';
import { isStreaming, lastOutputType } from '../../compiler/layers/ir';
import { TinyrnnError } from '../../compiler/core/ir/errors';
import { buildModelView } from '../emit/view';
import { KERNEL_KIND, KernelKind } from './kinds';

/** The kernel kind of a cell layer. */
function cellKind(kind: 'elman' | 'lstm' | 'gru', relu: boolean): KernelKind {
  return kind === 'elman' ? (relu ? KERNEL_KIND.elmanRelu : KERNEL_KIND.elmanTanh) : KERNEL_KIND[kind];
}

export const P47 = 2 ** 47;

export function half(s: number): number {
  return s > 0 ? 2 ** (s - 1) : 0;
}

/** A typed array section of a blob. */
export interface Section {
  name: string;
  type: 'Int8Array' | 'Int16Array' | 'Int32Array' | 'Float64Array';
  data: Int8Array | Int16Array | Int32Array | Float64Array;
}

export interface PlacedSection extends Section {
  blob: number;
  byteOffset: number;
}

/** Espruino limits a view's byteOffset to 65535: sections are packed into as many blobs as that needs. */
export const MAX_VIEW_OFFSET = 65535;
export const MAX_BUFFER_BYTES = 2 ** 24 - 1;

export function packSections(sections: Section[]): { blobs: Uint8Array[]; placed: PlacedSection[] } {
  const blobs: number[][] = [];
  const sizes: number[] = [];
  const placed: PlacedSection[] = [];
  const chunks: { blob: number; off: number; bytes: Uint8Array }[] = [];
  let cur = -1;
  for (const s of sections) {
    const bytes = new Uint8Array(s.data.buffer, s.data.byteOffset, s.data.byteLength);
    const align = s.data.BYTES_PER_ELEMENT;
    if (bytes.length > MAX_BUFFER_BYTES)
      throw new TinyrnnError({
        code: 'ESP201',
        path: s.name,
        message: `array of ${bytes.length} bytes is larger than an Espruino ArrayBuffer`,
        expected: `at most ${MAX_BUFFER_BYTES} bytes`,
      });
    let off = cur < 0 ? 0 : Math.ceil(sizes[cur] / 8) * 8;
    if (cur < 0 || off > MAX_VIEW_OFFSET) {
      blobs.push([]);
      sizes.push(0);
      cur = blobs.length - 1;
      off = 0;
    }
    void align;
    chunks.push({ blob: cur, off, bytes });
    sizes[cur] = off + bytes.length;
    placed.push({ ...s, blob: cur, byteOffset: off });
  }
  const out = sizes.map((n) => new Uint8Array(Math.ceil(n / 8) * 8));
  for (const c of chunks) out[c.blob].set(c.bytes, c.off);
  return { blobs: out, placed };
}

/** Little-endian typed arrays (every Espruino board and every Node host here is little-endian). */
function f64(values: number[]): Float64Array {
  return Float64Array.from(values);
}

function i16(values: ArrayLike<number>): Int16Array {
  return Int16Array.from(values as number[]);
}

function rowSum(w: Int8Array, r: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += w[r * n + i];
  return s;
}

/**
 * Signed activation tables from the spec's 257-entry table t (f(k/32) in Q0.15, k = 0..256):
 * for p in [-32767, 32767], k = (p >> 7) + 256 and f = p & 127,
 *   f(p) = (A[k] + D[k] * f) >> 7   with   A[k] = 128 * S[k] + (k >= 256 ? 64 : 63),  D[k] = S[k+1] - S[k],
 * where S[k] = f((k - 256) * 128) (S[k] = t[k-256] for k >= 256; 32768 - t[256-k] (sigmoid) or
 * -t[256-k] (tanh) below); entry 512 serves p = 32768 (sat_s16 makes it 32767), so kernels may
 * skip the upper clamp by one. This equals sigmoid_s16/tanh_s16 for every p (the rounding constant
 * 63 for negative p reproduces the spec's rounding of |p|; test/targets/espruino/kernels.test.ts
 * checks all 65535 inputs).
 */
export function signedTables(t: ArrayLike<number>, kind: 'sigmoid' | 'tanh'): { A: Int32Array; D: Int16Array } {
  const S = new Int32Array(513); // (513) f((k - 256) * 128) in Q0.15
  for (let k = 0; k < 513; k++) {
    if (k >= 256) S[k] = t[k - 256];
    else S[k] = kind === 'sigmoid' ? 32768 - t[256 - k] : -t[256 - k];
  }
  const A = new Int32Array(513); // (513)
  const D = new Int16Array(513); // (513)
  for (let k = 0; k < 512; k++) {
    A[k] = 128 * S[k] + (k >= 256 ? 64 : 63);
    D[k] = S[k + 1] - S[k];
  }
  // k = 512 only for p = 32768 (with f = 0), which saturates to 32767: the value at 32767.
  A[512] = 128 * ((A[511] + D[511] * 127) >> 7) + 64;
  D[512] = 0;
  return { A, D };
}

/** A scalar field of a layer descriptor: emitted as an integer literal. */
export type Scalar = number;

export interface LayerView {
  /** Identifier of the layer object in the generated module (l0, l1, l2f, ...). */
  id: string;
  /** Kernel kind (kinds.ts). */
  kind: KernelKind;
  comment: string;
  /** name: JS expression (views on blobs, new typed arrays, integer literals). */
  fields: { name: string; expr: string }[];
  /** Bidirectional halves; for a Jordan layer, fwd is the recurrent part and bwd the output projection. */
  fwd?: LayerView;
  bwd?: LayerView;
}

export interface EspruinoView {
  sections: Section[];
  layers: LayerView[];
  /** Scalars of the input stage etc. */
  F: number;
  O: number;
  outWide: boolean;
  streaming: boolean;
  /** Bytes of state and scratch the module allocates in RAM (typed arrays). */
  ramArrays: { name: string; type: string; length: number; bytes: number }[];
  /**
   * Echo state network reservoirs regenerated at load from their seed (not in the weight blobs):
   * wx, wh are the module variables of the Int8Arrays (H*I and H*H bytes of RAM).
   */
  reservoirs: { id: string; wx: string; wh: string; H: number; I: number; seed: number; densityQ16: number; bytes: number }[];
}

function lit(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`internal: constant ${n} is not a safe integer`);
  return String(n);
}

/** Builds the kernel constants for a validated QuantModel. */
export function buildView(m: QuantModel, opts: { unrolled?: boolean } = {}): EspruinoView {
  const sections: Section[] = [];
  const ram: EspruinoView['ramArrays'] = [];
  const reservoirs: EspruinoView['reservoirs'] = [];
  const section = (name: string, data: Section['data']): string => {
    const type = data.constructor.name as Section['type'];
    sections.push({ name, type, data });
    return `@${name}`; // replaced by the view expression once the blobs are packed
  };
  // Per-row constants only the loop kernels read: the unrolled code carries them as literals.
  const konst = (name: string, data: Section['data']): string => (opts.unrolled ? 'null' : section(name, data));
  const alloc = (owner: string, field: string, type: string, length: number): string => {
    const bytes = length * (type === 'Int16Array' ? 2 : type === 'Int32Array' ? 4 : type === 'Float64Array' ? 8 : 1);
    ram.push({ name: `${owner}.${field}`, type, length, bytes });
    return `new ${type}(${length})`;
  };

  // Only the tables some layer reads are stored (an Elman, GRU-free or Jordan model may need no sigmoid).
  const uses = buildModelView(m, 'm');
  if (uses.usesSigmoid) {
    const sig = signedTables(m.tables.sigmoid, 'sigmoid');
    section('SS', sig.A);
    section('SD', sig.D);
  }
  if (uses.usesTanh) {
    const tanh = signedTables(m.tables.tanh, 'tanh');
    section('TS', tanh.A);
    section('TD', tanh.D);
  }

  // Input stage: x16 = sat_s16(floor(((r - offset) * m + half + 2^47) / 2^s) - 2^(47-s)).
  const F = m.inputSize;
  const IM: number[] = [];
  const IC: number[] = [];
  const ID: number[] = [];
  const IB: number[] = [];
  for (let f = 0; f < F; f++) {
    const mm = m.input.m[f];
    const s = m.input.s[f];
    IM.push(mm);
    IC.push(-m.input.offset[f] * mm + half(s) + P47);
    ID.push(2 ** s);
    IB.push(2 ** (47 - s));
  }
  konst('IM', f64(IM));
  konst('IC', f64(IC));
  konst('ID', f64(ID));
  konst('IB', f64(IB));

  /**
   * Per-row constants of a two-sided pre-activation, input side x and recurrent side h (a cell's
   * state, or a Jordan layer's fed-back output): MX/CX/DX and MH/CH/DH for the exact
   * requantisations, KQ their combined 2^47 offsets, BX/BH each side's alone (GRU reset-before).
   * A biased int8 vector (stored +128) folds -128 * sum(row) into its side's constant. `hName`
   * names the recurrent side's sections (mh/ch/dh, or my/cy/dy for a Jordan layer).
   */
  type Side = { w: Int8Array; b: Int32Array; m: Int32Array; s: Int32Array; n: number; biased: boolean };
  const rowConstants = (rows: number, x: Side, h: Side) => {
    const k = {
      MX: [] as number[],
      CX: [] as number[],
      DX: [] as number[],
      MH: [] as number[],
      CH: [] as number[],
      DH: [] as number[],
      KQ: [] as number[],
      BX: [] as number[],
      BH: [] as number[],
    };
    for (let r = 0; r < rows; r++) {
      const bxf = x.b[r] - (x.biased ? 128 * rowSum(x.w, r, x.n) : 0);
      const bhf = h.b[r] - (h.biased ? 128 * rowSum(h.w, r, h.n) : 0);
      k.MX.push(x.m[r]);
      k.CX.push(bxf * x.m[r] + half(x.s[r]) + P47);
      k.DX.push(2 ** x.s[r]);
      k.MH.push(h.m[r]);
      k.CH.push(bhf * h.m[r] + half(h.s[r]) + P47);
      k.DH.push(2 ** h.s[r]);
      k.BX.push(2 ** (47 - x.s[r]));
      k.BH.push(2 ** (47 - h.s[r]));
      k.KQ.push(2 ** (47 - x.s[r]) + 2 ** (47 - h.s[r]));
    }
    return k;
  };
  const requantFields = (id: string, k: ReturnType<typeof rowConstants>, hName: [string, string, string]): LayerView['fields'] => [
    { name: 'MX', expr: konst(`${id}_mx`, i16(k.MX)) },
    { name: 'CX', expr: konst(`${id}_cx`, f64(k.CX)) },
    { name: 'DX', expr: konst(`${id}_dx`, f64(k.DX)) },
    { name: 'MH', expr: konst(`${id}_${hName[0]}`, i16(k.MH)) },
    { name: 'CH', expr: konst(`${id}_${hName[1]}`, f64(k.CH)) },
    { name: 'DH', expr: konst(`${id}_${hName[2]}`, f64(k.DH)) },
    { name: 'KQ', expr: konst(`${id}_kq`, f64(k.KQ)) },
  ];

  const cell = (l: QCellLayer, id: string, comment: string, inBiased: boolean): LayerView => {
    const G = qGateCount(l.kind);
    const H = l.hidden;
    const I = l.inputSize;
    const R = G * H;
    const relu = l.kind === 'elman' && l.activation === 'relu';
    // a regenerated reservoir: Int8Arrays filled at load by esn_generate (module variables named
    // like the weight views: l0_wx -> L0WX), not stored in the blobs
    const rsv =
      l.kind === 'elman' && l.reservoir
        ? {
            id,
            wx: `${id}WX`.toUpperCase(),
            wh: `${id}WH`.toUpperCase(),
            H,
            I,
            seed: l.reservoir.seed,
            densityQ16: l.reservoir.densityQ16,
            bytes: H * H + H * I,
          }
        : undefined;
    if (rsv) reservoirs.push(rsv);
    // biased int8 vectors: x8 + 128 after the first layer; h8 + 128 for elman relu
    const k = rowConstants(R, { w: l.wx, b: l.bx, m: l.mx, s: l.sx, n: I, biased: inBiased }, { w: l.wh, b: l.bh, m: l.mh, s: l.sh, n: H, biased: relu });
    // Saturation (sat_s16, then clip) before a table activation; -32768 and -32767 give the same
    // activation (lut_s16 uses min(|x|, 32767)), so the kernels clamp at -32767.
    let lo: number;
    let hi: number;
    if (relu) {
      // max(pre, 0) then sat_s8: only whether pre > 0 and its value up to 255 matter.
      hi = l.clip > 0 ? Math.min(l.clip, 512) : 512;
      lo = -1;
    } else {
      hi = l.clip > 0 ? Math.min(32767, l.clip) : 32767;
      lo = l.clip > 0 ? Math.max(-32767, -l.clip) : -32767;
    }
    const fields: LayerView['fields'] = [
      { name: 'kind', expr: lit(cellKind(l.kind, relu)) },
      { name: 'I', expr: lit(I) },
      { name: 'H', expr: lit(H) },
      { name: 'WX', expr: rsv ? rsv.wx : section(`${id}_wx`, l.wx) },
      { name: 'WH', expr: rsv ? rsv.wh : section(`${id}_wh`, l.wh) },
      ...requantFields(id, k, ['mh', 'ch', 'dh']),
      { name: 'lo', expr: lit(lo) },
      { name: 'hi', expr: lit(hi) },
      { name: 'z', expr: lit(l.hZp + 128) },
      { name: 'hm', expr: lit(l.hM) },
      { name: 'hc', expr: lit(half(l.hS) + P47) },
      { name: 'hd', expr: lit(2 ** l.hS) },
      { name: 'hk', expr: lit(l.hZp + 128 - 2 ** (47 - l.hS)) },
      { name: 'hb', expr: alloc(id, 'hb', 'Uint8ClampedArray', H) },
      { name: 'g', expr: alloc(id, 'g', 'Int32Array', R) },
      { name: 'h16', expr: relu ? 'null' : alloc(id, 'h16', 'Int16Array', H) },
    ];
    switch (l.kind) {
      case 'elman':
        // leaky tanh: h16 += rshift_round(lk * (tanh - h16), 15); absent (no leak) otherwise
        if (l.leakQ15 !== undefined) fields.push({ name: 'lk', expr: lit(l.leakQ15) });
        break;
      case 'lstm': {
        const cf = l.cellFrac;
        fields.push(
          { name: 'c', expr: alloc(id, 'c', 'Int16Array', H) },
          { name: 'ch', expr: lit(2 ** (29 - cf)) },
          { name: 'cs', expr: lit(30 - cf) },
          { name: 'up', expr: lit(cf < 12 ? 1 : 0) },
          { name: 'tm', expr: lit(cf < 12 ? 2 ** (12 - cf) : 1) },
          { name: 'th', expr: lit(cf > 12 ? 2 ** (cf - 13) : 0) },
          { name: 'ts', expr: lit(cf >= 12 ? cf - 12 : 0) },
        );
        break;
      }
      case 'gru':
        fields.push(
          { name: 'after', expr: lit(l.resetAfter ? 1 : 0) },
          { name: 'BX', expr: konst(`${id}_bx`, f64(k.BX)) },
          { name: 'BH', expr: konst(`${id}_bh`, f64(k.BH)) },
          { name: 'rb', expr: l.resetAfter ? 'null' : alloc(id, 'rb', 'Int16Array', H) },
        );
        break;
      default:
        assertNever(l);
    }
    return { id, kind: cellKind(l.kind, relu), comment, fields };
  };

  const dense = (l: QDenseLayer, id: string, comment: string, inBiased: boolean): LayerView => {
    const I = l.inputSize;
    const M: number[] = [];
    const C: number[] = [];
    const D: number[] = [];
    const B: number[] = [];
    for (let u = 0; u < l.units; u++) {
      const bf = l.b[u] - (inBiased ? 128 * rowSum(l.w, u, I) : 0);
      M.push(l.m[u]);
      C.push(bf * l.m[u] + half(l.s[u]) + P47);
      D.push(2 ** l.s[u]);
      B.push(2 ** (47 - l.s[u]));
    }
    const wide = l.outType === 's16';
    const act = l.activation === 'relu' ? 1 : l.activation === 'tanh' ? 2 : l.activation === 'sigmoid' ? 3 : 0;
    return {
      id,
      kind: KERNEL_KIND.dense,
      comment,
      fields: [
        { name: 'kind', expr: String(KERNEL_KIND.dense) },
        { name: 'I', expr: lit(I) },
        { name: 'U', expr: lit(l.units) },
        { name: 'W', expr: section(`${id}_w`, l.w) },
        { name: 'M', expr: konst(`${id}_m`, i16(M)) },
        { name: 'C', expr: konst(`${id}_c`, f64(C)) },
        { name: 'D', expr: konst(`${id}_d`, f64(D)) },
        { name: 'B', expr: konst(`${id}_b`, f64(B)) },
        { name: 'act', expr: lit(act) },
        { name: 'wide', expr: lit(wide ? 1 : 0) },
        { name: 'z', expr: lit(wide ? 0 : l.outZp + 128) },
        { name: 'om', expr: lit(l.oM) },
        { name: 'oc', expr: lit(half(l.oS) + P47) },
        { name: 'od', expr: lit(2 ** l.oS) },
        { name: 'ob', expr: lit(2 ** (47 - l.oS)) },
        { name: 'o', expr: alloc(id, 'o', wide ? 'Int16Array' : 'Uint8ClampedArray', l.units) },
      ],
    };
  };

  const describe = (l: QLayer): string => {
    switch (l.kind) {
      case 'elman':
        return `elman ${l.activation}, input ${l.inputSize}, hidden ${l.hidden}`;
      case 'lstm':
        return `lstm, input ${l.inputSize}, hidden ${l.hidden}, cell 2^-${l.cellFrac}`;
      case 'gru':
        return `gru (reset ${l.resetAfter ? 'after' : 'before'}), input ${l.inputSize}, hidden ${l.hidden}`;
      case 'bidirectional':
        return `bidirectional ${l.forward.kind}, input ${l.forward.inputSize}, hidden ${l.forward.hidden}+${l.backward.hidden}`;
      case 'dense':
        return `dense ${l.activation}, input ${l.inputSize}, units ${l.units}, ${l.outType}`;
      case 'jordan':
        return `jordan ${l.outActivation}, input ${l.inputSize}, hidden ${l.hidden}, units ${l.units} fed back, ${l.outType}`;
      case 'pool':
        return `pool, input ${l.inputSize}, ${l.segments} segments, window ${l.window}`;
      default:
        return assertNever(l);
    }
  };

  // Jordan layer (KERNEL_KIND.jordan): f is the recurrent part, read by the gates() kernel with the fed-back
  // output y as its recurrent vector (so its H field is the feedback width U, and R the number of
  // hidden rows); b is the output projection, the dense kernel on h16. y lives in b.o (biased by
  // +128 when int8, so the feedback side folds -128 * sum(row) into its constant). The unrolled
  // step (unroll-jordan.ts) carries the per-row constants as literals and writes h16 directly.
  const jordan = (l: QJordanLayer, id: string, comment: string, inBiased: boolean): LayerView => {
    const H = l.hidden;
    const I = l.inputSize;
    const U = l.units;
    const wide = l.outType === 's16';
    // the fed-back y is stored +128 when int8
    const k = rowConstants(H, { w: l.wx, b: l.bx, m: l.mx, s: l.sx, n: I, biased: inBiased }, { w: l.wy, b: l.by, m: l.my, s: l.sy, n: U, biased: !wide });
    const rid = `${id}r`;
    const rec: LayerView = {
      id: rid,
      kind: KERNEL_KIND.elmanTanh,
      comment: 'recurrent part',
      fields: [
        { name: 'kind', expr: String(KERNEL_KIND.elmanTanh) },
        { name: 'I', expr: lit(I) },
        { name: 'H', expr: lit(U) },
        { name: 'R', expr: lit(H) },
        { name: 'WX', expr: section(`${rid}_wx`, l.wx) },
        { name: 'WH', expr: section(`${rid}_wy`, l.wy) },
        ...requantFields(rid, k, ['my', 'cy', 'dy']),
        { name: 'lo', expr: lit(-32767) },
        { name: 'hi', expr: lit(32767) },
        { name: 'g', expr: opts.unrolled ? 'null' : alloc(rid, 'g', 'Int32Array', H) },
        { name: 'h16', expr: alloc(rid, 'h16', 'Int16Array', H) },
      ],
    };
    const proj = dense(jordanProjection(l), `${id}o`, 'output projection', false);
    return {
      id,
      kind: KERNEL_KIND.jordan,
      comment,
      fields: [
        { name: 'kind', expr: String(KERNEL_KIND.jordan) },
        { name: 'wide', expr: lit(wide ? 1 : 0) },
        { name: 'z', expr: lit(wide ? 0 : l.outZp + 128) },
      ],
      fwd: rec,
      bwd: proj,
    };
  };

  const layers: LayerView[] = m.layers.map((l, i) => {
    const id = `l${i}`;
    switch (l.kind) {
      case 'elman':
      case 'lstm':
      case 'gru':
        return cell(l, id, describe(l), i > 0);
      case 'bidirectional': {
        const fwd = cell(l.forward, `${id}f`, 'forward', i > 0);
        const bwd = cell(l.backward, `${id}b`, 'backward', i > 0);
        return {
          id,
          kind: KERNEL_KIND.bidirectional,
          comment: describe(l),
          fields: [
            { name: 'kind', expr: String(KERNEL_KIND.bidirectional) },
            { name: 'Hf', expr: lit(l.forward.hidden) },
            { name: 'O', expr: lit(qLayerOutputSize(l)) },
          ],
          fwd,
          bwd,
        };
      }
      case 'dense':
        return dense(l, id, describe(l), i > 0);
      case 'jordan':
        return jordan(l, id, describe(l), i > 0);
      case 'pool':
        throw new TinyrnnError({
          code: 'EMIT003',
          path: `layers[${i}]`,
          message: 'the Espruino target has no pool layer kernel',
          value: 'pool',
          hint: 'compile this model for the C target, or train the reservoir with --readout last',
        });
      default:
        return assertNever(l);
    }
  });
  return {
    sections,
    layers,
    F,
    O: m.outputSize,
    outWide: lastOutputType(m) === 's16',
    streaming: isStreaming(m),
    ramArrays: ram,
    reservoirs,
  };
}
