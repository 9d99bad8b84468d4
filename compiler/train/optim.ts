// Optimisers on the flat parameter vector: Adam (default) and SGD with momentum, global-norm
// gradient clipping, and learning-rate schedules. State lives in Float64Arrays so a checkpoint
// captures it exactly.

export type OptimizerKind = 'adam' | 'sgd';
export type ScheduleKind = 'constant' | 'cosine' | 'step';

export interface OptimizerConfig {
  kind: OptimizerKind;
  lr: number;
  /** SGD momentum. */
  momentum: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** Clip the gradient to this global L2 norm (0: off). */
  clip: number;
  schedule: ScheduleKind;
  /** step schedule: multiply the rate by gamma every stepEvery epochs. */
  stepEvery: number;
  gamma: number;
  /** cosine schedule: the rate at the last epoch as a fraction of lr. */
  minFactor: number;
}

export const DEFAULT_OPTIMIZER: OptimizerConfig = {
  kind: 'adam',
  lr: 0.01,
  momentum: 0.9,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  clip: 5,
  schedule: 'constant',
  stepEvery: 10,
  gamma: 0.5,
  minFactor: 0.05,
};

/** Learning rate for a (0-based) epoch out of `epochs`. */
export function learningRate(c: OptimizerConfig, epoch: number, epochs: number): number {
  switch (c.schedule) {
    case 'constant':
      return c.lr;
    case 'step':
      return c.lr * Math.pow(c.gamma, Math.floor(epoch / Math.max(1, c.stepEvery)));
    case 'cosine': {
      const p = epochs > 1 ? epoch / (epochs - 1) : 0;
      return c.lr * (c.minFactor + (1 - c.minFactor) * 0.5 * (1 + Math.cos(Math.PI * p)));
    }
  }
}

export class Optimizer {
  readonly m: Float64Array; // (P) first moment / momentum
  readonly v: Float64Array; // (P) second moment (Adam)
  step = 0;
  constructor(
    readonly c: OptimizerConfig,
    n: number,
  ) {
    this.m = new Float64Array(n);
    this.v = new Float64Array(c.kind === 'adam' ? n : 0);
  }

  /** Scales g to the clip norm when it is larger; returns the norm before clipping. */
  static clipGlobalNorm(g: Float64Array, maxNorm: number): number {
    let s = 0;
    for (let i = 0; i < g.length; i++) s += g[i] * g[i];
    const norm = Math.sqrt(s);
    if (maxNorm > 0 && norm > maxNorm) {
      const k = maxNorm / norm;
      for (let i = 0; i < g.length; i++) g[i] *= k;
    }
    return norm;
  }

  /** One update of p from gradient g at learning rate lr. */
  update(p: Float64Array, g: Float64Array, lr: number): void {
    this.step++;
    const { m, v } = this;
    if (this.c.kind === 'adam') {
      const { beta1, beta2, eps } = this.c;
      const bc1 = 1 - Math.pow(beta1, this.step);
      const bc2 = 1 - Math.pow(beta2, this.step);
      const a = lr / bc1;
      for (let i = 0; i < p.length; i++) {
        const gi = g[i];
        const mi = (m[i] = beta1 * m[i] + (1 - beta1) * gi);
        const vi = (v[i] = beta2 * v[i] + (1 - beta2) * gi * gi);
        p[i] -= (a * mi) / (Math.sqrt(vi / bc2) + eps);
      }
    } else {
      const mu = this.c.momentum;
      for (let i = 0; i < p.length; i++) {
        const mi = (m[i] = mu * m[i] + g[i]);
        p[i] -= lr * mi;
      }
    }
  }
}
