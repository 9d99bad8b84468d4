// The checks of an ONNX LSTM, GRU or RNN node that decide whether it maps exactly onto tinyrnn
// cells: its direction, layout and activations, its weight shapes against hidden_size and the
// input, a sequence_lens that is the full length, and zero initial states.
//
// Legend: T steps, B batch, I layer input, H hidden, G gates, D directions.

import { Diagnostic, TinyrnnError } from '../../../core/ir/errors';
import { OnnxNode } from '../codec';
import { Bound, ImportContext, where } from '../context';
import { ActValue, Axis, ConstValue, describeAxes, describeValue, featureWidth } from '../values';

export type RecurrentOp = 'LSTM' | 'GRU' | 'RNN';

export const KNOWN_ATTRS: Record<RecurrentOp, string[]> = {
  LSTM: ['hidden_size', 'direction', 'activations', 'activation_alpha', 'activation_beta', 'clip', 'input_forget', 'layout', 'output_sequence'],
  GRU: ['hidden_size', 'direction', 'activations', 'activation_alpha', 'activation_beta', 'clip', 'linear_before_reset', 'layout', 'output_sequence'],
  RNN: ['hidden_size', 'direction', 'activations', 'activation_alpha', 'activation_beta', 'clip', 'layout', 'output_sequence'],
};

const DEFAULT_ACTS: Record<RecurrentOp, string[]> = { LSTM: ['Sigmoid', 'Tanh', 'Tanh'], GRU: ['Sigmoid', 'Tanh'], RNN: ['Tanh'] };

/** Gate blocks per direction. */
export const GATES: Record<RecurrentOp, number> = { LSTM: 4, GRU: 3, RNN: 1 };

export type Direction = 'forward' | 'reverse' | 'bidirectional';

/** The node's direction and its number of directions D (1 forward or reverse, 2 bidirectional). */
export function directions(cx: ImportContext, n: OnnxNode): { direction: Direction; D: 1 | 2 } {
  const direction = cx.attrStr(n, 'direction', 'forward');
  if (direction !== 'forward' && direction !== 'reverse' && direction !== 'bidirectional') {
    cx.nodeFail(n, 'ONNX011', 'unknown direction', { attr: 'direction', value: direction, expected: 'forward, reverse or bidirectional' });
  }
  return { direction, D: direction === 'bidirectional' ? 2 : 1 };
}

export function layoutAttr(cx: ImportContext, n: OnnxNode): 0 | 1 {
  const layout = cx.attrInt(n, 'layout', 0);
  if (layout !== 0 && layout !== 1)
    cx.nodeFail(n, 'ONNX011', 'layout must be 0 or 1', {
      attr: 'layout',
      value: layout,
      expected: '0 (time, batch, features) or 1 (batch, time, features)',
    });
  return layout;
}

export interface RecurrentWeights {
  W: ConstValue; // (D, G*H, I)
  R: ConstValue; // (D, G*H, H)
  B?: ConstValue; // (D, 2*G*H)
  P?: ConstValue; // (D, 3*H), LSTM peepholes
  I: number;
  H: number;
}

/** Checks W, R, B, P against hidden_size and each other, and X's axes against W: every problem at once. */
export function checkWeights(
  cx: ImportContext,
  n: OnnxNode,
  op: RecurrentOp,
  D: number,
  x: ActValue,
  w: Omit<RecurrentWeights, 'I' | 'H' | 'P'>,
): RecurrentWeights {
  const { W, R, B } = w;
  const G = GATES[op];
  if (W.dims.length !== 3) cx.nodeFail(n, 'ONNX013', `W has shape [${W.dims.join(', ')}]`, { expected: '[num_directions, G*hidden_size, input_size]' });
  const [, wgh, I] = W.dims;
  const hAttr = n.attrs.has('hidden_size') ? cx.attrInt(n, 'hidden_size', 0) : undefined;
  const H = hAttr ?? wgh / G;
  const problems: Diagnostic[] = [];
  const p = where(n);
  const shapeCheck = (name: string, got: number[], want: number[], legend: string): void => {
    if (got.length !== want.length || got.some((d, i) => d !== want[i])) {
      problems.push({
        code: 'ONNX013',
        path: `${p}.${name}`,
        message: `${name} has shape [${got.join(', ')}]`,
        expected: `[${want.join(', ')}] = ${legend} (num_directions ${D}, hidden_size ${H}, input_size ${I}, ${G} gates)`,
      });
    }
  };
  if (!Number.isInteger(H) || H <= 0) cx.nodeFail(n, 'ONNX013', `hidden_size ${H} is not a positive integer`, { attr: 'hidden_size' });
  shapeCheck('W', W.dims, [D, G * H, I], '[D, G*H, I]');
  shapeCheck('R', R.dims, [D, G * H, H], '[D, G*H, H]');
  if (B) shapeCheck('B', B.dims, [D, 2 * G * H], '[D, 2*G*H]');
  const P = op === 'LSTM' ? cx.constInput(n, 7, 'P') : undefined;
  if (P) shapeCheck('P', P.dims, [D, 3 * H], '[D, 3*H]');
  problems.push(...inputProblems(x, I, p));
  if (problems.length) throw new TinyrnnError(problems);
  return { W, R, B, P, I, H };
}

/** X must hold its features on the last axis only, I of them. */
function inputProblems(x: ActValue, I: number, p: string): Diagnostic[] {
  const xw = featureWidth(x);
  const xAxes = x.axes;
  if (xAxes.length !== 3) return [{ code: 'ONNX013', path: `${p}.X`, message: `X has rank ${xAxes.length} (${describeAxes(xAxes)})`, expected: 'rank 3' }];
  if (xAxes[0].role === 'F' || xAxes[1].role === 'F' || (xAxes[2].role !== 'F' && xAxes[2].role !== '1')) {
    return [{ code: 'ONNX017', path: `${p}.X`, message: `X axes are (${describeAxes(xAxes)})`, expected: 'features on the last axis only' }];
  }
  if (xAxes[2].size !== undefined && xw !== I)
    return [{ code: 'ONNX013', path: `${p}.X`, message: `X has ${xw} features`, expected: `input_size ${I} (from W)` }];
  return [];
}

/** Binds a leading input axis of X to time or batch (the first recurrent node decides which is which). */
export function bindAxis(cx: ImportContext, n: OnnxNode, a: Axis, want: Bound): void {
  const r = cx.role(a);
  if (r === want) return;
  if ((r === 'x0' || r === 'x1') && a.role === r) {
    cx.binding.set(r, want);
    a.role = want;
    return;
  }
  cx.nodeFail(n, 'ONNX017', `the ${want === 'T' ? 'time' : 'batch'} axis of X is the model's ${r === 'T' ? 'time' : r === 'B' ? 'batch' : r} axis`, {
    expected: `the ${want === 'T' ? 'time' : 'batch'} axis (check the layout attribute and the Transpose before this node)`,
  });
}

/** The Elman activation of one direction's activations, or a refusal of anything but the defaults. */
function directionActivation(
  cx: ImportContext,
  n: OnnxNode,
  op: RecurrentOp,
  acts: string[],
  mine: string[],
  prev: 'tanh' | 'relu' | undefined,
): 'tanh' | 'relu' {
  const dflt = DEFAULT_ACTS[op];
  // Activation names are matched without case, as onnxruntime does.
  const lower = mine.map((a) => a.toLowerCase());
  if (op === 'RNN' && (lower[0] === 'relu' || lower[0] === 'tanh')) {
    const a = lower[0] as 'relu' | 'tanh';
    if (prev !== undefined && a !== prev)
      cx.nodeFail(n, 'ONNX011', 'the two directions use different activations', {
        attr: 'activations',
        value: acts.join(','),
        expected: 'the same activation both ways',
      });
    return a;
  }
  if (lower.some((a, i) => a !== dflt[i].toLowerCase())) {
    cx.nodeFail(n, 'ONNX011', `activations ${mine.join(', ')} are not supported`, {
      attr: 'activations',
      value: acts.join(','),
      expected: op === 'RNN' ? 'Tanh or Relu' : `the defaults ${dflt.join(', ')}`,
      hint: op === 'LSTM' || op === 'GRU' ? 'tinyrnn cells use sigmoid gates and tanh (Keras: recurrent_activation="sigmoid", activation="tanh")' : undefined,
    });
  }
  return prev ?? 'tanh';
}

/** The activations attribute: the defaults, or Tanh/Relu (the same both ways) for an RNN. */
export function elmanActivation(cx: ImportContext, n: OnnxNode, op: RecurrentOp, D: number): 'tanh' | 'relu' {
  const acts = cx.attrStrings(n, 'activations');
  if (!acts) return 'tanh';
  const per = DEFAULT_ACTS[op].length;
  if (acts.length !== per * D)
    cx.nodeFail(n, 'ONNX011', `${acts.length} activations given`, {
      attr: 'activations',
      value: acts.join(','),
      expected: `${per * D} (${per} per direction)`,
    });
  let act: 'tanh' | 'relu' | undefined;
  for (let d = 0; d < D; d++) act = directionActivation(cx, n, op, acts, acts.slice(d * per, (d + 1) * per), act);
  return act ?? 'tanh';
}

/** activation_alpha/beta (refused), clip, input_forget (refused), linear_before_reset. */
export function cellAttrs(cx: ImportContext, n: OnnxNode, op: RecurrentOp): { clip?: number; resetAfter: boolean } {
  const alpha = n.attrs.get('activation_alpha');
  const beta = n.attrs.get('activation_beta');
  if ((alpha && (alpha.floats?.length ?? 0) > 0) || (beta && (beta.floats?.length ?? 0) > 0)) {
    cx.nodeFail(n, 'ONNX011', 'activation_alpha/activation_beta are not supported', {
      attr: alpha ? 'activation_alpha' : 'activation_beta',
      expected: 'absent (activations without parameters)',
    });
  }
  const clip = n.attrs.get('clip') ? cx.attrFloat(n, 'clip', 0) : undefined;
  if (clip !== undefined && !(clip > 0 && Number.isFinite(clip)))
    cx.nodeFail(n, 'ONNX011', 'clip must be a positive number', { attr: 'clip', value: clip, expected: '> 0' });
  if (op === 'LSTM' && cx.attrInt(n, 'input_forget', 0) !== 0) {
    cx.nodeFail(n, 'ONNX011', 'input_forget = 1 (coupled input and forget gates) is not supported', {
      attr: 'input_forget',
      value: cx.attrInt(n, 'input_forget', 0),
      expected: '0',
    });
  }
  if (op !== 'GRU') return { clip, resetAfter: false };
  const lbr = cx.attrInt(n, 'linear_before_reset', 0);
  if (lbr !== 0 && lbr !== 1) cx.nodeFail(n, 'ONNX011', 'linear_before_reset must be 0 or 1', { attr: 'linear_before_reset', value: lbr, expected: '0 or 1' });
  return { clip, resetAfter: lbr === 1 };
}

/** sequence_lens: only "every sequence is full length" is exact. */
export function checkSequenceLens(cx: ImportContext, n: OnnxNode, T: number | undefined): void {
  const sl = cx.get(n, 4);
  if (!sl) return;
  const lens = sl.kind === 'const' ? Array.from(sl.data) : sl.kind === 'fill' ? [cx.sym(sl.value)] : undefined;
  const full = lens !== undefined && lens.every((l) => l === 'T' || (T !== undefined && l === T));
  if (!full) {
    cx.nodeFail(
      n,
      'ONNX015',
      sl.kind === 'act' ? 'sequence_lens depends on the model input' : lens ? `sequence_lens is [${lens.join(', ')}]` : `sequence_lens is ${describeValue(sl)}`,
      {
        value: lens ? lens.join(',') : undefined,
        expected:
          T === undefined && !lens?.includes('T')
            ? 'no sequence_lens (the sequence length is not fixed in this graph)'
            : `every length equal to the sequence length ${T}, or no sequence_lens`,
        hint: 'tinyrnn runs every step of the sequence it is given: pass sequences of the length you want instead',
      },
    );
  }
  if (lens.some((l) => l !== 'T')) cx.sawStaticSeqLens = true;
}

/** Initial states: zero only. */
export function checkInitialStates(cx: ImportContext, n: OnnxNode, op: RecurrentOp): void {
  for (const [k, what] of [
    [5, 'initial_h'],
    [6, 'initial_c'],
  ] as const) {
    if (k === 6 && op !== 'LSTM') continue;
    const s = cx.get(n, k);
    if (!s) continue;
    const zero = s.kind === 'fill' ? s.value === 0 : s.kind === 'const' ? s.data.every((v) => v === 0) : false;
    if (zero) continue;
    const nz = s.kind === 'const' ? s.data.find((v) => v !== 0) : s.kind === 'fill' ? s.value : undefined;
    cx.nodeFail(
      n,
      'ONNX016',
      s.kind === 'act'
        ? `${what} is computed from the model input`
        : s.kind === 'const' || s.kind === 'fill'
          ? `${what} is not zero`
          : `${what} is ${describeValue(s)}`,
      {
        value: nz,
        expected: 'a zero initial state (absent, zeros, or ConstantOfShape/Expand of 0)',
        hint: 'tinyrnn layers start every sequence from h = 0 (and c = 0)',
      },
    );
  }
}
