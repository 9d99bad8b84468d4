// The simulator streams sample by sample, so a model that outputs its final states (output mode
// 'final') is refused with SIM005, whose message names that case (the simulator's own tests, in
// test/runtime/sim/, cover the bidirectional and reverse refusals).
import * as path from 'node:path';
import { TinyrnnError } from '../../compiler/core/ir/errors';
import { simulate } from '../../runtime/sim/simulate';

test.each(['final_lstm_ch', 'final_bidir_lstm_hc'])('%s: SIM005, it answers once after the whole sequence', async (name) => {
  const modelFile = path.resolve(__dirname, '..', 'vectors', name, 'model.q.tnn');
  expect.assertions(3);
  try {
    await simulate({ modelFile, board: 'NRF52840', engine: 'reference', data: 'builtin:gestures?n=1' });
  } catch (e) {
    const err = e as TinyrnnError;
    expect(err.code).toBe('SIM005');
    expect(err.message).toMatch(/outputs its final states \(output mode 'final'\) cannot stream sample by sample/);
    expect(err.diagnostics[0].hint).toMatch(/final-state models run on whole sequences/);
  }
});
