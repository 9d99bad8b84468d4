// The GRU cell in C: tinyrnn_gru; reset-after needs the n32 scratch (the n rows), reset-before rh (r*h16).
import { CellC, cellLayerC } from '../cell/c';

export const gruCell: CellC<'gru'> = {
  preRows: 6,
  h16: () => true,
  extra: (q) => (q.resetAfter ? 1 : 0),
  leak: () => 32768,
  reservoir: () => undefined,
  needs: (q, H) => (q.resetAfter ? { n32: 2 * H } : { rh: H }),
  state: () => [],
  call: (a, ctx) =>
    `${a.xin} tinyrnn_gru(&${a.d}, ${ctx.sig}, ${ctx.tnh}, sc->vx, ${a.h}, ${a.h16}, sc->pre, ${ctx.hasN32 ? 'sc->n32' : 'NULL'}, ${ctx.hasRh ? 'sc->rh' : 'NULL'}, sc->vh, ${a.tag}, ${a.t});`,
};

export const gru = cellLayerC(gruCell);
