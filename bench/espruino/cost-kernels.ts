// The kernels the Espruino cost model is fitted on and checked against, each measured on the real
// interpreter (executed x86 instructions per step, runtime/espruino-real/count.ts; JsVar blocks of
// the module after require() and after the steps) and counted in the sandbox (the cost model's
// features per step, targets/espruino/cost.ts), over the same steps K..2K-1 of the same inputs.
//
// Fitting set: the gesture benchmark models (LSTM, GRU 3-8/16-4; Elman, Jordan 3-8/16) in every
// configuration compile offers: both board layouts, inline and Storage weights, loop and unrolled
// kernels. Held-out set: every streaming golden-vector case (test/vectors: dense-only, stacked,
// clipped, normalised, echo state, Jordan heads, ...) in both layouts with the layout's default
// weights, loop and unrolled kernels.
import * as path from 'node:path';
import { QuantModel } from '../../compiler/core/ir/quant-model';
import { createQuantState, rawSequence, stepQuant } from '../../compiler/core/reference';
import { BoardProfile, espruinoProfile, findBoard } from '../../targets/boards';
import { CostFeatures } from '../../targets/espruino/cost';
import { WeightsMode } from '../../targets/espruino/generate';
import { EspruinoSandbox } from '../../targets/espruino/sandbox';
import { codeText, countFunctions } from '../../targets/espruino/estimate';
import { EspruinoBuild, buildEspruino } from '../../targets/espruino/target';
import { countStep } from '../../runtime/espruino-real/count';
import { moduleEstimate } from '../../runtime/espruino-real/golden';
import { Interpreters, LAYOUTS, LAYOUT_BOARD, Layout } from '../../runtime/espruino-real/interpreter';
import { loadVectorCases } from '../../runtime/vectors/load';
import { accelSequences } from './models';
import { benchModels } from './real-cost';

export interface KernelSpec {
  /** Benchmark model or golden case name. */
  model: string;
  set: 'fit' | 'held-out';
  layout: Layout;
  weights: WeightsMode;
  kernel: 'loop' | 'unrolled';
  m: QuantModel;
  rows: number[][];
}

export interface KernelMeasurement {
  model: string;
  set: 'fit' | 'held-out';
  layout: Layout;
  weights: WeightsMode;
  kernel: string;
  /** Storage of the layout's board is memory-mapped. */
  storageMapped: boolean;
  /** Executed instructions per step on the real interpreter. */
  measured: number;
  /** JsVar blocks of the module: after require() (usage after less before), growth over the steps, and the build's estimate. */
  memory: { load: number; stepGrowth: number; estimate: number };
}

/** The estimate's parts for the module: its code's functions and blocks, and the rest of its items. */
export interface ModuleMemory {
  functions: number;
  code: number;
  other: number;
}

/** A measurement with the cost model's features per step in the counting sandbox. */
export interface KernelSample extends KernelMeasurement {
  features: CostFeatures;
  moduleMemory: ModuleMemory;
}

export function kernelLabel(k: { model: string; layout: string; weights: string; kernel: string }): string {
  return `${k.model} ${k.layout} ${k.weights} ${k.kernel}`;
}

/** rows cycled to n steps (the count's driver takes rows[t % rows.length] at step t). */
function cycled(rows: number[][], n: number): number[][] {
  return Array.from({ length: n }, (_, t) => rows[t % rows.length]);
}

function referenceAfter(m: QuantModel, rows: number[][], n: number): number[] {
  const st = createQuantState(m);
  let out: number[] = [];
  for (const r of cycled(rows, n)) out = Array.from(stepQuant(m, st, r));
  return out;
}

export function fitSpecs(K: number): KernelSpec[] {
  const out: KernelSpec[] = [];
  for (const { name, model } of benchModels()) {
    const rows = rawSequence(model, accelSequences(1, 2 * K, 9)[0].flat());
    for (const layout of LAYOUTS)
      for (const weights of ['storage', 'inline'] as const)
        for (const kernel of ['loop', 'unrolled'] as const) out.push({ model: name, set: 'fit', layout, weights, kernel, m: model, rows });
  }
  return out;
}

export function heldOutSpecs(K: number, vectorsDir = path.resolve(__dirname, '..', '..', '..', 'test', 'vectors')): KernelSpec[] {
  const out: KernelSpec[] = [];
  for (const c of loadVectorCases(vectorsDir).filter((x) => x.streaming))
    for (const layout of LAYOUTS)
      for (const kernel of ['loop', 'unrolled'] as const) {
        const weights = espruinoProfile(findBoard(LAYOUT_BOARD[layout])).storageMapped ? 'storage' : 'inline';
        out.push({ model: c.name, set: 'held-out', layout, weights, kernel, m: c.model, rows: c.vectors.sequences[0].raw.slice(0, 2 * K) });
      }
  return out;
}

function roomy(board: BoardProfile): BoardProfile {
  return { ...board, espruino: { ...espruinoProfile(board), variables: 1 << 30 } };
}

/** The cost model's features per step over steps K..2K-1 in the counting sandbox; every output checked against the reference. */
export function sandboxFeatures(s: KernelSpec, source: string, blobs: Map<string, Uint8Array>, K: number): CostFeatures {
  const board = findBoard(LAYOUT_BOARD[s.layout]);
  const sb = new EspruinoSandbox({ board: roomy(board), countCost: true, baseBlocks: 0 });
  for (const [k, v] of blobs) sb.storage.set(k, v);
  sb.storage.set('kernel', Buffer.from(source, 'latin1'));
  const mod = sb.require('kernel') as { step(r: number[]): ArrayLike<number>; reset(): void };
  mod.reset();
  const st = createQuantState(s.m);
  cycled(s.rows, 2 * K).forEach((r, t) => {
    if (t === K) sb.resetCost();
    const got = Array.from(mod.step(r)).join();
    const want = Array.from(stepQuant(s.m, st, r)).join();
    if (got !== want) throw new Error(`${kernelLabel(s)}: the sandbox gave ${got} at step ${t}, the reference ${want}`);
  });
  const f = sb.cost().features!;
  const per = (v: number | number[]): number | number[] => (Array.isArray(v) ? v.map((x) => x / K) : v / K);
  return Object.fromEntries(Object.entries(f).map(([k, v]) => [k, per(v)])) as unknown as CostFeatures;
}

interface BuiltKernel {
  source: string;
  blobs: Map<string, Uint8Array>;
  files: { name: string; bytes: Uint8Array }[];
  kernel: string;
  moduleEstimate: number;
  moduleMemory: ModuleMemory;
}

function moduleMemoryOf(b: EspruinoBuild, weights: WeightsMode): ModuleMemory {
  const code = b.estimate.items.find((i) => i.what.startsWith(`code ${b.gen.moduleName} (`));
  if (!code) throw new Error(`the estimate has no item for the code of ${b.gen.moduleName}`);
  return { functions: countFunctions(codeText(b.gen.source, weights)), code: code.blocks, other: moduleEstimate(b) - code.blocks };
}

/** The kernel as `compile` builds it with the spec's options, as the module 'kernel'. */
function buildSpec(s: KernelSpec): BuiltKernel {
  const b = buildEspruino(s.m, { board: LAYOUT_BOARD[s.layout], weights: s.weights, kernel: s.kernel, name: 'kernel' });
  return {
    source: b.gen.source,
    blobs: new Map(b.gen.blobs.map((x) => [x.storageName, x.bytes.slice()] as [string, Uint8Array])),
    files: b.files.filter((f) => f.kind === 'weights' || f.kind === 'module'),
    kernel: b.gen.kernel,
    moduleEstimate: moduleEstimate(b),
    moduleMemory: moduleMemoryOf(b, s.weights),
  };
}

/** A measurement joined with the sandbox's features of the same kernel (and the current memory estimate). */
export function sampleOf(s: KernelSpec, k: KernelMeasurement, K: number): KernelSample {
  const b = buildSpec(s);
  return {
    ...k,
    memory: { ...k.memory, estimate: b.moduleEstimate },
    moduleMemory: b.moduleMemory,
    features: sandboxFeatures(s, b.source, b.blobs, K),
  };
}

/** Builds the kernel as `compile` would with its options and counts it on the real interpreter. */
export async function measureSpec(it: Interpreters, s: KernelSpec, K: number): Promise<KernelMeasurement> {
  const b = buildSpec(s);
  const c = await countStep(it, s.layout, { files: b.files, module: 'kernel', rows: s.rows, expectLast: (n) => referenceAfter(s.m, s.rows, n) }, K);
  return {
    model: s.model,
    set: s.set,
    layout: s.layout,
    weights: s.weights,
    kernel: b.kernel,
    storageMapped: espruinoProfile(findBoard(LAYOUT_BOARD[s.layout])).storageMapped,
    measured: c.perStep,
    memory: { load: c.moduleBlocks, stepGrowth: c.stepGrowth, estimate: b.moduleEstimate },
  };
}
