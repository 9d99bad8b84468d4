// The Espruino view of a QuantModel: every constant the JS kernels need, computed on the host
// with exact integer arithmetic (the identities of arith.ts), packed into binary blobs (weights,
// per-row requantisation constants, activation tables) that the device either decodes from base64
// inline or maps from Storage, plus the layer objects the template writes as object literals
// (each kind's view hook, compiler/layers/<kind>/espruino.ts, through the registry).
//
// Legend: F features, I layer input, H hidden, G gates, R = G*H rows, U dense units, O outputs.
import { QuantModel } from '../../compiler/core/ir/quant-model';
import { isStreaming, lastOutputType } from '../../compiler/layers/ir';
import { TinyrnnError } from '../../compiler/core/ir/errors';
import { modelTables } from '../emit/view';
import { espruinoHooks } from '../../compiler/layers/espruino';
import { inputConstants } from './arith';
import { LayerView, ReservoirView, Section, ViewContext, f64 } from './layer-view';

export interface PlacedSection extends Section {
  blob: number;
  byteOffset: number;
}

/** Espruino limits a view's byteOffset to 65535: sections are packed into as many blobs as that needs. */
export const MAX_VIEW_OFFSET = 65535;
export const MAX_BUFFER_BYTES = 2 ** 24 - 1;

export function packSections(sections: Section[]): { blobs: Uint8Array[]; placed: PlacedSection[] } {
  const sizes: number[] = [];
  const placed: PlacedSection[] = [];
  const chunks: { blob: number; off: number; bytes: Uint8Array }[] = [];
  let cur = -1;
  for (const s of sections) {
    const bytes = new Uint8Array(s.data.buffer, s.data.byteOffset, s.data.byteLength);
    if (bytes.length > MAX_BUFFER_BYTES)
      throw new TinyrnnError({
        code: 'ESP201',
        path: s.name,
        message: `array of ${bytes.length} bytes is larger than an Espruino ArrayBuffer`,
        expected: `at most ${MAX_BUFFER_BYTES} bytes`,
      });
    let off = cur < 0 ? 0 : Math.ceil(sizes[cur] / 8) * 8;
    if (cur < 0 || off > MAX_VIEW_OFFSET) {
      sizes.push(0);
      cur = sizes.length - 1;
      off = 0;
    }
    chunks.push({ blob: cur, off, bytes });
    sizes[cur] = off + bytes.length;
    placed.push({ ...s, blob: cur, byteOffset: off });
  }
  const out = sizes.map((n) => new Uint8Array(Math.ceil(n / 8) * 8));
  for (const c of chunks) out[c.blob].set(c.bytes, c.off);
  return { blobs: out, placed };
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
  reservoirs: ReservoirView[];
}

type ViewLists = Pick<EspruinoView, 'sections' | 'ramArrays' | 'reservoirs'>;

const ELEMENT_BYTES: Record<string, number> = { Int16Array: 2, Uint16Array: 2, Int32Array: 4, Float64Array: 8 };

/** The context the kinds' view hooks store through, and the lists it fills. */
function viewContext(unrolled: boolean): { ctx: ViewContext; lists: ViewLists } {
  const lists: ViewLists = { sections: [], ramArrays: [], reservoirs: [] };
  const section = (name: string, data: Section['data']): string => {
    lists.sections.push({ name, type: data.constructor.name as Section['type'], data });
    return `@${name}`; // replaced by the view expression once the blobs are packed
  };
  const ctx: ViewContext = {
    unrolled,
    section,
    // Per-row constants only the loop kernels read: the unrolled code carries them as literals.
    konst: (name, data) => (unrolled ? 'null' : section(name, data)),
    alloc(owner, field, type, length) {
      lists.ramArrays.push({ name: `${owner}.${field}`, type, length, bytes: length * (ELEMENT_BYTES[type] ?? 1) });
      return `new ${type}(${length})`;
    },
    reservoir: (r) => void lists.reservoirs.push(r),
  };
  return { ctx, lists };
}

/** Only the tables some layer reads are stored (an Elman, GRU-free or Jordan model may need no sigmoid). */
function storeTables(m: QuantModel, ctx: ViewContext): void {
  const used = modelTables(m);
  if (used.sig) {
    const sig = signedTables(m.tables.sigmoid, 'sigmoid');
    ctx.section('SS', sig.A);
    ctx.section('SD', sig.D);
  }
  if (used.tanh) {
    const tanh = signedTables(m.tables.tanh, 'tanh');
    ctx.section('TS', tanh.A);
    ctx.section('TD', tanh.D);
  }
}

/** Input stage: x16 = sat_s16(rshift_round((r - offset) * m + bias, s)), its constants IM, IC, ID, IB (arith.ts identity 1). */
function storeInput(m: QuantModel, ctx: ViewContext): void {
  const k = inputConstants(m.input, m.inputSize);
  ctx.konst('IM', f64(k.M));
  ctx.konst('IC', f64(k.C));
  ctx.konst('ID', f64(k.D));
  ctx.konst('IB', f64(k.B));
}

/** Builds the kernel constants for a validated QuantModel. */
export function buildView(m: QuantModel, opts: { unrolled?: boolean } = {}): EspruinoView {
  const { ctx, lists } = viewContext(opts.unrolled ?? false);
  storeTables(m, ctx);
  storeInput(m, ctx);
  const layers = m.layers.map((l, i) => {
    const hooks = espruinoHooks(l);
    return hooks.view(l, ctx, { id: `l${i}`, comment: hooks.describe(l), inBiased: i > 0 });
  });
  return {
    ...lists,
    layers,
    F: m.inputSize,
    O: m.outputSize,
    outWide: lastOutputType(m) === 's16',
    streaming: isStreaming(m),
  };
}
