// The LSTM cell in C: tinyrnn_lstm, with the cell state c in the stream state.
import { CellC, cellLayerC } from '../cell/c';

export const lstmCell: CellC<'lstm'> = {
  preRows: 5,
  h16: () => true,
  extra: (q) => q.cellFrac,
  leak: () => 32768,
  reservoir: () => undefined,
  needs: () => ({}),
  state: (field, c, index) => [{ name: `${field}_c`, type: 's16', count: c.H, comment: `(H) layer ${index} ${c.tag} cell state c` }],
  call: (a, ctx) => `${a.xin} tinyrnn_lstm(&${a.d}, ${ctx.sig}, ${ctx.tnh}, sc->vx, ${a.h}, ${a.h16}, s->${a.field}_c, sc->pre, sc->vh, ${a.tag}, ${a.t});`,
};

export const lstm = cellLayerC(lstmCell);
