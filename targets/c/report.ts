// The C target's memory report, computed from the plan: the constant arrays the source declares
// and the state and scratch structs as laid out (fields ordered by alignment, padding included).
// A test compares these figures with the symbol sizes of the compiled object (arm-none-eabi-nm -S).
import { ArrayRole, ConstArray, ModelView } from '../emit/view';
import { CReservoir, reservoirBytes } from './kind';

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
  /** Weights regenerated from their seed into RAM once per model (an echo state network's reservoir, a liquid's connectivity): bytes of RAM, none in flash. */
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
  /** A model that cannot stream: what needs the whole sequence ("a bidirectional layer", "a final-state output", ...). */
  wholeSequence?: string;
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
     * Flash a stored reservoir would take (an echo state network's int8 W and Win, H*H + H*I; a
     * liquid's int16 synapse targets and int8 weights, 3*N*C, and int8 input weights, N*I), which
     * the generated code does not store: it regenerates them into RAM.
     */
    reservoirSaved: number;
  };
  /** reservoir: the regenerated reservoir buffers (ESN weights, liquid connectivity) and their ready flag (one copy per model, shared by all streams); 0 when they are in the state (reservoirInState). */
  ram: { state: number; scratch: number; reservoir: number; total: number; note: string };
  macsPerStep: number;
}

/** What the report reads from the plan. */
export interface ReportInput {
  prefix: string;
  view: ModelView;
  arrays: ConstArray[];
  reservoirs: CReservoir[];
  reservoirInState: boolean;
  layerState: number[];
  state: { bytes: number };
  scratch: { bytes: number };
}

/** The bytes of the source's constant arrays of one layer (-1: the input stage and tables) and role. */
export function roleBytes(arrays: ConstArray[], layer: number, role: ArrayRole): number {
  return arrays.filter((a) => a.layer === layer && a.role === role).reduce((n, a) => n + a.bytes, 0);
}

const ZERO = { weights: 0, biases: 0, requant: 0, tables: 0, input: 0, state: 0, macs: 0 };
const row = (part: string, title: string, v: Partial<MemoryRow>): MemoryRow => ({ part, title, ...ZERO, ...v });

function memoryRows(p: ReportInput): MemoryRow[] {
  const { view, arrays } = p;
  const layerRows = view.layers.map((l): MemoryRow => {
    const regenerated = p.reservoirs.filter((r) => r.layer === l.index).reduce((n, r) => n + reservoirBytes(r), 0);
    const [weights, biases, requant] = (['weights', 'biases', 'requant'] as const).map((role) => roleBytes(arrays, l.index, role));
    return row(`layer ${l.index}`, l.title, { weights, biases, requant, state: p.layerState[l.index], macs: l.macs, ...(regenerated ? { regenerated } : {}) });
  });
  const tables = [view.usesSigmoid && 'sigmoid', view.usesTanh && 'tanh'].filter(Boolean).join(' + ') + ' (257 x int16 each)';
  return [
    row('input', `input stage (${view.inputSize} features)`, { input: roleBytes(arrays, -1, 'input') }),
    ...layerRows,
    row('tables', tables, { tables: roleBytes(arrays, -1, 'tables') }),
  ];
}

/** Name pointer tables (32-bit pointers; a one-entry table is not emitted) and name strings. */
function nameBytes(view: ModelView): { descriptors: number; names: number } {
  const classNames = view.task === 'classification' && view.labels.length > 0;
  const descriptors = (view.inputSize > 1 ? 4 * view.inputSize : 0) + (classNames && view.outputSize > 1 ? 4 * view.outputSize : 0);
  const strBytes = (t: string) => Buffer.byteLength(t, 'utf8') + 1;
  const names = view.features.reduce((n, f) => n + strBytes(f), 0) + (classNames ? view.labels.reduce((n, f) => n + strBytes(f), 0) : 0);
  return { descriptors, names };
}

/** The distinct nouns of the regenerated reservoirs ('echo state network reservoir and liquid connectivity'). */
export function nouns(rs: Pick<CReservoir, 'words'>[]): string {
  return [...new Set(rs.map((r) => r.words.noun))].join(' and ');
}

function ramNote(p: ReportInput, reservoirRam: number): string {
  const { prefix, view } = p;
  const run = view.streaming ? '' : `; ${prefix}_run also needs ${prefix.toUpperCase()}_RUN_WORK_SIZE(steps) int16_t elements of caller memory`;
  const what = nouns(p.reservoirs);
  const global = reservoirRam ? `; reservoir: the regenerated ${what} and a ready flag, once per model (shared by every stream)` : '';
  const inState = p.reservoirInState
    ? `; the regenerated ${what} ${p.reservoirs.length > 1 ? 'are' : 'is'} in the state (each stream's own copy, filled by ${prefix}_reset)`
    : '';
  return `state: sizeof(${prefix}_state_t), one per stream; scratch: sizeof(${prefix}_scratch_t), on the stack during ${prefix}_step/${prefix}_run${run}${global}${inState}`;
}

export function memoryReport(p: ReportInput): CReport {
  const rows = memoryRows(p);
  const sum = (k: 'weights' | 'biases' | 'requant' | 'tables' | 'input') => rows.reduce((s, r) => s + r[k], 0);
  const reservoirSaved = p.reservoirs.reduce((n, r) => n + reservoirBytes(r), 0);
  // the global buffers plus a one-byte ready flag (none when the reservoirs are in the state)
  const reservoirRam = p.reservoirs.length && !p.reservoirInState ? reservoirSaved + 1 : 0;
  const flash = { weights: sum('weights'), biases: sum('biases'), requant: sum('requant'), tables: sum('tables'), input: sum('input') };
  const data = flash.weights + flash.biases + flash.requant + flash.tables + flash.input;
  const { view } = p;
  return {
    prefix: p.prefix,
    model: view.modelName,
    modelHash: view.modelHash,
    specVersion: view.specVersion,
    streaming: view.streaming,
    ...(view.streaming ? {} : { wholeSequence: view.wholeSequence }),
    layers: rows,
    flash: { ...flash, data, ...nameBytes(view), code: {}, total: {}, reservoirSaved },
    ram: {
      state: p.state.bytes,
      scratch: p.scratch.bytes,
      reservoir: reservoirRam,
      total: p.state.bytes + p.scratch.bytes + reservoirRam,
      note: ramNote(p, reservoirRam),
    },
    macsPerStep: view.macs,
  };
}
