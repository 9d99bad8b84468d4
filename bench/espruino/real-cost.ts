// Measured against estimated: executed x86 instructions per time step of the emitted kernel of each
// gesture benchmark model (bench/espruino/models.ts: LSTM and GRU 3-8-4 and 3-16-4, Elman and
// Jordan 3-8/16), built as `compile` builds it for each interpreter layout (Puck.js: Storage
// weights; Bangle.js 2: inline weights), counted on the real Espruino interpreter under qemu-i386
// with the instruction-count plugin (main thread, K and 2K steps subtracted, the driving loop's own
// cost measured and taken out: runtime/espruino-real/count.ts), beside the cost model's estimate for
// the same steps (the counting sandbox, targets/espruino/cost.ts) and their ratio; then the JsVar
// blocks the module takes at require() (process.memory().usage) beside the estimate's share for it.
//
//   npm run bench:espruino-cost [-- --steps K] [--layout puckjs|banglejs2] [--naive] [--json]
//
// --naive also counts the straightforward JS-loop kernel of the LSTM and GRU models (bench/espruino/naive.ts).
import { QuantModel } from '../../compiler/core/ir/quant-model';
import { createQuantState, rawSequence, stepQuant } from '../../compiler/core/reference';
import { quantizeModel } from '../../compiler/quant/quantize';
import { findBoard } from '../../targets/boards';
import { buildEspruino } from '../../targets/espruino/target';
import { LAYOUTS, LAYOUT_BOARD, Layout, requireInterpreters } from '../../runtime/espruino-real/interpreter';
import { countStep } from '../../runtime/espruino-real/count';
import { moduleEstimate } from '../../runtime/espruino-real/golden';
import { BENCH_QUANTIZE, accelSequences, gestureFloatModelLight, gestureQuantModel } from './models';
import { countKernel } from './run';
import { naiveModule } from './naive';

export interface CostRow {
  model: string;
  layout: Layout;
  weights: string;
  kernel: string;
  estimate: number;
  measured: number;
  ratio: number;
  loopPerIteration: number;
  /** JsVar blocks of the module after require(): measured (usage after less before) and estimated, and the growth over the steps. */
  memory?: { measured: number; estimate: number; ratio: number; stepGrowth: number };
}

export function benchModels(): { name: string; model: QuantModel }[] {
  const out: { name: string; model: QuantModel }[] = [];
  for (const kind of ['lstm', 'gru'] as const) for (const h of [8, 16]) out.push({ name: `${kind.toUpperCase()} 3-${h}-4`, model: gestureQuantModel(kind, h) });
  for (const h of [8, 16])
    out.push({ name: `ELMAN 3-${h}-4`, model: quantizeModel(gestureFloatModelLight('elman', h), accelSequences(16, 50), BENCH_QUANTIZE) });
  for (const h of [8, 16])
    out.push({ name: `JORDAN 3-${h}/4-4`, model: quantizeModel(gestureFloatModelLight('jordan', h), accelSequences(16, 50), BENCH_QUANTIZE) });
  return out;
}

/** The reference's output after stepping through rows from reset (what a counted run must end on). */
export function referenceOutputs(m: QuantModel, rows: number[][]): number[] {
  const st = createQuantState(m);
  let out: number[] = [];
  for (const r of rows) out = Array.from(stepQuant(m, st, r));
  return out;
}

/** Estimated instructions per step over steps K..2K-1 (the steps the measurement keeps). */
function estimatePerStep(m: QuantModel, source: string, blobs: Map<string, Uint8Array>, rows: number[][], K: number, layout: Layout): number {
  const board = findBoard(LAYOUT_BOARD[layout]);
  const all = countKernel(m, source, blobs, rows, board).instructionsPerStep * rows.length;
  const first = countKernel(m, source, blobs, rows.slice(0, K), board).instructionsPerStep * K;
  return Math.round((all - first) / (rows.length - K));
}

/** What is counted: a module, the files it needs in Storage, and (emitted kernels) the build's memory estimate for it. */
interface Kernel {
  weights: string;
  kernel: string;
  module: string;
  source: string;
  files: { name: string; bytes: Uint8Array }[];
  blobs: Map<string, Uint8Array>;
  moduleEstimate?: number;
}

/** The emitted module as `compile` builds it for the layout's board (its default weights and kernel). */
function emittedKernel(m: QuantModel, layout: Layout): Kernel {
  const b = buildEspruino(m, { board: LAYOUT_BOARD[layout], name: 'kernel' });
  return {
    weights: b.weights,
    kernel: b.gen.kernel,
    module: b.gen.moduleName,
    source: b.gen.source,
    files: b.files.filter((f) => f.kind === 'weights' || f.kind === 'module'),
    blobs: new Map(b.gen.blobs.map((x) => [x.storageName, x.bytes.slice()] as [string, Uint8Array])),
    moduleEstimate: moduleEstimate(b),
  };
}

/** The straightforward JS-loop kernel (bench/espruino/naive.ts; LSTM and GRU only), weights as literals. */
function naiveKernel(m: QuantModel): Kernel {
  const source = naiveModule(m);
  return {
    weights: 'literal',
    kernel: 'naive',
    module: 'naive',
    source,
    files: [{ name: 'naive', bytes: new Uint8Array(Buffer.from(source, 'latin1')) }],
    blobs: new Map(),
  };
}

async function measureKernel(name: string, m: QuantModel, layout: Layout, K: number, k: Kernel): Promise<CostRow> {
  const it = requireInterpreters();
  const rows = rawSequence(m, accelSequences(1, 2 * K, 9)[0].flat());
  const estimate = estimatePerStep(m, k.source, k.blobs, rows, K, layout);
  const c = await countStep(it, layout, { files: k.files, module: k.module, rows, expectLast: (n) => referenceOutputs(m, rows.slice(0, n)) }, K);
  const ratio = (a: number, b: number): number => Math.round((a / b) * 1000) / 1000;
  return {
    model: name,
    layout,
    weights: k.weights,
    kernel: k.kernel,
    estimate,
    measured: c.perStep,
    ratio: ratio(c.perStep, estimate),
    loopPerIteration: c.loopPerIteration,
    memory: k.moduleEstimate
      ? { measured: c.moduleBlocks, estimate: k.moduleEstimate, ratio: ratio(c.moduleBlocks, k.moduleEstimate), stepGrowth: c.stepGrowth }
      : undefined,
  };
}

/** The emitted kernel of a benchmark model on a layout, measured and estimated. */
export function measureModel(name: string, m: QuantModel, layout: Layout, K: number): Promise<CostRow> {
  return measureKernel(name, m, layout, K, emittedKernel(m, layout));
}

/** The straightforward kernel of an LSTM or GRU benchmark model, measured and estimated. */
export function measureNaive(name: string, m: QuantModel, layout: Layout, K: number): Promise<CostRow> {
  return measureKernel(name, m, layout, K, naiveKernel(m));
}

export function formatCost(rows: CostRow[], K: number): string {
  const out = [
    `Executed x86 instructions per step on the real Espruino 2v29 interpreter (qemu-i386 + insn-count plugin, main thread, ${K} and ${2 * K} steps subtracted, driving loop taken out) beside the cost model's estimate`,
    '',
    'model              layout     weights  kernel    estimate M  measured M  measured/estimate  loop k/iter',
  ];
  for (const r of rows)
    out.push(
      `${r.model.padEnd(17)}  ${r.layout.padEnd(9)}  ${r.weights.padEnd(7)}  ${r.kernel.padEnd(8)}  ${(r.estimate / 1e6).toFixed(3).padStart(10)}  ${(r.measured / 1e6).toFixed(3).padStart(10)}  ${r.ratio.toFixed(3).padStart(17)}  ${(r.loopPerIteration / 1e3).toFixed(1).padStart(11)}`,
    );
  const ratios = rows.map((r) => r.ratio);
  out.push('', `measured/estimate: ${Math.min(...ratios).toFixed(3)} to ${Math.max(...ratios).toFixed(3)}`);
  out.push(
    '',
    'JsVar blocks of the module after require() (process.memory().usage after less before; estimate: its items without firmware, runtime and app code)',
    '',
    'model              layout     estimate  measured  measured/estimate  growth over the steps',
  );
  for (const r of rows)
    if (r.memory)
      out.push(
        `${r.model.padEnd(17)}  ${r.layout.padEnd(9)}  ${String(r.memory.estimate).padStart(8)}  ${String(r.memory.measured).padStart(8)}  ${r.memory.ratio.toFixed(3).padStart(17)}  ${String(r.memory.stepGrowth).padStart(21)}`,
      );
  return out.join('\n');
}

/** The value after a command-line option, or undefined. */
export function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (require.main === module) {
  const K = Number(option('--steps') ?? 10);
  const only = option('--layout');
  const layouts = LAYOUTS.filter((l) => !only || l === only);
  const naive = process.argv.includes('--naive');
  (async () => {
    const rows: CostRow[] = [];
    for (const { name, model } of benchModels())
      for (const layout of layouts) {
        rows.push(await measureModel(name, model, layout, K));
        if (naive && (model.layers[0].kind === 'lstm' || model.layers[0].kind === 'gru')) rows.push(await measureNaive(name, model, layout, K));
      }
    process.stdout.write(process.argv.includes('--json') ? JSON.stringify(rows, null, 2) + '\n' : formatCost(rows, K) + '\n');
  })().catch((e: Error) => {
    process.stderr.write(`${e.message}\n`);
    process.exitCode = 1;
  });
}
