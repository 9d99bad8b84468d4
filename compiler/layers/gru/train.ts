// Training of a GRU cell (gates r, z, n; reset after or before the candidate's recurrent product):
// its step loops forward and backward through time on the shared cell workspace
// (compiler/layers/cell/train.ts).

import { GruLayer, gateCount } from '../../core/ir/model';
import { sigmoid } from '../../float/activation';
import { CellKernel, CellTrainHooks, TrainCell, cellTrainHooks, initCell } from '../cell/train';

function gruAfterForward(c: TrainCell, P: Float64Array, T: number, B: number, out: Float64Array, O: number, col: number): void {
  const { H, GH, xp, hs, act, aux, rec } = c;
  const H2 = 2 * H;
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
        const r = sigmoid(xp[pb + j] + rec[rb + j]);
        const z = sigmoid(xp[pb + H + j] + rec[rb + H + j]);
        const hnv = rec[rb + H2 + j];
        const n = Math.tanh(xp[pb + H2 + j] + r * hnv);
        const h = (1 - z) * n + z * hs[hp + j];
        act[ab + j] = r;
        act[ab + H + j] = z;
        act[ab + H2 + j] = n;
        aux[hp + j] = hnv;
        hs[hn + j] = h;
        out[ob + j] = h;
      }
    }
  }
}

function gruBeforeForward(c: TrainCell, P: Float64Array, T: number, B: number, out: Float64Array, O: number, col: number): void {
  const { H, GH, xp, hs, act, aux, rec } = c;
  const H2 = 2 * H;
  for (let s = 0; s < T; s++) {
    const t = c.reverse ? T - 1 - s : s;
    c.recurrent(P, hs, s * B * H, B, 0, H2);
    for (let b = 0; b < B; b++) {
      const hp = (s * B + b) * H;
      const pb = (t * B + b) * GH;
      const ab = (s * B + b) * GH;
      const rb = b * GH;
      for (let j = 0; j < H; j++) {
        const r = sigmoid(xp[pb + j] + rec[rb + j]);
        act[ab + j] = r;
        aux[hp + j] = r * hs[hp + j];
      }
    }
    // candidate rows on r*h
    c.recurrent(P, aux, s * B * H, B, H2, H);
    for (let b = 0; b < B; b++) {
      const hp = (s * B + b) * H;
      const hn = hp + B * H;
      const pb = (t * B + b) * GH;
      const ab = (s * B + b) * GH;
      const rb = b * GH;
      const ob = (t * B + b) * O + col;
      for (let j = 0; j < H; j++) {
        const z = sigmoid(xp[pb + H + j] + rec[rb + H + j]);
        const n = Math.tanh(xp[pb + H2 + j] + rec[rb + H2 + j]);
        const h = (1 - z) * n + z * hs[hp + j];
        act[ab + H + j] = z;
        act[ab + H2 + j] = n;
        hs[hn + j] = h;
        out[ob + j] = h;
      }
    }
  }
}

function gruBackward(c: TrainCell, after: boolean, T: number, B: number, dOut: Float64Array, O: number, col: number): void {
  const { H, GH, hs, act, aux, dP, dPh, dh, tmp } = c;
  const H2 = 2 * H;
  for (let s = T - 1; s >= 0; s--) {
    const t = c.reverse ? T - 1 - s : s;
    for (let b = 0; b < B; b++) {
      const hb = b * H;
      const hp = (s * B + b) * H; // h_{s-1}
      const ab = (s * B + b) * GH;
      const ob = (t * B + b) * O + col;
      for (let j = 0; j < H; j++) {
        const dhj = dh[hb + j] + dOut[ob + j];
        const z = act[ab + H + j];
        const n = act[ab + H2 + j];
        const dAn = dhj * (1 - z) * (1 - n * n);
        const dAz = dhj * (hs[hp + j] - n) * z * (1 - z);
        dP[ab + H + j] = dAz;
        dPh[ab + H + j] = dAz;
        dP[ab + H2 + j] = dAn;
        tmp[hb + j] = dhj * z; // direct path to h_{s-1}
        if (after) {
          const r = act[ab + j];
          const dAr = dAn * aux[hp + j] * r * (1 - r);
          dP[ab + j] = dAr;
          dPh[ab + j] = dAr;
          dPh[ab + H2 + j] = dAn * r;
        }
      }
    }
    if (after) {
      for (let k = 0; k < B * H; k++) dh[k] = tmp[k];
      c.backRecurrent(dPh, s, B, 0, GH, dh, true);
    } else {
      // d(r*h) = dAn times the candidate rows of wh, then through r and h_{s-1}
      c.backRecurrent(dP, s, B, H2, H, dh, false);
      for (let b = 0; b < B; b++) {
        const hb = b * H;
        const hp = (s * B + b) * H;
        const ab = (s * B + b) * GH;
        for (let j = 0; j < H; j++) {
          const r = act[ab + j];
          const drh = dh[hb + j];
          const dAr = drh * hs[hp + j] * r * (1 - r);
          dP[ab + j] = dAr;
          dPh[ab + j] = dAr;
          dPh[ab + H2 + j] = dP[ab + H2 + j];
          dh[hb + j] = tmp[hb + j] + drh * r;
        }
      }
      c.backRecurrent(dP, s, B, 0, H2, dh, true);
    }
  }
}

/** The step loops of GRU layer l; reset-before runs the candidate rows of wh on r*h, apart. */
function gruKernel(l: GruLayer): CellKernel {
  const after = l.resetAfter;
  return {
    gates: gateCount('gru'),
    cellState: false,
    aux: true,
    recurrentGrad: true,
    split: !after,
    forward: after ? gruAfterForward : gruBeforeForward,
    backward: (c, T, B, dOut, O, col) => gruBackward(c, after, T, B, dOut, O, col),
  };
}

export const gruCellTrain: CellTrainHooks<GruLayer> = { kernel: gruKernel, init: initCell };

export const gruTrain = cellTrainHooks(gruCellTrain);
