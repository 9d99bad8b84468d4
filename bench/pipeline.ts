// The command-line pipeline the model benchmarks run (bench/sines, bench/reservoir), as a user runs
// it, each step a `tinyrnn` child process:
//
//   train (seed 1) -> quantize (calibration: the training data) -> eval on a fresh data set
//   (float and int8) -> simulate on an STM32F411 profile with the qemu engine (the emitted C,
//   arm-none-eabi-gcc -O2, run on QEMU Cortex-M4)
//
// The fit time is the CPU seconds of the train command (user + system of the child), which stays
// meaningful on a shared machine; instructions per step are the slowest sampled step on QEMU at
// one cycle per instruction, as the simulator reports it.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const BIN = path.join(__dirname, '..', '..', 'bin', 'tinyrnn.js');

/** The value after `--name` on the command line. */
export function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Runs the CLI; returns stdout and the CPU seconds of the child process. */
export function cli(args: string[], cwd: string): { out: string; cpu: number } {
  const start = childCpu();
  const out = execFileSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] });
  return { out, cpu: childCpu() - start };
}

/** CPU seconds used by finished child processes so far (user + system). */
function childCpu(): number {
  const r = fs.readFileSync('/proc/self/stat', 'utf8');
  const f = r.slice(r.lastIndexOf(')') + 2).split(' ');
  // fields 16 and 17 of /proc/PID/stat (cutime, cstime), counted from 1, after the comm field
  return (Number(f[13]) + Number(f[14])) / 100;
}

export const fmt = (v: number, d = 4): string => v.toFixed(d);
export const int = (v: number): string => Math.round(v).toLocaleString('en-US');

/** One model through the pipeline: its id (file names), train options, and the data sets. */
export interface PipelineSpec {
  id: string;
  /** train options besides --data, --seed and --out (e.g. --cell lstm --hidden 16). */
  args: string[];
  /** Training data (also the calibration data). */
  data: string;
  /** The fresh data set eval runs on. */
  fresh: string;
  /** The data the simulator streams. */
  simData: string;
}

/** eval's report (the fields the benchmarks read). */
export interface EvalReport {
  classification?: { accuracy: number };
  regression?: { rmse: number };
}

export interface PipelineResult {
  /** train --json's report. */
  train: {
    params: number;
    trainedParams?: number;
    split: { train: number; val: number; test: number };
    test: EvalReport;
    reservoir?: { leakQ15: number };
    /** A liquid state machine: its firing rate on validation and multiply-adds per step at that rate and with every neuron firing. */
    liquid?: { rate: number; costAtRate: number; worstCaseCost: number };
    choice?: { tauMem: number; tauTrace: number; inputScaling: number; readout: string };
  };
  /** CPU seconds of the train command. */
  trainCpu: number;
  fresh: { float: EvalReport; int8: EvalReport };
  flashBytes: number;
  ramBytes: number;
  /** Instructions per step on the Cortex-M4 (QEMU). */
  instructions: number;
  /** The float and the int8 model files. */
  floatFile: string;
  quantFile: string;
}

/** Trains, quantises, evaluates and simulates one model in dir; throws when the device code differs from the reference. */
export function runPipeline(s: PipelineSpec, dir: string): PipelineResult {
  const floatFile = path.join(dir, `${s.id}.tnn`);
  const quantFile = path.join(dir, `${s.id}.q.tnn`);
  const tr = cli(['train', '--data', s.data, ...s.args, '--seed', '1', '--out', floatFile, '--json', '-q'], dir);
  cli(['quantize', floatFile, '--calib', s.data, '-o', quantFile], dir);
  const evalOn = (m: string): EvalReport => JSON.parse(cli(['eval', m, '--data', s.fresh, '--json'], dir).out).report;
  const sim = JSON.parse(cli(['simulate', quantFile, '--board', 'STM32F411', '--engine', 'qemu', '--data', s.simData, '--json'], dir).out);
  if (sim.fleet.parityMismatches !== 0) throw new Error(`${s.id}: the device code differs from the reference on ${sim.fleet.parityMismatches} steps`);
  return {
    train: JSON.parse(tr.out),
    trainCpu: tr.cpu,
    fresh: { float: evalOn(floatFile), int8: evalOn(quantFile) },
    flashBytes: sim.memory.flashBytes,
    ramBytes: sim.memory.ramBytes,
    instructions: sim.fleet.stepMax * sim.board.clockMHz * 1e6,
    floatFile,
    quantFile,
  };
}
