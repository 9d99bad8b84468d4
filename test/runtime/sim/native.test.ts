// simulate with the Espruino native kernel: the js engine runs the native module in the sandbox
// (E.nativeCall emulated), exact against the reference, timed as compile estimates it (the blob's
// QEMU count plus the measured glue); the gesture LSTM keeps up with 25 Hz on Puck.js with the native
// kernel and misses every deadline with the JavaScript one; a model with final states beside its
// output gets the native kernel too; --kernel is refused for other engines.
import * as path from 'node:path';
import { TinyrnnError } from '../../../compiler/core/ir/errors';
import { simulate } from '../../../runtime/sim/simulate';
import { armTest } from '../../targets/c/gate';
import { GESTURE_STREAM, gestureModelFile } from './fixtures';

describe('simulate --kernel (Espruino)', () => {
  armTest(
    'gesture LSTM on Puck.js at 25 Hz: native keeps up, the JavaScript kernel does not; both exact',
    async () => {
      const modelFile = await gestureModelFile();
      const native = await simulate({ modelFile, board: 'PUCKJS', engine: 'js', kernel: 'native', data: GESTURE_STREAM, rateHz: 25 });
      expect(native.engineDetail).toMatch(/native module .* m4 blob/);
      expect(native.fleet.parityMismatches).toBe(0);
      expect(native.fleet.misses).toBe(0);
      expect(native.devices[0].timing!.stepMean).toBeLessThan(0.004);
      const js = await simulate({ modelFile, board: 'PUCKJS', engine: 'js', kernel: 'unrolled', data: GESTURE_STREAM, rateHz: 25 });
      expect(js.engineDetail).not.toMatch(/native/);
      expect(js.fleet.parityMismatches).toBe(0);
      expect(js.fleet.misses).toBe(js.fleet.steps);
    },
    300000,
  );

  armTest('a model with final states beside its output (seq_final_lstm_hc) runs on the native kernel by default, exact', async () => {
    const modelFile = path.resolve(__dirname, '..', '..', 'vectors', 'seq_final_lstm_hc', 'model.q.tnn');
    const r = await simulate({ modelFile, board: 'PUCKJS', engine: 'js', data: GESTURE_STREAM, rateHz: 25 });
    expect(r.engineDetail).toMatch(/native module .* m4 blob/);
    expect(r.fleet.parityMismatches).toBe(0);
    expect(r.fleet.steps).toBeGreaterThan(0);
  });

  test('--kernel applies to the js engine only (SIM003)', async () => {
    const e = await simulate({ modelFile: await gestureModelFile(), board: 'PUCKJS', engine: 'reference', kernel: 'native', data: GESTURE_STREAM }).catch(
      (x) => x,
    );
    expect(e).toBeInstanceOf(TinyrnnError);
    expect((e as TinyrnnError).diagnostics[0]).toMatchObject({ code: 'SIM003', path: '--kernel' });
  });
});
