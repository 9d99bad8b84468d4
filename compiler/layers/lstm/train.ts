// Training of an LSTM cell (gates i, f, g, o; no peepholes, no clip): its step loops forward and
// backward through time on the shared cell workspace (compiler/layers/cell/train.ts), and its
// initialisation (the cells' scheme with forget-gate bias 1: remember by default early in training).

import { LstmLayer, gateCount } from '../../core/ir/model';
import { Rng } from '../../core/util/rng';
import { unsupported } from '../../train/hooks';
import { sigmoid } from '../../float/activation';
import { CellKernel, CellTrainHooks, TrainCell, cellTrainHooks, initCell } from '../cell/train';

function lstmForward(c: TrainCell, P: Float64Array, T: number, B: number, out: Float64Array, O: number, col: number): void {
  const { H, GH, xp, hs, cs, act, aux, rec } = c;
  const H2 = 2 * H;
  const H3 = 3 * H;
  for (let s = 0; s < T; s++) {
    const t = c.reverse ? T - 1 - s : s;
    c.recurrent(P, hs, s * B * H, B, 0, GH);
    for (let b = 0; b < B; b++) {
      const hp = (s * B + b) * H; // previous h and c
      const hn = hp + B * H; // next slot
      const pb = (t * B + b) * GH;
      const ab = (s * B + b) * GH;
      const rb = b * GH;
      const ob = (t * B + b) * O + col;
      for (let j = 0; j < H; j++) {
        const gi = sigmoid(xp[pb + j] + rec[rb + j]);
        const gf = sigmoid(xp[pb + H + j] + rec[rb + H + j]);
        const gg = Math.tanh(xp[pb + H2 + j] + rec[rb + H2 + j]);
        const go = sigmoid(xp[pb + H3 + j] + rec[rb + H3 + j]);
        const c = gf * cs[hp + j] + gi * gg;
        const tc = Math.tanh(c);
        const h = go * tc;
        act[ab + j] = gi;
        act[ab + H + j] = gf;
        act[ab + H2 + j] = gg;
        act[ab + H3 + j] = go;
        aux[hp + j] = tc;
        cs[hn + j] = c;
        hs[hn + j] = h;
        out[ob + j] = h;
      }
    }
  }
}

function lstmBackward(c: TrainCell, T: number, B: number, dOut: Float64Array, O: number, col: number): void {
  const { H, GH, cs, act, aux, dP, dh, dc } = c;
  const H2 = 2 * H;
  const H3 = 3 * H;
  for (let s = T - 1; s >= 0; s--) {
    const t = c.reverse ? T - 1 - s : s;
    for (let b = 0; b < B; b++) {
      const hb = b * H;
      const cp = (s * B + b) * H; // c_{s-1}; also tanh(c_s) in aux
      const ab = (s * B + b) * GH;
      const ob = (t * B + b) * O + col;
      for (let j = 0; j < H; j++) {
        const dhj = dh[hb + j] + dOut[ob + j];
        const gi = act[ab + j];
        const gf = act[ab + H + j];
        const gg = act[ab + H2 + j];
        const go = act[ab + H3 + j];
        const tc = aux[cp + j];
        const dcj = dc[hb + j] + dhj * go * (1 - tc * tc);
        dP[ab + j] = dcj * gg * gi * (1 - gi);
        dP[ab + H + j] = dcj * cs[cp + j] * gf * (1 - gf);
        dP[ab + H2 + j] = dcj * gi * (1 - gg * gg);
        dP[ab + H3 + j] = dhj * tc * go * (1 - go);
        dc[hb + j] = dcj * gf;
      }
    }
    c.backRecurrent(dP, s, B, 0, GH, dh, false);
  }
}

const LSTM_KERNEL: CellKernel = {
  gates: gateCount('lstm'),
  cellState: true,
  aux: true,
  recurrentGrad: false,
  split: false,
  forward: lstmForward,
  backward: lstmBackward,
};

function lstmKernel(l: LstmLayer, path: string): CellKernel {
  if (l.peepholes)
    unsupported(`${path}.peepholes`, 'training LSTM peepholes is not supported', 'remove the peepholes or train in the framework the model came from');
  return LSTM_KERNEL;
}

function initLstm(rng: Rng, l: LstmLayer): void {
  initCell(rng, l);
  l.bx.fill(1, l.hidden, 2 * l.hidden);
}

export const lstmCellTrain: CellTrainHooks<LstmLayer> = { kernel: lstmKernel, init: initLstm };

export const lstmTrain = cellTrainHooks(lstmCellTrain);
