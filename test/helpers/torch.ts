// Test helper: the PyTorch reference models in ../shared/testdata/torch, loaded into the IR
// straight from their state_dict (PyTorch's gate orders i,f,g,o and r,z,n are tinyrnn's).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FloatModel, Layer, emptyCell, emptyDense, CellKind } from '../../compiler/core/ir/model';

export const TESTDATA = path.resolve(__dirname, '..', '..', '..', 'shared', 'testdata');
export const TORCH_MODELS = ['lstm_h16', 'gru_h16', 'rnn_tanh_h8'] as const;

interface Tensor {
  shape: number[];
  data: number[];
}
export interface TorchRef {
  name: string;
  config: { kind: string; hidden: number; input_size: number; output_size: number; batch: number; seq_len: number; num_layers: number; bidirectional: boolean };
  state_dict: Record<string, Tensor>;
  input: Tensor;
  outputs_float32: Record<string, Tensor>;
  outputs_float64: Record<string, Tensor>;
}

export function loadTorchRef(name: string): TorchRef {
  return JSON.parse(fs.readFileSync(path.join(TESTDATA, 'torch', `${name}.json`), 'utf8'));
}

export function torchToModel(ref: TorchRef): FloatModel {
  const c = ref.config;
  const kind: CellKind = c.kind === 'lstm' ? 'lstm' : c.kind === 'gru' ? 'gru' : 'elman';
  const sd = ref.state_dict;
  const layers: Layer[] = [];
  let inSize = c.input_size;
  for (let l = 0; l < c.num_layers; l++) {
    const cell = emptyCell(kind, inSize, c.hidden, { activation: 'tanh', resetAfter: true });
    cell.wx.set(sd[`rnn.weight_ih_l${l}`].data);
    cell.wh.set(sd[`rnn.weight_hh_l${l}`].data);
    cell.bx.set(sd[`rnn.bias_ih_l${l}`].data);
    cell.bh.set(sd[`rnn.bias_hh_l${l}`].data);
    layers.push(cell);
    inSize = c.hidden;
  }
  const fc = emptyDense(c.hidden, c.output_size, 'none');
  fc.w.set(sd['fc.weight'].data);
  fc.b.set(sd['fc.bias'].data);
  layers.push(fc);
  return {
    format: 'float',
    meta: { name: ref.name, features: Array.from({ length: c.input_size }, (_, i) => `x${i}`) },
    task: 'regression',
    output: 'sequence',
    inputSize: c.input_size,
    layers,
  };
}

/** Input sequence b as T rows of F values. */
export function torchInput(ref: TorchRef, b: number): number[][] {
  const [, T, F] = ref.input.shape;
  return Array.from({ length: T }, (_, t) => ref.input.data.slice((b * T + t) * F, (b * T + t + 1) * F));
}
