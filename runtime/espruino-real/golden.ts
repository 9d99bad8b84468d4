// Golden vectors on the real Espruino interpreter: each case is built as `compile --target
// espruino` builds it (buildEspruino: runtime, weights, module, app), its files are written into
// the interpreter's emulated Storage as `flash` writes them, the module is loaded with require(),
// every sequence is streamed step by step and run whole, and the integers (outputs, and the state
// traces the module exposes, and final() for final states beside the output) are compared with the vectors. process.memory().usage is recorded
// after loading and after stepping, beside the build's estimate. Many cases share one interpreter
// process (its start is the cost), as long as their files fit its Storage without compaction.
//
// Code: ESP604 the script failed on the interpreter, or its report is incomplete.
import { TinyrnnError } from '../../compiler/core/ir/errors';
import { Rng } from '../../compiler/core/util/rng';
import { espruinoProfile } from '../../targets/boards';
import { WeightsMode } from '../../targets/espruino/generate';
import { storageFileBytes } from '../../targets/espruino/memory';
import { EspruinoBuild, buildEspruino } from '../../targets/espruino/target';
import { checksumOf } from '../../targets/espruino/checksum';
import { GoldenSequence, VectorCase } from '../vectors/load';
import { Interpreters, LAYOUT_BOARD, Layout, runScript } from './interpreter';
import { ScriptModel, batchScript, chunkedBase64, inputsFile, planFile, planText } from './script';

export interface RealConfig {
  layout: Layout;
  weights: WeightsMode;
  /** Kernel style; undefined: what compile chooses. */
  kernel?: 'loop' | 'unrolled';
  minify?: boolean;
}

export function configLabel(c: RealConfig): string {
  return `${c.layout} ${c.weights} ${c.kernel ?? 'default-kernel'}${c.minify ? ' minified' : ''}`;
}

export interface CaseMemory {
  /** process.memory().usage before require() (the driver and the firmware), after it, after streaming, after the whole runs. */
  base: number;
  load: number;
  step: number;
  run: number;
}

export interface RealCaseResult {
  name: string;
  config: string;
  /** Kernel style the build chose. */
  kernel: string;
  /** The kernel the loaded module reported ("native" or "js") and a native module's refusal code ("" when none). */
  loaded: { kernel: string; nativeError: string };
  /** Empty: every integer equal. */
  failures: string[];
  /** Sequences not run whole because the pool had too few free blocks (and how many it had). */
  wholeSkipped: { seq: number; steps: number; free: number }[];
  memory: CaseMemory;
  /** The build's estimate: the whole app (firmware, runtime, module, app) steady and peak, the module's share, and the cost model's instructions per step. */
  estimate: { steadyBlocks: number; peakBlocks: number; moduleBlocks: number; instructionsPerStep: number };
  /** Steps compared (streamed plus whole). */
  steps: number;
}

export interface BatchResult {
  results: RealCaseResult[];
  ms: number;
}

/** Storage bytes one batch may fill: the Linux builds have 256 KB, and a batch must never need a compaction. */
export const BATCH_STORAGE_BYTES = 160 * 1024;

/** A case built in a configuration, with the module name it gets in the batch. */
export interface BuiltCase {
  c: VectorCase;
  build: EspruinoBuild;
}

export function buildCase(c: VectorCase, cfg: RealConfig, index: number): BuiltCase {
  const build = buildEspruino(c.model, { board: LAYOUT_BOARD[cfg.layout], weights: cfg.weights, kernel: cfg.kernel, minify: cfg.minify, name: `g${index}` });
  return { c, build };
}

/**
 * Models one interpreter process loads in turn. On the Puck.js layout with inline weights, loading
 * several modules in a row fragments the small pool: a later module's flat weight buffers then find
 * no contiguous room (LOW_MEMORY) although each model alone fits. There each model gets a fresh
 * interpreter, as it has on a device.
 */
export function modelsPerProcess(cfg: RealConfig): number {
  return cfg.layout === 'puckjs' && cfg.weights === 'inline' ? 1 : Infinity;
}

/** Splits built cases into batches whose Storage files fit BATCH_STORAGE_BYTES, at most `perProcess` models each. */
export function batches(built: BuiltCase[], perProcess = Infinity): BuiltCase[][] {
  const out: BuiltCase[][] = [];
  let bytes = Infinity;
  for (const b of built) {
    const need = b.build.files.reduce((s, f) => s + storageFileBytes(f.bytes.length), 0);
    if (bytes + need > BATCH_STORAGE_BYTES || out[out.length - 1].length >= perProcess) {
      out.push([]);
      bytes = 0;
    }
    out[out.length - 1].push(b);
    bytes += need;
  }
  return out;
}

function int32File(rows: number[][]): Uint8Array {
  const b = Buffer.alloc(rows.reduce((s, r) => s + r.length, 0) * 4);
  let o = 0;
  for (const r of rows) for (const v of r) o = b.writeInt32LE(v, o);
  return new Uint8Array(b);
}

function scriptModel(b: BuiltCase, k: number, files: Map<string, Uint8Array | string>): ScriptModel {
  const entries: [string, string, number][] = b.build.files.map((f, i) => {
    const host = `c${k}f${i}.b64`;
    files.set(host, chunkedBase64(f.bytes));
    return [f.name, host, f.bytes.length];
  });
  const seqs = b.c.vectors.sequences;
  seqs.forEach((s, si) => files.set(inputsFile(k, si), int32File(s.raw)));
  const m: ScriptModel = {
    module: b.build.gen.moduleName,
    files: entries,
    steps: seqs.map((s) => s.raw.length),
    inputs: b.c.model.inputSize,
    outputs: seqs[0].outputs[0].length,
    streaming: b.c.streaming,
  };
  files.set(planFile(k), planText(m));
  return m;
}

/** Runs one batch (all of one configuration) in one interpreter process and checks every case. */
export async function runBatch(it: Interpreters, cfg: RealConfig, batch: BuiltCase[], timeoutMs = 600000): Promise<BatchResult> {
  const files = new Map<string, Uint8Array | string>();
  const models = batch.map((b, k) => scriptModel(b, k, files));
  const blockSize = espruinoProfile(batch[0].build.board).blockSize;
  const run = await runScript(it, cfg.layout, batchScript(models.length, blockSize), { files, timeoutMs });
  const parsed = parseReport(run.stdout);
  if (parsed.error !== undefined)
    throw new TinyrnnError({ code: 'ESP604', path: configLabel(cfg), message: `the driver failed on the interpreter: ${parsed.error}` });
  return { results: batch.map((b, k) => checkModel(b, cfg, parsed.models.get(k), parsed.complete)), ms: run.ms };
}

// ---- the report --------------------------------------------------------------------------------

interface ModelReport {
  checksums: Map<string, string>;
  memory: Partial<CaseMemory>;
  /** seq -> step -> key -> values */
  stream: Map<number, Map<number, Record<string, number[]>>>;
  whole: Map<number, Map<number, number[]>>;
  /** Final states beside the output (the module's final()): seq -> 'stream' | 'run' -> values. */
  final: Map<number, Map<string, number[]>>;
  skipped: Map<number, number>;
  done: boolean;
  /** The kernel the module reports after loading ("js" when it has no `kernel` export), and a native module's refusal code. */
  kernel?: string;
  nativeError?: string;
}

interface Report {
  models: Map<number, ModelReport>;
  complete: boolean;
  error?: string;
}

function emptyModel(): ModelReport {
  return { checksums: new Map(), memory: {}, stream: new Map(), whole: new Map(), final: new Map(), skipped: new Map(), done: false };
}

function values(text: string): number[] {
  return text === '' ? [] : text.split(',').map(Number);
}

function keyed(fields: string[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const f of fields) {
    const eq = f.indexOf('=');
    out[f.slice(0, eq)] = values(f.slice(eq + 1));
  }
  return out;
}

function inner<K, V>(m: Map<number, Map<K, V>>, key: number): Map<K, V> {
  let v = m.get(key);
  if (!v) m.set(key, (v = new Map()));
  return v;
}

/** Parses the script's output lines (the banner and console prompt around them are ignored). */
export function parseReport(stdout: string): Report {
  const models = new Map<number, ModelReport>();
  const report: Report = { models, complete: false };
  for (const raw of stdout.split(/\r?\n/)) {
    const line = raw.replace(/^>+/, '');
    if (line.startsWith('@ERR ')) report.error = line.slice(5);
    if (line === '@END') report.complete = true;
    if (!/^@[CMSRWEKF] \d+/.test(line)) continue;
    const p = line.split(' ');
    const k = Number(p[1]);
    if (!models.has(k)) models.set(k, emptyModel());
    const m = models.get(k)!;
    if (p[0] === '@C') m.checksums.set(p[2], p[3]);
    else if (p[0] === '@M') m.memory[p[2] as keyof CaseMemory] = Number(p[3]);
    else if (p[0] === '@S') inner(m.stream, Number(p[2])).set(Number(p[3]), keyed(p.slice(4)));
    else if (p[0] === '@R') inner(m.whole, Number(p[2])).set(Number(p[3]), keyed(p.slice(4)).output);
    else if (p[0] === '@W') m.skipped.set(Number(p[2]), Number(p[3]));
    else if (p[0] === '@F') inner(m.final, Number(p[2])).set(p[3], values(p[4] ?? ''));
    else if (p[0] === '@E') m.done = true;
    else if (p[0] === '@K') [m.kernel, m.nativeError] = [p[2], p[3] ?? ''];
  }
  return report;
}

// ---- the comparison ----------------------------------------------------------------------------

/** First difference between two integer rows, described; undefined when equal. */
export function diffRow(label: string, got: ArrayLike<number> | undefined, want: ArrayLike<number>): string | undefined {
  if (!got) return `${label}: not reported`;
  const n = Math.max(got.length, want.length);
  let first = -1;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (got[i] !== want[i]) {
      count++;
      if (first < 0) first = i;
    }
  }
  if (count === 0) return undefined;
  return `${label}[${first}]: got ${got[first]}, want ${want[first]} (${count} of ${n} differ)`;
}

/** Streamed steps: outputs and every state trace the module reported that the vectors hold. */
function checkStream(s: GoldenSequence, got: Map<number, Record<string, number[]>> | undefined, tag: string): string[] {
  const fails: string[] = [];
  for (let t = 0; t < s.raw.length && fails.length < 5; t++) {
    const row = got?.get(t);
    if (!row) {
      fails.push(`${tag}: step ${t} not reported`);
      break;
    }
    for (const key of Object.keys(row).filter((x) => x !== 'output')) {
      const want = s.trace[key]?.[t];
      const d = want && diffRow(`step ${t} ${key}`, row[key], want);
      if (d) fails.push(`${tag}: ${d}`);
    }
    const d = diffRow(`step ${t} output`, row.output, s.outputs[t]);
    if (d) fails.push(`${tag}: ${d}`);
  }
  return fails;
}

/** A whole-sequence run: one row per step, or one row of final states (output mode 'final'). */
function checkWhole(s: GoldenSequence, got: Map<number, number[]> | undefined, tag: string): string[] {
  if (got && got.size !== s.outputs.length) return [`${tag}: run gave ${got.size} rows, want ${s.outputs.length}`];
  for (let t = 0; t < s.outputs.length; t++) {
    const d = diffRow(`run step ${t} output`, got?.get(t), s.outputs[t]);
    if (d) return [`${tag}: ${d}`];
  }
  return [];
}

/** final() after the streamed steps or the run, when the sequence has final states beside its output. */
function checkFinal(s: GoldenSequence, got: Map<string, number[]> | undefined, after: 'stream' | 'run', tag: string): string[] {
  if (!s.final) return [];
  const d = diffRow(`final after ${after}`, got?.get(after), s.final);
  return d ? [`${tag}: ${d}`] : [];
}

function checkFiles(b: BuiltCase, m: ModelReport, tag: string): string[] {
  const fails: string[] = [];
  for (const f of b.build.files) {
    const want = JSON.stringify(checksumOf(f.bytes));
    const got = m.checksums.get(f.name);
    if (got !== want) fails.push(`${tag}: Storage file ${f.name}: checksum ${got ?? 'not reported'}, want ${want}`);
  }
  return fails;
}

function checkModel(b: BuiltCase, cfg: RealConfig, m: ModelReport | undefined, complete: boolean): RealCaseResult {
  const tag = `${b.c.name} (${configLabel(cfg)})`;
  const model = m ?? emptyModel();
  const failures = checkFiles(b, model, tag);
  if (!model.done) failures.push(`${tag}: the interpreter did not finish this case${complete ? '' : ' (the batch did not finish)'}`);
  let steps = 0;
  const wholeSkipped: RealCaseResult['wholeSkipped'] = [];
  b.c.vectors.sequences.forEach((s, si) => {
    const where = `${tag} seq${si}`;
    if (b.c.streaming) {
      failures.push(...checkStream(s, model.stream.get(si), where));
      failures.push(...checkFinal(s, model.final.get(si), 'stream', where));
      steps += s.raw.length;
    }
    const free = model.skipped.get(si);
    if (free !== undefined) wholeSkipped.push({ seq: si, steps: s.raw.length, free });
    else {
      failures.push(...checkWhole(s, model.whole.get(si), where));
      failures.push(...checkFinal(s, model.final.get(si), 'run', where));
      steps += s.raw.length;
    }
  });
  const mem = model.memory;
  return {
    name: b.c.name,
    config: configLabel(cfg),
    kernel: b.build.gen.kernel,
    loaded: { kernel: model.kernel ?? '', nativeError: model.nativeError ?? '' },
    failures,
    wholeSkipped,
    memory: { base: mem.base ?? NaN, load: mem.load ?? NaN, step: mem.step ?? NaN, run: mem.run ?? NaN },
    estimate: {
      steadyBlocks: b.build.estimate.steadyBlocks,
      peakBlocks: b.build.estimate.peakBlocks,
      moduleBlocks: moduleEstimate(b.build),
      instructionsPerStep: b.build.cost.instructionsPerStep,
    },
    steps,
  };
}

/** Builds every case in a configuration and runs them in as few interpreter processes as Storage allows. */
export async function runConfig(it: Interpreters, cfg: RealConfig, cases: VectorCase[]): Promise<BatchResult> {
  return runBuilt(
    it,
    cfg,
    cases.map((c, i) => buildCase(c, cfg, i)),
  );
}

/** Runs cases already built (a native build, say) in as few interpreter processes as Storage allows. */
export async function runBuilt(it: Interpreters, cfg: RealConfig, built: BuiltCase[]): Promise<BatchResult> {
  const all: BatchResult = { results: [], ms: 0 };
  for (const batch of batches(built, modelsPerProcess(cfg))) {
    const r = await runBatch(it, cfg, batch);
    all.results.push(...r.results);
    all.ms += r.ms;
  }
  return all;
}

/**
 * The estimate's share of what require() of the module allocates: its items without the firmware
 * and without the code of the other files (device runtime, app), which the real-interpreter runs do not load.
 */
export function moduleEstimate(b: EspruinoBuild): number {
  const others = b.files.filter((f) => f.kind !== 'module').map((f) => `code ${f.name} (`);
  return b.estimate.items.filter((i) => i.what !== 'firmware after boot' && !others.some((o) => i.what.startsWith(o))).reduce((s, i) => s + i.blocks, 0);
}

// ---- configurations ----------------------------------------------------------------------------

/** What `compile` builds by default for each layout: Storage weights on Puck.js (memory-mapped), inline on Bangle.js 2. */
export const DEFAULT_CONFIGS: RealConfig[] = [
  { layout: 'puckjs', weights: 'storage' },
  { layout: 'banglejs2', weights: 'inline' },
];

/** Every configuration the sandbox tests cover: both layouts, both weight modes, both kernels, plain and minified. */
export function allConfigs(): RealConfig[] {
  const out: RealConfig[] = [];
  for (const layout of ['puckjs', 'banglejs2'] as const)
    for (const weights of ['storage', 'inline'] as const)
      for (const kernel of ['loop', 'unrolled'] as const) for (const minify of [false, true]) out.push({ layout, weights, kernel, minify });
  return out;
}

/** `count` configurations of allConfigs(), each with `perConfig` cases, chosen reproducibly from `seed`. */
export function sampleRuns(seed: number, count: number, perConfig: number, cases: VectorCase[]): { config: RealConfig; cases: VectorCase[] }[] {
  const rng = new Rng(seed);
  const configs = allConfigs();
  rng.shuffle(configs);
  return configs.slice(0, count).map((config) => {
    const picked = cases.slice();
    rng.shuffle(picked);
    return { config, cases: picked.slice(0, perConfig) };
  });
}

/** One line per case: exactness, and the blocks the module took (usage after require() less before, and after the steps) beside the estimate's share for it. */
export function resultTable(results: RealCaseResult[]): string {
  const lines = [
    'case | config | kernel | steps | exact | module blocks measured after load / after steps | module estimate | measured/estimate | whole runs skipped',
  ];
  for (const r of results) {
    const m = r.memory;
    const skipped = r.wholeSkipped.map((w) => `seq${w.seq} (${w.steps} steps, ${w.free} free)`).join(', ') || '-';
    const ratio = ((m.load - m.base) / r.estimate.moduleBlocks).toFixed(2);
    lines.push(
      `${r.name} | ${r.config} | ${r.kernel} | ${r.steps} | ${r.failures.length ? 'NO' : 'yes'} | ${m.load - m.base} / ${m.step - m.base} | ${r.estimate.moduleBlocks} | ${ratio} | ${skipped}`,
    );
  }
  return lines.join('\n');
}
