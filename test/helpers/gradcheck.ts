// Numerical gradient check shared by the trainer's gradient tests: five-point central differences
// of the loss with respect to each parameter, compared with the analytic gradient.

import { FloatModel, StepOutputMode } from '../../compiler/core/ir/model';
import { LossKind, Net } from '../../compiler/train/net';
import { Rng } from '../../compiler/core/util/rng';

/**
 * Largest relative error between analytic[i] and the numerical derivative of loss() in P[i],
 * over i in [off, off + len). Entries below 1e-5 are compared on that absolute scale (the finite
 * differences themselves carry ~1e-12 of rounding noise). Five-point central difference:
 * truncation O(h^4) ~ 1e-16, rounding ~ 1e-16 / h ~ 1e-12. P is restored after each entry.
 */
export function worstRelativeError(
  P: Float64Array,
  analytic: Float64Array,
  loss: () => number,
  off = 0,
  len = P.length,
  h = 1e-4,
): { worst: number; checked: number } {
  const at = (i: number, p: number): number => {
    P[i] = p;
    return loss();
  };
  let worst = 0;
  for (let i = off; i < off + len; i++) {
    const p0 = P[i];
    const num = (-at(i, p0 + 2 * h) + 8 * at(i, p0 + h) - 8 * at(i, p0 - h) + at(i, p0 - 2 * h)) / (12 * h);
    P[i] = p0;
    const a = analytic[i];
    const rel = Math.abs(a - num) / Math.max(Math.abs(a), Math.abs(num), 1e-5);
    if (rel > worst) worst = rel;
  }
  return { worst, checked: len };
}

export interface GradSetup {
  T: number; // steps
  B: number; // batch
  F: number; // model inputs
  K: number; // classes (ce) or regression targets (mse)
  loss: LossKind;
  output: StepOutputMode;
  dropout?: number;
  /** Start from random carried states (cells' h and c, Jordan layers' y), as truncated BPTT does. */
  carry?: boolean;
}

/**
 * A training network for a model on seeded random inputs and targets: its analytic gradient
 * (one forward and backward pass), and the mean loss as a function of the current parameters.
 */
export function lossAndGradient(m: FloatModel, s: GradSetup): { net: Net; analytic: Float64Array; loss: () => number } {
  const { T, B, F, K } = s;
  const net = new Net(m, { maxSteps: T, maxBatch: B, dropout: s.dropout ?? 0 });
  const rng = new Rng(3);
  for (let i = 0; i < T * B * F; i++) net.x0[i] = rng.normal();
  const cls = Int32Array.from({ length: T * B }, () => rng.int(K));
  const reg = Float64Array.from({ length: T * B * K }, () => rng.normal());
  const lastOnly = s.output === 'last';
  if (s.carry) {
    for (const n of net.nodes) {
      if (n.kind === 'jordan') for (let i = 0; i < n.jordan.y0.length; i++) n.jordan.y0[i] = rng.normal() * 0.5;
      if (n.kind === 'cell') {
        for (const cell of n.cells) {
          for (let i = 0; i < cell.h0.length; i++) cell.h0[i] = rng.normal() * 0.5;
          for (let i = 0; i < cell.c0.length; i++) cell.c0[i] = rng.normal() * 0.5;
        }
      }
    }
  }
  const terms = (lastOnly ? B : B * T) * (s.loss === 'mse' ? K : 1);
  const lossAt = (grad: boolean): number => {
    net.forward(T, B, s.dropout ? new Rng(11) : null, !!s.carry);
    const stats = { correct: 0, count: 0, absErr: 0, sqErr: 0 };
    return net.loss(s.loss, T, B, lastOnly, cls, reg, terms, grad, stats) / terms;
  };
  net.G.fill(0);
  lossAt(true);
  net.backward(T, B, s.loss === 'ce');
  return { net, analytic: net.G.slice(), loss: () => lossAt(false) };
}
