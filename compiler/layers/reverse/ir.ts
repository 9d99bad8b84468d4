// The reverse layer in the IR: one cell (elman, lstm or gru) run over the whole sequence from the
// last step to the first, from reset state; its output at step t is the cell's h at t (ONNX
// direction "reverse"). It is the backward half of a bidirectional layer on its own, so its facts
// are its cell's, and like a bidirectional layer it needs the whole sequence.
// Legend: I layer input, H hidden.
import { FloatChecker } from '../../core/ir/float-check';
import { Checker } from '../../core/ir/quant-check';
import { isPlainObject, joinPath } from '../../core/ir/errors';
import type { IrHooks, NestedFloatCheck } from '../../core/ir/kind-hooks';
import { cellArrays, cellFinalState } from '../cell/ir';
import { CellLayer, QCellLayer, cellIr, checkHalf, isCellKind } from '../bidirectional/ir';

/** A cell run backwards in time over the whole sequence; output at t is its h at t. */
export interface ReverseLayer {
  kind: 'reverse';
  name?: string;
  cell: CellLayer;
}

export interface QReverseLayer {
  kind: 'reverse';
  name?: string;
  cell: QCellLayer;
}

function validate(c: FloatChecker, l: Record<string, unknown>, path: string, width: number | undefined, nested: NestedFloatCheck): number | undefined {
  if (!isPlainObject(l.cell)) {
    c.add('TNN101', `${path}.cell`, 'reverse layer needs a cell', undefined, '{ kind: "reverse", cell: elman, lstm or gru layer }');
    return undefined;
  }
  const h = nested(l.cell, `${path}.cell`, width);
  if (!isCellKind(l.cell.kind)) {
    c.add(
      'TNN117',
      `${path}.cell.kind`,
      'a reverse layer runs an elman, lstm or gru cell',
      l.cell.kind,
      'elman, lstm or gru',
      'a Jordan layer feeds back its own output step by step; run it forwards only',
    );
    return undefined;
  }
  return h;
}

function validateQuant(c: Checker, l: Record<string, unknown>, path: string, width: number | undefined): number | undefined {
  return checkHalf(c, l.cell, joinPath(path, 'cell'), width).hidden;
}

/** The IR hooks of the cell, applied to it. */
const ofCell =
  <R>(fact: (h: IrHooks<CellLayer, QCellLayer>, c: CellLayer & QCellLayer) => R) =>
  (l: { cell: CellLayer | QCellLayer }): R =>
    fact(cellIr(l.cell), l.cell as CellLayer & QCellLayer);

export const ir: IrHooks<ReverseLayer, QReverseLayer> = {
  validate,
  validateQuant,
  bounds: (l, path, xMax, check) => cellIr(l.cell).bounds(l.cell, `${path}.cell`, xMax, check),
  inputSize: (l) => l.cell.inputSize,
  outputSize: (l) => l.cell.hidden,
  paramCount: ofCell((h, c) => h.paramCount(c)),
  paramBytes: ofCell((h, c) => h.paramBytes(c)),
  stateBytes: ofCell((h, c) => h.stateBytes(c)),
  scratchBytes: ofCell((h, c) => h.scratchBytes(c)),
  macs: ofCell((h, c) => h.macs(c)),
  tables: ofCell((h, c) => h.tables(c)),
  outType: () => 's8',
  streams: false,
  arrays: (l) => cellArrays(l.cell, 'b'),
  finalStates: (l) => [cellFinalState(l.cell, 'backward')],
  title: (l) => `reverse ${l.cell.kind} ${l.cell.inputSize}->${l.cell.hidden}`,
};
