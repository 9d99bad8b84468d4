// The device runtime (targets/espruino/device/runtime.ts) as it runs on the board: the committed device
// build is current and passes the dialect check; windowing, smoothing, debouncing and events
// behave as documented in the Espruino sandbox; a Stream over a generated model gives the
// reference's outputs; the example apps run on simulated Puck.js and Bangle.js hardware.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EspruinoSandbox } from '../../../../targets/espruino/sandbox';
import { RUNTIME_DEVICE_FILE, buildRuntime, deviceRuntime } from '../../../../targets/espruino/runtime-build';
import { dialectProblems } from '../../../../targets/espruino/dialect';
import { buildEspruino } from '../../../../targets/espruino/target';
import { createQuantState, rawSequence, stepQuant } from '../../../../compiler/core/reference';
import { accelSequences, gestureQuantModel } from '../../../../bench/espruino/models';
import * as rtTs from '../../../../targets/espruino/device/runtime';

/* eslint-disable @typescript-eslint/no-explicit-any */
function runtimeIn(sb: EspruinoSandbox): any {
  sb.storage.set('tinyrnn_rt', Buffer.from(deviceRuntime(), 'latin1'));
  return sb.require('tinyrnn_rt');
}

describe('device runtime build', () => {
  test('the committed device runtime is the build of runtime.ts and passes the dialect check', () => {
    const fresh = buildRuntime();
    const committed = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', '..', RUNTIME_DEVICE_FILE), 'utf8');
    expect(committed).toBe(fresh);
    expect(dialectProblems(committed, { integerLiterals: true })).toEqual([]);
    expect(committed).toMatch(/exports\.createStream = createStream;\n$/);
  });
});

describe('device runtime in the Espruino sandbox', () => {
  test('SampleWindow: ring buffer, oldest first, no copies', () => {
    const rt = runtimeIn(new EspruinoSandbox());
    const w = new rt.SampleWindow(3, 2);
    expect(w.full()).toBe(false);
    for (let i = 0; i < 5; i++) w.push([i, -i]);
    expect(w.full()).toBe(true);
    expect(w.rows().map((r: Int32Array) => Array.from(r))).toEqual([
      [2, -2],
      [3, -3],
      [4, -4],
    ]);
    w.clear();
    expect(w.length()).toBe(0);
    expect(() => new rt.SampleWindow(0, 2)).toThrow(/window size/);
  });

  test('Smoother: integer exponential smoothing, same on host and device', () => {
    const rt = runtimeIn(new EspruinoSandbox());
    const dev = new rt.Smoother(2, 1, 4);
    const host = new rtTs.Smoother(2, 1, 4);
    const xs = [
      [100, -50],
      [0, 0],
      [-7, 33],
      [1000, 1],
    ];
    for (const x of xs) expect(Array.from(dev.update(x))).toEqual(Array.from(host.update(x)));
    const again = new rt.Smoother(2, 1, 4);
    expect(xs.map((x) => Array.from(again.update(x)))).toEqual([
      [100, -50],
      [75, -38],
      [54, -21],
      [290, -16],
    ]);
    expect(() => new rt.Smoother(2, 5, 4)).toThrow(/smoothing/);
  });

  test('Debouncer: a class must win `confirm` times; hold-off after a change', () => {
    const rt = runtimeIn(new EspruinoSandbox());
    const d = new rt.Debouncer(2, 2);
    const seq = [1, 2, 2, 1, 1, 1, 3, 3, 3];
    const changes = seq.map((k) => d.update(k));
    expect(changes).toEqual([false, false, true, false, false, true, false, false, true]);
    expect(d.current).toBe(3);
  });

  test('Emitter: on, emit, off', () => {
    const rt = runtimeIn(new EspruinoSandbox());
    const e = new rt.Emitter();
    const got: unknown[] = [];
    const f = (x: unknown): void => void got.push(x);
    e.on('a', f).emit('a', 1);
    e.off('a', f).emit('a', 2);
    expect(got).toEqual([1]);
  });

  test('Stream over a generated model: outputs equal the reference, changes are debounced', () => {
    const m = gestureQuantModel('gru', 8);
    const b = buildEspruino(m, { board: 'BANGLEJS2', weights: 'storage', name: 'gru8' });
    const sb = new EspruinoSandbox({ board: 'BANGLEJS2' });
    for (const f of b.files) sb.storage.set(f.name, f.bytes.slice());
    const rt = sb.require('tinyrnn_rt') as any;
    const model = sb.require('gru8') as any;
    const stream = rt.createStream(model, { mode: 'stream', confirm: 2 });
    const outs: number[][] = [];
    const preds: { index: number; label: string }[] = [];
    const changes: { index: number }[] = [];
    stream.on('output', (o: ArrayLike<number>) => outs.push(Array.from(o)));
    stream.on('prediction', (p: any) => preds.push(p));
    stream.on('change', (p: any) => changes.push(p));
    const raw = rawSequence(m, accelSequences(1, 30, 4)[0].flat());
    for (const r of raw) stream.pushRaw(r);
    const st = createQuantState(m);
    expect(outs).toEqual(raw.map((r) => Array.from(stepQuant(m, st, r))));
    expect(preds.length).toBe(30);
    expect(preds.every((p) => p.label === m.meta.labels![p.index])).toBe(true);
    // Every change was preceded by two wins of its class.
    for (const c of changes) {
      const i = preds.findIndex((p) => p === (c as unknown));
      expect(i).toBeGreaterThanOrEqual(1);
      expect(preds[i - 1].index).toBe(c.index);
    }
    // Window mode: predict over the last W samples every hop.
    const w = rt.createStream(model, { mode: 'window', window: 10, hop: 5 });
    const wouts: number[][] = [];
    w.on('output', (o: ArrayLike<number>) => wouts.push(Array.from(o)));
    for (const r of raw) w.pushRaw(r);
    expect(wouts.length).toBe(5); // samples 10, 15, 20, 25, 30
    const st2 = createQuantState(m);
    let last: number[] = [];
    for (const r of raw.slice(20, 30)) last = Array.from(stepQuant(m, st2, r));
    expect(wouts[4]).toEqual(last);
  });

  test('the Puck.js and Bangle.js example apps run on simulated hardware and report predictions', () => {
    const m = gestureQuantModel('lstm', 8);
    for (const board of ['PUCKJS', 'BANGLEJS2']) {
      const b = buildEspruino(m, { board, name: 'gest' });
      const sb = new EspruinoSandbox({ board });
      for (const f of b.files) sb.storage.set(f.name, f.bytes.slice());
      sb.run(sb.storage.has('gest.app.js') ? Buffer.from(sb.storage.get('gest.app.js')!).toString('latin1') : '', 'app');
      expect(sb.output).toContain(`tinyrnn: started gest on ${b.board.name}`);
      if (board === 'PUCKJS') expect(sb.hw.accelHz).toBe(26);
      else expect(sb.hw.pollMs).toBe(40);
      expect(sb.hw.listeners.length).toBe(1);
      const before = sb.output.length;
      for (const x of accelSequences(1, 60, 3)[0]) sb.accel(x[0], x[1], x[2]);
      const reports = sb.output.slice(before).filter((l) => l.startsWith('tinyrnn '));
      expect(reports.length).toBeGreaterThan(0);
      expect(m.meta.labels).toContain(reports[0].split(' ')[1]);
      if (board === 'BANGLEJS2') expect(sb.hw.screen.some((s) => s.startsWith('drawString'))).toBe(true);
    }
  });
});
