// The layer objects of the Espruino module, as each kind's compiler/layers/<kind>/espruino.ts
// builds them: the types, the context that stores their constants (emit.ts implements it), and
// the field helpers the kinds share. A leaf below the kinds and the hub (emit.ts).
import { KernelKind } from './kinds';
import { RowConstants } from './arith';

/** A typed array section of a blob. */
export interface Section {
  name: string;
  type: 'Int8Array' | 'Int16Array' | 'Int32Array' | 'Float64Array';
  data: Int8Array | Int16Array | Int32Array | Float64Array;
}

/** One field of a layer object: name: JS expression (a view on a blob, a new typed array, an integer literal). */
export interface Field {
  name: string;
  expr: string;
}

export interface LayerView {
  /** Identifier of the layer object in the generated module (l0, l1, l2f, ...). */
  id: string;
  /** Kernel kind (kinds.ts). */
  kind: KernelKind;
  comment: string;
  fields: Field[];
  /** Bidirectional halves; for a Jordan layer, fwd is the recurrent part and bwd the output projection. */
  fwd?: LayerView;
  bwd?: LayerView;
}

/** An echo state network reservoir regenerated at load from its seed (wx, wh: the module variables of its Int8Arrays). */
export interface ReservoirView {
  id: string;
  wx: string;
  wh: string;
  H: number;
  I: number;
  seed: number;
  densityQ16: number;
  bytes: number;
}

/** Where a layer object goes: its identifier, its comment, and whether its input vector is int8 stored biased (arith.ts, identity 2). */
export interface LayerAt {
  id: string;
  comment: string;
  inBiased: boolean;
}

/** What a kind's view hook stores its constants and state through. */
export interface ViewContext {
  /** True when the module's steps are unrolled (they carry the per-row constants as literals). */
  unrolled: boolean;
  /** Stores a blob section; returns the field expression that reads it. */
  section(name: string, data: Section['data']): string;
  /** A per-row constant only the loop kernels read: a section, or 'null' when unrolled. */
  konst(name: string, data: Section['data']): string;
  /** A state or scratch array allocated in RAM at load: `new TYPE(length)`. */
  alloc(owner: string, field: string, type: string, length: number): string;
  /** Registers a regenerated reservoir. */
  reservoir(r: ReservoirView): void;
}

/** Little-endian typed arrays (every Espruino board and every Node host here is little-endian). */
export function f64(values: number[]): Float64Array {
  return Float64Array.from(values);
}

export function i16(values: ArrayLike<number>): Int16Array {
  return Int16Array.from(values as number[]);
}

/**
 * The fields of a two-sided pre-activation's row constants (arith.ts rowConstants) for the loop
 * kernels; `hName` names the recurrent side's sections (mh/ch/dh, or my/cy/dy for a Jordan layer).
 */
export function requantFields(ctx: ViewContext, id: string, k: RowConstants, hName: [string, string, string]): Field[] {
  return [
    { name: 'MX', expr: ctx.konst(`${id}_mx`, i16(k.MX)) },
    { name: 'CX', expr: ctx.konst(`${id}_cx`, f64(k.CX)) },
    { name: 'DX', expr: ctx.konst(`${id}_dx`, f64(k.DX)) },
    { name: 'MH', expr: ctx.konst(`${id}_${hName[0]}`, i16(k.MH)) },
    { name: 'CH', expr: ctx.konst(`${id}_${hName[1]}`, f64(k.CH)) },
    { name: 'DH', expr: ctx.konst(`${id}_${hName[2]}`, f64(k.DH)) },
    { name: 'KQ', expr: ctx.konst(`${id}_kq`, f64(k.KQ)) },
  ];
}
