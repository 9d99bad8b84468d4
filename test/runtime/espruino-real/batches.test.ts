// How the real-interpreter runs group models into interpreter processes: by the Storage they fill,
// and one model per process on the Puck.js layout with inline weights (loading several in a row
// fragments its small pool: a later module's flat weight buffers found no contiguous room).
import * as path from 'node:path';
import { loadVectorCases } from '../../../runtime/vectors/load';
import { RealConfig, batches, buildCase, modelsPerProcess } from '../../../runtime/espruino-real/golden';

const cases = loadVectorCases(path.resolve(__dirname, '..', '..', 'vectors')).filter((c) => ['lstm_h4', 'gru_after_h4', 'elman_tanh_h4'].includes(c.name));

test('one model per process on Puck.js with inline weights; otherwise as many as Storage holds', () => {
  const sizes = (cfg: RealConfig) =>
    batches(
      cases.map((c, i) => buildCase(c, cfg, i)),
      modelsPerProcess(cfg),
    ).map((b) => b.length);
  expect(cases).toHaveLength(3);
  expect(sizes({ layout: 'puckjs', weights: 'inline' })).toEqual([1, 1, 1]);
  expect(sizes({ layout: 'puckjs', weights: 'storage' })).toEqual([3]);
  expect(sizes({ layout: 'banglejs2', weights: 'inline' })).toEqual([3]);
});
