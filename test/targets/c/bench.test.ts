// bench/c runs (the figures are printed by `node dist/bench/c/run.js`; no test asserts on speed):
// the instruction count of a step is the same for every steady-state step and covers the MACs.
import { benchOne, formatBench } from '../../../bench/c/run';
import { benchAvrOne, formatAvrBench } from '../../../bench/c/avr';
import { armTest, avrTest } from './gate';

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

avrTest('bench/c: cycles per step on the ATmega328P are deterministic and plausible, and a model too large is reported', async () => {
  const a = await benchAvrOne('gru', 3, 8);
  const b = await benchAvrOne('gru', 3, 8);
  expect(a.steps!.length).toBe(4);
  expect(a.steps).toEqual(b.steps);
  expect(a.perStep!).toBeGreaterThan(4 * a.macs); // an 8-bit core: several cycles per multiply-add
  expect(a.ram).toBeLessThan(2048);
  const big = await benchAvrOne('lstm', 40, 80); // 4 x 80 x 120 int8 weights: more than the 32 KB of flash
  expect(big.perStep).toBeNull();
  const text = formatAvrBench([a, big]);
  expect(text).toMatch(/gru {4}3\/8 +264 +\d+ +\d+\.\d +\d+\.\d\d/);
  expect(text).toContain('does not fit');
});
