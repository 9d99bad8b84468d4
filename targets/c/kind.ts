// What the C target asks of a layer kind, and the small C helpers the kinds' emitters share. The
// kinds' C parts (compiler/layers/<kind>/c.ts) and the registry (compiler/layers/c.ts) import this
// leaf; the plan (targets/c/plan.ts) looks the hooks up by kind. Hooks return plain data and C text
// fragments (names, initialisers, statements); the templates lay them out.
import { FinalPart, LayerKind } from '../../compiler/core/ir/model';
import { QLayerOf } from '../../compiler/core/ir/quant-types';
import { ELEM_BYTES, ElemType, LayerView } from '../emit/view';

export const C_TYPE: Record<ElemType, string> = { s8: 'int8_t', u8: 'uint8_t', s16: 'int16_t', s32: 'int32_t' };

/** A layer's view with its quantised layer narrowed to kind K. */
export type KindView<K extends LayerKind> = Omit<LayerView, 'layer'> & { layer: QLayerOf<K> };

/** A struct field of the generated state or scratch struct. */
export interface Field {
  name: string;
  type: ElemType;
  count: number;
  comment: string;
}

export const fieldBytes = (f: Field): number => ELEM_BYTES[f.type] * f.count;

/**
 * One side of a requantisation row set: the view's multiplier and shift arrays (m, s, named
 * <arrays>_<mName>, <arrays>_<sName>) and the names of their fast forms (M, k: <stem>_<MNAME>,
 * <stem>_k<sName without its first letter>).
 */
export interface RowSide {
  mName: string;
  sName: string;
  m: string;
  s: string;
  M: string;
  k: string;
  mv: ArrayLike<number>;
  sv: ArrayLike<number>;
}

/** The rows of one descriptor that take one requantisation form together (fast when every row allows it). */
export interface RowSet {
  stem: string;
  layer: number;
  sides: RowSide[];
}

/** The row set `stem` over the view arrays `<arrays>_<mName>` and `<arrays>_<sName>` of each side. */
export function rowSet(stem: string, arrays: string, layer: number, sides: [string, string, ArrayLike<number>, ArrayLike<number>][]): RowSet {
  return {
    stem,
    layer,
    sides: sides.map(([mName, sName, mv, sv]) => ({
      mName,
      sName,
      m: `${arrays}_${mName}`,
      s: `${arrays}_${sName}`,
      M: `${stem}_${mName.toUpperCase()}`,
      k: `${stem}_k${sName.slice(1)}`,
      mv,
      sv,
    })),
  };
}

/** Requantisation form of a row set: 2 requantize_r32 (M), 1 requantize_fast (M, k), 0 generic (m, s). */
export type RowForm = 0 | 1 | 2;

/** A buffer a regenerated reservoir fills: `<stem>_<suffix>` in RAM, or a field of the stream state (reservoirInState). */
export interface CRegenBuffer {
  suffix: string;
  type: ElemType;
  count: number;
}

/** What a regenerated reservoir is, in the generated comments and README. */
export interface ReservoirWords {
  /** 'echo state network reservoir' (README rows). */
  noun: string;
  /** 'echo state network reservoirs' (the heading of its section of model.c). */
  title: string;
  /** 'The int8 reservoir weights W (wh) and Win (wx)': what is not stored in flash. */
  weights: string;
  /** 'Echo state network: the reservoir weights' (the header's note on the init function). */
  lead: string;
}

/**
 * Weights a layer regenerates from a seed instead of storing them in flash (an echo state
 * network's W and Win, a liquid's connectivity): model-global RAM buffers that
 * `<prefix>_reservoir_init` fills once per model, shared by every stream (with the option
 * reservoirInState, fields of the stream state that `<prefix>_reset` fills).
 */
export interface CReservoir {
  /** The layer's or cell's symbol stem (`<prefix>_l0`, `<prefix>_l0f`); its state field stem is what follows the prefix. */
  stem: string;
  layer: number;
  seed: number;
  buffers: CRegenBuffer[];
  /** The comment above the global buffers. */
  comment: string;
  /** The statement that fills the buffers, each buffer named by at(suffix). */
  fill(at: (suffix: string) => string): string;
  /** The C source of the generator functions fill calls (emitted once per model). */
  generator: string;
  words: ReservoirWords;
  /** Read through a tinyrnn_cell_t descriptor: in the state, the step uses a copy of it pointing into the state (`<field>_cell`). */
  cell: boolean;
}

/** What the statements of a layer may refer to, known once forms, reservoirs and scratch are planned. */
export interface CContext {
  prefix: string;
  /** Index of the model's last layer. */
  last: number;
  /** The model output's storage type. */
  outType: ElemType;
  formOf(stem: string): RowForm;
  /** Reservoir cells whose weights are in the stream state: stem -> the local descriptor that points into it. */
  stateCells: ReadonlyMap<string, string>;
  /** Where a regenerated reservoir's buffer is: `<stem>_<suffix>` (RAM, once per model) or `s-><field>_<suffix>` (reservoirInState). */
  reservoirAt(stem: string, suffix: string): string;
  /** The regenerated reservoirs are in the stream state (reservoirInState): their kinds add the buffers to the state. */
  reservoirInState: boolean;
  /** Table arguments of the kernels: the table symbols, or NULL. */
  sig: string;
  tnh: string;
  /** Whether the scratch struct has the n32 and rh buffers. */
  hasN32: boolean;
  hasRh: boolean;
}

/** What the state and scratch fields may refer to (planned before the scratch is known). */
export type MemoryContext = Pick<CContext, 'prefix' | 'last' | 'outType' | 'formOf' | 'stateCells' | 'reservoirInState'>;

/** Scratch buffers sized by the largest layer that needs them. */
export type ScratchNeed = 'pre' | 'n32' | 'rh' | 'vx' | 'vh';

/** Value written over a state vector by <prefix>_reset: an h8 (hidden) or a Jordan fed-back y. */
export interface Reset {
  what: 'h' | 'y';
  field: string;
  zp: number;
  n: number;
}

/** The largest need of each scratch buffer over several parts. */
export function maxNeeds(all: Partial<Record<ScratchNeed, number>>[]): Partial<Record<ScratchNeed, number>> {
  const out: Partial<Record<ScratchNeed, number>> = {};
  for (const needs of all) for (const [k, v] of Object.entries(needs) as [ScratchNeed, number][]) out[k] = Math.max(out[k] ?? 0, v);
  return out;
}

export interface LayerMemory {
  state: Field[];
  scratch: Field[];
  needs: Partial<Record<ScratchNeed, number>>;
  resets: Reset[];
}

/** A static const layer descriptor. Jordan's are declared after every other kind's (late). */
export interface CDescriptor {
  struct: 'cell' | 'dense';
  stem: string;
  init: string;
  late?: boolean;
}

/** The C part of a layer kind. */
export interface CHooks<K extends LayerKind> {
  /** The kind's c-kernel.hbs is emitted into model.c (only for a model with a layer of the kind) rather than into tinyrnn_kernels.h. */
  modelKernel?: boolean;
  /** Requantisation row sets (each may take a fast form). */
  rowSets(l: KindView<K>, prefix: string): RowSet[];
  /** Weights regenerated from a seed rather than stored (reservoirs, connectivity). */
  reservoirs(l: KindView<K>, prefix: string): CReservoir[];
  /** Fields of the state and scratch structs, scratch needs, reset values. */
  memory(l: KindView<K>, ctx: MemoryContext): LayerMemory;
  descriptors(l: KindView<K>, ctx: CContext): CDescriptor[];
  /** One streaming step (xin widens the layer input src into sc->vx, in the order the dot products read); null: whole sequences only. */
  step: ((l: KindView<K>, ctx: CContext, xin: string, src: string) => { call: string; result: string }) | null;
  /** The whole-sequence loop(s) over t, writing the layer output of step t at dst + t * width (src: the layer input of step t). */
  sequence(l: KindView<K>, ctx: CContext, xin: string, dst: string, src: string): string[];
  /**
   * Output mode 'final': the state array (an int16 or int8 field of the stream state `s`) that holds
   * `part` of the final state of direction `half` after a whole-sequence run, and which state it is
   * (absent: the kind has no final states).
   */
  finalState?(l: KindView<K>, ctx: CContext, half: number, part: FinalPart): FinalStateField;
}

/** Where a final state lies in the stream state: the field, and the state it holds (h16, an Elman relu's h8, an LSTM's c). */
export interface FinalStateField {
  src: string;
  state: 'h16' | 'h8' | 'c';
}

/** A C99 designated initialiser: `{.I = 3, .H = 4, ...}`, the fields named as the struct declares them. */
export function designated(fields: [string, string | number][]): string {
  return `{${fields.map(([k, v]) => `.${k} = ${v}`).join(', ')}}`;
}

/** Where a regenerated reservoir's buffer is: a model-global array, or (in the state) a field of the stream state `s`. */
export function reservoirBuffer(prefix: string, stem: string, suffix: string, inState: boolean): string {
  return inState ? `s->${stem.slice(prefix.length + 1)}_${suffix}` : `${stem}_${suffix}`;
}

/** Bytes of a regenerated reservoir's buffers (what storing it in flash would take, and its RAM). */
export const reservoirBytes = (r: Pick<CReservoir, 'buffers'>): number => r.buffers.reduce((n, b) => n + ELEM_BYTES[b.type] * b.count, 0);

/** Requantisation fields of a two-sided (input, recurrent) row set in its form (tinyrnn_cell_t). */
export function cellForms(form: RowForm, set: RowSet): [string, string | number][] {
  const [x, h] = set.sides;
  const pick = (f: (s: RowSide) => string, used: boolean): [string, string] => (used ? [f(x), f(h)] : ['NULL', 'NULL']);
  const [mx, mh] = pick((s) => s.m, form === 0);
  const [Mx, Mh] = pick((s) => s.M, form !== 0);
  const [sx, sh] = form === 2 ? pick((s) => s.s, false) : pick((s) => (form === 1 ? s.k : s.s), true);
  return [
    ['mx', mx],
    ['mh', mh],
    ['Mx', Mx],
    ['Mh', Mh],
    ['sx', sx],
    ['sh', sh],
    ['fast', form],
  ];
}

/** Requantisation fields of a one-sided row set in its form (tinyrnn_dense_t). */
export function denseForms(form: RowForm, set: RowSet): [string, string | number][] {
  const [o] = set.sides;
  return [
    ['m', form === 0 ? o.m : 'NULL'],
    ['M', form === 0 ? 'NULL' : o.M],
    ['s', form === 2 ? 'NULL' : form === 1 ? o.k : o.s],
    ['fast', form],
  ];
}

/** Activation code of the dense kernel. */
export function denseAct(a: string): number {
  return a === 'relu' ? 1 : a === 'tanh' ? 2 : a === 'sigmoid' ? 3 : 0;
}

/** A tinyrnn_dense_t initialiser. */
export function denseInit(
  p: { I: number; U: number; w: string; b: string; act: number; outType: string; outZp: number; oM: number; oS: number },
  rq: [string, string | number][],
): string {
  return designated([
    ['I', p.I],
    ['U', p.U],
    ['w', p.w],
    ['b', p.b],
    ...rq,
    ['act', p.act],
    ['out16', p.outType === 's16' ? 1 : 0],
    ['outZp', p.outZp],
    ['oM', p.oM],
    ['oS', p.oS],
  ]);
}

/** The statement that widens a layer input into sc->vx (int16 model input, int8 otherwise). */
export function widen(src: string, n: number, wide: boolean): string {
  return `tinyrnn_widen${wide ? 16 : 8}(${src}, sc->vx, ${n});`;
}

/** A loop over the steps of a sequence, forward or backward. */
export function forSteps(body: string[], backward = false): string[] {
  return [backward ? `for (t = steps - 1; t >= 0; t--) {` : `for (t = 0; t < steps; t++) {`, ...body.map((b) => `  ${b}`), `}`];
}
