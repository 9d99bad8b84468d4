// The Elman cell in C: tinyrnn_elman; relu keeps no h16 (h8 is the recurrent state) and needs the
// n32 scratch; an echo state network reservoir is regenerated from its seed.
import { CellC, cellLayerC } from '../cell/c';

export const elmanCell: CellC<'elman'> = {
  preRows: 1,
  h16: (q) => q.activation !== 'relu',
  extra: (q) => (q.activation === 'relu' ? 1 : 0),
  leak: (q) => q.leakQ15 ?? 32768,
  reservoir: (q) => q.reservoir,
  needs: (q, H) => (q.activation === 'relu' ? { n32: 2 * H } : {}),
  state: () => [],
  call: (a, ctx) =>
    `${a.xin} tinyrnn_elman(&${a.d}, ${ctx.tnh}, sc->vx, ${a.h}, ${a.h16}, sc->pre, ${ctx.hasN32 ? 'sc->n32' : 'NULL'}, sc->vh, ${a.tag}, ${a.t});`,
};

export const elman = cellLayerC(elmanCell);
