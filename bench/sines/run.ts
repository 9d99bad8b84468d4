// The recurrent families side by side on the built-in forecasting data (builtin:sines): for each
// model, the whole pipeline through the `tinyrnn` command line, as a user runs it:
//
//   train (seed 1) -> quantize (calibration: the training data) -> eval on a fresh data set
//   (float and int8) -> simulate on an STM32F411 profile with the qemu engine (the emitted C,
//   arm-none-eabi-gcc -O2, run on QEMU Cortex-M4): bench/pipeline.ts
//
//   npm run build && node dist/bench/sines/run.js [--only lstm16,esn32] [--keep DIR]
//
// Columns: trained and total parameters (an ESN trains its readout only), RMSE on the test split
// (float, as train reports it) and on builtin:sines?seed=2 (float / int8), flash and RAM from the
// C target's memory report, instructions per step (the slowest sampled step on QEMU at one cycle
// per instruction, as the simulator reports it), and the fit time (CPU seconds of the train
// command). Figures for scale are printed below the table: always predicting 0, and repeating the
// last noisy sample.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadData } from '../../compiler/data/load';
import { arg, fmt, int, runPipeline } from '../pipeline';

interface Config {
  id: string;
  label: string;
  args: string[];
}

const CONFIGS: Config[] = [
  { id: 'lstm16', label: 'LSTM 16 (30 epochs)', args: ['--cell', 'lstm', '--hidden', '16'] },
  { id: 'gru16', label: 'GRU 16 (30 epochs)', args: ['--cell', 'gru', '--hidden', '16'] },
  { id: 'elman16', label: 'Elman 16 (30 epochs)', args: ['--cell', 'elman', '--hidden', '16'] },
  { id: 'jordan16', label: 'Jordan 16 (forecast fed back, 30 epochs)', args: ['--cell', 'jordan', '--hidden', '16'] },
  { id: 'jordan16f8', label: 'Jordan 16, `--feedback 8` (30 epochs)', args: ['--cell', 'jordan', '--hidden', '16', '--feedback', '8'] },
  { id: 'esn32s', label: 'ESN 32, reservoir stored', args: ['--cell', 'esn', '--hidden', '32', '--store-reservoir'] },
  { id: 'esn32', label: 'ESN 32', args: ['--cell', 'esn', '--hidden', '32'] },
  { id: 'esn32l', label: 'ESN 32, leak 0.5', args: ['--cell', 'esn', '--hidden', '32', '--leak', '0.5'] },
  { id: 'esn64', label: 'ESN 64', args: ['--cell', 'esn', '--hidden', '64'] },
  { id: 'esn64l', label: 'ESN 64, leak 0.5', args: ['--cell', 'esn', '--hidden', '64', '--leak', '0.5'] },
];

function main(): void {
  const only = arg('only')?.split(',');
  const keep = arg('keep');
  const dir = keep ? path.resolve(keep) : fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-sines-'));
  fs.mkdirSync(dir, { recursive: true });
  const rows: string[] = [];
  for (const c of CONFIGS) {
    if (only && !only.includes(c.id)) continue;
    const r = runPipeline({ id: c.id, args: c.args, data: 'builtin:sines', fresh: 'builtin:sines?seed=2', simData: 'builtin:sines?n=2' }, dir);
    const t = r.train;
    const rmse = (e: { regression?: { rmse: number } }): string => fmt(e.regression!.rmse);
    rows.push(
      `| ${c.label} | ${int(t.trainedParams ?? t.params)} | ${int(t.params)} | ${rmse(t.test)} | ${rmse(r.fresh.float)} / ${rmse(r.fresh.int8)} | ${int(r.flashBytes)} B | ${int(r.ramBytes)} B | ${int(r.instructions)} | ${r.trainCpu.toFixed(1)} s |`,
    );
    process.stderr.write(`${c.id} done\n`);
  }
  console.log('| model | trained parameters | all parameters | test RMSE | fresh RMSE float / int8 | flash | RAM | instructions/step | fit (CPU) |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
  console.log(`\n${sinesScale()}`);
  console.log(`models and reports in ${keep ? dir : '(temporary directory, removed)'}`);
  if (!keep) fs.rmSync(dir, { recursive: true, force: true });
}

/** For scale, trivial forecasters on the fresh data set: always 0, and the last noisy sample. */
export function sinesScale(): string {
  const data = loadData('builtin:sines?seed=2');
  let n = 0;
  let zero = 0;
  let last = 0;
  // one feature (the noisy sample) and one target (the next clean value)
  data.x.forEach((x, i) => {
    const y = (data.targets as Float32Array[])[i];
    for (let t = 0; t < x.length; t++) {
      zero += y[t] * y[t];
      last += (y[t] - x[t]) ** 2;
      n++;
    }
  });
  return `for scale on builtin:sines?seed=2: predicting 0 gives RMSE ${fmt(Math.sqrt(zero / n))}, repeating the last noisy sample ${fmt(Math.sqrt(last / n))}`;
}

if (require.main === module) main();
