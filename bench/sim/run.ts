// Simulator benchmark: simulated time steps per second for the gesture model with each engine,
// and the fleet speed-up from worker threads, printed in one run. Wall-clock figures: run it on
// an otherwise idle machine (the load average is printed).
//
//   npm run build && node dist/bench/sim/run.js [--hidden 16] [--windows 20] [--devices 16]
//
// The model: an LSTM gesture classifier trained on builtin:gestures (seeded) and quantised.
// "engine steps/s": the engine's device session alone, fed raw samples (what the device code
// costs to simulate). "simulate steps/s": the whole simulation of one device (engine, the
// reference oracle on the same samples, timing), wall-clock. Fleet: the same N devices with 0
// worker threads (all in the main thread) and with one worker per core.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadData } from '../../compiler/data/load';
import { saveQuantModel } from '../../compiler/core/ir/format';
import { quantizeModel } from '../../compiler/quant/quantize';
import { train } from '../../compiler/train';
import { findBoard } from '../../targets/boards';
import { ENGINES } from '../../runtime/sim/engines';
import { samplesToRaw } from '../../runtime/sim/sensor';
import { simulate } from '../../runtime/sim/simulate';
import { deviceStream } from '../../runtime/sim/stream';
import { ENGINE_NAMES, EngineName } from '../../runtime/sim/types';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : def;
}

const BOARD: Record<EngineName, string> = { reference: 'NRF52840', js: 'BANGLEJS2', c: 'NRF52840', qemu: 'NRF52840' };

async function main(): Promise<void> {
  const hidden = Number(arg('hidden', '16'));
  const windows = Number(arg('windows', '20'));
  const devices = Number(arg('devices', '16'));
  const log = (s: string): void => {
    process.stdout.write(s + '\n');
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-bench-sim-'));
  try {
    const d = loadData('builtin:gestures?n=300&seed=21');
    const t0 = Date.now();
    const r = await train(d, { cell: 'lstm', hidden, epochs: 10, seed: 2, name: `gestures-lstm${hidden}` });
    const F = d.features.length;
    const calib = d.x.map((x) => Array.from({ length: x.length / F }, (_, t) => x.subarray(t * F, (t + 1) * F)));
    const q = quantizeModel(r.model, calib);
    const file = path.join(dir, 'gestures.q.tnn');
    saveQuantModel(file, q);
    log(`model: LSTM ${hidden} gesture classifier, trained and quantised in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const data = `builtin:gestures?n=${windows}&seed=900`;
    log(`stream: ${data} (${windows} recordings x 50 steps)`);
    log(`machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`);
    log('');
    log(
      `load average before the run: ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')} (speed figures assume an otherwise idle machine)`,
    );
    log('');
    log('engine     board       engine steps/s   end-to-end steps/s   time/step on board');
    log('                       (device code)    (incl. generate/compile/measure + oracle)');
    let fleetEngine: EngineName = 'reference';
    for (const name of ENGINE_NAMES) {
      const p = ENGINES[name];
      const board = findBoard(BOARD[name]);
      if (!p) {
        log(`${name.padEnd(10)} not built into this tinyrnn`);
        continue;
      }
      const why = p.unavailable(board);
      if (why) {
        log(`${name.padEnd(10)} not run here: ${why}`);
        continue;
      }
      try {
        const work = fs.mkdtempSync(path.join(dir, name + '-'));
        const s = deviceStream(data, 0, 1);
        const raw = samplesToRaw(q, s.x, s.T);
        const prepared = await p.prepare({ model: q, modelFile: file, board, workDir: work, sampleRaw: raw.subarray(0, 64 * F) });
        const session = await p.open(prepared, q, board);
        const a = process.hrtime.bigint();
        await session.run(raw, s.T);
        const engineSec = Number(process.hrtime.bigint() - a) / 1e9;
        await session.close();
        const b = process.hrtime.bigint();
        const sim = await simulate({ modelFile: file, board: board.id, engine: name, data, workers: 0 });
        const simSec = Number(process.hrtime.bigint() - b) / 1e9;
        const t = sim.devices[0].timing;
        log(
          `${name.padEnd(10)} ${board.id.padEnd(11)} ${Math.round(s.T / engineSec)
            .toString()
            .padStart(14)}   ${Math.round(sim.fleet.steps / simSec)
            .toString()
            .padStart(18)}   ${t ? `${(t.stepMean * 1e3).toFixed(3)} ms (${sim.devices[0].costSource})` : 'n/a'}`,
        );
        // The fleet runs the js engine when it can: its work happens in the simulator's own threads.
        if (name !== 'reference' && fleetEngine !== 'js') fleetEngine = name;
      } catch (e) {
        log(`${name.padEnd(10)} FAILED: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    log('');
    const board = BOARD[fleetEngine];
    const small = data;
    // Wall-clock and the CPU time of the whole process (all threads): CPU / wall shows how many
    // cores the run really used, which separates the simulator's parallelism from a busy machine.
    const timeFleet = async (workers: number): Promise<{ wall: number; cpu: number }> => {
      const a = process.hrtime.bigint();
      const c = process.cpuUsage();
      await simulate({ modelFile: file, board, engine: fleetEngine, data: small, devices, workers });
      const u = process.cpuUsage(c);
      return { wall: Number(process.hrtime.bigint() - a) / 1e9, cpu: (u.user + u.system) / 1e6 };
    };
    const best = (a: { wall: number; cpu: number }, b: { wall: number; cpu: number }) => (a.wall <= b.wall ? a : b);
    const cores = os.availableParallelism ? os.availableParallelism() : os.cpus().length;
    // Best of two runs each: the figures are wall-clock.
    const serial = best(await timeFleet(0), await timeFleet(0));
    const workers = Math.max(1, cores - 1);
    const parallel = best(await timeFleet(workers), await timeFleet(workers));
    log(`fleet: ${devices} devices on ${small}, ${fleetEngine} engine on ${board}`);
    log(`  main thread only: ${serial.wall.toFixed(2)} s wall, ${serial.cpu.toFixed(2)} s CPU (${(serial.cpu / serial.wall).toFixed(2)} cores busy)`);
    log(
      `  ${workers} worker thread${workers === 1 ? '' : 's'} + the main thread: ${parallel.wall.toFixed(2)} s wall, ${parallel.cpu.toFixed(2)} s CPU (${(parallel.cpu / parallel.wall).toFixed(2)} cores busy)`,
    );
    log(`  speed-up ${(serial.wall / parallel.wall).toFixed(2)}x; load average now ${os.loadavg()[0].toFixed(2)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(String((e as Error).stack ?? e) + '\n');
  process.exit(1);
});
