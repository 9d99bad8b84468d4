// `tinyrnn simulate` as an API: one model, one board, one or many simulated devices.
//
// 1. load the quantised model and the board; refuse what cannot stream (bidirectional and reverse layers);
// 2. prepare the engine once (generate + compile + measure) and check that its code fits the board
//    (SIM001 with the numbers when it does not);
// 3. run every device (worker threads for a fleet), each on its own stream with its own faults,
//    against the reference kernels;
// 4. add it up (fleet figures) and optionally write the HTML report.

import { saturation, saturationWarnings } from '../../compiler/quant/saturation';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TinyrnnError } from '../../compiler/core/ir/errors';
import { writeFileAtomic } from '../../compiler/core/ir/format';
import { QuantModel, qLayerBytes } from '../../compiler/core/ir/quant-model';
import { isStreaming } from '../../compiler/layers/ir';
import { VERSION } from '../../compiler/core/util/version';
import { BoardProfile, findBoard } from '../../targets/boards';
import { PreparedEngine } from './engine';
import { defaultEngine, engineProvider } from './engines';
import { FAULT_KINDS, FaultKind, parseFaults } from './faults';
import { defaultWorkers, runFleet } from './fleet';
import { checkFits } from './memory';
import { loadSimModel } from './model';
import { renderHtml } from './report-html';
import { deviceStream, streamRecordings } from './stream';
import { samplesToRaw } from './sensor';
import { BoardSummary, DeviceResult, EngineName, FleetSummary, SimulationReport } from './types';

export interface SimulateOptions {
  modelFile: string;
  board: string;
  /** FILE (JSON/CSV) or builtin:NAME[?opts]. */
  data: string;
  /** Sample rate, Hz (default: the model's, else the data's). */
  rateHz?: number;
  engine?: EngineName;
  devices?: number;
  /** Worker threads besides the calling thread, which simulates its share too (default: cores - 1 for a fleet; 0 runs every device in this thread). */
  workers?: number;
  /** `--fault` values, e.g. "dropout:0.05". */
  faults?: string[];
  /** Seed of the fault patterns. */
  seed?: number;
  /** Recordings per device (default: all). */
  windows?: number;
  /** Write the HTML report here. */
  reportFile?: string;
  /** Keep per-step traces of device 0 in the result (the report always keeps them). */
  traces?: boolean;
  cwd?: string;
  /** Scratch folder for generated and compiled code (default: a fresh temp folder, removed after). */
  workDir?: string;
  /** c engine: build the device code with the undefined-behaviour and address sanitizers. */
  sanitize?: boolean;
  /** js engine: the Espruino kernel (default: native where the board and this machine allow it). */
  kernel?: 'native' | 'unrolled' | 'loop';
}

function boardSummary(b: BoardProfile): BoardSummary {
  return {
    id: b.id,
    name: b.name,
    core: b.core,
    clockMHz: b.clockMHz,
    ramBytes: b.ramBytes,
    flashBytes: b.flashBytes,
    fpu: b.fpu,
    dsp: b.dsp,
    activeCurrentmA: b.activeCurrentmA ?? null,
    currentSource: b.currentSource ?? null,
  };
}

function modelParams(m: QuantModel): number {
  return m.layers.reduce((s, l) => s + qLayerBytes(l), 0);
}

/** Fleet-wide figures from the per-device results. */
export function summarizeFleet(devices: DeviceResult[], workers: number): FleetSummary {
  const counts = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  let steps = 0;
  let correct = 0;
  let total = 0;
  let mism = 0;
  let devMism = 0;
  let misses = 0;
  let devMiss = 0;
  let stepMax: number | null = null;
  let execSum = 0;
  let timed = 0;
  let changed = 0;
  let survived = 0;
  const rates: number[] = [];
  let en = 0;
  let eAbs = 0;
  let eSq = 0;
  for (const d of devices) {
    if (d.error) {
      en += d.error.n;
      eAbs += d.error.mae * d.error.n;
      eSq += d.error.rmse * d.error.rmse * d.error.n;
    }
    steps += d.steps;
    correct += d.accuracy.correct;
    total += d.accuracy.total;
    if (d.accuracy.rate !== null) rates.push(d.accuracy.rate);
    mism += d.parity.mismatches;
    if (d.parity.mismatches) devMism++;
    if (d.timing) {
      misses += d.timing.misses;
      if (d.timing.misses) devMiss++;
      stepMax = stepMax === null ? d.timing.stepMax : Math.max(stepMax, d.timing.stepMax);
      execSum += d.timing.stepMean * d.steps;
      timed += d.steps;
    }
    if (d.faults) {
      for (const k of FAULT_KINDS) counts[k] += d.faults.counts[k];
      changed += d.faults.changedPredictions;
      if (d.faults.survived) survived++;
    } else survived++;
  }
  return {
    devices: devices.length,
    steps,
    accuracy: { correct, total, rate: total ? correct / total : null },
    error: en ? { n: en, mae: eAbs / en, rmse: Math.sqrt(eSq / en) } : null,
    parityMismatches: mism,
    devicesWithMismatches: devMism,
    misses,
    devicesWithMisses: devMiss,
    stepMax,
    stepMean: timed ? execSum / timed : null,
    faultCounts: counts,
    changedPredictions: changed,
    survived,
    accuracyMin: rates.length ? Math.min(...rates) : null,
    accuracyMax: rates.length ? Math.max(...rates) : null,
    workers,
  };
}

export async function simulate(o: SimulateOptions): Promise<SimulationReport> {
  const cwd = o.cwd ?? process.cwd();
  const modelFile = path.resolve(cwd, o.modelFile);
  const model = loadSimModel(modelFile);
  const board = findBoard(o.board);
  if (!isStreaming(model)) {
    throw new TinyrnnError({
      code: 'SIM005',
      path: 'layers',
      message:
        model.output === 'final'
          ? "a model that outputs its final states (output mode 'final') cannot stream sample by sample (it answers once, after the whole sequence)"
          : 'a model with a bidirectional or reverse layer cannot stream sample by sample (its backward direction needs the future samples)',
      value: modelFile,
      hint: 'simulate a forward-only model with a per-step or last-step output; bidirectional, reverse and final-state models run on whole sequences (tinyrnn run)',
    });
  }
  const faults = parseFaults(o.faults ?? []);
  const devices = o.devices ?? 1;
  if (!Number.isInteger(devices) || devices < 1)
    throw new TinyrnnError({ code: 'SIM012', path: '--devices', message: 'bad device count', value: devices, expected: 'an integer >= 1' });
  const engineName = o.engine ?? defaultEngine(board);
  const provider = engineProvider(engineName);
  if (o.sanitize && engineName !== 'c')
    throw new TinyrnnError({
      code: 'SIM003',
      path: '--sanitize',
      message: 'sanitizers apply to the c engine only (C compiled for this machine)',
      value: engineName,
    });
  if (o.kernel && engineName !== 'js')
    throw new TinyrnnError({ code: 'SIM003', path: '--kernel', message: 'the kernel choice applies to the js engine only (Espruino)', value: engineName });
  const why = provider.unavailable(board);
  if (why) throw new TinyrnnError({ code: 'SIM003', path: '--engine', message: `the ${engineName} engine cannot run here: ${why}`, value: engineName });

  // Device 0's stream also tells us the data's shape and rate before anything is compiled.
  const first = deviceStream(o.data, 0, devices, { windows: o.windows, cwd });
  if (first.F !== model.inputSize) {
    throw new TinyrnnError({
      code: 'SIM004',
      path: '--data',
      message: `the data have ${first.F} features (${first.features.join(', ')}), the model takes ${model.inputSize} (${model.meta.features.join(', ')})`,
      value: o.data,
      expected: `${model.inputSize} features`,
    });
  }
  const rateHz = o.rateHz ?? model.meta.sampleRate ?? first.sampleRate;
  if (!rateHz || !(rateHz > 0))
    throw new TinyrnnError({ code: 'SIM002', path: '--rate', message: 'no sample rate: neither the model nor the data give one', hint: 'give --rate HZ' });

  const workDir = o.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-sim-'));
  const ownWorkDir = !o.workDir;
  try {
    const ctx = {
      model,
      modelFile,
      board,
      workDir,
      sanitize: o.sanitize,
      ...(o.kernel ? { kernel: o.kernel } : {}),
      sampleRaw: samplesToRaw(model, first.x.subarray(0, Math.min(first.T, 64) * first.F), Math.min(first.T, 64)),
    };
    const prepared: PreparedEngine = await provider.prepare(ctx);
    checkFits(prepared.memory, board, `${model.meta.name} (${engineName} engine)`);
    const oracleProvider = engineProvider('reference');
    const oracle = engineName === 'reference' ? prepared : await oracleProvider.prepare(ctx);
    const workers = o.workers ?? defaultWorkers(devices);
    const wantTraces = o.traces || !!o.reportFile;
    const results = await runFleet(
      {
        modelFile,
        boardId: board.id,
        prepared,
        oracle,
        rateHz,
        faults,
        seed: o.seed ?? 1,
        data: o.data,
        cwd,
        devices,
        windows: o.windows,
        traceDevices: wantTraces ? [0] : [],
      },
      workers,
    );
    const notes = [...prepared.notes];
    if (!o.engine && engineName === 'reference') {
      const want = board.espruino ? 'js' : 'c';
      notes.unshift(`the ${want} engine cannot run here (${engineProvider(want).unavailable(board)}): the reference kernels ran instead of device code`);
    }
    if (prepared.costSource === 'none') notes.push(`no time estimate: the ${engineName} engine has no cost source for ${board.name} (${board.core})`);
    if (results.some((d) => d.windows > 1))
      notes.push('recordings are played back to back; the device resets its model state at the start of each one (each recording is a session of its own)');
    if (model.output === 'last') notes.push("the model classifies whole recordings: its answer is the output at the recording's last step");
    if (faults.some((f) => f.kind === 'nan' || f.kind === 'inf' || f.kind === 'range'))
      notes.push(
        "NaN, infinite and out-of-range sensor values are turned into raw integers by the sensor driver (NaN: the feature's offset, i.e. real 0 after normalisation; beyond ±2^30: clamped), then quantised by the device code (saturating)",
      );
    if (faults.some((f) => f.kind === 'dropout')) notes.push('a dropped sample is replaced by the last sample delivered (hold-last-value)');
    const sat = saturation(model, streamRecordings(first));
    notes.push(...saturationWarnings(sat));
    const report: SimulationReport = {
      tool: `tinyrnn ${VERSION}`,
      model: {
        file: modelFile,
        name: model.meta.name,
        task: model.task,
        output: model.output,
        features: model.meta.features,
        labels: model.meta.labels ?? null,
        params: modelParams(model),
      },
      board: boardSummary(board),
      engine: engineName,
      engineDetail: prepared.detail,
      rateHz,
      data: o.data,
      memory: prepared.memory,
      fits: true,
      faults: [...(o.faults ?? [])],
      devices: results,
      fleet: summarizeFleet(results, workers),
      notes,
      saturation: sat,
    };
    if (o.reportFile) writeFileAtomic(path.resolve(cwd, o.reportFile), renderHtml(report));
    if (!o.traces) for (const d of report.devices) delete d.traces;
    return report;
  } finally {
    if (ownWorkDir) fs.rmSync(workDir, { recursive: true, force: true });
  }
}
