// The graph's inputs: initializers and bound inputs become constants, and the one input left is
// the model's sequence, rank 3 with its two leading axes (time and batch, in an order the
// first recurrent node decides) still unnamed (x0, x1).

import { OnnxTensor, OnnxValueInfo, dtypeName } from './codec';
import { ImportContext } from './context';
import { constOf, isFloatType } from './fold';
import { Axis } from './values';

export interface ModelInput {
  name: string;
  shape: (number | string | null)[];
}

/** Initializers and bound graph inputs as constants. */
function setConstants(cx: ImportContext, bind: Record<string, OnnxTensor>): void {
  const g = cx.m.graph;
  // Local functions (model.functions) need no check here: a node calling one is an unknown op.
  if (g.sparseInitializers > 0) {
    cx.fail('ONNX004', 'graph.sparse_initializer', 'sparse initializers are not supported', {
      value: g.sparseInitializers,
      expected: 'dense initializers',
    });
  }
  for (const t of g.initializers) cx.values.set(t.name, constOf(t.dtype, t.dims, t.data));
  const inputNames = new Set(g.inputs.map((i) => i.name));
  for (const name of Object.keys(bind)) {
    if (!inputNames.has(name)) {
      cx.fail('ONNX014', `bind ${JSON.stringify(name)}`, 'no graph input has this name', { expected: `one of ${[...inputNames].join(', ')}` });
    }
    const t = bind[name];
    cx.values.set(name, constOf(t.dtype, t.dims, t.data));
  }
}

/** Graph inputs that feed a recurrent node's sequence_lens or initial state get their own diagnostics. */
export function stateInputs(cx: ImportContext, names: string[]): void {
  for (const n of cx.m.graph.nodes) {
    if (!['LSTM', 'GRU', 'RNN'].includes(n.opType)) continue;
    const k = n.inputs.findIndex((i, idx) => idx >= 4 && idx <= 6 && names.includes(i));
    if (k < 0) continue;
    const name = n.inputs[k];
    if (k === 4) {
      cx.nodeFail(n, 'ONNX015', `sequence_lens is the graph input ${JSON.stringify(name)}: sequence lengths given at run time`, {
        expected: 'no sequence_lens, or a constant equal to the full sequence length',
        hint: 'tinyrnn runs every step of the sequence it is given: pass sequences of the length you want instead',
      });
    }
    cx.nodeFail(n, 'ONNX016', `${k === 5 ? 'initial_h' : 'initial_c'} is the graph input ${JSON.stringify(name)}: an initial state given at run time`, {
      expected: 'a zero initial state (absent, zeros, or ConstantOfShape/Expand of 0)',
      hint: 'tinyrnn layers start every sequence from a zero state; export the model without h0/c0 inputs',
    });
  }
}

/** The model input's shape and axes: a float tensor of rank 3, its feature count when declared. */
function inputAxes(cx: ImportContext, inp: OnnxValueInfo): { shape: (number | string | null)[]; axes: Axis[] } {
  const where = `graph.input ${JSON.stringify(inp.name)}`;
  if (inp.nonTensor) cx.fail('ONNX014', where, `the input is a ${inp.nonTensor}`, { expected: 'a float tensor' });
  if (inp.elemType !== undefined && !isFloatType(inp.elemType)) {
    cx.fail('ONNX014', where, `the input has element type ${dtypeName(inp.elemType)}`, { expected: 'float' });
  }
  const shape = inp.shape ?? [null, null, null];
  if (shape.length !== 3) {
    cx.fail('ONNX014', where, `the input has rank ${shape.length} (shape [${shape.join(', ')}])`, {
      expected: 'rank 3: (time, batch, features) or (batch, time, features)',
    });
  }
  const fdim = shape[2];
  const axes: Axis[] = [
    { role: 'x0', ...(typeof shape[0] === 'number' ? { size: shape[0] } : {}) },
    { role: 'x1', ...(typeof shape[1] === 'number' ? { size: shape[1] } : {}) },
    typeof fdim === 'number' ? (fdim === 1 ? { role: '1', size: 1 } : { role: 'F', size: fdim }) : { role: 'F' },
  ];
  return { shape, axes };
}

/** Sets the model input's value (the one graph input that is neither an initializer nor bound). */
export function bindModelInput(cx: ImportContext, bind: Record<string, OnnxTensor>): ModelInput {
  setConstants(cx, bind);
  const dynamic = cx.m.graph.inputs.filter((i) => !cx.values.has(i.name));
  if (dynamic.length > 1)
    stateInputs(
      cx,
      dynamic.map((d) => d.name),
    );
  if (dynamic.length !== 1) {
    cx.fail(
      'ONNX014',
      'graph.input',
      dynamic.length === 0
        ? 'the graph has no input left for the sequence data'
        : `the graph has ${dynamic.length} inputs that are not constants: ${dynamic.map((d) => d.name).join(', ')}`,
      {
        expected: 'exactly one input (the sequence, rank 3)',
        hint:
          dynamic.length > 1
            ? 'tinyrnn models take one sequence and start from a zero state; weights given as inputs can be bound to constants (tinyrnn import --bind NAME=tensor.pb)'
            : 'a graph input was bound or is an initializer',
      },
    );
  }
  const inp = dynamic[0];
  const { shape, axes } = inputAxes(cx, inp);
  cx.values.set(inp.name, { kind: 'act', axes, mode: 'sequence', layers: [], origins: [] });
  return { name: inp.name, shape };
}
