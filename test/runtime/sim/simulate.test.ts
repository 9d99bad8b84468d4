// The simulator end to end: parity of every engine with the reference kernels on the built-in
// data sets, the simulator's own plumbing against an independent run of the reference, models
// that do not fit, faults, and fleets.
import * as path from 'node:path';
import { loadData } from '../../../compiler/data/load';
import { loadQuantModel } from '../../../compiler/core/ir/format';
import { TinyrnnError } from '../../../compiler/core/ir/errors';
import { createQuantState, dequantizeOutput, rawInput, resetQuantState, runQuant, stepQuant } from '../../../compiler/core/reference';
import { simulate, summarizeFleet } from '../../../runtime/sim/simulate';
import { deviceDataSpec } from '../../../runtime/sim/stream';
import { GESTURE_STREAM, gestureModelFile, randomModelFile } from './fixtures';
import { DEVICE_ENGINES, RUNNABLE, reportNotRun } from './engines';
import { FULL_SWEEP, SWEEP_SEED, sweepSample } from '../../helpers/sweep';

async function simErr(p: Promise<unknown>): Promise<TinyrnnError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TinyrnnError) return e;
    throw e;
  }
  throw new Error('expected a TinyrnnError');
}

describe('the simulator against an independent run of the reference kernels', () => {
  test('per-step outputs and window answers are the reference stepped over each recording from reset', async () => {
    const file = await gestureModelFile();
    const r = await simulate({ modelFile: file, board: 'NRF52840', engine: 'reference', data: GESTURE_STREAM, traces: true });
    const m = loadQuantModel(file);
    const d = loadData(GESTURE_STREAM);
    const F = 3;
    const st = createQuantState(m);
    const pred: number[] = [];
    let correct = 0;
    for (let n = 0; n < d.x.length; n++) {
      resetQuantState(m, st);
      const T = d.x[n].length / F;
      let last: Int32Array = new Int32Array(0);
      for (let t = 0; t < T; t++) {
        last = stepQuant(m, st, rawInput(m, d.x[n].subarray(t * F, (t + 1) * F)));
        pred.push(last.indexOf(Math.max(...last)));
      }
      if (pred[pred.length - 1] === (d.y as Int32Array)[n]) correct++;
    }
    const dev = r.devices[0];
    expect(Array.from(dev.traces!.prediction)).toEqual(pred);
    expect(dev.accuracy).toEqual({ correct, total: d.x.length, rate: correct / d.x.length });
    expect(dev.windows).toBe(6);
    expect(dev.steps).toBe(240);
  });
});

describe('regression streams', () => {
  test('error of the answers against the targets, checked with whole-sequence reference runs', async () => {
    const data = 'builtin:sines?n=3&length=60&seed=5';
    const file = randomModelFile('gru', 6, { data });
    const r = await simulate({ modelFile: file, board: 'NRF52840', engine: 'reference', data, rateHz: 25 });
    const m = loadQuantModel(file);
    const d = loadData(data);
    let n = 0;
    let abs = 0;
    let sq = 0;
    for (let i = 0; i < d.x.length; i++) {
      const raw = Array.from({ length: d.x[i].length }, (_, t) => rawInput(m, [d.x[i][t]]));
      const run = runQuant(m, raw);
      run.steps.forEach((y, t) => {
        const e = dequantizeOutput(m, y)[0] - d.targets![i][t];
        n++;
        abs += Math.abs(e);
        sq += e * e;
      });
    }
    const err = r.fleet.error!;
    expect(err.n).toBe(n);
    expect(err.mae).toBeCloseTo(abs / n, 12);
    expect(err.rmse).toBeCloseTo(Math.sqrt(sq / n), 12);
    expect(r.fleet.accuracy.rate).toBeNull();
  });
});

describe.each(RUNNABLE)('built-in data sets on the $engine engine: identical to the reference', ({ engine, board }) => {
  test.each([
    ['gestures (LSTM, one answer per recording)', 'lstm', 8, 'builtin:gestures?n=6&length=40&seed=77'],
    ['sines (GRU, regression every step)', 'gru', 6, 'builtin:sines?n=2&length=120&seed=5'],
    ['anomaly (Elman, one answer per window)', 'elman', 8, 'builtin:anomaly?n=4&length=48&seed=9'],
  ] as const)('%s', async (_title, cell, hidden, data) => {
    const file = cell === 'lstm' ? await gestureModelFile() : randomModelFile(cell, hidden, { data });
    const r = await simulate({ modelFile: file, board, engine, data, rateHz: 25 });
    const d = r.devices[0];
    expect(d.parity.compared).toBe(d.steps * (cell === 'gru' ? 1 : cell === 'elman' ? 2 : 6));
    expect(d.parity).toEqual({ compared: d.parity.compared, mismatches: 0 });
    expect(r.fleet.parityMismatches).toBe(0);
  });
});

describe('models and rates that do not suit the board', () => {
  test('a model too big for the board fails with the numbers', async () => {
    const file = randomModelFile('lstm', 260);
    const e = await simErr(simulate({ modelFile: file, board: 'MICROBIT_V1', engine: 'reference', data: 'builtin:gestures?n=1&length=8' }));
    expect(e.code).toBe('SIM001');
    const d = e.diagnostics.find((x) => x.path === 'flash')!;
    expect(d.message).toMatch(/needs \d+ B \([\d.]+ KB\) of flash, BBC micro:bit v1 \(nRF51822, C\) has 262144 B \(256\.0 KB\) \(\d+ B over\)/);
    const need = Number(/needs (\d+) B/.exec(d.message)![1]);
    expect(need).toBeGreaterThan(4 * 260 * (3 + 260));
    expect(d.expected).toBe('at most 262144 B');
  });

  if (DEVICE_ENGINES.some((e) => e.engine === 'c')) {
    test('c: the emitted C of a model too big for the board fails with the C report numbers', async () => {
      const file = randomModelFile('lstm', 260);
      const e = await simErr(simulate({ modelFile: file, board: 'MICROBIT_V1', engine: 'c', data: 'builtin:gestures?n=1&length=8' }));
      expect(e.code).toBe('SIM001');
      const d = e.diagnostics.find((x) => x.path === 'flash')!;
      expect(d.message).toMatch(/gestures|random-lstm260/);
      expect(Number(/needs (\d+) B/.exec(d.message)![1])).toBeGreaterThan(4 * 260 * (3 + 260));
      expect(d.hint).toMatch(/C target memory report/);
    }, 120000);
  }

  if (DEVICE_ENGINES.some((e) => e.engine === 'js')) {
    test('js: a module that runs out of JsVars on the board fails with the block numbers', async () => {
      const file = randomModelFile('lstm', 96);
      const e = await simErr(simulate({ modelFile: file, board: 'BANGLEJS', engine: 'js', data: 'builtin:gestures?n=1&length=8' }));
      expect(e.code).toBe('SIM001');
      const d = e.diagnostics.find((x) => x.path === 'ram')!;
      expect(d.message).toMatch(/of RAM, Bangle\.js has 33592 B/);
      expect(d.hint).toMatch(/JsVar blocks of 13 B/);
      // the same model fits a Bangle.js 2 (12000 variables)
      const ok = await simulate({ modelFile: file, board: 'BANGLEJS2', engine: 'js', data: 'builtin:gestures?n=1&length=8', rateHz: 0.1 });
      expect(ok.memory.ramBytes).toBeGreaterThan(33592);
      expect(ok.fleet.parityMismatches).toBe(0);
    }, 120000);
  }

  for (const { engine, board } of DEVICE_ENGINES) {
    test(`a rate too high for the board shows deadline misses (${engine})`, async () => {
      const file = await gestureModelFile();
      const data = 'builtin:gestures?n=2&length=30&seed=3';
      const probe = await simulate({ modelFile: file, board, engine, data, rateHz: 1 });
      const t = probe.devices[0].timing!;
      expect(t.stepMax).toBeGreaterThan(0);
      expect(t.stepMax).toBeLessThan(1);
      expect(t.misses).toBe(0);
      // with twice the time a step needs: no misses
      const ok = await simulate({ modelFile: file, board, engine, data, rateHz: 0.5 / t.stepMax });
      expect(ok.fleet.misses).toBe(0);
      expect(ok.devices[0].timing!.utilization).toBeGreaterThan(0.3);
      expect(ok.devices[0].timing!.utilization).toBeLessThanOrEqual(0.5 + 1e-12);
      // energy per inference: the board's current x its supply voltage x the step time
      const e = ok.devices[0].energy!;
      const b = ok.board;
      expect(b.activeCurrentmA).toBeGreaterThan(0);
      expect(e.perInferenceUj).toBeCloseTo((b.activeCurrentmA! / 1000) * 3.0 * ok.devices[0].timing!.stepMean * 1e6, 9);
      // ten times faster than the board can step: every step misses
      const fast = 10 / t.stepMax;
      const bad = await simulate({ modelFile: file, board, engine, data, rateHz: fast });
      expect(bad.fleet.misses).toBe(bad.fleet.steps);
      expect(bad.devices[0].timing!.maxBacklog).toBeGreaterThan(10);
      expect(bad.fleet.parityMismatches).toBe(0);
    });
  }
});

describe('faults', () => {
  const FAULTS = ['dropout:0.05', 'nan:0.03', 'inf:0.01', 'range:0.02', 'jitter:2ms', 'reset:@100'];
  test.each(RUNNABLE)('$engine: survived, reported, and the device saw what the sensor driver delivered', async ({ engine, board }) => {
    const file = await gestureModelFile();
    // the host C runs with the sanitizers: faulty samples must not trigger undefined behaviour
    const r = await simulate({ modelFile: file, board, engine, data: GESTURE_STREAM, faults: FAULTS, seed: 4, traces: true, sanitize: engine === 'c' });
    if (engine === 'c') expect(r.engineDetail).toMatch(/sanitizers/);
    const d = r.devices[0];
    const f = d.faults!;
    expect(f.survived).toBe(true);
    expect(d.parity.mismatches).toBe(0);
    for (const k of ['dropout', 'nan', 'range', 'jitter', 'reset'] as const) expect(f.counts[k]).toBeGreaterThan(0);
    expect(f.counts.reset).toBe(1);
    expect(f.events.filter((e) => e.kind === 'reset').map((e) => e.step)).toEqual([100]);
    expect(f.specs).toEqual(FAULTS);
    expect(f.recovery.map((x) => x.reset)).toEqual([100]);
    // Replay what the device should have seen: the delivered samples through the sensor rule and
    // the reference, resetting at recording starts and at step 100.
    const m = loadQuantModel(file);
    const st = createQuantState(m);
    const input = d.traces!.input;
    const preds: number[] = [];
    for (let t = 0; t < d.steps; t++) {
      if (t % 40 === 0 || t === 100) resetQuantState(m, st);
      const x = Array.from(input.subarray(t * 3, t * 3 + 3));
      const raw = rawInput(m, x).map((v, i) => (Number.isNaN(v) ? m.input.offset[i] : Math.max(-(2 ** 30), Math.min(2 ** 30, v))));
      const y = stepQuant(m, st, raw);
      preds.push(y.indexOf(Math.max(...y)));
    }
    expect(Array.from(d.traces!.prediction)).toEqual(preds);
    // the faulty samples really reached the device
    const nan = f.events.find((e) => e.kind === 'nan')!;
    expect(Number.isNaN(input[nan.step * 3 + (nan.feature as number)])).toBe(true);
  });
});

describe('resets', () => {
  test('recovery is measured against the same samples without the reset', async () => {
    const file = await gestureModelFile();
    // 6 recordings of 40 steps: the regular resets are at 40, 80, 120, ...
    const r = await simulate({ modelFile: file, board: 'NRF52840', engine: 'reference', data: GESTURE_STREAM, faults: ['reset:@80,@100'] });
    const rec = r.devices[0].faults!.recovery;
    expect(rec.map((x) => x.reset)).toEqual([80, 100]);
    // a reset that falls on a recording start changes nothing
    expect(rec[0].steps).toBe(0);
    // one in the middle of a recording is forgotten at the next recording start (step 120) at the latest
    expect(rec[1].steps).not.toBeNull();
    expect(rec[1].steps!).toBeLessThanOrEqual(20);
    expect(r.devices[0].faults!.counts.reset).toBe(2);
  });
});

describe('fleets', () => {
  // Each device equal to its single run: the first and last devices and a rotating sample of the
  // others in npm test (a single run costs as much as the fleet's device), all 100 in the long run.
  const checked = sweepSample(
    Array.from({ length: 100 }, (_, i) => i),
    12,
    'fleet devices',
    [0, 99],
  );
  test(`100 devices on worker threads give the figures of single runs (devices ${checked.join(', ')}; sweep seed ${SWEEP_SEED})`, async () => {
    const file = await gestureModelFile();
    const data = 'builtin:gestures?n=2&length=24&seed=40';
    const faults = ['dropout:0.05', 'nan:0.02', 'reset:@30'];
    const engine = DEVICE_ENGINES[0]?.engine ?? 'reference';
    const board = DEVICE_ENGINES[0]?.board ?? 'NRF52840';
    const fleet = await simulate({ modelFile: file, board, engine, data, devices: 100, workers: 2, faults, seed: 9 });
    expect(fleet.fleet.workers).toBe(2);
    expect(fleet.devices.map((d) => d.device)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const singles = [];
    for (const i of checked) {
      const one = await simulate({ modelFile: file, board, engine, data: deviceDataSpec(data, i), faults, seed: 9 + i, workers: 0 });
      singles.push({ ...one.devices[0], device: i });
    }
    expect(checked.map((i) => fleet.devices[i])).toEqual(singles);
    // the fleet's figures are those of its devices (all of them single runs, in the long run)
    expect({ ...fleet.fleet, workers: 0 }).toEqual(summarizeFleet(FULL_SWEEP ? singles : fleet.devices, 0));
    // the devices really had different streams and fault patterns
    expect(new Set(fleet.devices.map((d) => d.source)).size).toBe(100);
    expect(new Set(fleet.devices.map((d) => JSON.stringify(d.faults!.events))).size).toBeGreaterThan(90);
    expect(fleet.fleet.steps).toBe(100 * 48);
  }, 300000);

  test('file data are dealt out round-robin; more devices than recordings is SIM011', async () => {
    const file = await gestureModelFile();
    const json = path.join(require('node:os').tmpdir(), `tinyrnn-sim-fleet-${process.pid}.json`);
    const d = loadData('builtin:gestures?n=6&length=20&seed=8');
    const F = 3;
    require('node:fs').writeFileSync(
      json,
      JSON.stringify({
        x: d.x.map((x) => Array.from({ length: x.length / F }, (_, t) => Array.from(x.subarray(t * F, t * F + F)))),
        y: Array.from(d.y!),
        labels: d.labels,
        features: d.features,
        sampleRate: 25,
      }),
    );
    const r = await simulate({ modelFile: file, board: 'NRF52840', engine: 'reference', data: json, devices: 3, workers: 0 });
    expect(r.devices.map((x) => x.windows)).toEqual([2, 2, 2]);
    expect(r.devices[1].source).toMatch(/recordings 1, 4$/);
    const e = await simErr(simulate({ modelFile: file, board: 'NRF52840', engine: 'reference', data: json, devices: 7 }));
    expect(e.code).toBe('SIM011');
    expect(e.diagnostics[0].value).toBe(7);
  });
});

describe('input checks', () => {
  test('data with the wrong features is SIM004; a streaming-incapable model is SIM005; bad engine name SIM003', async () => {
    const file = await gestureModelFile();
    const e = await simErr(simulate({ modelFile: file, board: 'NRF52840', engine: 'reference', data: 'builtin:sines?n=1' }));
    expect(e.code).toBe('SIM004');
    expect(e.message).toMatch(/1 features \(value\), the model takes 3 \(ax, ay, az\)/);
    const bidir = path.resolve(__dirname, '..', '..', 'vectors', 'bidir_lstm_h3', 'model.q.tnn');
    expect((await simErr(simulate({ modelFile: bidir, board: 'NRF52840', engine: 'reference', data: 'builtin:gestures?n=1' }))).code).toBe('SIM005');
    const reverse = path.resolve(__dirname, '..', '..', 'vectors', 'reverse_lstm_h4', 'model.q.tnn');
    expect((await simErr(simulate({ modelFile: reverse, board: 'NRF52840', engine: 'reference', data: 'builtin:gestures?n=1' }))).code).toBe('SIM005');
    expect((await simErr(simulate({ modelFile: file, board: 'NOPE', engine: 'reference', data: GESTURE_STREAM }))).code).toBe('BOARD001');
  });
});

describe('engines and boards that do not go together', () => {
  test('js needs an Espruino board; qemu needs a core QEMU emulates (SIM003 says why)', async () => {
    const file = await gestureModelFile();
    const js = await simErr(simulate({ modelFile: file, board: 'NRF52840', engine: 'js', data: GESTURE_STREAM }));
    expect(js.code).toBe('SIM003');
    expect(js.message).toMatch(/does not run Espruino/);
    const q = await simErr(simulate({ modelFile: file, board: 'ESP32_WROOM', engine: 'qemu', data: GESTURE_STREAM }));
    expect(q.code).toBe('SIM003');
    expect(q.message).toMatch(/xtensa-lx6/);
  });

  if (DEVICE_ENGINES.some((e) => e.engine === 'c')) {
    test('c on an ESP32: parity on the host, and no time estimate rather than a made-up one', async () => {
      const file = await gestureModelFile();
      const r = await simulate({ modelFile: file, board: 'ESP32_WROOM', engine: 'c', data: 'builtin:gestures?n=2&length=20' });
      expect(r.fleet.parityMismatches).toBe(0);
      expect(r.devices[0].timing).toBeNull();
      expect(r.devices[0].costSource).toBe('none');
      expect(r.devices[0].energy).toBeNull();
      expect(r.notes.join('\n')).toMatch(/QEMU does not emulate the xtensa-lx6 core/);
    }, 60000);
  }
});

reportNotRun('simulator parity and timing');
