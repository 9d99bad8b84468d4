// Training of an Elman cell: its step loops forward and backward through time on the shared cell
// workspace (compiler/layers/cell/train.ts). A leaky Elman layer (an echo state network) runs
// forwards here (evaluation) but is not trained by gradient descent.

import { TinyrnnError } from '../../core/ir/errors';
import { ElmanLayer, gateCount } from '../../core/ir/model';
import { CellKernel, CellTrainHooks, TrainCell, cellTrainHooks, initCell } from '../cell/train';

function elmanForward(c: TrainCell, relu: boolean, leak: number, P: Float64Array, T: number, B: number, out: Float64Array, O: number, col: number): void {
  const { H, GH, xp, hs, act, rec } = c;
  for (let s = 0; s < T; s++) {
    const t = c.reverse ? T - 1 - s : s;
    c.recurrent(P, hs, s * B * H, B, 0, GH);
    for (let b = 0; b < B; b++) {
      const hp = (s * B + b) * H;
      const hn = hp + B * H;
      const pb = (t * B + b) * GH;
      const ab = (s * B + b) * GH;
      const rb = b * GH;
      const ob = (t * B + b) * O + col;
      for (let j = 0; j < H; j++) {
        const a = xp[pb + j] + rec[rb + j];
        const h0 = relu ? (a > 0 ? a : 0) : Math.tanh(a);
        const h = leak === 1 ? h0 : (1 - leak) * hs[hp + j] + leak * h0;
        act[ab + j] = h;
        hs[hn + j] = h;
        out[ob + j] = h;
      }
    }
  }
}

function elmanBackward(c: TrainCell, relu: boolean, T: number, B: number, dOut: Float64Array, O: number, col: number): void {
  const { H, GH, act, dP, dh } = c;
  for (let s = T - 1; s >= 0; s--) {
    const t = c.reverse ? T - 1 - s : s;
    for (let b = 0; b < B; b++) {
      const hb = b * H;
      const ab = (s * B + b) * GH;
      const ob = (t * B + b) * O + col;
      for (let j = 0; j < H; j++) {
        const dhj = dh[hb + j] + dOut[ob + j];
        const h = act[ab + j];
        dP[ab + j] = relu ? (h > 0 ? dhj : 0) : dhj * (1 - h * h);
      }
    }
    c.backRecurrent(dP, s, B, 0, GH, dh, false);
  }
}

/** The step loops of Elman layer l: h = act(pre), or (1 - leak) h_prev + leak tanh(pre). */
export function elmanKernel(l: ElmanLayer): CellKernel {
  const relu = l.activation === 'relu';
  const leak = l.leak ?? 1;
  return {
    gates: gateCount('elman'),
    cellState: false,
    aux: false,
    recurrentGrad: false,
    split: false,
    forward: (c, P, T, B, out, O, col) => elmanForward(c, relu, leak, P, T, B, out, O, col),
    backward: (c, T, B, dOut, O, col) => {
      if (leak !== 1) {
        throw new TinyrnnError({
          code: 'TRN001',
          path: 'leak',
          message: 'training a leaky Elman layer by gradient descent is not supported',
          hint: 'leaky reservoirs are fitted in closed form by tinyrnn train --cell esn',
        });
      }
      elmanBackward(c, relu, T, B, dOut, O, col);
    },
  };
}

export const elmanCellTrain: CellTrainHooks<ElmanLayer> = { kernel: elmanKernel, init: initCell };

export const elmanTrain = cellTrainHooks(elmanCellTrain);
