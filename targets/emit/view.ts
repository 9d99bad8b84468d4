// The target-neutral view of a QuantModel that code generators render: symbol names, the
// constant arrays with their storage types and roles, sizes, state and the cost per step.
// Targets (C, Espruino) add their own formatting on top; nothing here is target syntax.
//
// Legend: F model input features, I layer input, H hidden, G gates (elman 1, gru 3, lstm 4),
//         U dense units, O model outputs.
import { createHash } from 'node:crypto';
import { QCELL_KINDS, QCellLayer, QLayer, QuantModel, qGateCount, qLayerInputSize, qLayerOutputSize } from '../../compiler/core/ir/quant-model';
import { encodeQuantModel } from '../../compiler/core/ir/format';
import { QUANT_SPEC_VERSION } from '../../compiler/core/spec/spec';
import { irOf, isStreaming, layerMacs, layerStateBytes, layerTables } from '../../compiler/layers/ir';
import type { ArrayRole, ElemType } from '../../compiler/core/ir/kind-hooks';
import { VERSION } from '../../compiler/core/util/version';
import { identifierFragments } from './names';

export type { ArrayRole, ElemType } from '../../compiler/core/ir/kind-hooks';
export const ELEM_BYTES: Record<ElemType, number> = { s8: 1, u8: 1, s16: 2, s32: 4 };

export interface ConstArray {
  /** Symbol: `<prefix>_l<n>_<field>` (bidirectional halves: `_l<n>f_`, `_l<n>b_`; a reverse layer's cell `_l<n>b_`), `<prefix>_input_<field>`, `<prefix>_<table>_table`. */
  name: string;
  /** Field in the QuantModel it comes from (e.g. "wx"). */
  field: string;
  type: ElemType;
  values: ArrayLike<number>;
  /** Shape comment, e.g. "(G*H, I) = (64, 3)". */
  shape: string;
  role: ArrayRole;
  /** Layer index, or -1 for the input stage and shared tables. */
  layer: number;
  bytes: number;
}

export interface CellView {
  kind: 'elman' | 'lstm' | 'gru';
  /** Symbol stem: `<prefix>_l<n>` or `<prefix>_l<n>f` / `<prefix>_l<n>b`. */
  stem: string;
  /** Trace tag: "L<n>" or "L<n>.fwd" / "L<n>.bwd". */
  tag: string;
  I: number;
  H: number;
  G: number;
  layer: QCellLayer;
}

export interface LayerView {
  index: number;
  kind: QLayer['kind'];
  /** Short description: "lstm 3->16", "dense 16->3 softmax". */
  title: string;
  input: number;
  output: number;
  /** One cell (also for reverse), two for bidirectional, none for dense. */
  cells: CellView[];
  /** Multiply-adds per time step (dot products only). */
  macs: number;
  /** Constant bytes by role. */
  bytes: Record<ArrayRole, number>;
  /** Persistent state in bytes: h8 (int8 output), h16 (int16 recurrent state, not for elman relu), c (int16, lstm). */
  stateBytes: number;
  layer: QLayer;
}

export interface ModelView {
  prefix: string;
  modelName: string;
  /** First 16 hex digits of the SHA-256 of the encoded QuantModel. */
  modelHash: string;
  specVersion: number;
  tinyrnnVersion: string;
  task: QuantModel['task'];
  output: QuantModel['output'];
  outputType: QuantModel['outputType'];
  inputSize: number;
  outputSize: number;
  /** False when a bidirectional or reverse layer, or output mode 'final', forbids step-by-step use. */
  streaming: boolean;
  /** What keeps the model from streaming, for comments: "a bidirectional layer", "a reverse layer", "bidirectional and reverse layers", "a final-state output"; '' when it streams. */
  wholeSequence: string;
  features: string[];
  /** Unique upper-case identifier fragments for the features. */
  featureIds: string[];
  labels: string[];
  labelIds: string[];
  layers: LayerView[];
  arrays: ConstArray[];
  /** Tables the layers actually use. */
  usesSigmoid: boolean;
  usesTanh: boolean;
  macs: number;
}

export function modelHash(m: QuantModel): string {
  return createHash('sha256').update(encodeQuantModel(m)).digest('hex').slice(0, 16);
}

/** The activation tables some layer of the model reads (each layer's from its kind: compiler/layers/ir.ts). */
export function modelTables(m: QuantModel): { sig: boolean; tanh: boolean } {
  const used = m.layers.map(layerTables);
  return { sig: used.some((u) => u.sigmoid), tanh: used.some((u) => u.tanh) };
}

/** What needs the whole sequence, as words: the kinds of such layers, a final-state output ('' when nothing does). */
function wholeSequenceLayers(m: QuantModel): string {
  const kinds = [...new Set(m.layers.filter((l) => !irOf(l).streams).map((l) => l.kind))];
  const layers = kinds.length === 0 ? '' : kinds.length === 1 ? `a ${kinds[0]} layer` : `${kinds.join(' and ')} layers`;
  if (m.output !== 'final') return layers;
  return layers ? `${layers} and a final-state output` : 'a final-state output';
}

/** A gated cell (the kinds whose C step takes a cell descriptor). */
function isQCell(l: QLayer): l is QCellLayer {
  return (QCELL_KINDS as readonly string[]).includes(l.kind);
}

/** Build the view. `prefix` must already be validated (names.ts). */
export function buildModelView(m: QuantModel, prefix: string): ModelView {
  const arrays: ConstArray[] = [];
  const add = (name: string, field: string, type: ElemType, values: ArrayLike<number>, shape: string, role: ArrayRole, layer: number) => {
    arrays.push({ name, field, type, values, shape, role, layer, bytes: values.length * ELEM_BYTES[type] });
  };
  const { sig: usesSigmoid, tanh: usesTanh } = modelTables(m);
  const F = m.inputSize;
  add(`${prefix}_input_offset`, 'input.offset', 's32', m.input.offset, `(F) = (${F})`, 'input', -1);
  add(`${prefix}_input_m`, 'input.m', 's16', m.input.m, `(F) = (${F})`, 'input', -1);
  add(`${prefix}_input_s`, 'input.s', 'u8', m.input.s, `(F) = (${F})`, 'input', -1);
  if (m.input.bias) add(`${prefix}_input_bias`, 'input.bias', 's32', m.input.bias, `(F) = (${F})`, 'input', -1);

  const cellView = (c: QCellLayer, stem: string, tag: string): CellView => ({
    kind: c.kind,
    stem,
    tag,
    I: c.inputSize,
    H: c.hidden,
    G: qGateCount(c.kind),
    layer: c,
  });

  const layers: LayerView[] = m.layers.map((l, index) => {
    const before = arrays.length;
    for (const x of irOf(l).arrays(l)) add(`${prefix}_l${index}${x.part}_${x.field}`, x.field, x.type, x.values, x.shape, x.role, index);
    const backward = (c: QCellLayer) => cellView(c, `${prefix}_l${index}b`, `L${index}.bwd`);
    const cells =
      l.kind === 'bidirectional'
        ? [cellView(l.forward, `${prefix}_l${index}f`, `L${index}.fwd`), backward(l.backward)]
        : l.kind === 'reverse'
          ? [backward(l.cell)]
          : isQCell(l)
            ? [cellView(l, `${prefix}_l${index}`, `L${index}`)]
            : [];
    const title = irOf(l).title(l);
    const bytes: Record<ArrayRole, number> = { weights: 0, biases: 0, requant: 0, tables: 0, input: 0 };
    for (const a of arrays.slice(before)) bytes[a.role] += a.bytes;
    return {
      index,
      kind: l.kind,
      title,
      input: qLayerInputSize(l),
      output: qLayerOutputSize(l),
      cells,
      macs: layerMacs(l),
      bytes,
      stateBytes: layerStateBytes(l),
      layer: l,
    };
  });
  if (usesSigmoid) add(`${prefix}_sigmoid_table`, 'tables.sigmoid', 's16', m.tables.sigmoid, '(257) sigmoid(k/32), Q0.15', 'tables', -1);
  if (usesTanh) add(`${prefix}_tanh_table`, 'tables.tanh', 's16', m.tables.tanh, '(257) tanh(k/32), Q0.15', 'tables', -1);

  const labels = m.task === 'classification' ? (m.meta.labels ?? []).slice(0, m.outputSize) : [];
  while (m.task === 'classification' && labels.length < m.outputSize) labels.push(`class ${labels.length}`);
  return {
    prefix,
    modelName: m.meta.name,
    modelHash: modelHash(m),
    specVersion: m.specVersion ?? QUANT_SPEC_VERSION,
    tinyrnnVersion: VERSION,
    task: m.task,
    output: m.output,
    outputType: m.outputType,
    inputSize: m.inputSize,
    outputSize: m.outputSize,
    streaming: isStreaming(m),
    wholeSequence: wholeSequenceLayers(m),
    features: m.meta.features.slice(),
    featureIds: identifierFragments(m.meta.features, 'FEATURE'),
    labels,
    labelIds: identifierFragments(labels, 'CLASS'),
    layers,
    arrays,
    usesSigmoid,
    usesTanh,
    macs: layers.reduce((s, l) => s + l.macs, 0),
  };
}
