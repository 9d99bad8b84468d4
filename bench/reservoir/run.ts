// Reservoirs beside gradient-trained cells: echo state networks of 64 and 128 units (train's
// defaults: leak, spectral radius, readout and ridge chosen on validation), liquid state machines of
// 64 and 128 spiking neurons (their time constants, input scaling, readout and ridge chosen on
// validation; classification only) and LSTM 16 and GRU 16,
// on builtin:gestures (classification; tested on builtin:gestures?seed=2&n=600, users never seen
// in training) and builtin:sines (forecasting; the test split train reports, and the fresh
// builtin:sines?seed=2 as bench/sines uses). Each model runs the CLI pipeline of
// bench/pipeline.ts (train, quantize, eval float and int8, simulate on QEMU Cortex-M4), then its
// int8 model is built for Puck.js by the Espruino target: the JavaScript kernel compile picks and
// the native kernel, each with the target's cost estimate per step.
//
//   npm run bench:reservoir [-- --epochs 15] [--only esn64,lstm16] [--data gestures] [--keep DIR]
//
// The models are one table (MODELS): a reservoir kind adds rows there. Figures are printed beside
// the anchors of the shared facts where they apply, as ratios: CMSIS-NN's int8 LSTM 3/16 on the
// Cortex-M4 (instructions per step, for the 3-input gesture models), TensorFlow.js's wasm
// backend training an LSTM 16 or GRU 16 on gestures (CPU seconds per sequence and epoch), and the
// accuracy post-training int8 typically costs small LSTMs (under 1 percentage point).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadFloatModel, loadQuantModel } from '../../compiler/core/ir/format';
import { QuantModel } from '../../compiler/core/ir/quant-model';
import { TinyrnnError } from '../../compiler/core/ir/errors';
import { readoutName } from '../../compiler/esn/esn';
import { buildEspruino } from '../../targets/espruino/target';
import { MemoryEstimate } from '../../targets/espruino/estimate';
import { buildEspruinoNative, nativeRefusal } from '../../targets/espruino/native/target';
import { findBoard } from '../../targets/boards';
import { CMSIS_NN_LSTM } from '../c/run';
import { sinesScale } from '../sines/run';
import { EvalReport, PipelineResult, arg, fmt, int, runPipeline } from '../pipeline';

interface ModelConfig {
  id: string;
  label: string;
  args: string[];
  /** Trained by gradient descent: takes --epochs. */
  epochs?: boolean;
  /** The anchor of its training time: TensorFlow.js wasm, CPU seconds for 15 epochs of 256 gesture sequences. */
  tfjsWasm?: number;
  /** Classifies only (train refuses regression): no row on a forecasting data set. */
  classifierOnly?: boolean;
}

/** The models compared, one row each. */
const MODELS: ModelConfig[] = [
  { id: 'esn64', label: 'ESN 64', args: ['--cell', 'esn', '--hidden', '64'] },
  { id: 'esn128', label: 'ESN 128', args: ['--cell', 'esn', '--hidden', '128'] },
  { id: 'lsm64', label: 'LSM 64', args: ['--cell', 'lsm', '--hidden', '64'], classifierOnly: true },
  { id: 'lsm128', label: 'LSM 128', args: ['--cell', 'lsm', '--hidden', '128'], classifierOnly: true },
  { id: 'lstm16', label: 'LSTM 16', args: ['--cell', 'lstm', '--hidden', '16'], epochs: true, tfjsWasm: 2.6 },
  { id: 'gru16', label: 'GRU 16', args: ['--cell', 'gru', '--hidden', '16'], epochs: true, tfjsWasm: 2.1 },
];

interface DataConfig {
  id: string;
  data: string;
  fresh: string;
  simData: string;
  metric: 'accuracy' | 'rmse';
}

const DATA: DataConfig[] = [
  { id: 'gestures', data: 'builtin:gestures', fresh: 'builtin:gestures?seed=2&n=600', simData: 'builtin:gestures?n=2', metric: 'accuracy' },
  { id: 'sines', data: 'builtin:sines', fresh: 'builtin:sines?seed=2', simData: 'builtin:sines?n=2', metric: 'rmse' },
];

/** The anchors' job for training time: 256 sequences, 15 epochs (shared facts, "Numbers to beat"). */
const TFJS_SEQUENCE_EPOCHS = 256 * 15;
const CMSIS_3_16 = CMSIS_NN_LSTM['3/16'];
const BOARD = 'PUCKJS';

interface Espruino {
  js: string;
  native: string;
}

/** Where a build does not fit the board (compile refuses it: ESP301 RAM, ESP302 Storage), what it needs. */
function fit(e: MemoryEstimate): string {
  if (e.fits) return '';
  const ram = e.peakBlocks > e.budgetBlocks ? `, RAM ${e.peakBlocks} of ${e.budgetBlocks} blocks` : '';
  const storage = e.storage.bytes > e.storage.capacity ? `, Storage ${int(e.storage.bytes)} of ${int(e.storage.capacity)} B` : '';
  return `; does not fit${ram}${storage}`;
}

/** The Puck.js builds' cost per step (the JS kernel compile picks by size and fit, and the native kernel), or why one cannot be built. */
function espruinoCost(q: QuantModel): Promise<Espruino> {
  const why = (e: unknown): string => (e instanceof TinyrnnError ? `not built (${e.code})` : `failed: ${(e as Error).message}`);
  let js: string;
  try {
    const b = buildEspruino(q, { board: BOARD });
    js = `${b.cost.msPerStep} ms (${b.gen.kernel}, ${fmt(b.cost.instructionsPerStep / 1e6, 2)} M${fit(b.estimate)})`;
  } catch (e) {
    js = why(e);
  }
  const refused = nativeRefusal(findBoard(BOARD, { espruino: true }));
  if (refused) return Promise.resolve({ js, native: why(refused) });
  return buildEspruinoNative(q, { board: BOARD }).then(
    (b) => ({ js, native: `${b.native.cost.msPerStep} ms${fit(b.estimate)}` }),
    (e) => ({ js, native: why(e) }),
  );
}

/** What train chose for a liquid, its firing rate, and its multiply-adds per step at that rate and with every neuron firing. */
function liquidChoice(r: PipelineResult): string {
  const { liquid: l, choice: c } = r.train;
  if (!l || !c) return '-';
  return `tau-mem ${c.tauMem}, tau-trace ${c.tauTrace}, input x${c.inputScaling}, ${c.readout}; firing ${(100 * l.rate).toFixed(1)}%: ${int(l.costAtRate)} MACs/step (all firing: ${int(l.worstCaseCost)})`;
}

/** What train chose for a reservoir: leak and readout (a liquid: its settings and firing rate). */
function chosen(r: PipelineResult): string {
  if (r.train.liquid) return liquidChoice(r);
  if (!r.train.reservoir) return '-';
  const pool = loadFloatModel(r.floatFile).layers.find((l) => l.kind === 'pool');
  const readout = pool && pool.kind === 'pool' ? readoutName({ segments: pool.segments, abs: pool.abs }) : 'last';
  return `leak ${+(r.train.reservoir.leakQ15 / 32768).toFixed(2)}, ${readout}`;
}

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

function score(d: DataConfig, e: EvalReport): string {
  return d.metric === 'accuracy' ? pct(e.classification!.accuracy) : fmt(e.regression!.rmse);
}

/** The int8 model's change: percentage points of accuracy (anchor: under 1 lost), or the RMSE's relative change. */
function int8Change(d: DataConfig, r: PipelineResult): string {
  if (d.metric === 'accuracy') return `${(100 * (r.fresh.int8.classification!.accuracy - r.fresh.float.classification!.accuracy)).toFixed(1)} pp`;
  return `${(100 * (r.fresh.int8.regression!.rmse / r.fresh.float.regression!.rmse - 1)).toFixed(1)}%`;
}

/** Training CPU seconds, and for the gesture LSTM/GRU the ratio per sequence-epoch to TensorFlow.js wasm's. */
function trainTime(d: DataConfig, m: ModelConfig, r: PipelineResult, epochs: number): string {
  const s = `${r.trainCpu.toFixed(1)} s`;
  if (d.id !== 'gestures' || !m.tfjsWasm) return s;
  const ours = r.trainCpu / (r.train.split.train * epochs);
  return `${s} (${(ours / (m.tfjsWasm / TFJS_SEQUENCE_EPOCHS)).toFixed(2)}x)`;
}

async function row(d: DataConfig, m: ModelConfig, dir: string, epochs: number): Promise<string> {
  const args = m.epochs ? [...m.args, '--epochs', String(epochs)] : m.args;
  const r = runPipeline({ id: `${d.id}_${m.id}`, args, data: d.data, fresh: d.fresh, simData: d.simData }, dir);
  const esp = await espruinoCost(loadQuantModel(r.quantFile));
  const label = m.epochs ? `${m.label} (${epochs} epochs)` : m.label;
  const instr = d.id === 'gestures' ? `${int(r.instructions)} (${(r.instructions / CMSIS_3_16).toFixed(2)}x)` : int(r.instructions);
  const test = d.metric === 'accuracy' ? '' : ` | ${score(d, r.train.test)}`;
  return `| ${label} | ${chosen(r)}${test} | ${score(d, r.fresh.float)} / ${score(d, r.fresh.int8)} | ${int8Change(d, r)} | ${trainTime(d, m, r, epochs)} | ${int(r.flashBytes)} B | ${int(r.ramBytes)} B | ${instr} | ${esp.js} | ${esp.native} |`;
}

function header(d: DataConfig): string[] {
  const fresh = `${d.fresh} float / int8`;
  const first =
    d.metric === 'accuracy'
      ? `| model | chosen | accuracy on ${fresh} | int8 change |`
      : `| model | chosen | test RMSE (float) | RMSE on ${fresh} | int8 change |`;
  const instr = d.id === 'gestures' ? 'instructions/step M4 (vs CMSIS-NN LSTM 3/16)' : 'instructions/step M4';
  const train = d.id === 'gestures' ? 'train CPU (vs tfjs-wasm per sequence-epoch)' : 'train CPU';
  const line = `${first} ${train} | flash (C) | RAM (C) | ${instr} | Puck.js JS kernel per step (estimate) | Puck.js native per step (estimate) |`;
  return [line, line.replace(/[^|]+/g, '---')];
}

const NOTES = [
  'Anchors (shared facts): CMSIS-NN arm_lstm_unidirectional_s8 at 3/16 (input/hidden) takes 12,973 instructions per step on the Cortex-M4 -O2 (QEMU); TensorFlow.js 4.22 wasm trains an LSTM 16 (GRU 16) for 15 epochs over 256 gesture sequences in 2.6 s (2.1 s) of CPU, its pure-JS CPU backend the LSTM in 8.3 s; post-training int8 of small LSTMs typically costs well under 1 percentage point of accuracy.',
  'The training ratio divides CPU seconds per sequence and epoch (training split sequences x epochs) by the anchor\u2019s; an echo state network has no epochs (its fit is one ridge regression per setting of the grid, all settings included in its time).',
  'flash, RAM and instructions per step: the C target on an STM32F411 profile (arm-none-eabi-gcc -O2, executed instructions on QEMU mps2-an386, the slowest sampled step), bit-identical to the reference. A liquid\u2019s synapses and input weights are regenerated once per model (by the first reset, outside the steps), so its steps cost what its firing rate makes them (the chosen column): the slowest sampled step is the one with the most spikes.',
  'Puck.js: estimates, not measurements on the board; a build that does not fit says so (compile refuses it), its cost is what it would take. JS kernel: x86-equivalent instructions of the Espruino 2v29 interpreter counted by the cost model (targets/espruino/cost.ts, fitted to the instructions the real interpreter executes, built for Linux with Puck.js\u2019s and Bangle.js 2\u2019s layouts and counted under qemu-i386, on the generated LSTM/GRU/Elman/Jordan kernels, checked on held-out golden kernels including 12- and 16-unit reservoirs; the pool kernels were not measured: their share extrapolates the same coefficients) at 64 M per second. Native: Thumb instructions counted on QEMU taken as cycles at 64 MHz, plus the JS glue measured on the real interpreter.',
];

async function main(): Promise<void> {
  const epochs = Number(arg('epochs') ?? 15);
  const only = arg('only')?.split(',');
  const onlyData = arg('data')?.split(',');
  const keep = arg('keep');
  const dir = keep ? path.resolve(keep) : fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-reservoir-'));
  fs.mkdirSync(dir, { recursive: true });
  const started = Date.now();
  const out: string[] = [];
  for (const d of DATA.filter((x) => !onlyData || onlyData.includes(x.id))) {
    const rows: string[] = [];
    for (const m of MODELS.filter((x) => (!only || only.includes(x.id)) && !(x.classifierOnly && d.metric !== 'accuracy'))) {
      rows.push(await row(d, m, dir, epochs));
      process.stderr.write(`${d.id} ${m.id} done (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
    }
    out.push(`\n${d.data} (seed 1; train on ${d.data}, evaluated on ${d.fresh})\n`, ...header(d), ...rows);
    if (d.id === 'sines') out.push('', sinesScale(), 'Liquids classify only (train refuses regression with LSM002): no rows here.');
  }
  out.push('', `LSTM and GRU: ${epochs} epochs (train's default is 30; 15 is the anchors' training job and keeps this run near 10 minutes).`, ...NOTES);
  out.push(`models in ${keep ? dir : '(temporary directory, removed)'}; wall clock ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(out.join('\n'));
  if (!keep) fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + '\n');
  process.exitCode = 1;
});
