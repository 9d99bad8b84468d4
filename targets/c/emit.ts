// The C target's emit step: from a QuantModel to C99 sources, via the Handlebars templates in
// targets/c/templates. This file computes every name, size and literal; the templates lay them
// out. Memory figures in the report are computed from the same layout the generated code
// declares (struct fields ordered by alignment, padding included), and a test compares them with
// the symbol sizes of the compiled object (arm-none-eabi-nm -S).
import * as path from 'node:path';
import { QJordanLayer, QuantModel } from '../../compiler/core/ir/quant-model';
import { ArrayRole, ConstArray, ELEM_BYTES, ElemType, LayerView, ModelView, buildModelView } from '../emit/view';
import { cString, commentText, derivePrefix, validatePrefix } from '../emit/names';
import { TemplateSet, loadTemplates } from '../emit/template';
import { packageRoot } from '../../compiler/core/util/version';
import { assertNever } from '../../compiler/core/ir/model';
import { esnGeneratorC } from './esn';

export const C_LAYOUTS = ['plain', 'arduino', 'platformio'] as const;
export type CLayout = (typeof C_LAYOUTS)[number];

export interface GeneratedFile {
  /** Path relative to the output folder, '/'-separated. */
  path: string;
  text: string;
}

const C_TYPE: Record<ElemType, string> = { s8: 'int8_t', u8: 'uint8_t', s16: 'int16_t', s32: 'int32_t' };

/** A struct field of the generated state or scratch struct. */
interface Field {
  name: string;
  type: ElemType;
  count: number;
  comment: string;
}

/** Lay out fields in decreasing alignment (no padding between them) and compute sizeof. */
function layoutStruct(fields: Field[]): { fields: (Field & { ctype: string; bytes: number })[]; bytes: number } {
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

/**
 * The "fast form" of a row's requantisation (see requantize_fast in tinyrnn_kernels.h): when every
 * shift is in [17, 46] (or the multiplier is 0), M = m * 2^(32 + k - s), k = max(1, s - 32),
 * gives the same integers as requantize(acc, m, s) with one 32x32 high multiply. null when a row
 * needs the generic form.
 */
export function fastForm(m: ArrayLike<number>, s: ArrayLike<number>): { M: Int32Array; k: Uint8Array; r32: boolean } | null {
  // r32: every s in [17, 32]: M = m * 2^(32 - s), one rounding high multiply (requantize_r32)
  let r32 = true;
  for (let r = 0; r < m.length; r++) if (m[r] !== 0 && (s[r] < 17 || s[r] > 32)) r32 = false;
  if (r32) return { M: Int32Array.from(m, (v, r) => (v === 0 ? 0 : v * 2 ** (32 - s[r]))), k: new Uint8Array(0), r32 };
  const M = new Int32Array(m.length);
  const k = new Uint8Array(m.length);
  for (let r = 0; r < m.length; r++) {
    if (m[r] === 0) {
      M[r] = 0;
      k[r] = 1;
      continue;
    }
    if (s[r] < 17 || s[r] > 46) return null;
    const kk = Math.max(1, s[r] - 32);
    const MM = m[r] * 2 ** (32 + kk - s[r]);
    if (!Number.isInteger(MM) || MM > 2147483647) return null;
    M[r] = MM;
    k[r] = kk;
  }
  return { M, k, r32 };
}

/** The (M, k) fast form (requantize_fast) of rows whose shifts are all in [17, 46] (or m = 0). */
function generalForm(m: ArrayLike<number>, s: ArrayLike<number>): { M: Int32Array; k: Uint8Array } {
  const M = new Int32Array(m.length);
  const k = new Uint8Array(m.length);
  for (let r = 0; r < m.length; r++) {
    if (m[r] === 0) {
      k[r] = 1;
      continue;
    }
    k[r] = Math.max(1, s[r] - 32);
    M[r] = m[r] * 2 ** (32 + k[r] - s[r]);
  }
  return { M, k };
}

/** Format integers as C initialiser lines. */
function literal(values: ArrayLike<number>, perLine = 16): string {
  const lines: string[] = [];
  for (let i = 0; i < values.length; i += perLine) {
    const chunk: string[] = [];
    for (let k = i; k < Math.min(values.length, i + perLine); k++) {
      const v = values[k];
      // INT32_MIN cannot be written as a plain literal; the spec never stores it (bounds are +-(2^31-1)).
      chunk.push(String(v));
    }
    lines.push('  ' + chunk.join(', ') + ',');
  }
  return lines.join('\n');
}

export interface MemoryRow {
  /** "input", "layer 0", "tables", "code", ... */
  part: string;
  title: string;
  weights: number;
  biases: number;
  requant: number;
  tables: number;
  input: number;
  /** Persistent state (RAM, in the state struct). */
  state: number;
  macs: number;
  /** Reservoir weights regenerated from their seed into RAM at start-up (echo state networks): bytes of RAM, none in flash. */
  regenerated?: number;
}

export interface CodeSize {
  /** Kernel and API code (.text of the model's object file), bytes. */
  bytes: number;
  how: string;
}

export interface CReport {
  [key: string]: unknown;
  prefix: string;
  model: string;
  modelHash: string;
  specVersion: number;
  streaming: boolean;
  layers: MemoryRow[];
  flash: {
    weights: number;
    biases: number;
    requant: number;
    tables: number;
    input: number;
    /** weights + biases + requant + tables + input: the model's numbers. */
    data: number;
    /**
     * Name pointer tables (feature and class names), 32-bit pointers. The layer descriptor
     * structs are compile-time constants that an optimising compiler folds into the code (so
     * they count in the code size); at -O0 add 68 bytes per cell and 44 per dense layer (a Jordan layer has one of each).
     */
    descriptors: number;
    /** Feature and class name strings (UTF-8 with terminating zero). */
    names: number;
    code: Record<string, CodeSize | null>;
    /** data + descriptors + names + code, per measured core. */
    total: Record<string, number | null>;
    /**
     * Flash a stored reservoir would take (int8 W and Win of every regenerated reservoir layer,
     * H*H + H*I each), which the generated code does not store: it regenerates them into RAM.
     */
    reservoirSaved: number;
  };
  /** reservoir: the regenerated reservoir weights and their ready flag (one copy per model, shared by all streams); 0 when they are in the state (reservoirInState). */
  ram: { state: number; scratch: number; reservoir: number; total: number; note: string };
  macsPerStep: number;
}

export interface CGenResult {
  files: GeneratedFile[];
  /** The constant arrays of the generated source (the view's, requantisation possibly in fast form). */
  arrays: ConstArray[];
  view: ModelView;
  report: CReport;
  /** Names of the main sources, relative to the output folder. */
  header: string;
  source: string;
  srcDir: string;
}

let templatesCache: TemplateSet | undefined;
function templates(): TemplateSet {
  templatesCache ??= loadTemplates(path.join(packageRoot(), 'targets', 'c', 'templates'));
  return templatesCache;
}

function banner(view: ModelView, what: string, comment: 'c' | 'hash' | 'md' = 'c'): string {
  const lines = [
    `${what}: generated by tinyrnn ${view.tinyrnnVersion} from model "${commentText(view.modelName, 80)}" (sha256 ${view.modelHash})`,
    `quantisation spec version ${view.specVersion}. DO NOT EDIT: regenerate with \`tinyrnn compile MODEL.q.tnn --target c\`.`,
  ];
  if (comment === 'hash') return lines.map((l) => `# ${l}`).join('\n');
  if (comment === 'md') return `<!-- ${lines.join(' ').replace(/--/g, '- -')} -->`;
  return `/*\n${lines.map((l) => ` * ${l}`).join('\n')}\n */`;
}

export interface CGenOptions {
  prefix?: string;
  layout?: CLayout;
  /**
   * Regenerated reservoirs (echo state networks) live in the stream state instead of writable
   * globals: their int8 W and Win become fields of <prefix>_state_t that <prefix>_reset fills from
   * the seed, and the step uses a copy of the layer descriptor that points into the state. For
   * code that may own no writable memory of its own (the native Espruino blob); every stream then
   * holds its own copy of the reservoir.
   */
  reservoirInState?: boolean;
}

/** Generate the C sources (and layout extras) for a model. */
/** A C99 designated initialiser: `{.I = 3, .H = 4, ...}`, the fields named as the struct declares them. */
function designated(fields: [string, string | number][]): string {
  return `{${fields.map(([k, v]) => `.${k} = ${v}`).join(', ')}}`;
}

/** The requantisation fields of a two-sided (input, recurrent) row set in its form: 2 requantize_r32 (M), 1 requantize_fast (M, k), 0 generic (m, s). */
function rowForms(
  form: 1 | 2 | undefined,
  n: { m: [string, string]; M: [string, string]; s: [string, string]; k: [string, string] },
): [string, string | number][] {
  const [mx, mh] = form ? ['NULL', 'NULL'] : n.m;
  const [Mx, Mh] = form ? n.M : ['NULL', 'NULL'];
  const [sx, sh] = form === 2 ? ['NULL', 'NULL'] : form === 1 ? n.k : n.s;
  return [
    ['mx', mx],
    ['mh', mh],
    ['Mx', Mx],
    ['Mh', Mh],
    ['sx', sx],
    ['sh', sh],
    ['fast', form ?? 0],
  ];
}

/** The requantisation fields of a dense layer (or a Jordan projection, stem so and suffix o) in its form. */
function denseForm(form: 1 | 2 | undefined, st: string, so: string, o: string): [string, string | number][] {
  const u = o.toUpperCase();
  if (form === 2)
    return [
      ['m', 'NULL'],
      ['M', `${so}_M${u}`],
      ['s', 'NULL'],
      ['fast', 2],
    ];
  if (form === 1)
    return [
      ['m', 'NULL'],
      ['M', `${so}_M${u}`],
      ['s', `${so}_k${o}`],
      ['fast', 1],
    ];
  return [
    ['m', `${st}_m${o}`],
    ['M', 'NULL'],
    ['s', `${st}_s${o}`],
    ['fast', 0],
  ];
}

function denseInit(
  I: number,
  U: number,
  w: string,
  b: string,
  rq: [string, string | number][],
  act: number,
  outType: string,
  outZp: number,
  oM: number,
  oS: number,
): string {
  return designated([
    ['I', I],
    ['U', U],
    ['w', w],
    ['b', b],
    ...rq,
    ['act', act],
    ['out16', outType === 's16' ? 1 : 0],
    ['outZp', outZp],
    ['oM', oM],
    ['oS', oS],
  ]);
}

export function generateC(m: QuantModel, opts: CGenOptions = {}): CGenResult {
  const prefix = opts.prefix !== undefined ? validatePrefix(opts.prefix) : derivePrefix(m.meta.name);
  const layout = opts.layout ?? 'plain';
  const view = buildModelView(m, prefix);
  const P = prefix.toUpperCase();
  const L = view.layers;

  // Requantisation form per cell / dense layer: fast when every row of the layer allows it.
  const fastStems = new Map<string, 1 | 2>();
  const cArrays: ConstArray[] = [];
  const fastArrays = new Map<string, ConstArray[]>();
  const stemFields = (stem: string, sides: [string, string, ArrayLike<number>, ArrayLike<number>][], layer: number) => {
    const forms = sides.map(([, , m, sh]) => fastForm(m, sh));
    if (forms.some((f) => f === null)) return;
    const r32 = forms.every((f) => f!.r32);
    const out: ConstArray[] = [];
    sides.forEach(([mName, sName], i) => {
      // r32 needs every side of the layer in r32 form; otherwise all sides use the (M, k) form
      const g = r32 ? forms[i]! : generalForm(sides[i][2], sides[i][3]);
      out.push({
        name: `${stem}_${mName.toUpperCase()}`,
        field: `${mName} (fast form)`,
        type: 's32',
        values: g.M,
        shape: `(${g.M.length})`,
        role: 'requant',
        layer,
        bytes: 4 * g.M.length,
      });
      if (!r32)
        out.push({
          name: `${stem}_k${sName.slice(1)}`,
          field: `${sName} (fast form: k)`,
          type: 'u8',
          values: g.k,
          shape: `(${g.k.length})`,
          role: 'requant',
          layer,
          bytes: g.k.length,
        });
    });
    fastStems.set(stem, r32 ? 2 : 1);
    fastArrays.set(stem, out);
  };
  for (const l of L) {
    for (const c of l.cells)
      stemFields(
        c.stem,
        [
          ['mx', 'sx', c.layer.mx, c.layer.sx],
          ['mh', 'sh', c.layer.mh, c.layer.sh],
        ],
        l.index,
      );
    if (l.layer.kind === 'dense') stemFields(`${prefix}_l${l.index}`, [['m', 's', l.layer.m, l.layer.s]], l.index);
    if (l.layer.kind === 'jordan') {
      // the recurrent part (input and feedback sides) and the output projection (stem ..._l<n>o)
      stemFields(
        `${prefix}_l${l.index}`,
        [
          ['mx', 'sx', l.layer.mx, l.layer.sx],
          ['my', 'sy', l.layer.my, l.layer.sy],
        ],
        l.index,
      );
      stemFields(`${prefix}_l${l.index}o`, [['mo', 'so', l.layer.mo, l.layer.so]], l.index);
    }
  }
  // Regenerated reservoirs (echo state networks): W8 (wh) and Win8 (wx) are not stored in flash;
  // the generated code fills RAM buffers from the seed once (`<prefix>_reservoir_init`).
  const reservoirs = L.flatMap((l) =>
    l.cells.flatMap((c) =>
      c.layer.kind === 'elman' && c.layer.reservoir
        ? [{ stem: c.stem, layer: l.index, H: c.H, I: c.I, seed: c.layer.reservoir.seed, densityQ16: c.layer.reservoir.densityQ16 }]
        : [],
    ),
  );
  const ramNames = new Set(reservoirs.flatMap((r) => [`${r.stem}_wx`, `${r.stem}_wh`]));
  const reservoirSaved = reservoirs.reduce((n, r) => n + r.H * r.H + r.H * r.I, 0);
  const inState = opts.reservoirInState === true && reservoirs.length > 0;
  // the global buffers plus a one-byte ready flag (none when the reservoirs are in the state)
  const reservoirRam = reservoirs.length && !inState ? reservoirSaved + 1 : 0;
  // in the state: the local descriptor (pointing into the state) that replaces each reservoir cell's static one
  const stateCells = new Map(inState ? reservoirs.map((r) => [r.stem, `${r.stem.slice(prefix.length + 1)}_cell`]) : []);
  for (const a of view.arrays) {
    if (ramNames.has(a.name)) continue;
    const suffix = /_(mx|mh|sx|sh|m|s|my|sy|mo|so)$/.exec(a.name);
    const stem = suffix ? a.name.slice(0, suffix.index) + (suffix[1] === 'mo' || suffix[1] === 'so' ? 'o' : '') : a.name;
    if (stem !== a.name && fastStems.has(stem) && a.role === 'requant') {
      // replaced by the fast-form arrays, emitted once (at the first multiplier array)
      if (/_(mx|m|mo)$/.test(a.name)) cArrays.push(...fastArrays.get(stem)!);
      continue;
    }
    cArrays.push(a);
  }
  const layerBytes = (index: number, role: ArrayRole) => cArrays.filter((a) => a.layer === index && a.role === role).reduce((n, a) => n + a.bytes, 0);

  // ---- state and scratch layout ----
  const state: Field[] = [];
  const layerState: number[] = L.map(() => 0);
  let maxPre = 1;
  let maxN32 = 0;
  let maxRh = 0;
  let maxVx = 1;
  let maxVh = 1;
  let maxDense = 1;
  const scratchExtra: Field[] = [];
  const last = L.length - 1;
  const outType: ElemType = view.outputType === 's16' ? 's16' : 's8';
  const resetY: { field: string; zp: number; n: number }[] = [];
  for (const l of L) {
    if (l.layer.kind === 'jordan') {
      // y, the fed-back output: the model output (int16) when last, else int8 state
      const j = l.layer;
      if (l.index === last)
        state.push({ name: 'out', type: outType, count: j.units, comment: '(O) the model output of the last step, fed back (Jordan layer)' });
      else {
        state.push({ name: `l${l.index}_y`, type: 's8', count: j.units, comment: `(U) layer ${l.index} output y, fed back` });
        resetY.push({ field: `l${l.index}_y`, zp: j.outZp, n: j.units });
      }
      layerState[l.index] += j.units * (j.outType === 's16' ? 2 : 1);
      maxPre = Math.max(maxPre, j.hidden);
      maxVx = Math.max(maxVx, j.inputSize);
      maxVh = Math.max(maxVh, j.hidden, j.units);
    }
    for (const c of l.cells) {
      const s = c.stem.slice(prefix.length + 1); // l0, l0f, l0b
      const relu = c.layer.kind === 'elman' && c.layer.activation === 'relu';
      state.push({ name: `${s}_h`, type: 's8', count: c.H, comment: `(H) layer ${l.index} ${c.tag} output h8${relu ? ' (also the recurrent state)' : ''}` });
      layerState[l.index] += c.H;
      if (!relu) {
        state.push({ name: `${s}_h16`, type: 's16', count: c.H, comment: `(H) layer ${l.index} ${c.tag} recurrent state h16 (Q0.15)` });
        layerState[l.index] += 2 * c.H;
      }
      if (stateCells.has(c.stem)) {
        state.push({ name: `${s}_wh`, type: 's8', count: c.H * c.H, comment: `(H, H) layer ${l.index} reservoir weights W, regenerated by ${prefix}_reset` });
        state.push({
          name: `${s}_wx`,
          type: 's8',
          count: c.H * c.I,
          comment: `(H, I) layer ${l.index} reservoir input weights Win, regenerated by ${prefix}_reset`,
        });
        layerState[l.index] += c.H * c.H + c.H * c.I;
      }
      if (c.kind === 'lstm') {
        state.push({ name: `${s}_c`, type: 's16', count: c.H, comment: `(H) layer ${l.index} ${c.tag} cell state c` });
        layerState[l.index] += 2 * c.H;
      }
      maxPre = Math.max(maxPre, (c.kind === 'elman' ? 1 : c.kind === 'lstm' ? 5 : 6) * c.H);
      maxVx = Math.max(maxVx, c.I);
      maxVh = Math.max(maxVh, c.H);
      if (c.kind === 'gru' && c.layer.kind === 'gru') {
        if (c.layer.resetAfter) maxN32 = Math.max(maxN32, 2 * c.H);
        else maxRh = Math.max(maxRh, c.H);
      }
      if (c.layer.kind === 'elman' && c.layer.activation === 'relu') maxN32 = Math.max(maxN32, 2 * c.H);
    }
    if (l.kind === 'dense') {
      maxVx = Math.max(maxVx, l.input);
      maxDense = Math.max(maxDense, l.output);
      if (l.index === last) {
        state.push({ name: 'out', type: outType, count: l.output, comment: `(O) the model output of the last step` });
        layerState[l.index] += l.output * ELEM_BYTES[outType];
      } else {
        scratchExtra.push({ name: `l${l.index}_y`, type: 's8', count: l.output, comment: `(U) layer ${l.index} output` });
      }
    }
  }
  const stateLayout = layoutStruct(state);
  const scratchLayout = layoutStruct([
    { name: 'x16', type: 's16', count: view.inputSize, comment: '(F) the int16 model input after the input stage' },
    { name: 'pre', type: 's16', count: maxPre, comment: 'gate pre-activations, then gate outputs' },
    { name: 'n32', type: 's32', count: maxN32, comment: 'gru reset-after n rows / elman relu parts' },
    { name: 'rh', type: 's16', count: maxRh, comment: 'gru reset-before r*h16 (Q0.15)' },
    { name: 'vx', type: 's16', count: maxVx, comment: 'the layer input as int16' },
    { name: 'vh', type: 's16', count: maxVh, comment: 'the recurrent input (h16, or h8 for elman relu) as int16' },
    ...scratchExtra,
  ]);

  // ---- per-layer calls (names and literals; the template places them) ----
  const cellParam = (c: LayerView['cells'][number]) => {
    const q = c.layer;
    const extra = q.kind === 'lstm' ? q.cellFrac : q.kind === 'gru' ? (q.resetAfter ? 1 : 0) : q.activation === 'relu' ? 1 : 0;
    const st = c.stem;
    const fs = fastStems.get(st);
    const rq = rowForms(fs, { m: [`${st}_mx`, `${st}_mh`], M: [`${st}_MX`, `${st}_MH`], s: [`${st}_sx`, `${st}_sh`], k: [`${st}_kx`, `${st}_kh`] });
    // h16 -> h8 in the single-multiply form when the shift allows (see requantize_r32)
    const hR32 = q.hM !== 0 && q.hS >= 17 && q.hS <= 32 ? q.hM * 2 ** (32 - q.hS) : 0;
    const leak = q.kind === 'elman' && q.leakQ15 !== undefined ? q.leakQ15 : 32768;
    // a reservoir in the state: no weights here (the step's copy of the descriptor points into the state);
    // a regenerated reservoir's weights are in RAM; every other weight is in flash (PROGMEM on AVR)
    const inState = stateCells.has(st);
    const wram = q.kind === 'elman' && q.reservoir ? 1 : 0;
    return {
      stem: st,
      init: designated([
        ['I', c.I],
        ['H', c.H],
        ['wx', inState ? 'NULL' : `${st}_wx`],
        ['wh', inState ? 'NULL' : `${st}_wh`],
        ['bx', `${st}_bx`],
        ['bh', `${st}_bh`],
        ...rq,
        ['clip', q.clip],
        ['hZp', q.hZp],
        ['hM', q.hM],
        ['hS', q.hS],
        ['hR32', hR32],
        ['extra', extra],
        ['leak', leak],
        ['wram', wram],
      ]),
    };
  };
  // Jordan: the recurrent part is a tinyrnn_cell_t whose recurrent vector is the fed-back output
  // (H field = U, the feedback width; extra = the number of hidden rows); the output projection
  // is a tinyrnn_dense_t on h16.
  const jordanParams = (j: QJordanLayer, index: number) => {
    const st = `${prefix}_l${index}`;
    const fs = fastStems.get(st);
    const rq = rowForms(fs, { m: [`${st}_mx`, `${st}_my`], M: [`${st}_MX`, `${st}_MY`], s: [`${st}_sx`, `${st}_sy`], k: [`${st}_kx`, `${st}_ky`] });
    const so = `${st}o`;
    const act = j.outActivation === 'relu' ? 1 : j.outActivation === 'tanh' ? 2 : j.outActivation === 'sigmoid' ? 3 : 0;
    const zero: [string, number][] = ['clip', 'hZp', 'hM', 'hS', 'hR32'].map((f) => [f, 0]);
    return {
      cell: {
        stem: st,
        init: designated([
          ['I', j.inputSize],
          ['H', j.units],
          ['wx', `${st}_wx`],
          ['wh', `${st}_wy`],
          ['bx', `${st}_bx`],
          ['bh', `${st}_by`],
          ...rq,
          ...zero,
          ['extra', j.hidden],
          ['leak', 32768],
          ['wram', 0],
        ]),
      },
      proj: {
        stem: so,
        init: denseInit(j.hidden, j.units, `${st}_wo`, `${st}_bo`, denseForm(fastStems.get(so), st, so, 'o'), act, j.outType, j.outZp, j.oM, j.oS),
      },
    };
  };
  const sig = view.usesSigmoid ? `${prefix}_sigmoid_table` : 'NULL';
  const tnh = view.usesTanh ? `${prefix}_tanh_table` : 'NULL';
  // streaming step: each layer reads the previous layer's output vector
  // xin: the widening statement that prepares sc->vx from the layer input
  const cellCall = (c: LayerView['cells'][number], xin: string, t: string) => {
    const s = c.stem.slice(prefix.length + 1);
    const h = `s->${s}_h`;
    const relu = c.layer.kind === 'elman' && c.layer.activation === 'relu';
    const h16 = relu ? 'NULL' : `s->${s}_h16`;
    const tag = cString(c.tag);
    const d = stateCells.has(c.stem) ? stateCells.get(c.stem)! : c.stem;
    switch (c.kind) {
      case 'lstm':
        return `${xin} tinyrnn_lstm(&${d}, ${sig}, ${tnh}, sc->vx, ${h}, ${h16}, s->${s}_c, sc->pre, sc->vh, ${tag}, ${t});`;
      case 'gru':
        return `${xin} tinyrnn_gru(&${d}, ${sig}, ${tnh}, sc->vx, ${h}, ${h16}, sc->pre, ${maxN32 ? 'sc->n32' : 'NULL'}, ${maxRh ? 'sc->rh' : 'NULL'}, sc->vh, ${tag}, ${t});`;
      case 'elman':
        return `${xin} tinyrnn_elman(&${d}, ${tnh}, sc->vx, ${h}, ${h16}, sc->pre, ${maxN32 ? 'sc->n32' : 'NULL'}, sc->vh, ${tag}, ${t});`;
      default:
        return assertNever(c.kind);
    }
  };
  // the declaration of a reservoir cell's descriptor with the weights of the stream's state
  const cellOfState = (stem: string) => `const tinyrnn_cell_t ${stateCells.get(stem)} = ${stem}_of(s);`;
  const stepCalls: string[] = [];
  const widen = (src: string, n: number, wide: boolean) => `tinyrnn_widen${wide ? 16 : 8}(${src}, sc->vx, ${n});`;
  let cur = 'sc->x16';
  let stepResult = '';
  const jordanY = (index: number) => (index === last ? 's->out' : `s->l${index}_y`);
  const jordanCall = (index: number, xin: string, t: string) =>
    `${xin} tinyrnn_jordan(&${prefix}_l${index}, &${prefix}_l${index}o, ${sig}, ${tnh}, sc->vx, ${jordanY(index)}, sc->pre, sc->vh, ${cString(`L${index}`)}, ${t});`;
  for (const l of L) {
    if (l.kind === 'bidirectional') break;
    if (l.kind === 'jordan') {
      stepCalls.push(jordanCall(l.index, widen(cur, l.input, l.index === 0), '-1'));
      stepResult = jordanY(l.index);
    } else if (l.kind === 'dense') {
      const y = l.index === last ? 's->out' : `sc->l${l.index}_y`;
      stepCalls.push(
        `${widen(cur, l.input, l.index === 0)} tinyrnn_dense(&${prefix}_l${l.index}, ${sig}, ${tnh}, sc->vx, ${y}, ${cString(`L${l.index}`)}, -1);`,
      );
      stepResult = y;
    } else {
      stepCalls.push(cellCall(l.cells[0], widen(cur, l.input, l.index === 0), '-1'));
      stepResult = `s->${l.cells[0].stem.slice(prefix.length + 1)}_h`;
    }
    cur = stepResult;
  }

  // whole-sequence run, layer by layer (models with a bidirectional layer): ping-pong buffers
  const maxWidth = Math.max(...L.map((l) => l.output));
  const seqLayers = L.map((l) => {
    const isLast = l.index === last;
    const W = l.output;
    const Win = l.input;
    const dst = isLast ? 'out' : 'nxt';
    const xin = l.index === 0 ? widen(`x16 + t * ${Win}`, Win, true) : widen(`cur + t * ${Win}`, Win, false);
    const body: string[] = l.cells.filter((c) => stateCells.has(c.stem)).map((c) => cellOfState(c.stem));
    if (l.kind === 'jordan') {
      body.push(
        `for (t = 0; t < steps; t++) {`,
        `  ${jordanCall(l.index, xin, 't')}`,
        `  memcpy(${dst} + t * ${W}, ${jordanY(l.index)}, sizeof(${jordanY(l.index)}));`,
        `}`,
      );
    } else if (l.kind === 'dense') {
      body.push(
        `for (t = 0; t < steps; t++) {`,
        `  ${xin} tinyrnn_dense(&${prefix}_l${l.index}, ${sig}, ${tnh}, sc->vx, ${dst} + t * ${W}, ${cString(`L${l.index}`)}, t);`,
        `}`,
      );
    } else if (l.kind === 'bidirectional') {
      const [f, b] = l.cells;
      const sf = f.stem.slice(prefix.length + 1);
      const sb = b.stem.slice(prefix.length + 1);
      body.push(`for (t = 0; t < steps; t++) {`, `  ${cellCall(f, xin, 't')}`, `  memcpy(${dst} + t * ${W}, s->${sf}_h, ${f.H});`, `}`);
      body.push(`for (t = steps - 1; t >= 0; t--) {`, `  ${cellCall(b, xin, 't')}`, `  memcpy(${dst} + t * ${W} + ${f.H}, s->${sb}_h, ${b.H});`, `}`);
    } else {
      const c = l.cells[0];
      const sn = c.stem.slice(prefix.length + 1);
      body.push(`for (t = 0; t < steps; t++) {`, `  ${cellCall(c, xin, 't')}`, `  memcpy(${dst} + t * ${W}, s->${sn}_h, ${c.H});`, `}`);
    }
    return { index: l.index, title: l.title, body: body.join('\n    '), isLast };
  });

  // ---- arrays (the view's, with requantisation in fast form where every row allows it) ----
  const arrays = cArrays.map((a: ConstArray) => ({
    name: a.name,
    ctype: C_TYPE[a.type],
    count: a.values.length,
    shape: a.shape,
    role: a.role,
    bytes: a.bytes,
    values: literal(a.values, a.type === 's8' || a.type === 'u8' ? 20 : a.type === 's16' ? 14 : 8),
  }));

  const rows: MemoryRow[] = [];
  const roleSum = (layer: number, role: ArrayRole) => cArrays.filter((a) => a.layer === layer && a.role === role).reduce((s, a) => s + a.bytes, 0);
  rows.push({
    part: 'input',
    title: `input stage (${view.inputSize} features)`,
    weights: 0,
    biases: 0,
    requant: 0,
    tables: 0,
    input: roleSum(-1, 'input'),
    state: 0,
    macs: 0,
  });
  for (const l of L) {
    const regenerated = reservoirs.filter((r) => r.layer === l.index).reduce((n, r) => n + r.H * r.H + r.H * r.I, 0);
    rows.push({
      part: `layer ${l.index}`,
      title: l.title,
      weights: layerBytes(l.index, 'weights'),
      biases: layerBytes(l.index, 'biases'),
      requant: layerBytes(l.index, 'requant'),
      tables: 0,
      input: 0,
      state: layerState[l.index],
      macs: l.macs,
      ...(regenerated ? { regenerated } : {}),
    });
  }
  rows.push({
    part: 'tables',
    title: [view.usesSigmoid && 'sigmoid', view.usesTanh && 'tanh'].filter(Boolean).join(' + ') + ' (257 x int16 each)',
    weights: 0,
    biases: 0,
    requant: 0,
    tables: roleSum(-1, 'tables'),
    input: 0,
    state: 0,
    macs: 0,
  });
  const sum = (k: keyof MemoryRow) => rows.reduce((s, r) => s + (r[k] as number), 0);
  const data = sum('weights') + sum('biases') + sum('requant') + sum('tables') + sum('input');
  // name pointer tables (32-bit pointers)
  const classNames = view.task === 'classification' && view.labels.length > 0;
  // a one-entry table is not emitted (the name function returns the one string directly)
  const descriptors = (view.inputSize > 1 ? 4 * view.inputSize : 0) + (classNames && view.outputSize > 1 ? 4 * view.outputSize : 0);
  const strBytes = (t: string) => Buffer.byteLength(t, 'utf8') + 1;
  const names = view.features.reduce((n, f) => n + strBytes(f), 0) + (classNames ? view.labels.reduce((n, f) => n + strBytes(f), 0) : 0);
  const report: CReport = {
    prefix,
    model: view.modelName,
    modelHash: view.modelHash,
    specVersion: view.specVersion,
    streaming: view.streaming,
    layers: rows,
    flash: {
      weights: sum('weights'),
      biases: sum('biases'),
      requant: sum('requant'),
      tables: sum('tables'),
      input: sum('input'),
      data,
      descriptors,
      names,
      code: {},
      total: {},
      reservoirSaved,
    },
    ram: {
      state: stateLayout.bytes,
      scratch: scratchLayout.bytes,
      reservoir: reservoirRam,
      total: stateLayout.bytes + scratchLayout.bytes + reservoirRam,
      note: `state: sizeof(${prefix}_state_t), one per stream; scratch: sizeof(${prefix}_scratch_t), on the stack during ${prefix}_step/${prefix}_run${view.streaming ? '' : `; ${prefix}_run also needs ${prefix.toUpperCase()}_RUN_WORK_SIZE(steps) int16_t elements of caller memory`}${reservoirRam ? `; reservoir: the regenerated int8 reservoir weights and a ready flag, once per model (shared by every stream)` : ''}${inState ? `; the regenerated reservoir weights are in the state (each stream's own copy, filled by ${prefix}_reset)` : ''}`,
    },
    macsPerStep: view.macs,
  };

  // ---- render ----
  const header = `${prefix}.h`;
  const source = `${prefix}.c`;
  const srcDir = layout === 'arduino' ? 'src/' : layout === 'platformio' ? 'src/' : '';
  const doc = m.doc;
  const featureRows = view.features.map((f, i) => ({
    index: i,
    name: commentText(f, 40),
    text: cString(f),
    id: view.featureIds[i],
    rawPerUnit: m.input.rawPerUnit[i],
    unitRaw: m.input.rawPerUnit[i] === 1,
    offset: m.input.offset[i],
  }));
  const tview = {
    banner: '',
    prefix,
    P,
    specVersion: view.specVersion,
    version: view.tinyrnnVersion,
    modelName: cString(view.modelName),
    modelNameComment: commentText(view.modelName, 100),
    modelHash: view.modelHash,
    header,
    task: view.task,
    isClassifier: view.task === 'classification' && view.labels.length > 0,
    featureTable: view.inputSize > 1,
    classTable: view.outputSize > 1,
    output: view.output,
    outputLast: view.output === 'last',
    streaming: view.streaming,
    inputSize: view.inputSize,
    outputSize: view.outputSize,
    outCType: C_TYPE[outType],
    outputTypeName: outType === 's16' ? 'int16' : 'int8',
    outputScale: commentText(String(doc?.outputScale ?? '?')),
    outputZp: doc?.outputZp ?? 0,
    softmax: (() => {
      const l = m.layers[m.layers.length - 1];
      return l.kind === 'dense' && l.activation === 'softmax';
    })(),
    features: featureRows,
    labels: view.labels.map((lab, i) => ({ index: i, text: cString(lab), comment: commentText(lab, 60), id: view.labelIds[i] })),
    layers: L.map((l) => ({
      index: l.index,
      title: commentText(l.title),
      input: l.input,
      output: l.output,
      macs: l.macs,
      weights: layerBytes(l.index, 'weights'),
      biases: layerBytes(l.index, 'biases'),
      requant: layerBytes(l.index, 'requant'),
      state: layerState[l.index],
    })),
    arrays,
    cellParams: [...L.flatMap((l) => l.cells.map(cellParam)), ...L.flatMap((l) => (l.layer.kind === 'jordan' ? [jordanParams(l.layer, l.index).cell] : []))],
    denseParams: L.filter((l) => l.kind === 'dense')
      .map((l) => {
        const d = l.layer;
        if (d.kind !== 'dense') throw new Error('unreachable');
        const act = d.activation === 'relu' ? 1 : d.activation === 'tanh' ? 2 : d.activation === 'sigmoid' ? 3 : 0;
        const st = `${prefix}_l${l.index}`;
        const fs = fastStems.get(st);
        return { stem: st, init: denseInit(d.inputSize, d.units, `${st}_w`, `${st}_b`, denseForm(fs, st, st, ''), act, d.outType, d.outZp, d.oM, d.oS) };
      })
      .concat(L.flatMap((l) => (l.layer.kind === 'jordan' ? [jordanParams(l.layer, l.index).proj] : []))),
    resetY,
    hasReservoir: reservoirs.length > 0,
    reservoirGlobal: reservoirs.length > 0 && !inState,
    reservoirInState: inState,
    stateReservoirs: inState ? reservoirs.map((r) => ({ ...r, field: r.stem.slice(prefix.length + 1) })) : [],
    stateCellDecls: L.filter((l) => l.kind !== 'bidirectional').flatMap((l) => l.cells.filter((c) => stateCells.has(c.stem)).map((c) => cellOfState(c.stem))),
    reservoirs: reservoirs.map((r) => ({ ...r, whCount: r.H * r.H, wxCount: r.H * r.I, bytes: r.H * r.H + r.H * r.I })),
    reservoirSaved,
    reservoirRam,
    esnGenerator: reservoirs.length ? esnGeneratorC() : '',
    stateFields: stateLayout.fields,
    scratchFields: scratchLayout.fields,
    stateBytes: stateLayout.bytes,
    scratchBytes: scratchLayout.bytes,
    resetH: L.flatMap((l) => l.cells.map((c) => ({ name: c.stem.slice(prefix.length + 1), H: c.H, zp: c.layer.hZp }))),
    stepCalls,
    stepResult,
    seqLayers,
    maxWidth,
    maxDenseUnits: maxDense,
    flashData: data,
    macs: view.macs,
    sigTable: view.usesSigmoid,
    tanhTable: view.usesTanh,
    srcDir,
    layout,
    samplePeriodMs: Math.max(1, Math.round(1000 / (m.meta.sampleRate && m.meta.sampleRate > 0 ? m.meta.sampleRate : 25))),
    sampleRateNote:
      m.meta.sampleRate && m.meta.sampleRate > 0
        ? `the model's sample rate, ${commentText(String(m.meta.sampleRate))} Hz`
        : 'the sample rate is not recorded in the model: 25 Hz assumed',
  };
  const files: GeneratedFile[] = [];
  const t = templates();
  const put = (p: string, name: string, b: string) => files.push({ path: p, text: t.render(name, { ...tview, banner: b }) });
  put(`${srcDir}${header}`, 'model.h', banner(view, header));
  put(`${srcDir}${source}`, 'model.c', banner(view, source));
  files.push({
    path: `${srcDir}tinyrnn_kernels.h`,
    text: t.render('tinyrnn_kernels.h', {
      ...tview,
      maxDenseUnits: 1024,
      banner: `/*\n * tinyrnn_kernels.h: generated by tinyrnn ${view.tinyrnnVersion}, quantisation spec version ${view.specVersion}.\n * DO NOT EDIT: regenerate with \`tinyrnn compile MODEL.q.tnn --target c\`.\n */`,
    }),
  });
  put('README.md', 'README.md', banner(view, 'README.md', 'md'));
  if (layout === 'plain') {
    put(`${prefix}.mk`, 'model.mk', banner(view, `${prefix}.mk`, 'hash'));
    put('CMakeLists.txt', 'CMakeLists.txt', banner(view, 'CMakeLists.txt', 'hash'));
  } else if (layout === 'arduino') {
    put('library.properties', 'library.properties', banner(view, 'library.properties', 'hash'));
    put(`examples/${prefix}_stream/${prefix}_stream.ino`, 'example.ino', banner(view, `${prefix}_stream.ino`));
  } else if (layout === 'platformio') {
    files.push({ path: 'library.json', text: t.render('library.json', tview) });
    put(`examples/${prefix}_stream/main.c`, 'example.c', banner(view, 'main.c'));
  } else {
    assertNever(layout);
  }
  return { files, arrays: cArrays, view, report, header: `${srcDir}${header}`, source: `${srcDir}${source}`, srcDir };
}
