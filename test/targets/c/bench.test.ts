// bench/c runs (the figures are printed by `node dist/bench/c/run.js`; no test asserts on speed):
// the instruction count of a step is the same for every steady-state step and covers the MACs.
import { benchOne, formatBench } from '../../../bench/c/run';
import { armTest } from './gate';

armTest('bench/c: instruction counts per step from the exec trace are deterministic and plausible', async () => {
  const a = await benchOne('lstm', 3, 16);
  const b = await benchOne('lstm', 3, 16);
  expect(a.steps.length).toBe(4);
  expect(a.steps).toEqual(b.steps);
  expect(a.perStep).toBeGreaterThan(a.macs); // at least one instruction per multiply-add
  expect(a.cmsis).toBe(12973);
  expect(a.stepText).toBeGreaterThan(0);
  const text = formatBench([a]);
  expect(text).toContain('lstm   3/16');
  expect(text).toMatch(/LSTM instructions per step vs CMSIS-NN: at most \d+\.\d\dx \(target <= 0\.60x\): (MET|NOT MET)/);
});
