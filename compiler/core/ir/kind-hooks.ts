// The hooks every layer kind gives the IR stage (compiler/layers/<kind>/ir.ts, gathered in the
// registry compiler/layers/ir.ts): validation of a would-be layer, float and quantised, and the
// per-layer facts computed once (sizes, parameters, state, scratch, MACs, tables, streaming).
// A leaf: it names the layer types as parameters, so the kinds' files can implement it without
// importing the unions that are built from them.
import type { FloatChecker } from './float-check';
import type { BoundCheck, Checker, QOutputType } from './quant-check';

/** The activation tables (compiler/core/spec/fixed.ts) a quantised layer reads. */
export interface TablesUsed {
  sigmoid: boolean;
  tanh: boolean;
}

/** Storage type of a constant array element on a device. */
export type ElemType = 's8' | 'u8' | 's16' | 's32';

/** What a constant array is, for the memory report. */
export type ArrayRole = 'weights' | 'biases' | 'requant' | 'tables' | 'input';

/** One parameter array of a quantised layer as a device stores it (code generators name and lay it out). */
export interface LayerArray {
  /** Part of the layer it belongs to: '' for the layer itself, 'f' / 'b' for a bidirectional layer's halves. */
  part: string;
  /** Field of the quantised layer, e.g. "wx". */
  field: string;
  type: ElemType;
  values: ArrayLike<number>;
  /** Shape comment, e.g. "(G*H, I) = (64, 3)". */
  shape: string;
  role: ArrayRole;
}

/** Validates a nested layer (a bidirectional layer's halves) with the whole float dispatcher; returns its output width when known. */
export type NestedFloatCheck = (o: unknown, path: string, width: number | undefined) => number | undefined;

/**
 * One direction's final state of a recurrent layer (output mode 'final'), in the order ONNX lists
 * them in Y_h / Y_c: forward, then backward. `cell`: the state has an LSTM cell c beside h.
 */
export interface FinalStateShape {
  direction: 'forward' | 'backward';
  hidden: number;
  cell: boolean;
}

/** A kind's IR hooks: L its float layer, Q its quantised layer. */
export interface IrHooks<L, Q> {
  /** Checks a would-be float layer o at path, fed `width` values (undefined: unknown); returns its output width when known (TNN1xx). */
  validate(c: FloatChecker, o: Record<string, unknown>, path: string, width: number | undefined, nested: NestedFloatCheck): number | undefined;
  /** Checks a would-be quantised layer (TNN2xx); isLast: the model's last layer. Returns its output width when known. */
  validateQuant(c: Checker, o: Record<string, unknown>, path: string, width: number | undefined, isLast: boolean): number | undefined;
  /** The static integer bounds of docs/quantization.md section 6; xMax bounds |input element| (32768 for x16, 128 for int8). */
  bounds(l: Q, path: string, xMax: number, check: BoundCheck): void;
  /** Width I of the layer's input (float and quantised alike). */
  inputSize(l: L | Q): number;
  /** Width of the layer's output (float and quantised alike). */
  outputSize(l: L | Q): number;
  /** Trainable float parameters. */
  paramCount(l: L): number;
  /** Bytes of the integers a device stores (weights int8, biases int32, multipliers int16, shifts int8). */
  paramBytes(l: Q): number;
  /** Bytes of the recurrent state a device keeps between steps. */
  stateBytes(l: Q): number;
  /** Bytes of the per-step scratch (pre-activations, gate outputs) of the reference floor. */
  scratchBytes(l: Q): number;
  /** Multiply-accumulates per time step. */
  macs(l: Q): number;
  /** The activation tables the layer reads. */
  tables(l: Q): TablesUsed;
  /** Storage type of the layer's output (int8, or int16 for a last dense or Jordan layer). */
  outType(l: Q): QOutputType;
  /** true: steps one sample at a time; false: needs the whole sequence first. */
  streams: boolean;
  /** The parameter arrays a device stores, in the order code generators lay them out. */
  arrays(l: Q): LayerArray[];
  /** One line naming the layer and its sizes, e.g. "gru 3->16 reset-after". */
  title(l: Q): string;
  /** Its final states after the whole sequence, one per direction (absent: the kind has none a model can output). */
  finalStates?(l: L | Q): FinalStateShape[];
}
