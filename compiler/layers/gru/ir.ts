// The GRU cell in the IR: its float and quantised layer types, their validation, and its facts.
//   gates r, z, n (CELL_GATES);  h_t = (1-z)*n + z*h_{t-1}
// Legend: I layer input, H hidden.
import { FloatChecker } from '../../core/ir/float-check';
import { Checker } from '../../core/ir/quant-check';
import type { IrHooks } from '../../core/ir/kind-hooks';
import { CELL_FACTS, CellCommon, QCellCommon, QCellFound, cellParamCount, checkQCellCommon, validateCellCommon } from '../cell/ir';

export interface GruLayer extends CellCommon {
  kind: 'gru';
  /**
   * false: "reset before" (original GRU, ONNX linear_before_reset=0):
   *        n = tanh(Wn x + bxn + Whn (r*h) + bhn)
   * true:  "reset after" (PyTorch, Keras reset_after, ONNX linear_before_reset=1):
   *        n = tanh(Wn x + bxn + r*(Whn h + bhn))
   */
  resetAfter: boolean;
}

export interface QGruLayer extends QCellCommon {
  kind: 'gru';
  resetAfter: boolean;
}

function validate(c: FloatChecker, o: Record<string, unknown>, path: string, width: number | undefined): number | undefined {
  const H = validateCellCommon(c, o, path, width, 'gru');
  if (typeof o.resetAfter !== 'boolean') {
    c.add('TNN101', `${path}.resetAfter`, 'GRU variant missing', o.resetAfter, 'true (reset after, PyTorch/Keras) or false (reset before)');
  }
  return H;
}

/** Checks a would-be quantised GRU cell (also as a bidirectional half). */
export function checkQuantCell(c: Checker, o: Record<string, unknown>, path: string, width: number | undefined): QCellFound {
  const found = checkQCellCommon(c, o, path, width, 'gru');
  c.bool(o, 'resetAfter', path);
  return found;
}

export const ir: IrHooks<GruLayer, QGruLayer> = {
  ...CELL_FACTS,
  validate,
  validateQuant: (c, o, path, width) => checkQuantCell(c, o, path, width).hidden,
  paramCount: cellParamCount,
  tables: () => ({ sigmoid: true, tanh: true }),
  title: (l) => `gru ${l.inputSize}->${l.hidden} ${l.resetAfter ? 'reset-after' : 'reset-before'}`,
};
