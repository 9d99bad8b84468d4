// Gradient checks: the trainer's backpropagation against central finite differences of its own
// float64 loss, for every cell kind and variant, stacked and bidirectional layers, dense layers,
// both losses, per-step and last-step outputs, dropout, and a carried (truncated-BPTT) state.
import { lossAndGradient, worstRelativeError } from '../../helpers/gradcheck';
import { CellKind, DenseActivation, FloatModel, Layer, StepOutputMode, emptyDense, isCellLayer } from '../../../compiler/core/ir/model';
import { buildModel } from '../../../compiler/train/init';
import { LossKind, Net } from '../../../compiler/train/net';
import { Rng } from '../../../compiler/core/util/rng';

interface Case {
  name: string;
  cell: CellKind;
  activation?: 'tanh' | 'relu';
  resetAfter?: boolean;
  layers?: number;
  bidirectional?: boolean;
  /** The first recurrent layer runs backwards in time (a reverse layer). */
  reverseFirst?: boolean;
  dense?: number[];
  denseAct?: DenseActivation;
  headAct?: DenseActivation;
  loss: LossKind;
  output: StepOutputMode;
  dropout?: number;
  carry?: boolean;
}

const T = 5;
const B = 3;
const F = 3;
const H = 4;
const O = 3;

function makeModel(c: Case, seed: number): FloatModel {
  const m = buildModel(
    {
      cell: c.cell,
      hidden: H,
      layers: c.layers ?? 1,
      bidirectional: c.bidirectional ?? false,
      activation: c.activation ?? 'tanh',
      resetAfter: c.resetAfter ?? true,
      dense: c.dense ?? [],
    },
    {
      name: c.name,
      features: ['a', 'b', 'c'],
      labels: ['p', 'q', 'r'],
      targetNames: ['u', 'v', 'w'],
      task: c.loss === 'ce' ? 'classification' : 'regression',
      output: c.output,
    },
    seed,
  );
  // random (not initialiser-shaped) values so every path carries gradient; relu layers get
  // positive biases so few units sit at the kink
  const rng = new Rng(seed + 100);
  const fill = (a: Float32Array, s: number): void => {
    for (let i = 0; i < a.length; i++) a[i] = rng.normal() * s;
  };
  const visit = (l: Layer): void => {
    if (l.kind === 'bidirectional') {
      visit(l.forward);
      visit(l.backward);
    } else if (l.kind === 'reverse') {
      visit(l.cell);
    } else if (l.kind === 'dense') {
      fill(l.w, 0.6);
      fill(l.b, 0.3);
    } else if (l.kind === 'jordan') {
      throw new Error('Jordan layers are filled by their own gradient-check cases');
    } else if (l.kind === 'pool' || l.kind === 'lsm') {
      throw new Error('pool and liquid layers have no parameters and are not trained by gradient');
    } else {
      fill(l.wx, 0.6);
      fill(l.wh, 0.5);
      fill(l.bx, 0.3);
      fill(l.bh, 0.3);
    }
  };
  m.layers.forEach(visit);
  if (c.denseAct) for (const l of m.layers.slice(0, -1)) if (l.kind === 'dense') l.activation = c.denseAct;
  if (c.headAct) {
    const head = m.layers[m.layers.length - 1];
    if (head.kind === 'dense') head.activation = c.headAct;
  }
  const first = m.layers[0];
  if (c.reverseFirst && isCellLayer(first)) m.layers[0] = { kind: 'reverse', cell: first };
  return m;
}

function check(c: Case): { maxRel: number; checked: number } {
  const { net, analytic, loss } = lossAndGradient(makeModel(c, 7), { T, B, F, K: O, loss: c.loss, output: c.output, dropout: c.dropout, carry: c.carry });
  const r = worstRelativeError(net.P, analytic, loss);
  return { maxRel: r.worst, checked: r.checked };
}

const CASES: Case[] = [
  { name: 'elman tanh, CE last', cell: 'elman', loss: 'ce', output: 'last' },
  { name: 'elman relu, MSE per step', cell: 'elman', activation: 'relu', loss: 'mse', output: 'sequence' },
  { name: 'elman tanh, CE per step', cell: 'elman', loss: 'ce', output: 'sequence' },
  { name: 'lstm, CE last', cell: 'lstm', loss: 'ce', output: 'last' },
  { name: 'lstm, CE per step', cell: 'lstm', loss: 'ce', output: 'sequence' },
  { name: 'lstm, MSE per step', cell: 'lstm', loss: 'mse', output: 'sequence' },
  { name: 'lstm, MSE last (per sequence)', cell: 'lstm', loss: 'mse', output: 'last' },
  { name: 'gru reset-after, CE last', cell: 'gru', resetAfter: true, loss: 'ce', output: 'last' },
  { name: 'gru reset-after, MSE per step', cell: 'gru', resetAfter: true, loss: 'mse', output: 'sequence' },
  { name: 'gru reset-before, CE last', cell: 'gru', resetAfter: false, loss: 'ce', output: 'last' },
  { name: 'gru reset-before, MSE per step', cell: 'gru', resetAfter: false, loss: 'mse', output: 'sequence' },
  { name: 'stacked lstm x2, CE last', cell: 'lstm', layers: 2, loss: 'ce', output: 'last' },
  { name: 'stacked gru x3, MSE per step', cell: 'gru', layers: 3, loss: 'mse', output: 'sequence' },
  { name: 'bidirectional lstm, CE last', cell: 'lstm', bidirectional: true, loss: 'ce', output: 'last' },
  { name: 'bidirectional gru reset-before x2, CE per step', cell: 'gru', resetAfter: false, bidirectional: true, layers: 2, loss: 'ce', output: 'sequence' },
  { name: 'bidirectional elman, MSE per step', cell: 'elman', bidirectional: true, loss: 'mse', output: 'sequence' },
  { name: 'reverse lstm, CE last', cell: 'lstm', reverseFirst: true, loss: 'ce', output: 'last' },
  { name: 'reverse gru -> gru, MSE per step', cell: 'gru', reverseFirst: true, layers: 2, loss: 'mse', output: 'sequence' },
  { name: 'reverse elman relu, MSE per step', cell: 'elman', activation: 'relu', reverseFirst: true, loss: 'mse', output: 'sequence' },
  { name: 'dense tanh layers + head, CE last', cell: 'lstm', dense: [5, 4], denseAct: 'tanh', loss: 'ce', output: 'last' },
  { name: 'dense sigmoid + tanh head, MSE per step', cell: 'gru', dense: [5], denseAct: 'sigmoid', headAct: 'tanh', loss: 'mse', output: 'sequence' },
  { name: 'dense relu + sigmoid head, MSE last', cell: 'elman', dense: [6], loss: 'mse', headAct: 'sigmoid', output: 'last' },
  { name: 'stacked lstm with dropout, CE last', cell: 'lstm', layers: 2, dense: [4], dropout: 0.3, loss: 'ce', output: 'last' },
  { name: 'lstm from a carried state (truncated BPTT window)', cell: 'lstm', layers: 2, carry: true, loss: 'mse', output: 'sequence' },
  { name: 'gru from a carried state', cell: 'gru', carry: true, loss: 'ce', output: 'last' },
];

describe('gradient check against finite differences (float64)', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = check(c);
    expect(r.checked).toBeGreaterThan(50);
    expect(r.maxRel).toBeLessThan(1e-6);
  });

  test('a wrong gradient is caught (the check can fail)', () => {
    const c: Case = { name: 'lstm', cell: 'lstm', loss: 'ce', output: 'last' };
    const m = makeModel(c, 7);
    const net = new Net(m, { maxSteps: T, maxBatch: B });
    const rng = new Rng(3);
    for (let i = 0; i < T * B * F; i++) net.x0[i] = rng.normal();
    const cls = Int32Array.from({ length: T * B }, () => rng.int(O));
    const stats = { correct: 0, count: 0, absErr: 0, sqErr: 0 };
    net.forward(T, B, null, false);
    net.loss('ce', T, B, true, cls, null, B, true, stats);
    net.backward(T, B, true);
    const g = net.G[0];
    const eps = 1e-6;
    const p0 = net.P[0];
    const f = (): number => {
      net.forward(T, B, null, false);
      return net.loss('ce', T, B, true, cls, null, B, false, stats) / B;
    };
    net.P[0] = p0 + eps;
    const lp = f();
    net.P[0] = p0 - eps;
    const lm = f();
    const num = (lp - lm) / (2 * eps);
    expect(Math.abs(g - num) / Math.max(Math.abs(g), 1e-4)).toBeLessThan(1e-6);
    expect(Math.abs(g * 1.001 - num) / Math.max(Math.abs(g), 1e-4)).toBeGreaterThan(1e-6);
  });
});
void emptyDense;
