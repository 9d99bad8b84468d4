// Measured against estimated: executed x86 instructions per time step of the emitted kernel of each
// gesture benchmark model (bench/espruino/models.ts: LSTM and GRU 3-8-4 and 3-16-4, Elman and
// Jordan 3-8/16), built as `compile` builds it for each interpreter layout (Puck.js: Storage
// weights; Bangle.js 2: inline weights), counted on the real Espruino interpreter under qemu-i386
// with the instruction-count plugin (main thread, K and 2K steps subtracted, the driving loop's own
// cost measured and taken out: runtime/espruino-real/count.ts), beside the cost model's estimate for
// the same steps (the counting sandbox, targets/espruino/cost.ts) and their ratio; then the JsVar
// blocks the module takes at require() (process.memory().usage) beside the estimate's share for it.
//
//   npm run build && node dist/bench/espruino/real-cost.js [--steps K] [--layout puckjs|banglejs2] [--json]
import { QuantModel } from '../../compiler/core/ir/quant-model';
import { createQuantState, rawSequence, stepQuant } from '../../compiler/core/reference';
import { quantizeModel } from '../../compiler/quant/quantize';
import { findBoard } from '../../targets/boards';
import { buildEspruino } from '../../targets/espruino/target';
import { LAYOUTS, LAYOUT_BOARD, Layout, requireInterpreters } from '../../runtime/espruino-real/interpreter';
import { countStep } from '../../runtime/espruino-real/count';
import { moduleEstimate } from '../../runtime/espruino-real/golden';
import { accelSequences, gestureFloatModelLight, gestureQuantModel } from './models';
import { countKernel } from './run';

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
  memory: { measured: number; estimate: number; ratio: number; stepGrowth: number };
}

export function benchModels(): { name: string; model: QuantModel }[] {
  const out: { name: string; model: QuantModel }[] = [];
  for (const kind of ['lstm', 'gru'] as const) for (const h of [8, 16]) out.push({ name: `${kind.toUpperCase()} 3-${h}-4`, model: gestureQuantModel(kind, h) });
  for (const h of [8, 16]) out.push({ name: `ELMAN 3-${h}-4`, model: quantizeModel(gestureFloatModelLight('elman', h), accelSequences(16, 50)) });
  for (const h of [8, 16]) out.push({ name: `JORDAN 3-${h}/4-4`, model: quantizeModel(gestureFloatModelLight('jordan', h), accelSequences(16, 50)) });
  return out;
}

function referenceOutputs(m: QuantModel, rows: number[][]): number[] {
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

export async function measureModel(name: string, m: QuantModel, layout: Layout, K: number): Promise<CostRow> {
  const it = requireInterpreters();
  const b = buildEspruino(m, { board: LAYOUT_BOARD[layout], name: 'kernel' });
  const rows = rawSequence(m, accelSequences(1, 2 * K, 9)[0].flat());
  const blobs = new Map(b.gen.blobs.map((x) => [x.storageName, x.bytes.slice()] as [string, Uint8Array]));
  const estimate = estimatePerStep(m, b.gen.source, blobs, rows, K, layout);
  const files = b.files.filter((f) => f.kind === 'weights' || f.kind === 'module');
  const c = await countStep(it, layout, { files, module: b.gen.moduleName, rows, expectLast: (n) => referenceOutputs(m, rows.slice(0, n)) }, K);
  return {
    model: name,
    layout,
    weights: b.weights,
    kernel: b.gen.kernel,
    estimate,
    measured: c.perStep,
    ratio: Math.round((c.perStep / estimate) * 1000) / 1000,
    loopPerIteration: c.loopPerIteration,
    memory: {
      measured: c.moduleBlocks,
      estimate: moduleEstimate(b),
      ratio: Math.round((c.moduleBlocks / moduleEstimate(b)) * 1000) / 1000,
      stepGrowth: c.stepGrowth,
    },
  };
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
    out.push(
      `${r.model.padEnd(17)}  ${r.layout.padEnd(9)}  ${String(r.memory.estimate).padStart(8)}  ${String(r.memory.measured).padStart(8)}  ${r.memory.ratio.toFixed(3).padStart(17)}  ${String(r.memory.stepGrowth).padStart(21)}`,
    );
  return out.join('\n');
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (require.main === module) {
  const K = Number(option('--steps') ?? 10);
  const only = option('--layout');
  const layouts = LAYOUTS.filter((l) => !only || l === only);
  (async () => {
    const rows: CostRow[] = [];
    for (const { name, model } of benchModels()) for (const layout of layouts) rows.push(await measureModel(name, model, layout, K));
    process.stdout.write(process.argv.includes('--json') ? JSON.stringify(rows, null, 2) + '\n' : formatCost(rows, K) + '\n');
  })().catch((e: Error) => {
    process.stderr.write(`${e.message}\n`);
    process.exitCode = 1;
  });
}
