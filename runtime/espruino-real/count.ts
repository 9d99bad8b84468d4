// Executed x86 instructions per time step of a built Espruino module on the real interpreter,
// counted by the QEMU plugin (insn-count.so, beside the interpreters: ../qemu-insn/ of their
// folder, or $QEMU_INSN_PLUGIN) under qemu-i386, main thread only (the console thread polls
// standard input, its count depends on wall time). The same script runs with K and 2K steps and
// the counts are subtracted, so writing Storage, parsing and loading cancel; a second pair runs the
// driving loop without the step() call, so the loop's own cost is measured and taken out too.
// The main thread's count is reproducible but for a few hundred instructions per run on a busy
// machine (measured): keep K large enough that this is noise (K = 10 on the benchmark models).
//
// Code: ESP605 the count is missing or the module gave other outputs than expected.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TinyrnnError } from '../../compiler/core/ir/errors';
import { minifyJs } from '../../targets/espruino/minify';
import { assertEspruinoDialect } from '../../targets/espruino/dialect';
import { Interpreters, Layout, espruinoDir, runScript } from './interpreter';
import { chunkedBase64, putFunction } from './script';

/** The instruction-count plugin. */
export function pluginPath(): string {
  const env = process.env.QEMU_INSN_PLUGIN;
  return env ? path.resolve(env) : path.join(path.dirname(espruinoDir()), 'qemu-insn', 'insn-count.so');
}

export interface CountInput {
  /** Files to write into Storage first (name, bytes), in upload order. */
  files: { name: string; bytes: Uint8Array }[];
  module: string;
  /** Raw input rows, used in turn (step t takes rows[t % rows.length]). */
  rows: number[][];
  /** The module's output after 2K steps from reset, to check that the counted run computed the right thing. */
  expectLast?: (steps: number) => number[];
}

export interface StepCount {
  steps: number;
  /** Main-thread instructions of the four runs. */
  counts: { stepK: number; step2K: number; loopK: number; loop2K: number };
  /** Instructions of one step() call (the loop's own cost taken out), and of one bare loop iteration. */
  perStep: number;
  loopPerIteration: number;
  /** Blocks the module took at require() (usage after less before), and the change over 2K steps (0: no allocation per step). */
  moduleBlocks: number;
  stepGrowth: number;
}

function countScript(input: CountInput, withStep: boolean): string {
  const rows = JSON.stringify(input.rows);
  const body = withStep ? 'o = M.step(ROWS[t % R]);' : 'o = ROWS[t % R];';
  const script = minifyJs(`${putFunction()}
var f = E.openFile("plan.json", "r"), P = JSON.parse(f.read(4096)), i, t, o;
f.close();
for (i = 0; i < P.files.length; i++) put(P.files[i][0], P.files[i][1], P.files[i][2]);
var K = P.steps, U0 = process.memory().usage, M = require(P.module), U1 = process.memory().usage, ROWS = ${rows}, R = ROWS.length;
M.reset();
for (t = 0; t < K; t++) ${body}
print("@MEM " + U0 + " " + U1 + " " + process.memory().usage);
print("@LAST " + ${withStep ? 'o.join(",")' : '""'});
quit();
`);
  assertEspruinoDialect(script, 'instruction-count driver', { integerLiterals: true });
  return script;
}

interface CountRun {
  count: number;
  last: string;
  /** process.memory().usage before require(), after it, and after the steps (the input rows and the loop's variables are in the last). */
  usage: [number, number, number];
}

/** Main-thread instructions of one run of `script` with `steps` steps; the last output line; memory use. */
async function countRun(it: Interpreters, layout: Layout, input: CountInput, withStep: boolean, steps: number): Promise<CountRun> {
  const files = new Map<string, Uint8Array | string>();
  const plan = input.files.map((f, i) => {
    files.set(`f${i}.b64`, chunkedBase64(f.bytes));
    return [f.name, `f${i}.b64`, f.bytes.length];
  });
  files.set('plan.json', JSON.stringify({ files: plan, module: input.module, steps }));
  let counts = '';
  const run = await runScript(it, layout, countScript(input, withStep), {
    files,
    qemuArgs: ['-plugin', `${pluginPath()},out=counts.txt`],
    inspect: (dir) => {
      const p = path.join(dir, 'counts.txt');
      counts = fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : '';
    },
  });
  const main = /^thread 0: (\d+)$/m.exec(counts);
  const last = /@LAST (.*)/.exec(run.stdout);
  const mem = /@MEM (\d+) (\d+) (\d+)/.exec(run.stdout);
  if (!main || !last || !mem)
    throw new TinyrnnError({
      code: 'ESP605',
      path: input.module,
      message: `no main-thread count or no result (plugin ${pluginPath()}): ${(counts || run.stdout).slice(-300)}`,
    });
  return { count: Number(main[1]), last: last[1].trim(), usage: [Number(mem[1]), Number(mem[2]), Number(mem[3])] };
}

/** Counts K and 2K steps with and without the step() call; checks the 2K run's last output. */
export async function countStep(it: Interpreters, layout: Layout, input: CountInput, K: number): Promise<StepCount> {
  if (!fs.existsSync(pluginPath()))
    throw new TinyrnnError({ code: 'ESP605', path: pluginPath(), message: 'the instruction-count plugin is missing', hint: 'set QEMU_INSN_PLUGIN' });
  const stepK = await countRun(it, layout, input, true, K);
  const step2K = await countRun(it, layout, input, true, 2 * K);
  const want = input.expectLast?.(2 * K).join(',');
  if (want !== undefined && step2K.last !== want)
    throw new TinyrnnError({ code: 'ESP605', path: input.module, message: `after ${2 * K} steps the module gave ${step2K.last}`, expected: want });
  const loopK = await countRun(it, layout, input, false, K);
  const loop2K = await countRun(it, layout, input, false, 2 * K);
  const loopPerIteration = (loop2K.count - loopK.count) / K;
  return {
    steps: K,
    counts: { stepK: stepK.count, step2K: step2K.count, loopK: loopK.count, loop2K: loop2K.count },
    perStep: Math.round((step2K.count - stepK.count) / K - loopPerIteration),
    loopPerIteration: Math.round(loopPerIteration),
    moduleBlocks: step2K.usage[1] - step2K.usage[0],
    // Against the loop-only run of as many steps: the rows and loop variables are in both.
    stepGrowth: step2K.usage[2] - step2K.usage[1] - (loop2K.usage[2] - loop2K.usage[1]),
  };
}
