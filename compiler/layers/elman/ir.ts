// The Elman cell in the IR: its float and quantised layer types, their validation, and its facts.
//   h_t = act(wx x + bx + wh h_{t-1} + bh), act tanh (optionally leaky, optionally a reservoir) or relu
// Legend: I layer input, H hidden.
import { FloatChecker } from '../../core/ir/float-check';
import { Checker } from '../../core/ir/quant-check';
import { floatEsnProblems, quantEsnProblems } from '../../core/ir/esn-check';
import type { IrHooks } from '../../core/ir/kind-hooks';
import { CELL_FACTS, CellCommon, QCellCommon, QCellFound, cellParamCount, checkQCellCommon, validateCellCommon } from '../cell/ir';

export const ELMAN_ACTIVATIONS = ['tanh', 'relu'] as const;
export type ElmanActivation = (typeof ELMAN_ACTIVATIONS)[number];

export interface ElmanLayer extends CellCommon {
  kind: 'elman';
  /** h_t = act(wx x + bx + wh h_{t-1} + bh) */
  activation: ElmanActivation;
  /**
   * Optional leak rate a in (0, 1] (tanh only): h_t = (1 - a) h_{t-1} + a tanh(pre).
   * Absent means 1 (the plain Elman update).
   */
  leak?: number;
  /**
   * Optional: the layer is an echo state network reservoir regenerated from a seed
   * (compiler/core/spec/reservoir.ts). Then wx = fround(Win8 * winScale), wh = fround(W8 * wScale)
   * exactly, with (W8, Win8) = esn_generate({ seed, densityQ16, units: hidden, inputSize }),
   * and both biases are zero; a device regenerates W8 and Win8 instead of storing them.
   */
  reservoir?: ReservoirParams;
}

/** Parameters from which an Elman layer's weights are regenerated (echo state network reservoir). */
export interface ReservoirParams {
  /** Generator seed, an integer in [0, 2^31 - 1]. */
  seed: number;
  /** Share of non-zero recurrent weights as a 16-bit fraction, an integer in [1, 65536]. */
  densityQ16: number;
  /** Real value of one unit of W8 (> 0). */
  wScale: number;
  /** Real value of one unit of Win8 (> 0). */
  winScale: number;
}

export interface QElmanLayer extends QCellCommon {
  kind: 'elman';
  /** tanh: pre-activation in Q3.12; relu: pre-activation directly in h8 units (scale of h, no zero point). */
  activation: 'tanh' | 'relu';
  /**
   * Leak rate in Q0.15, an integer in [1, 32768] (tanh only); absent means 32768 (no leak):
   * h16 = h16_prev + rshift_round(leakQ15 * (tanh_s16(pre) - h16_prev), 15).
   */
  leakQ15?: number;
  /**
   * The layer is an echo state network reservoir: wx and wh are exactly Win8 and W8 of
   * esn_generate({ seed, densityQ16, units: hidden, inputSize }), so a device regenerates them.
   */
  reservoir?: { seed: number; densityQ16: number };
}

/** A bidirectional half or a reverse layer's cell is checked with the same hooks; its path ends in .forward, .backward or .cell. */
const inBidirectional = (path: string): boolean => /\.(forward|backward|cell)$/.test(path);

function validate(c: FloatChecker, o: Record<string, unknown>, path: string, width: number | undefined): number | undefined {
  const H = validateCellCommon(c, o, path, width, 'elman');
  if (!(ELMAN_ACTIVATIONS as readonly unknown[]).includes(o.activation)) {
    c.add('TNN104', `${path}.activation`, 'unknown Elman activation', o.activation, ELMAN_ACTIVATIONS.join(' or '));
  }
  c.problems.push(...floatEsnProblems(o, path, inBidirectional(path)));
  return H;
}

/** Checks a would-be quantised Elman cell (also as a bidirectional half). */
export function checkQuantCell(c: Checker, o: Record<string, unknown>, path: string, width: number | undefined): QCellFound {
  const found = checkQCellCommon(c, o, path, width, 'elman');
  c.oneOf(o, 'activation', path, ELMAN_ACTIVATIONS);
  c.problems.push(...quantEsnProblems(o, path, inBidirectional(path)));
  return found;
}

export const ir: IrHooks<ElmanLayer, QElmanLayer> = {
  ...CELL_FACTS,
  validate,
  validateQuant: (c, o, path, width) => checkQuantCell(c, o, path, width).hidden,
  paramCount: cellParamCount,
  tables: (l) => ({ sigmoid: false, tanh: l.activation === 'tanh' }),
  title: (l) => `elman ${l.inputSize}->${l.hidden} ${l.activation}`,
};
