// The operator registry: one handler per ONNX op type the importer maps, keyed by op type. The
// table is typed over SUPPORTED_OPS, so an op listed without a handler (or a handler for an op
// not listed) is a compile error.

import { OpHandler } from '../context';
import { Constant, ConstantFill, ConstantOfShape } from './constant';
import { Add, Div, Equal, Mul, Sub } from './arith';
import { Relu, Sigmoid, Softmax, Tanh } from './activation';
import { Concat } from './concat';
import { Gemm, MatMul } from './dense';
import { Expand } from './expand';
import { Gather } from './gather';
import { Cast, Dropout, Identity } from './passthrough';
import { GRU, LSTM, RNN } from './recurrent';
import { Flatten, Reshape } from './reshape';
import { Shape } from './shape';
import { Slice } from './slice';
import { Squeeze, Unsqueeze } from './squeeze';
import { Transpose } from './transpose';

/** Operators the importer maps, in the order messages list them. */
export const SUPPORTED_OPS = [
  'LSTM',
  'GRU',
  'RNN',
  'Gemm',
  'MatMul',
  'Add',
  'Sub',
  'Relu',
  'Sigmoid',
  'Tanh',
  'Softmax',
  'Transpose',
  'Squeeze',
  'Unsqueeze',
  'Reshape',
  'Flatten',
  'Gather',
  'Slice',
  'Shape',
  'Concat',
  'Expand',
  'ConstantOfShape',
  'ConstantFill',
  'Constant',
  'Identity',
  'Cast',
  'Dropout',
  'Mul',
  'Div',
  'Equal',
] as const;

export type OpType = (typeof SUPPORTED_OPS)[number];

export type OpRegistry = { readonly [K in OpType]: OpHandler };

export const OPS: OpRegistry = {
  LSTM,
  GRU,
  RNN,
  Gemm,
  MatMul,
  Add,
  Sub,
  Relu,
  Sigmoid,
  Tanh,
  Softmax,
  Transpose,
  Squeeze,
  Unsqueeze,
  Reshape,
  Flatten,
  Gather,
  Slice,
  Shape,
  Concat,
  Expand,
  ConstantOfShape,
  ConstantFill,
  Constant,
  Identity,
  Cast,
  Dropout,
  Mul,
  Div,
  Equal,
};

/** The handler of an op type, if the importer maps it. */
export function opHandler(opType: string): OpHandler | undefined {
  return Object.hasOwn(OPS, opType) ? OPS[opType as OpType] : undefined;
}
