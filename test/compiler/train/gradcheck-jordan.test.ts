// Gradient checks of the Jordan layer: the trainer's backpropagation through time (including the
// feedback path wy, through y_{t-1} into the previous step) against five-point central finite
// differences of its own float64 loss. Every output activation, a dense softmax head, stacks
// with cells below and above, per-step and last-step outputs, dropout, and a carried
// (truncated-BPTT) fed-back output. Same method as gradcheck.test.ts.
import { lossAndGradient, worstRelativeError } from '../../helpers/gradcheck';
import { CellKind, FloatModel, JordanOutActivation, Layer, StepOutputMode, emptyCell, emptyDense, emptyJordan } from '../../../compiler/core/ir/model';
import { validateFloatModel } from '../../../compiler/core/ir/validate';
import { LossKind, Net } from '../../../compiler/train/net';
import { Rng } from '../../../compiler/core/util/rng';

type Spec =
  | { kind: 'jordan'; hidden: number; units: number; act: JordanOutActivation }
  | { kind: CellKind; hidden: number }
  | { kind: 'dense'; units: number; act: 'softmax' | 'none' | 'relu' | 'tanh' };

interface Case {
  name: string;
  layers: Spec[];
  loss: LossKind;
  output: StepOutputMode;
  dropout?: number;
  carry?: boolean;
}

const T = 5;
const B = 3;
const F = 3;
const K = 3; // classes or regression targets

function makeModel(c: Case, seed: number): FloatModel {
  const rng = new Rng(seed);
  const fill = (a: Float32Array, s: number, shift = 0): void => {
    for (let i = 0; i < a.length; i++) a[i] = shift + rng.normal() * s;
  };
  let width = F;
  const layers: Layer[] = c.layers.map((s) => {
    if (s.kind === 'jordan') {
      const l = emptyJordan(width, s.hidden, s.units, s.act);
      fill(l.wx, 0.6);
      fill(l.wy, 0.6);
      fill(l.bx, 0.3);
      // relu: outputs kept away from the kink (checked below), so finite differences are smooth
      fill(l.wo, s.act === 'relu' ? 0.25 : 0.6);
      fill(l.bo, 0.3, s.act === 'relu' ? 1.2 : 0);
      width = s.units;
      return l;
    }
    if (s.kind === 'dense') {
      const l = emptyDense(width, s.units, s.act);
      fill(l.w, 0.6);
      fill(l.b, 0.3);
      width = s.units;
      return l;
    }
    const l = emptyCell(s.kind, width, s.hidden);
    fill(l.wx, 0.6);
    fill(l.wh, 0.5);
    fill(l.bx, 0.3);
    fill(l.bh, 0.3);
    width = s.hidden;
    return l;
  });
  const m: FloatModel = {
    format: 'float',
    meta: { name: c.name, features: ['a', 'b', 'c'] },
    task: c.loss === 'ce' ? 'classification' : 'regression',
    output: c.output,
    inputSize: F,
    layers,
  };
  if (c.loss === 'ce') m.meta.labels = ['p', 'q', 'r'];
  validateFloatModel(m);
  return m;
}

function check(c: Case): { maxRel: number; checked: number; perTensor: Record<string, number>; minReluZ: number } {
  const { net, analytic, loss } = lossAndGradient(makeModel(c, 7), { T, B, F, K, loss: c.loss, output: c.output, dropout: c.dropout, carry: c.carry });
  // how close the relu Jordan outputs come to their kink
  let minReluZ = Infinity;
  for (const n of net.nodes)
    if (n.kind === 'jordan' && n.jordan.act === 'relu') for (let k = 0; k < T * B * n.O; k++) minReluZ = Math.min(minReluZ, Math.abs(n.jordan.zs[k]));
  let maxRel = 0;
  let checked = 0;
  const perTensor: Record<string, number> = {};
  for (const { path, off, len } of net.tensors()) {
    const r = worstRelativeError(net.P, analytic, loss, off, len);
    perTensor[path] = r.worst;
    maxRel = Math.max(maxRel, r.worst);
    checked += r.checked;
  }
  return { maxRel, checked, perTensor, minReluZ };
}

const J = (act: JordanOutActivation, units = K, hidden = 4): Spec => ({ kind: 'jordan', hidden, units, act });
const SOFTMAX: Spec = { kind: 'dense', units: K, act: 'softmax' };

const CASES: Case[] = [
  { name: 'jordan, output none (classic), MSE per step', layers: [J('none')], loss: 'mse', output: 'sequence' },
  { name: 'jordan, output relu (away from the kink), MSE per step', layers: [J('relu')], loss: 'mse', output: 'sequence' },
  { name: 'jordan, output tanh, MSE per step', layers: [J('tanh')], loss: 'mse', output: 'sequence' },
  { name: 'jordan, output sigmoid, MSE per step', layers: [J('sigmoid')], loss: 'mse', output: 'sequence' },
  { name: 'jordan, output none, MSE last', layers: [J('none')], loss: 'mse', output: 'last' },
  { name: 'jordan tanh (feedback 5) + dense softmax head, CE last', layers: [J('tanh', 5), SOFTMAX], loss: 'ce', output: 'last' },
  { name: 'jordan sigmoid (feedback 2) + dense softmax head, CE per step', layers: [J('sigmoid', 2), SOFTMAX], loss: 'ce', output: 'sequence' },
  {
    name: 'jordan tanh + dense relu + softmax head, CE last',
    layers: [J('tanh', 4), { kind: 'dense', units: 5, act: 'relu' }, SOFTMAX],
    loss: 'ce',
    output: 'last',
  },
  {
    name: 'jordan tanh (feedback 4) + linear head, MSE per step',
    layers: [J('tanh', 4), { kind: 'dense', units: K, act: 'none' }],
    loss: 'mse',
    output: 'sequence',
  },
  { name: 'lstm -> jordan (none), MSE per step', layers: [{ kind: 'lstm', hidden: 4 }, J('none')], loss: 'mse', output: 'sequence' },
  { name: 'lstm -> jordan (tanh) + softmax head, CE last', layers: [{ kind: 'lstm', hidden: 4 }, J('tanh', 3), SOFTMAX], loss: 'ce', output: 'last' },
  { name: 'jordan (tanh) -> gru + softmax head, CE last', layers: [J('tanh', 3, 5), { kind: 'gru', hidden: 4 }, SOFTMAX], loss: 'ce', output: 'last' },
  {
    name: 'jordan (sigmoid) -> gru + linear head, MSE per step',
    layers: [J('sigmoid', 4), { kind: 'gru', hidden: 4 }, { kind: 'dense', units: K, act: 'none' }],
    loss: 'mse',
    output: 'sequence',
  },
  { name: 'elman -> jordan -> jordan, MSE per step', layers: [{ kind: 'elman', hidden: 4 }, J('tanh', 3), J('none')], loss: 'mse', output: 'sequence' },
  { name: 'lstm -> jordan with dropout, MSE per step', layers: [{ kind: 'lstm', hidden: 4 }, J('none')], loss: 'mse', output: 'sequence', dropout: 0.3 },
  { name: 'jordan from a carried output (truncated BPTT window), MSE per step', layers: [J('none')], loss: 'mse', output: 'sequence', carry: true },
  {
    name: 'lstm -> jordan tanh + softmax head from a carried state, CE last',
    layers: [{ kind: 'lstm', hidden: 4 }, J('tanh', 3), SOFTMAX],
    loss: 'ce',
    output: 'last',
    carry: true,
  },
];

describe('Jordan gradient check against finite differences (float64)', () => {
  const worst: number[] = [];
  afterAll(() => console.log(`Jordan gradient checks: ${worst.length} configurations, largest relative error ${Math.max(...worst).toExponential(2)}`));
  test.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = check(c);
    worst.push(r.maxRel);
    expect(r.checked).toBeGreaterThanOrEqual(40);
    // every parameter array was checked, the feedback weights included
    const jordanTensors = Object.keys(r.perTensor).filter((p) => /\.(wy|wo|bo)$/.test(p));
    expect(jordanTensors.length).toBeGreaterThanOrEqual(3);
    for (const [path, rel] of Object.entries(r.perTensor)) expect([path, rel < 1e-6]).toEqual([path, true]);
    expect(r.maxRel).toBeLessThan(1e-6);
    if (c.layers.some((s) => s.kind === 'jordan' && s.act === 'relu')) expect(r.minReluZ).toBeGreaterThan(0.05);
  });

  test('the feedback carries gradient: wy gradients are not zero, and a carried output changes the loss', () => {
    const c: Case = { name: 'fb', layers: [J('none')], loss: 'mse', output: 'sequence', carry: true };
    const m = makeModel(c, 7);
    const net = new Net(m, { maxSteps: T, maxBatch: B });
    const rng = new Rng(3);
    for (let i = 0; i < T * B * F; i++) net.x0[i] = rng.normal();
    const reg = Float64Array.from({ length: T * B * K }, () => rng.normal());
    const stats = { correct: 0, count: 0, absErr: 0, sqErr: 0 };
    net.forward(T, B, null, false);
    const l0 = net.loss('mse', T, B, false, null, reg, 1, true, stats);
    net.G.fill(0);
    net.loss('mse', T, B, false, null, reg, 1, true, stats);
    net.backward(T, B, false);
    const wy = net.tensors().find((t) => t.path.endsWith('.wy'));
    expect(wy).toBeDefined();
    const g = net.G.subarray(wy!.off, wy!.off + wy!.len);
    expect(g.every((v) => v !== 0)).toBe(true);
    const node = net.nodes[0];
    if (node.kind !== 'jordan') throw new Error('expected a Jordan node');
    node.jordan.y0.fill(0.5);
    net.forward(T, B, null, true);
    expect(net.loss('mse', T, B, false, null, reg, 1, false, stats)).not.toBe(l0);
  });
});
