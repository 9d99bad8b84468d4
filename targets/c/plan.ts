// The C target's plan: from a QuantModel to plain data (no text laid out yet): the requantisation
// form of every row set, the constant arrays, the regenerated reservoirs, the state and scratch
// struct layouts, the layer descriptors and statements (each kind's part from C_KINDS), the
// files of the layout and the memory report. targets/c/emit.ts renders a plan with the templates.
import { QuantModel } from '../../compiler/core/ir/quant-model';
import { FinalPart, LayerKind } from '../../compiler/core/ir/model';
import { finalSegments } from '../../compiler/core/ir/final';
import { C_KINDS } from '../../compiler/layers/c';
import { ConstArray, ELEM_BYTES, ElemType, LayerView, ModelView, buildModelView } from '../emit/view';
import { derivePrefix, validatePrefix } from '../emit/names';
import { fail } from '../../compiler/core/ir/errors';
import { CContext, CDescriptor, CHooks, CReservoir, C_TYPE, Field, FinalStateField, MemoryContext, Reset, maxNeeds, reservoirBuffer, widen } from './kind';
import { planForms } from './forms';
import { CReport, memoryReport } from './report';

export const C_LAYOUTS = ['plain', 'arduino', 'platformio'] as const;
export type CLayout = (typeof C_LAYOUTS)[number];

export interface CGenOptions {
  prefix?: string;
  layout?: CLayout;
  /**
   * Regenerated reservoirs (an echo state network's W and Win, a liquid's connectivity) live in the
   * stream state instead of writable globals: their buffers become fields of <prefix>_state_t that
   * <prefix>_reset fills from the seed (a reservoir cell's step uses a copy of the layer descriptor
   * that points into the state). For code that may own no writable memory of its own (the native
   * Espruino blob); every stream then holds its own copy of the reservoir.
   */
  reservoirInState?: boolean;
}

export interface StructLayout {
  fields: (Field & { ctype: string; bytes: number })[];
  bytes: number;
}

/** A file of the layout: its path, template, and the banner it opens with (null: none). */
export interface CFile {
  path: string;
  template: string;
  banner: { name: string; style: 'c' | 'hash' | 'md' } | 'kernels' | null;
}

export interface CPlan {
  prefix: string;
  layout: CLayout;
  view: ModelView;
  /** The constant arrays of the source (the view's, requantisation possibly in fast form). */
  arrays: ConstArray[];
  reservoirs: CReservoir[];
  /** The reservoirs are in the stream state (reservoirInState and there are some). */
  reservoirInState: boolean;
  outType: ElemType;
  state: StructLayout;
  scratch: StructLayout;
  /** State bytes per layer. */
  layerState: number[];
  resets: Reset[];
  /** Cell descriptors, then dense ones; each group's late (Jordan) descriptors last. */
  descriptors: CDescriptor[];
  /** Declarations of the step's descriptors that point into the state (reservoirs in the state). */
  stateCellDecls: string[];
  /** The streaming step (null: whole sequences only). */
  step: { calls: string[]; result: string } | null;
  /** The whole-sequence run, layer by layer (streaming models: none). */
  sequence: { index: number; title: string; body: string; isLast: boolean }[];
  /**
   * Output mode 'final': the copies of the final states into the one output row after the
   * sequence run, in segment order (src: the state field); [] for other modes.
   */
  final: (FinalStateField & { offset: number; size: number; part: FinalPart; direction: string })[];
  /** The widest layer output (the ping-pong buffers of the sequence run). */
  maxWidth: number;
  header: string;
  source: string;
  srcDir: string;
  files: CFile[];
  report: CReport;
}

/** The C part of a layer's kind (the view's layer narrowed by the table lookup). */
function kindOf(l: LayerView): CHooks<LayerKind> {
  return C_KINDS[l.layer.kind] as CHooks<LayerKind>;
}

/** The kernels emitted into model.c (a kind's c-kernel.hbs, for kinds with modelKernel), once per kind the model uses. */
export function modelKernels(L: LayerView[]): { partial: string }[] {
  return [...new Set(L.filter((l) => kindOf(l).modelKernel).map((l) => l.layer.kind))].map((k) => ({ partial: `${k}/c-kernel` }));
}

/** Lay out fields in decreasing alignment (no padding between them) and compute sizeof. */
function layoutStruct(fields: Field[]): StructLayout {
  const sorted = fields.filter((f) => f.count > 0).sort((a, b) => ELEM_BYTES[b.type] - ELEM_BYTES[a.type]);
  let size = 0;
  let align = 1;
  const out = sorted.map((f) => {
    const b = ELEM_BYTES[f.type] * f.count;
    size += b;
    align = Math.max(align, ELEM_BYTES[f.type]);
    return { ...f, ctype: C_TYPE[f.type], bytes: b };
  });
  if (out.length === 0) {
    // C99 forbids empty structs: one byte keeps the type valid.
    out.push({ name: 'unused', type: 's8', count: 1, comment: 'no state', ctype: 'int8_t', bytes: 1 });
    size = 1;
  }
  size = Math.ceil(size / align) * align;
  return { fields: out, bytes: size };
}

/** The state and scratch structs, each layer's state bytes and the reset values. */
function planMemory(L: LayerView[], view: ModelView, ctx: MemoryContext) {
  const parts = L.map((l) => kindOf(l).memory(l, ctx));
  const needs = maxNeeds([{ pre: 1, n32: 0, rh: 0, vx: 1, vh: 1 }, ...parts.map((p) => p.needs)]);
  const scratch = layoutStruct([
    { name: 'x16', type: 's16', count: view.inputSize, comment: '(F) the int16 model input after the input stage' },
    { name: 'pre', type: 's16', count: needs.pre!, comment: 'gate pre-activations, then gate outputs' },
    { name: 'n32', type: 's32', count: needs.n32!, comment: 'gru reset-after n rows / elman relu parts' },
    { name: 'rh', type: 's16', count: needs.rh!, comment: 'gru reset-before r*h16 (Q0.15)' },
    { name: 'vx', type: 's16', count: needs.vx!, comment: 'the layer input as int16' },
    { name: 'vh', type: 's16', count: needs.vh!, comment: 'the recurrent input (h16, or h8 for elman relu) as int16' },
    ...parts.flatMap((p) => p.scratch),
  ]);
  return {
    state: layoutStruct(parts.flatMap((p) => p.state)),
    scratch,
    layerState: parts.map((p) => p.state.reduce((n, f) => n + ELEM_BYTES[f.type] * f.count, 0)),
    resets: parts.flatMap((p) => p.resets),
    hasN32: needs.n32! > 0,
    hasRh: needs.rh! > 0,
  };
}

/** Descriptors grouped by struct (cells first), each group's late ones last. */
function orderDescriptors(all: CDescriptor[]): CDescriptor[] {
  const rank = (d: CDescriptor) => (d.struct === 'cell' ? 0 : 2) + (d.late ? 1 : 0);
  return all
    .map((d, i) => ({ d, i }))
    .sort((a, b) => rank(a.d) - rank(b.d) || a.i - b.i)
    .map(({ d }) => d);
}

/** The streaming step: each layer reads the previous layer's output vector. */
function planStep(L: LayerView[], ctx: CContext): CPlan['step'] {
  const calls: string[] = [];
  let cur = 'sc->x16';
  for (const l of L) {
    const step = kindOf(l).step;
    if (!step) return null;
    const s = step(l, ctx, widen(cur, l.input, l.index === 0), cur);
    calls.push(s.call);
    cur = s.result;
  }
  return { calls, result: cur };
}

/**
 * Whole-sequence run, layer by layer, through ping-pong buffers (cur -> nxt, the last layer -> out;
 * with final states out, the last layer -> nxt, its states then copied to out).
 */
function planSequence(L: LayerView[], ctx: CContext, decl: (stem: string) => string, final: boolean): CPlan['sequence'] {
  return L.map((l) => {
    const isLast = l.index === ctx.last;
    const src = l.index === 0 ? `x16 + t * ${l.input}` : `cur + t * ${l.input}`;
    const xin = widen(src, l.input, l.index === 0);
    const decls = l.cells.filter((c) => ctx.stateCells.has(c.stem)).map((c) => decl(c.stem));
    const body = [...decls, ...kindOf(l).sequence(l, ctx, xin, isLast && !final ? 'out' : 'nxt', src)];
    return { index: l.index, title: l.title, body: body.join('\n    '), isLast };
  });
}

/**
 * Final states (the output in mode 'final', else the vector `<prefix>_final` copies): where each
 * segment's state is copied from (the last layer's kind names its state fields).
 */
function planFinal(m: QuantModel, L: LayerView[], ctx: CContext): CPlan['final'] {
  const last = L[ctx.last];
  const hook = kindOf(last).finalState;
  if (!m.final || !hook) return [];
  return (finalSegments(last.layer, m.final ?? []) ?? []).map((s) => ({
    offset: s.offset,
    size: s.size,
    ...hook(last, ctx, s.half, s.part),
    part: s.part,
    direction: s.direction,
  }));
}

/** The files of a layout. */
function planFiles(prefix: string, layout: CLayout, srcDir: string): CFile[] {
  const header = `${prefix}.h`;
  const source = `${prefix}.c`;
  const c = (name: string) => ({ name, style: 'c' as const });
  const hash = (name: string) => ({ name, style: 'hash' as const });
  const files: CFile[] = [
    { path: `${srcDir}${header}`, template: 'model.h', banner: c(header) },
    { path: `${srcDir}${source}`, template: 'model.c', banner: c(source) },
    { path: `${srcDir}tinyrnn_kernels.h`, template: 'tinyrnn_kernels.h', banner: 'kernels' },
    { path: 'README.md', template: 'README.md', banner: { name: 'README.md', style: 'md' } },
  ];
  const extras: Record<CLayout, CFile[]> = {
    plain: [
      { path: `${prefix}.mk`, template: 'model.mk', banner: hash(`${prefix}.mk`) },
      { path: 'CMakeLists.txt', template: 'CMakeLists.txt', banner: hash('CMakeLists.txt') },
    ],
    arduino: [
      { path: 'library.properties', template: 'library.properties', banner: hash('library.properties') },
      { path: `examples/${prefix}_stream/${prefix}_stream.ino`, template: 'example.ino', banner: c(`${prefix}_stream.ino`) },
    ],
    platformio: [
      { path: 'library.json', template: 'library.json', banner: null },
      { path: `examples/${prefix}_stream/main.c`, template: 'example.c', banner: c('main.c') },
    ],
  };
  if (!Object.hasOwn(extras, layout)) fail('EMIT002', 'layout', `unknown C layout`, { value: layout, expected: C_LAYOUTS.join(', ') });
  return [...files, ...extras[layout]];
}

/**
 * What every kind's statements may refer to: the forms of the row sets (and the constant arrays
 * they give), the regenerated reservoirs (an echo state network's W8 (wh) and Win8 (wx), a liquid's
 * connectivity: not stored in flash; the generated code fills RAM buffers once per model, or the
 * state's fields, from the seed) and the state and scratch structs.
 */
function planContext(view: ModelView, reservoirInState: boolean) {
  const { prefix, layers: L } = view;
  const reservoirs = L.flatMap((l) => kindOf(l).reservoirs(l, prefix));
  const ram = new Set(reservoirs.flatMap((r) => r.buffers.map((b) => reservoirBuffer(prefix, r.stem, b.suffix, false))));
  const { forms, arrays } = planForms(
    L.flatMap((l) => kindOf(l).rowSets(l, prefix)),
    view.arrays,
    ram,
  );
  const inState = reservoirInState && reservoirs.length > 0;
  const field = (stem: string) => stem.slice(prefix.length + 1);
  // in the state: the local descriptor (pointing into the state) that replaces each reservoir cell's static one
  const stateCells = new Map(inState ? reservoirs.filter((r) => r.cell).map((r) => [r.stem, `${field(r.stem)}_cell`]) : []);
  const reservoirAt = (stem: string, suffix: string) => reservoirBuffer(prefix, stem, suffix, inState);
  const outType: ElemType = view.outputType === 's16' ? 's16' : 's8';
  const base = { prefix, last: L.length - 1, outType, formOf: (stem: string) => forms.get(stem) ?? 0, stateCells, reservoirAt, reservoirInState: inState };
  const { hasN32, hasRh, ...memory } = planMemory(L, view, base);
  const sig = view.usesSigmoid ? `${prefix}_sigmoid_table` : 'NULL';
  const tnh = view.usesTanh ? `${prefix}_tanh_table` : 'NULL';
  const ctx: CContext = { ...base, sig, tnh, hasN32, hasRh };
  return { ctx, arrays, reservoirs, inState, memory };
}

/** Plan the C sources of a model. */
export function planC(m: QuantModel, opts: CGenOptions = {}): CPlan {
  const prefix = opts.prefix !== undefined ? validatePrefix(opts.prefix) : derivePrefix(m.meta.name);
  const layout = opts.layout ?? 'plain';
  const view = buildModelView(m, prefix);
  const L = view.layers;
  const { ctx, arrays, reservoirs, inState, memory } = planContext(view, opts.reservoirInState === true);
  // the declaration of a reservoir cell's descriptor with the weights of the stream's state
  const decl = (stem: string) => `const tinyrnn_cell_t ${ctx.stateCells.get(stem)} = ${stem}_of(s);`;
  const srcDir = layout === 'plain' ? '' : 'src/';
  const plan = {
    prefix,
    layout,
    view,
    arrays,
    reservoirs,
    reservoirInState: inState,
    outType: ctx.outType,
    ...memory,
    descriptors: orderDescriptors(L.flatMap((l) => kindOf(l).descriptors(l, ctx))),
    stateCellDecls: reservoirs.filter((r) => ctx.stateCells.has(r.stem)).map((r) => decl(r.stem)),
    step: view.streaming ? planStep(L, ctx) : null,
    sequence: view.streaming ? [] : planSequence(L, ctx, decl, m.output === 'final'),
    final: planFinal(m, L, ctx),
    maxWidth: Math.max(...L.map((l) => l.output)),
    header: `${srcDir}${prefix}.h`,
    source: `${srcDir}${prefix}.c`,
    srcDir,
    files: planFiles(prefix, layout, srcDir),
  };
  return { ...plan, report: memoryReport(plan) };
}
