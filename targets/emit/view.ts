// The target-neutral view of a QuantModel that code generators render: symbol names, the
// constant arrays with their storage types and roles, sizes, state and the cost per step.
// Targets (C, Espruino) add their own formatting on top; nothing here is target syntax.
//
// Legend: F model input features, I layer input, H hidden, G gates (elman 1, gru 3, lstm 4),
//         U dense units, O model outputs.
import { createHash } from 'node:crypto';
import { QCellLayer, QLayer, QuantModel, qGateCount, qLayerInputSize, qLayerOutputSize } from '../../compiler/core/ir/quant-model';
import { encodeQuantModel } from '../../compiler/core/ir/format';
import { assertNever } from '../../compiler/core/ir/model';
import { QUANT_SPEC_VERSION } from '../../compiler/core/spec/spec';
import { isStreaming, layerMacs, layerStateBytes, layerTables } from '../../compiler/layers/ir';
import { VERSION } from '../../compiler/core/util/version';
import { identifierFragments } from './names';

/** Storage type of a constant array element. */
export type ElemType = 's8' | 'u8' | 's16' | 's32';
export const ELEM_BYTES: Record<ElemType, number> = { s8: 1, u8: 1, s16: 2, s32: 4 };

/** What a constant array is, for the memory report. */
export type ArrayRole = 'weights' | 'biases' | 'requant' | 'tables' | 'input';

export interface ConstArray {
  /** Symbol: `<prefix>_l<n>_<field>` (bidirectional halves: `_l<n>f_`, `_l<n>b_`), `<prefix>_input_<field>`, `<prefix>_<table>_table`. */
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
  /** One cell, two for bidirectional, none for dense. */
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
  /** False when a bidirectional layer forbids step-by-step use. */
  streaming: boolean;
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

/** Build the view. `prefix` must already be validated (names.ts). */
export function buildModelView(m: QuantModel, prefix: string): ModelView {
  const arrays: ConstArray[] = [];
  const add = (name: string, field: string, type: ElemType, values: ArrayLike<number>, shape: string, role: ArrayRole, layer: number) => {
    arrays.push({ name, field, type, values, shape, role, layer, bytes: values.length * ELEM_BYTES[type] });
  };
  let usesSigmoid = false;
  let usesTanh = false;
  const F = m.inputSize;
  add(`${prefix}_input_offset`, 'input.offset', 's32', m.input.offset, `(F) = (${F})`, 'input', -1);
  add(`${prefix}_input_m`, 'input.m', 's16', m.input.m, `(F) = (${F})`, 'input', -1);
  add(`${prefix}_input_s`, 'input.s', 'u8', m.input.s, `(F) = (${F})`, 'input', -1);

  const cellArrays = (c: QCellLayer, stem: string, index: number) => {
    const G = qGateCount(c.kind);
    const GH = G * c.hidden;
    add(`${stem}_wx`, 'wx', 's8', c.wx, `(G*H, I) = (${GH}, ${c.inputSize})`, 'weights', index);
    add(`${stem}_wh`, 'wh', 's8', c.wh, `(G*H, H) = (${GH}, ${c.hidden})`, 'weights', index);
    add(`${stem}_bx`, 'bx', 's32', c.bx, `(G*H) = (${GH})`, 'biases', index);
    add(`${stem}_bh`, 'bh', 's32', c.bh, `(G*H) = (${GH})`, 'biases', index);
    add(`${stem}_mx`, 'mx', 's16', c.mx, `(G*H) = (${GH})`, 'requant', index);
    add(`${stem}_mh`, 'mh', 's16', c.mh, `(G*H) = (${GH})`, 'requant', index);
    add(`${stem}_sx`, 'sx', 'u8', c.sx, `(G*H) = (${GH})`, 'requant', index);
    add(`${stem}_sh`, 'sh', 'u8', c.sh, `(G*H) = (${GH})`, 'requant', index);
  };
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
    let cells: CellView[] = [];
    let title: string;
    switch (l.kind) {
      case 'elman':
      case 'lstm':
      case 'gru': {
        const stem = `${prefix}_l${index}`;
        cellArrays(l, stem, index);
        cells = [cellView(l, stem, `L${index}`)];
        title = `${l.kind} ${l.inputSize}->${l.hidden}${l.kind === 'elman' ? ` ${l.activation}` : l.kind === 'gru' ? (l.resetAfter ? ' reset-after' : ' reset-before') : ''}`;
        break;
      }
      case 'bidirectional': {
        cellArrays(l.forward, `${prefix}_l${index}f`, index);
        cellArrays(l.backward, `${prefix}_l${index}b`, index);
        cells = [cellView(l.forward, `${prefix}_l${index}f`, `L${index}.fwd`), cellView(l.backward, `${prefix}_l${index}b`, `L${index}.bwd`)];
        title = `bidirectional ${l.forward.kind} ${l.forward.inputSize}->${l.forward.hidden}+${l.backward.hidden}`;
        break;
      }
      case 'dense': {
        const stem = `${prefix}_l${index}`;
        add(`${stem}_w`, 'w', 's8', l.w, `(U, I) = (${l.units}, ${l.inputSize})`, 'weights', index);
        add(`${stem}_b`, 'b', 's32', l.b, `(U) = (${l.units})`, 'biases', index);
        add(`${stem}_m`, 'm', 's16', l.m, `(U) = (${l.units})`, 'requant', index);
        add(`${stem}_s`, 's', 'u8', l.s, `(U) = (${l.units})`, 'requant', index);
        title = `dense ${l.inputSize}->${l.units} ${l.activation}`;
        break;
      }
      case 'jordan': {
        const stem = `${prefix}_l${index}`;
        const H = l.hidden;
        const U = l.units;
        add(`${stem}_wx`, 'wx', 's8', l.wx, `(H, I) = (${H}, ${l.inputSize})`, 'weights', index);
        add(`${stem}_wy`, 'wy', 's8', l.wy, `(H, U) = (${H}, ${U})`, 'weights', index);
        add(`${stem}_wo`, 'wo', 's8', l.wo, `(U, H) = (${U}, ${H})`, 'weights', index);
        add(`${stem}_bx`, 'bx', 's32', l.bx, `(H) = (${H})`, 'biases', index);
        add(`${stem}_by`, 'by', 's32', l.by, `(H) = (${H})`, 'biases', index);
        add(`${stem}_bo`, 'bo', 's32', l.bo, `(U) = (${U})`, 'biases', index);
        add(`${stem}_mx`, 'mx', 's16', l.mx, `(H) = (${H})`, 'requant', index);
        add(`${stem}_my`, 'my', 's16', l.my, `(H) = (${H})`, 'requant', index);
        add(`${stem}_sx`, 'sx', 'u8', l.sx, `(H) = (${H})`, 'requant', index);
        add(`${stem}_sy`, 'sy', 'u8', l.sy, `(H) = (${H})`, 'requant', index);
        add(`${stem}_mo`, 'mo', 's16', l.mo, `(U) = (${U})`, 'requant', index);
        add(`${stem}_so`, 'so', 'u8', l.so, `(U) = (${U})`, 'requant', index);
        title = `jordan ${l.inputSize}->${H}->${U} ${l.outActivation}`;
        break;
      }
      case 'pool':
        title = `pool ${l.inputSize}x${l.segments}${l.abs ? ' +abs' : ''} over a ${l.window}-step window`;
        break;
      default:
        return assertNever(l);
    }
    const tables = layerTables(l);
    usesSigmoid ||= tables.sigmoid;
    usesTanh ||= tables.tanh;
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
