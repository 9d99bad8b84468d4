// The bidirectional layer in the IR: a cell run forwards and a cell of the same kind and sizes run
// backwards, outputs concatenated (fwd, bwd). It wraps any of the three cells, so the cell unions
// and the cells' IR table live here, and each fact is its halves' facts added up.
// Legend: I layer input, H hidden (per half).
import { FloatChecker } from '../../core/ir/float-check';
import { Checker } from '../../core/ir/quant-check';
import { isPlainObject, joinPath } from '../../core/ir/errors';
import type { IrHooks, NestedFloatCheck } from '../../core/ir/kind-hooks';
import { CELL_KINDS, CellKind, QCellFound, cellArrays, cellFinalState } from '../cell/ir';
import { ElmanLayer, QElmanLayer, checkQuantCell as checkElman, ir as elman } from '../elman/ir';
import { LstmLayer, QLstmLayer, checkQuantCell as checkLstm, ir as lstm } from '../lstm/ir';
import { GruLayer, QGruLayer, checkQuantCell as checkGru, ir as gru } from '../gru/ir';

export type CellLayer = ElmanLayer | LstmLayer | GruLayer;
export type QCellLayer = QElmanLayer | QLstmLayer | QGruLayer;

/** A cell run forwards and a cell of the same kind/sizes run backwards; outputs concatenated (fwd, bwd). */
export interface BidirectionalLayer {
  kind: 'bidirectional';
  name?: string;
  forward: CellLayer;
  backward: CellLayer;
}

export interface QBidirectionalLayer {
  kind: 'bidirectional';
  name?: string;
  /** Both halves have the same kind, sizes and h8 zero point (one output tensor). */
  forward: QCellLayer;
  backward: QCellLayer;
}

const CELL_IR = { elman, lstm, gru } as const;
const CHECK_QCELL = { elman: checkElman, lstm: checkLstm, gru: checkGru } as const;

/** The IR hooks of a cell, float or quantised, by its kind. */
export function cellIr(l: { kind: CellKind }): IrHooks<CellLayer, QCellLayer> {
  return CELL_IR[l.kind] as IrHooks<CellLayer, QCellLayer>;
}

export const isCellKind = (k: unknown): k is CellKind => (CELL_KINDS as readonly unknown[]).includes(k);

function validate(c: FloatChecker, l: Record<string, unknown>, path: string, width: number | undefined, nested: NestedFloatCheck): number | undefined {
  if (!isPlainObject(l.forward) || !isPlainObject(l.backward)) {
    c.add('TNN101', path, 'bidirectional layer needs forward and backward cells', undefined, '{ forward: cell, backward: cell }');
    return undefined;
  }
  const hf = nested(l.forward, `${path}.forward`, width);
  const hb = nested(l.backward, `${path}.backward`, width);
  if (l.forward.kind === 'jordan' || l.backward.kind === 'jordan') {
    c.add(
      'TNN117',
      path,
      'a Jordan layer cannot be a bidirectional half',
      'jordan',
      'elman, lstm or gru on both sides',
      'a Jordan layer feeds back its own output step by step; run it forwards only',
    );
    return undefined;
  }
  if (l.forward.kind !== l.backward.kind || !isCellKind(l.forward.kind)) {
    c.add(
      'TNN112',
      path,
      'bidirectional halves must be the same recurrent cell kind',
      `${String(l.forward.kind)}/${String(l.backward.kind)}`,
      'elman, lstm or gru on both sides',
    );
    return undefined;
  }
  if (hf !== undefined && hb !== undefined && hf !== hb) {
    c.add('TNN112', path, `bidirectional halves have hidden sizes ${hf} and ${hb}`, undefined, 'equal hidden sizes');
  }
  return hf !== undefined && hb !== undefined ? hf + hb : undefined;
}

/** Checks one quantised half (or a reverse layer's cell): an object with a cell kind, then that cell's fields. */
export function checkHalf(c: Checker, o: unknown, path: string, width: number | undefined): QCellFound & { kind?: CellKind } {
  if (!isPlainObject(o)) {
    c.add('TNN201', path, 'layer is not an object', o);
    return {};
  }
  if (!isCellKind(o.kind)) {
    c.add('TNN203', joinPath(path, 'kind'), 'unknown cell kind', o.kind, CELL_KINDS.join(', '));
    return {};
  }
  return { ...CHECK_QCELL[o.kind](c, o, path, width), kind: o.kind };
}

function validateQuant(c: Checker, l: Record<string, unknown>, path: string, width: number | undefined): number | undefined {
  const f = checkHalf(c, l.forward, joinPath(path, 'forward'), width);
  const b = checkHalf(c, l.backward, joinPath(path, 'backward'), width);
  if (f.kind && b.kind && (f.kind !== b.kind || f.hidden !== b.hidden || f.hZp !== b.hZp)) {
    c.add('TNN212', path, 'bidirectional halves differ', `${b.kind}(${b.hidden}, zp ${b.hZp})`, `same as forward: ${f.kind}(${f.hidden}, zp ${f.hZp})`);
  }
  return f.hidden !== undefined && b.hidden !== undefined ? f.hidden + b.hidden : undefined;
}

/** A fact of the layer: the same fact of both halves added up. */
const both =
  <L extends CellLayer | QCellLayer>(fact: (h: IrHooks<CellLayer, QCellLayer>, half: L) => number) =>
  (l: { forward: L; backward: L }): number =>
    fact(cellIr(l.forward), l.forward) + fact(cellIr(l.backward), l.backward);

export const ir: IrHooks<BidirectionalLayer, QBidirectionalLayer> = {
  validate,
  validateQuant,
  bounds: (l, path, xMax, check) => {
    cellIr(l.forward).bounds(l.forward, `${path}.forward`, xMax, check);
    cellIr(l.backward).bounds(l.backward, `${path}.backward`, xMax, check);
  },
  inputSize: (l) => l.forward.inputSize,
  outputSize: (l) => l.forward.hidden + l.backward.hidden,
  paramCount: both<CellLayer>((h, c) => h.paramCount(c)),
  paramBytes: both<QCellLayer>((h, c) => h.paramBytes(c)),
  stateBytes: both<QCellLayer>((h, c) => h.stateBytes(c)),
  // the halves run one after the other and share one scratch
  scratchBytes: (l) => cellIr(l.forward).scratchBytes(l.forward),
  macs: both<QCellLayer>((h, c) => h.macs(c)),
  tables: (l) => {
    const f = cellIr(l.forward).tables(l.forward);
    const b = cellIr(l.backward).tables(l.backward);
    return { sigmoid: f.sigmoid || b.sigmoid, tanh: f.tanh || b.tanh };
  },
  outType: () => 's8',
  streams: false,
  arrays: (l) => [...cellArrays(l.forward, 'f'), ...cellArrays(l.backward, 'b')],
  finalStates: (l) => [cellFinalState(l.forward, 'forward'), cellFinalState(l.backward, 'backward')],
  title: (l) => `bidirectional ${l.forward.kind} ${l.forward.inputSize}->${l.forward.hidden}+${l.backward.hidden}`,
};
