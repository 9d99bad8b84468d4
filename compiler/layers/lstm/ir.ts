// The LSTM cell in the IR: its float and quantised layer types, their validation, and its facts.
//   gates i, f, g, o (CELL_GATES);  c_t = f*c_{t-1} + i*g,  h_t = o*tanh(c_t)
// Legend: I layer input, H hidden.
import { FloatChecker } from '../../core/ir/float-check';
import { Checker } from '../../core/ir/quant-check';
import type { IrHooks } from '../../core/ir/kind-hooks';
import { CELL_FACTS, CellCommon, QCellCommon, QCellFound, cellParamCount, checkQCellCommon, validateCellCommon } from '../cell/ir';

export interface LstmLayer extends CellCommon {
  kind: 'lstm';
  /** Optional peephole weights (3, H) in order i, f, o (ONNX P); absent means none. */
  peepholes?: Float32Array;
}

export interface QLstmLayer extends QCellCommon {
  kind: 'lstm';
  /** Cell state c is int16 with scale 2^-cellFrac, cellFrac in [0, 15]. */
  cellFrac: number;
}

function validate(c: FloatChecker, o: Record<string, unknown>, path: string, width: number | undefined): number | undefined {
  const H = validateCellCommon(c, o, path, width, 'lstm');
  if (o.peepholes !== undefined) c.f32(o, 'peepholes', path, H !== undefined ? 3 * H : undefined, `(3, H) with H = ${H ?? '?'}`);
  return H;
}

/** Checks a would-be quantised LSTM cell (also as a bidirectional half). */
export function checkQuantCell(c: Checker, o: Record<string, unknown>, path: string, width: number | undefined): QCellFound {
  const found = checkQCellCommon(c, o, path, width, 'lstm');
  c.int(o, 'cellFrac', path, 0, 15);
  return found;
}

export const ir: IrHooks<LstmLayer, QLstmLayer> = {
  ...CELL_FACTS,
  validate,
  validateQuant: (c, o, path, width) => checkQuantCell(c, o, path, width).hidden,
  paramCount: (l) => cellParamCount(l) + (l.peepholes ? l.peepholes.length : 0),
  tables: () => ({ sigmoid: true, tanh: true }),
  title: (l) => `lstm ${l.inputSize}->${l.hidden}`,
};
