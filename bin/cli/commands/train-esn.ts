// `tinyrnn train --cell esn`: an echo state network. The reservoir is fixed by its seed and
// options; only the linear readout is fitted, in closed form (ridge regression, regularisation
// chosen on the validation split). No epochs, no checkpoints: the fit takes one pass.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Io, UsageError, choice, emit, num, str } from '../command';
import { paramCount } from '../../../compiler/core/ir/model';
import { saveFloatModel } from '../../../compiler/core/ir/format';
import { loadData } from '../../../compiler/data/load';
import { TASKS, withTask } from '../../../compiler/data/task';
import { subset, splitIndices } from '../../../compiler/data/prep';
import { evaluateFloat, formatEvalReport } from '../../../compiler/train/metrics';
import { DEFAULT_ESN_OPTIONS, EsnFit, EsnOptions, Readout, parseReadout, readoutName, searchEsn } from '../../../compiler/esn/esn';
import { esnFloatModel, reservoirBytes } from '../../../compiler/esn/model';
import { summarizeFloatModel } from './inspect';
import { renderEsnReport } from '../../../runtime/report/train';
import { writeReportOption } from '../../../runtime/report/page';

/** Options of the gradient trainer that mean nothing to a closed-form fit. */
export const GRADIENT_ONLY = [
  'layers',
  'bidirectional',
  'activation',
  'gru-reset',
  'dense',
  'output',
  'epochs',
  'batch',
  'optimizer',
  'lr',
  'momentum',
  'schedule',
  'step-every',
  'gamma',
  'clip',
  'bptt',
  'dropout',
  'patience',
  'window',
  'stride',
  'no-normalize',
  'checkpoint',
  'resume',
];

/** --readout last|mean|segN[+abs]; undefined (or auto): chosen on validation. */
export function readoutOption(s: string | undefined): Readout | undefined {
  if (s === undefined || s === 'auto') return undefined;
  const r = parseReadout(s);
  if (!r) throw new UsageError(`--readout ${JSON.stringify(s)} is not auto, last, mean, segN (N in 1..64, e.g. seg3) or mean/segN with +abs`);
  return r;
}

/** The settings tried on validation and the one kept (none when a single setting was fitted). */
function gridLines(fit: EsnFit): string[] {
  if (fit.grid.length < 2) return [];
  const rows = fit.grid.map(
    (g) =>
      `  leak ${String(g.leak).padEnd(4)} radius ${String(g.spectralRadius).padEnd(4)} readout ${readoutName(g.readout).padEnd(5)} ridge ${String(g.lambda).padEnd(6)} validation ${(100 * g.accuracy).toFixed(1)}% (int8 states ${(100 * g.int8Accuracy).toFixed(1)}%)`,
  );
  const r = fit.reservoir;
  return [
    `settings tried on the validation split (${fit.grid.length}; chosen by accuracy with int8-rounded states, then mse):`,
    ...rows,
    `chosen: leak ${+(r.leakQ15 / 32768).toPrecision(3)}, radius ${fit.spectralRadius}, readout ${readoutName(fit.readout)}, ridge ${fit.ridge.lambda}`,
  ];
}

export async function runEsnTraining(values: Record<string, unknown>, io: Io, out: string): Promise<number> {
  const v = values as Parameters<typeof num>[0];
  const given = GRADIENT_ONLY.filter((k) => values[k] !== undefined && values[k] !== false);
  if (given.length) throw new UsageError(`--${given[0]} does not apply to --cell esn (its readout is fitted in closed form, not by gradient descent)`);
  const ridge = str(v, 'ridge');
  let ridgeGrid: number[] | undefined;
  if (ridge !== undefined) {
    ridgeGrid = ridge.split(',').map((s) => Number(s.trim()));
    if (ridgeGrid.some((l) => !(l > 0) || !Number.isFinite(l)))
      throw new UsageError(`--ridge ${JSON.stringify(ridge)} is not a list of positive numbers like 1e-6,1e-4,1e-2`);
  }
  const seed = num(v, 'seed', { int: true, min: 0, max: 2147483647 }) ?? 1;
  const opts: Partial<EsnOptions> = {
    units: num(v, 'hidden', { int: true, min: 1, max: 4096 }) ?? DEFAULT_ESN_OPTIONS.units,
    spectralRadius: num(v, 'spectral-radius', { min: 0 }),
    inputScaling: num(v, 'input-scaling', { min: 0 }),
    leak: num(v, 'leak', { above: 0, max: 1 }),
    sparsity: num(v, 'sparsity', { min: 0, max: 1 }),
    washout: num(v, 'washout', { int: true, min: 0 }),
    ridgeGrid,
    readout: readoutOption(str(v, 'readout')),
    seed,
  };
  for (const k of Object.keys(opts) as (keyof EsnOptions)[]) if (opts[k] === undefined) delete opts[k];
  const fractions = { val: num(v, 'val', { min: 0, max: 0.9 }) ?? 0.15, test: num(v, 'test', { min: 0, max: 0.9 }) ?? 0.15 };
  if (!(fractions.val > 0)) throw new UsageError('--cell esn needs a validation split (--val > 0) to choose the ridge regularisation');
  const dataSpec = str(v, 'data');
  if (dataSpec === undefined) throw new UsageError('missing --data FILE|builtin:NAME (the training data)');
  const { data, guess } = withTask(loadData(dataSpec, io.cwd), choice(v, 'task', TASKS));
  const quiet = values.quiet === true;
  const fit = searchEsn(data, opts, fractions, seed);
  const name = str(v, 'name') ?? path.basename(out).replace(/\.tnn$/i, '');
  const store = values['store-reservoir'] === true;
  const model = esnFloatModel(fit, data, name, { regenerate: !store });
  const r = fit.reservoir;
  if (!quiet) {
    io.err(
      `echo state network: reservoir ${r.units} units (seed ${r.seed}, density ${(r.densityQ16 / 65536).toFixed(3)}), ${fit.outputs} readout outputs on ${data.source}: ${fit.split.train} train, ${fit.split.val} validation, ${fit.split.test} test sequences; ${fit.task}, output per ${fit.output === 'last' ? 'sequence' : 'step'}`,
    );
    io.err(`task: ${guess.evidence}`);
  }
  const s = splitIndices(data, fractions, seed);
  const testData = s.test.length ? subset(data, s.test) : null;
  const test = testData ? evaluateFloat(model, testData) : null;
  const val = evaluateFloat(model, subset(data, s.val));
  saveFloatModel(out, model);
  const readoutParams = (r.units + 1) * fit.outputs;
  const summary = {
    model: out,
    name,
    task: model.task,
    output: model.output,
    cell: 'esn',
    params: paramCount(model),
    trainedParams: readoutParams,
    // int8Bytes: flash the int8 reservoir (W8 and Win8) would take if stored; regenerated on the
    // device from its seed, it takes none (the same bytes in RAM instead, filled once at start)
    reservoir: {
      units: r.units,
      seed: r.seed,
      densityQ16: r.densityQ16,
      leakQ15: r.leakQ15,
      wScale: r.wScale,
      winScale: r.winScale,
      int8Bytes: reservoirBytes(fit),
      flashStored: reservoirBytes(fit),
      flashRegenerated: 0,
      regenerated: !store,
    },
    ridge: { lambda: fit.ridge.lambda, scores: fit.ridge.scores },
    layers: summarizeFloatModel(model).layers,
    split: fit.split,
    validation: val,
    test,
  };
  const report = str(v, 'report');
  const wrote = report ? writeReportOption(io.cwd, report, renderEsnReport(summary, model, testData)) : '';
  emit(io, values.json === true, summary, () => {
    const lines = [
      ...gridLines(fit),
      `ridge regularisation ${fit.ridge.lambda} chosen on validation with int8-rounded states (${fit.ridge.scores.map((x) => `${x.lambda}: ${x.int8.accuracy !== undefined ? `acc ${(100 * x.int8.accuracy).toFixed(1)}%, ` : ''}mse ${x.int8.mse.toPrecision(3)}`).join('; ')})`,
      formatEvalReport(val, 'validation').split('\n')[0],
    ];
    if (test) lines.push(formatEvalReport(test, 'test'));
    const rb = reservoirBytes(fit);
    const shape = `int8 W ${r.units}x${r.units} + Win ${r.units}x${r.inputSize}`;
    lines.push(
      store
        ? `reservoir: stored (--store-reservoir): ${rb} bytes of flash (${shape}), no RAM for it${r.leakQ15 !== 32768 ? `; leak ${r.leakQ15 / 32768}` : ''}`
        : `reservoir: regenerated on the device from seed ${r.seed}: 0 bytes of flash instead of ${rb} (${shape}), ${rb} bytes of RAM filled at start-up${r.leakQ15 !== 32768 ? `; leak ${r.leakQ15 / 32768}` : ''}`,
    );
    lines.push(
      `wrote ${path.relative(io.cwd, out)} (${fs.statSync(out).size} bytes; ${readoutParams} trained readout parameters, ${paramCount(model)} in all with the reservoir)`,
    );
    if (wrote) lines.push(wrote);
    return lines.join('\n');
  });
  return 0;
}
