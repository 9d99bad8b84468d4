// Training hooks of a liquid (compiler/layers/lsm/ir.ts): no trainable parameters; its node runs
// the integer kernel forward (float.ts, so evaluation through the training network equals float
// inference) and passes no gradient back: spikes have no derivative, and the liquid's input is
// the model input. A liquid's readout is fitted in closed form (compiler/layers/lsm/fit.ts).
// Legend: T steps in the window, B batch, I layer input, N neurons.
import { NodeContext, TrainKindHooks, TrainNode } from '../../train/hooks';
import { LsmLayer } from './ir';
import { floatLiquidInput, liquidReal } from './float';
import { QLsmState, liquidStep, newLiquidState } from './reference';

export class LsmNode implements TrainNode {
  readonly kind = 'lsm' as const;
  readonly I: number;
  readonly O: number;
  readonly out: Float64Array; // (T, B, N)
  readonly dOut: Float64Array; // (T, B, N)
  states: QLsmState[];
  carry: QLsmState[];

  constructor(
    readonly l: LsmLayer,
    ctx: NodeContext,
  ) {
    this.I = l.inputSize;
    this.O = l.units;
    this.out = new Float64Array(ctx.maxSteps * ctx.maxBatch * this.O);
    this.dOut = new Float64Array(ctx.maxSteps * ctx.maxBatch * this.O);
    this.states = [];
    this.carry = [];
  }

  forward(_P: Float64Array, X: Float64Array, T: number, B: number, carry: boolean): void {
    const { I, O } = this;
    this.states = Array.from({ length: B }, (_, b) => (carry && this.carry[b] ? copy(this.carry[b]) : newLiquidState(this.l)));
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const row = t * B + b;
        const y = liquidStep(this.l, floatLiquidInput(X.subarray(row * I, (row + 1) * I), I), this.states[b]);
        this.out.set(liquidReal(y), row * O);
      }
    }
  }

  backward(): void {
    // no parameters, and no gradient through spikes
  }

  saveCarry(): void {
    this.carry = this.states.map(copy);
  }

  clearCarry(): void {
    this.carry = [];
  }
}

function copy(s: QLsmState): QLsmState {
  return { v: s.v.slice(), tr: s.tr.slice(), refr: s.refr.slice(), spikes: s.spikes.slice() };
}

export const lsmTrain = {
  recurrent: true,
  params: () => [],
  node: (l, ctx) => new LsmNode(l, ctx),
  init: () => undefined,
  workspaceWidth: (l) => l.units,
} satisfies TrainKindHooks<LsmLayer, LsmNode>;
