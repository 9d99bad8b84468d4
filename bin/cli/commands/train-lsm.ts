// `tinyrnn train --cell lsm`: a liquid state machine classifier. The liquid (spiking neurons,
// regenerated synapses, integer arithmetic from the start) is fixed by its seed and settings; only
// the linear readout is fitted, in closed form, by the echo state network's ridge machinery, on
// the liquid's own integer outputs. Unless given, the time constants, input scaling and ridge
// value are chosen on the validation split (never the test split).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Io, UsageError, choice, emit, num, str } from '../command';
import { saveFloatModel } from '../../../compiler/core/ir/format';
import { loadData } from '../../../compiler/data/load';
import { TASKS, withTask } from '../../../compiler/data/task';
import { subset, splitIndices } from '../../../compiler/data/prep';
import { evaluateFloat, formatEvalReport } from '../../../compiler/train/metrics';
import { readoutName } from '../../../compiler/esn/esn';
import { GRADIENT_ONLY, readoutOption } from './train-esn';
import { DEFAULT_LSM_OPTIONS, LsmFit, LsmOptions, lsmFloatModel, searchLsm } from '../../../compiler/layers/lsm/fit';
import { lsmRegeneratedBytes, lsmReport, lsmStepCost } from '../../../compiler/layers/lsm/ir';
import { summarizeFloatModel } from './inspect';

/** Options of train that mean nothing to a liquid: the gradient trainer's and the echo state network's. */
const NOT_LSM = [...GRADIENT_ONLY, 'spectral-radius', 'leak', 'sparsity', 'washout', 'store-reservoir', 'feedback'];

function gridLines(fit: LsmFit): string[] {
  const rows = fit.grid.map(
    (g) =>
      `  tau-mem ${String(g.tauMem).padEnd(3)} tau-trace ${String(g.tauTrace).padEnd(3)} input-scaling ${String(g.inputScaling).padEnd(4)} readout ${readoutName(g.readout).padEnd(5)} ridge ${String(g.lambda).padEnd(5)} firing ${(100 * g.rate).toFixed(1)}%/step  validation ${(100 * g.accuracy).toFixed(1)}% (int8 features ${(100 * g.int8Accuracy).toFixed(1)}%)`,
  );
  const o = fit.options;
  return [
    `settings tried on the validation split (${fit.grid.length}; chosen by accuracy with int8-rounded features, then mse):`,
    ...rows,
    `chosen: tau-mem ${o.tauMem}, tau-trace ${o.tauTrace}, input-scaling ${o.inputScaling}, readout ${readoutName(fit.readout)}, ridge ${fit.ridge.lambda}`,
  ];
}

function lsmOptions(v: Parameters<typeof num>[0]): Partial<LsmOptions> {
  const ridge = str(v, 'ridge');
  const ridgeGrid = ridge?.split(',').map((s) => Number(s.trim()));
  if (ridgeGrid?.some((l) => !(l > 0) || !Number.isFinite(l)))
    throw new UsageError(`--ridge ${JSON.stringify(ridge)} is not a list of positive numbers like 1e-2,1,100`);
  const readout = readoutOption(str(v, 'readout'));
  const opts: Partial<LsmOptions> = {
    units: num(v, 'hidden', { int: true, min: 1, max: 4096 }) ?? DEFAULT_LSM_OPTIONS.units,
    fanOut: num(v, 'fan-out', { int: true, min: 1, max: 256 }),
    tauMem: num(v, 'tau-mem', { min: 1 }),
    tauTrace: num(v, 'tau-trace', { min: 1 }),
    inputScaling: num(v, 'input-scaling', { above: 0 }),
    ridgeGrid,
    readout,
    seed: num(v, 'seed', { int: true, min: 0, max: 2147483647 }) ?? 1,
  };
  for (const k of Object.keys(opts) as (keyof LsmOptions)[]) if (opts[k] === undefined) delete opts[k];
  return opts;
}

export async function runLsmTraining(values: Record<string, unknown>, io: Io, out: string): Promise<number> {
  const v = values as Parameters<typeof num>[0];
  const given = NOT_LSM.filter((k) => values[k] !== undefined && values[k] !== false);
  if (given.length) throw new UsageError(`--${given[0]} does not apply to --cell lsm (a liquid of spiking neurons with a readout fitted in closed form)`);
  const opts = lsmOptions(v);
  const fractions = { val: num(v, 'val', { min: 0, max: 0.9 }) ?? 0.15, test: num(v, 'test', { min: 0, max: 0.9 }) ?? 0.15 };
  if (!(fractions.val > 0)) throw new UsageError('--cell lsm needs a validation split (--val > 0) to choose its settings');
  const dataSpec = str(v, 'data');
  if (dataSpec === undefined) throw new UsageError('missing --data FILE|builtin:NAME (the training data)');
  const { data, guess } = withTask(loadData(dataSpec, io.cwd), choice(v, 'task', TASKS));
  const started = process.cpuUsage();
  const seed = opts.seed ?? 1;
  const fit = searchLsm(data, opts, fractions, seed);
  const cpu = process.cpuUsage(started);
  const name = str(v, 'name') ?? path.basename(out).replace(/\.tnn$/i, '');
  const model = lsmFloatModel(fit, data, name);
  const l = fit.layer;
  if (values.quiet !== true) {
    io.err(
      `liquid state machine: ${l.units} spiking neurons (${l.inhibitory} inhibitory, ${l.fanOut} synapses each, seed ${l.seed}), ${fit.outputs} readout outputs on ${data.source}: ${fit.split.train} train, ${fit.split.val} validation, ${fit.split.test} test sequences`,
    );
    io.err(`task: ${guess.evidence}`);
  }
  const s = splitIndices(data, fractions, seed);
  const test = s.test.length ? evaluateFloat(model, subset(data, s.test)) : null;
  const val = evaluateFloat(model, subset(data, s.val));
  saveFloatModel(out, model);
  const readoutParams = (model.layers[model.layers.length - 1] as { w: Float32Array }).w.length + fit.outputs;
  const summary = {
    model: out,
    name,
    task: model.task,
    output: model.output,
    cell: 'lsm',
    trainedParams: readoutParams,
    liquid: { ...l, rate: fit.rate, regeneratedBytes: lsmRegeneratedBytes(l), costAtRate: lsmStepCost(l, fit.rate), worstCaseCost: lsmStepCost(l, 1) },
    choice: { ...fit.options, readout: readoutName(fit.readout), ridge: fit.ridge.lambda },
    grid: fit.grid.map((g) => ({ ...g, readout: readoutName(g.readout) })),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    layers: summarizeFloatModel(model).layers,
    split: fit.split,
    validation: val,
    test,
  };
  emit(io, values.json === true, summary, () => {
    const lines = [...gridLines(fit), formatEvalReport(val, 'validation').split('\n')[0]];
    if (test) lines.push(formatEvalReport(test, 'test'));
    lines.push(
      `liquid: integer, regenerated on the device from seed ${l.seed} (${lsmRegeneratedBytes(l)} bytes of synapses and input weights not stored); firing ${(100 * fit.rate).toFixed(1)}% of the neurons per step on validation`,
      ...lsmReport(l, fit.rate),
      `fit: ${summary.cpuSeconds.toFixed(1)} s of CPU`,
      `wrote ${path.relative(io.cwd, out)} (${fs.statSync(out).size} bytes; ${readoutParams} trained readout parameters)`,
    );
    return lines.join('\n');
  });
  return 0;
}
