// The Espruino stage of a reverse layer: its layer object is its cell's (the cell kind's view and
// unrolled step, so reset and the step are the cell's) with the flag rev, by which run() steps it
// from the last input to the first (reverseRun, espruino-kernel.hbs). It never streams.
import { QReverseLayer } from '../../core/ir/quant-model';
import { EspruinoHooks } from '../../../targets/espruino/hooks';
import { fieldLit } from '../../../targets/espruino/arith';
import { cellHooks } from '../bidirectional/espruino';

export const reverse: EspruinoHooks<QReverseLayer> = {
  describe: (l) => `reverse ${cellHooks(l.cell).describe(l.cell)}`,
  view(l, ctx, at) {
    const v = cellHooks(l.cell).view(l.cell, ctx, at);
    return { ...v, fields: [...v.fields, { name: 'rev', expr: fieldLit(1) }] };
  },
  unroll: (l, at) => cellHooks(l.cell).unroll(l.cell, at),
  rows: (l) => cellHooks(l.cell).rows(l.cell),
};
