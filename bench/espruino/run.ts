// Espruino benchmark: for gesture-sized LSTM and GRU models (3 inputs, hidden 8 and 16, a 4-class
// head), the estimated interpreter cost per time step of the emitted kernel and of a
// straightforward JS-loop int8 kernel (bench/espruino/naive.ts), by the cost model of the shared
// facts (cost.ts: the operations the kernel actually executes are counted in the sandbox, priced by
// coefficients calibrated on the real interpreter; each board in its own layout and default weights), their
// ratio, the estimated time per step on Puck.js and Bangle.js 2, and the highest sample rate each
// sustains. Both kernels are checked against the reference on the same inputs first.
//
// A second table gives the emitted kernels of the lighter families in the same shape (Elman tanh,
// and a Jordan layer feeding back 4 tanh units), which the naive kernel does not implement.
//
//   npm run build && node dist/bench/espruino/run.js [--steps 20] [--json]
//
// Estimates, not measurements on hardware: x86-equivalent instructions of an Espruino 2v29
// build, converted at clock-MHz million instructions per second (facts: ~64 M/s on a 64 MHz nRF52).
import { CellKind } from '../../compiler/core/ir/model';
import { QuantModel } from '../../compiler/core/ir/quant-model';
import { createQuantState, rawSequence, stepQuant } from '../../compiler/core/reference';
import { BoardProfile, espruinoProfile, findBoard } from '../../targets/boards';
import { instructionsPerSecond } from '../../targets/espruino/cost';
import { generateModule } from '../../targets/espruino/generate';
import { EspruinoSandbox } from '../../targets/espruino/sandbox';
import { quantizeModel } from '../../compiler/quant/quantize';
import { BENCH_QUANTIZE, accelSequences, gestureFloatModelLight, gestureQuantModel } from './models';
import { naiveModule } from './naive';

export interface KernelCost {
  instructionsPerStep: number;
  statementsPerStep: number;
  nativeHelperCallsPerStep: number;
}

export interface BenchRow {
  model: string;
  kind: CellKind;
  hidden: number;
  macsPerStep: number;
  emitted: KernelCost;
  naive: KernelCost;
  ratio: number;
  boards: { board: string; emittedM: number; emittedMs: number; emittedMaxHz: number; naiveMs: number; naiveMaxHz: number }[];
}

interface StepModule {
  step(raw: ArrayLike<number>): ArrayLike<number>;
  reset(): void;
}

function roomy(board: BoardProfile): BoardProfile {
  return { ...board, espruino: { ...board.espruino!, variables: 1 << 30 } };
}

/** Runs `steps` steps in a counting sandbox; checks every output against the reference. */
export function countKernel(m: QuantModel, source: string, files: Map<string, Uint8Array>, raw: number[][], board: BoardProfile): KernelCost {
  const sb = new EspruinoSandbox({ board: roomy(board), countCost: true, baseBlocks: 0 });
  for (const [k, v] of files) sb.storage.set(k, v);
  sb.storage.set('kernel', Buffer.from(source, 'latin1'));
  const mod = sb.require('kernel') as StepModule;
  mod.reset();
  sb.resetCost();
  const st = createQuantState(m);
  for (let t = 0; t < raw.length; t++) {
    const got = Array.from(mod.step(raw[t]));
    const want = Array.from(stepQuant(m, st, raw[t]));
    if (got.join() !== want.join()) throw new Error(`kernel differs from the reference at step ${t}: ${got} vs ${want}`);
  }
  const c = sb.cost();
  return {
    instructionsPerStep: Math.round(c.total / raw.length),
    statementsPerStep: Math.round(c.statements / raw.length),
    nativeHelperCallsPerStep: Math.round(sb.helpers.convolveCalls / raw.length),
  };
}

/** The boards the benchmark prints; each its own layout (Puck.js: mapped Storage; Bangle.js 2: not mapped). */
const BOARDS = ['PUCKJS', 'BANGLEJS2'];

const msOf = (n: number, b: BoardProfile): number => Math.round((n / instructionsPerSecond(b.clockMHz)) * 10000) / 10;
const hzOf = (n: number, b: BoardProfile): number => Math.floor((instructionsPerSecond(b.clockMHz) / n) * 10) / 10;

/** The emitted kernel as `compile` builds it for the board (its default weights: Storage where mapped, else inline). */
function emittedOn(m: QuantModel, raw: number[][], board: BoardProfile): KernelCost {
  const weights = espruinoProfile(board).storageMapped ? 'storage' : 'inline';
  const gen = generateModule(m, { board, weights, moduleName: 'kernel' });
  const files = new Map(gen.blobs.map((b) => [b.storageName, b.bytes.slice()] as [string, Uint8Array]));
  return countKernel(m, gen.source, files, raw, board);
}

export function benchModel(kind: CellKind, hidden: number, steps = 20): BenchRow {
  const m = gestureQuantModel(kind, hidden);
  const raw = rawSequence(m, accelSequences(1, steps, 9)[0].flat());
  const emitted = emittedOn(m, raw, findBoard('PUCKJS'));
  const naive = countKernel(m, naiveModule(m), new Map(), raw, findBoard('PUCKJS'));
  const G = kind === 'lstm' ? 4 : 3;
  const macsPerStep = G * hidden * (3 + hidden) + 4 * hidden;
  const boards = BOARDS.map((id) => {
    const b = findBoard(id);
    const e = emittedOn(m, raw, b).instructionsPerStep;
    const n = countKernel(m, naiveModule(m), new Map(), raw, b).instructionsPerStep;
    return { board: b.name, emittedM: e, emittedMs: msOf(e, b), emittedMaxHz: hzOf(e, b), naiveMs: msOf(n, b), naiveMaxHz: hzOf(n, b) };
  });
  return {
    model: `${kind.toUpperCase()} 3-${hidden}-4`,
    kind,
    hidden,
    macsPerStep,
    emitted,
    naive,
    ratio: Math.round((naive.instructionsPerStep / emitted.instructionsPerStep) * 100) / 100,
    boards,
  };
}

export function benchAll(steps = 20): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const kind of ['lstm', 'gru'] as const) for (const hidden of [8, 16]) rows.push(benchModel(kind, hidden, steps));
  return rows;
}

export interface LightRow {
  model: string;
  macsPerStep: number;
  emitted: KernelCost;
  boards: { board: string; emittedM: number; emittedMs: number; emittedMaxHz: number }[];
}

/** Emitted-kernel cost of the Elman and Jordan gesture models (checked against the reference too). */
export function benchLight(kind: 'elman' | 'jordan', hidden: number, steps = 20): LightRow {
  const m = quantizeModel(gestureFloatModelLight(kind, hidden), accelSequences(16, 50), BENCH_QUANTIZE);
  const raw = rawSequence(m, accelSequences(1, steps, 9)[0].flat());
  const emitted = emittedOn(m, raw, findBoard('PUCKJS'));
  const macsPerStep = kind === 'elman' ? hidden * (3 + hidden) + 4 * hidden : hidden * (3 + 4) + 4 * hidden + 4 * 4;
  const boards = BOARDS.map((id) => {
    const b = findBoard(id);
    const e = emittedOn(m, raw, b).instructionsPerStep;
    return { board: b.name, emittedM: e, emittedMs: msOf(e, b), emittedMaxHz: hzOf(e, b) };
  });
  return { model: kind === 'elman' ? `ELMAN 3-${hidden}-4` : `JORDAN 3-${hidden}/4-4`, macsPerStep, emitted, boards };
}

export function formatLight(rows: LightRow[]): string {
  const out = [
    '',
    'lighter families, emitted kernel only (Jordan H/4: hidden H, 4 tanh outputs fed back, then the head)',
    '',
    'model              MACs  emitted M instr  board         ms/step  max Hz   25 Hz?',
  ];
  for (const r of rows) {
    for (const b of r.boards) {
      out.push(
        `${r.model.padEnd(17)} ${String(r.macsPerStep).padStart(5)}  ${(b.emittedM / 1e6).toFixed(2).padStart(15)}  ${b.board.padEnd(12)}  ${b.emittedMs.toFixed(1).padStart(7)}  ${b.emittedMaxHz.toFixed(1).padStart(6)}   ${b.emittedMaxHz >= 25 ? 'yes' : 'no'}`,
      );
    }
  }
  return out.join('\n');
}

export function formatBench(rows: BenchRow[]): string {
  const out = [
    'Espruino kernels, estimated per time step (cost model calibrated on the real Espruino 2v29 interpreter, bench/espruino/fit-cost.ts; not measured on hardware)',
    '',
    'Puck.js layout (Storage weights); the per-board table below counts each board in its own layout',
    '',
    'model            MACs  emitted M instr  statements  E.convolve   naive M instr  ratio',
  ];
  for (const r of rows) {
    out.push(
      `${r.model.padEnd(15)} ${String(r.macsPerStep).padStart(5)}  ${(r.emitted.instructionsPerStep / 1e6).toFixed(2).padStart(15)}  ${String(r.emitted.statementsPerStep).padStart(10)}  ${String(r.emitted.nativeHelperCallsPerStep).padStart(10)}   ${(r.naive.instructionsPerStep / 1e6).toFixed(2).padStart(13)}  ${r.ratio.toFixed(2).padStart(5)}x`,
    );
  }
  out.push('', 'model            board         emitted ms/step  max Hz    naive ms/step  max Hz   25 Hz?');
  for (const r of rows) {
    for (const b of r.boards) {
      out.push(
        `${r.model.padEnd(15)}  ${b.board.padEnd(12)}  ${b.emittedMs.toFixed(1).padStart(15)}  ${b.emittedMaxHz.toFixed(1).padStart(6)}    ${b.naiveMs.toFixed(1).padStart(13)}  ${b.naiveMaxHz.toFixed(1).padStart(6)}   ${b.emittedMaxHz >= 25 ? 'yes' : 'no'}`,
      );
    }
  }
  return out.join('\n');
}

if (require.main === module) {
  const i = process.argv.indexOf('--steps');
  const steps = i >= 0 ? Number(process.argv[i + 1]) : 20;
  const rows = benchAll(steps);
  const light = (['elman', 'jordan'] as const).flatMap((k) => [8, 16].map((h) => benchLight(k, h, steps)));
  if (process.argv.includes('--json')) process.stdout.write(JSON.stringify({ rows, light }, null, 2) + '\n');
  else process.stdout.write(formatBench(rows) + '\n' + formatLight(light) + '\n');
}
