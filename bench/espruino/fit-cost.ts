// Fits the Espruino cost model (targets/espruino/cost.ts FITTED) to executed-instruction counts on
// the real Espruino 2v29 interpreter and prints the residuals: on the fitting set (the gesture
// benchmark models in every configuration, bench/espruino/cost-kernels.ts), leave-one-model-out
// (each benchmark model predicted by a fit on the others), and on the held-out golden-vector kernels;
// each with its worst residual. Then the JsVar blocks of each module after require() and after the
// steps beside the estimate. Exits non-zero when the fit differs from FITTED or a residual of a
// benchmark model passes 10%.
//
//   npm run bench:espruino-fit [-- --steps K] [--saved FILE] [--save FILE] [--json] [--micro]
//
// Measuring every kernel under qemu-i386 takes some minutes; --save writes the measurements,
// --saved fits measurements written before (bench/espruino/cost-measurements.json holds the ones
// FITTED was fitted on) without running the interpreter. --micro adds the facts' top-level loop table
// beside the model (not fitted on: the model is calibrated on code inside functions).
import * as fs from 'node:fs';
import { FITTED } from '../../targets/espruino/cost';
import { requireInterpreters } from '../../runtime/espruino-real/interpreter';
import { EspruinoSandbox } from '../../targets/espruino/sandbox';
import { KernelMeasurement, KernelSample, KernelSpec, fitSpecs, heldOutSpecs, kernelLabel, measureSpec, sampleOf } from './cost-kernels';
import { COEFFICIENTS, Coefficients, fitCodeBlocks, fitCoefficients, predict, residual } from './fit';
import { CODE_BLOCKS } from '../../targets/espruino/memory';

/** The acceptance bound on a benchmark model's residual, fitted or left out. */
export const MAX_RESIDUAL = 0.1;

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function measureAll(specs: KernelSpec[], K: number): Promise<KernelMeasurement[]> {
  const it = requireInterpreters();
  const out: KernelMeasurement[] = [];
  for (const s of specs) {
    out.push(await measureSpec(it, s, K));
    process.stderr.write(`measured ${kernelLabel(s)}\n`);
  }
  return out;
}

/** Every kernel's measurement joined with its sandbox features; a kernel without a measurement is an error. */
export function samples(specs: KernelSpec[], measured: KernelMeasurement[], K: number): KernelSample[] {
  const byLabel = new Map(measured.map((k) => [kernelLabel(k), k]));
  return specs.map((s) => {
    const k = byLabel.get(kernelLabel(s));
    if (!k) throw new Error(`no measurement of ${kernelLabel(s)}`);
    return sampleOf(s, k, K);
  });
}

export interface Prediction {
  k: KernelSample;
  predicted: number;
  residual: number;
}

/** Each fitting-set model predicted by a fit on the other models' kernels. */
export function leaveOneModelOut(fit: KernelSample[]): Prediction[] {
  const out: Prediction[] = [];
  for (const name of [...new Set(fit.map((k) => k.model))]) {
    const c = fitCoefficients(fit.filter((k) => k.model !== name));
    for (const k of fit.filter((x) => x.model === name)) out.push({ k, predicted: predict(k, c), residual: residual(k, c) });
  }
  return out;
}

const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

function worst(ps: Prediction[]): Prediction {
  return ps.reduce((w, p) => (Math.abs(p.residual) > Math.abs(w.residual) ? p : w));
}

function table(title: string, ps: Prediction[]): string[] {
  const lines = [title, '', 'kernel                                              measured M  fitted M  residual'];
  for (const p of ps)
    lines.push(
      `${kernelLabel(p.k).padEnd(50)}  ${(p.k.measured / 1e6).toFixed(3).padStart(10)}  ${(p.predicted / 1e6).toFixed(3).padStart(8)}  ${pct(p.residual).padStart(8)}`,
    );
  const w = worst(ps);
  lines.push(`worst: ${pct(w.residual)} (${kernelLabel(w.k)}); mean |residual| ${pct(ps.reduce((a, p) => a + Math.abs(p.residual), 0) / ps.length)}`, '');
  return lines;
}

/** Real blocks after load and after the steps, each against the estimate: the larger deviation. */
export function memoryResidual(k: KernelSample): number {
  const m = k.memory;
  return [m.load, m.load + m.stepGrowth].map((x) => x / m.estimate - 1).reduce((w, r) => (Math.abs(r) > Math.abs(w) ? r : w));
}

function memoryTable(ks: KernelSample[]): string[] {
  const c = fitCodeBlocks(ks.filter((k) => k.set === 'fit'));
  const same = c.perFunction === CODE_BLOCKS.perFunction && c.base === CODE_BLOCKS.base;
  const lines = [
    `code blocks fitted (fitting-set kernels): ${c.perFunction} per function + ${c.base}; targets/espruino/memory.ts CODE_BLOCKS: ${same ? 'reproduced' : `DIFFERS (${CODE_BLOCKS.perFunction}, ${CODE_BLOCKS.base})`}`,
    '',
    'JsVar blocks of the module (process.memory().usage after require() less before, and after the steps) beside the estimate',
    '',
    'kernel                                              estimate  after load  after steps  real/estimate - 1',
  ];
  for (const k of ks) {
    const m = k.memory;
    lines.push(
      `${kernelLabel(k).padEnd(50)}  ${String(m.estimate).padStart(8)}  ${String(m.load).padStart(10)}  ${String(m.load + m.stepGrowth).padStart(11)}  ${pct(memoryResidual(k)).padStart(17)}`,
    );
  }
  for (const set of ['fit', 'held-out']) {
    const w = ks.filter((k) => k.set === set).reduce((a, k) => (Math.abs(memoryResidual(k)) > Math.abs(memoryResidual(a)) ? k : a));
    lines.push(`worst (${set === 'fit' ? 'benchmark models' : 'held-out'}): ${pct(memoryResidual(w))} (${kernelLabel(w)})`);
  }
  return lines;
}

export function memoryOk(ks: KernelSample[]): boolean {
  const c = fitCodeBlocks(ks.filter((k) => k.set === 'fit'));
  const bench = ks.filter((k) => k.set === 'fit');
  return c.perFunction === CODE_BLOCKS.perFunction && c.base === CODE_BLOCKS.base && bench.every((k) => Math.abs(memoryResidual(k)) <= MAX_RESIDUAL);
}

function coefficientLines(c: Coefficients): string[] {
  const same = COEFFICIENTS.every((k) => c[k] === FITTED[k]);
  return [
    'fitted coefficients (all fitting-set kernels):',
    ...COEFFICIENTS.map((k) => `  ${k}: ${c[k]}${c[k] === FITTED[k] ? '' : `  (targets/espruino/cost.ts has ${FITTED[k]})`}`),
    same ? 'targets/espruino/cost.ts FITTED: reproduced' : 'targets/espruino/cost.ts FITTED: DIFFERS from this fit',
    '',
  ];
}

export function report(all: KernelSample[]): { text: string; ok: boolean } {
  const fit = all.filter((k) => k.set === 'fit');
  const held = all.filter((k) => k.set === 'held-out');
  const c = fitCoefficients(fit);
  const onFit = fit.map((k) => ({ k, predicted: predict(k, c), residual: residual(k, c) }));
  const loo = leaveOneModelOut(fit);
  const onHeld = held.map((k) => ({ k, predicted: predict(k, c), residual: residual(k, c) }));
  const lines = [
    ...coefficientLines(c),
    ...table('fitting set (benchmark models, every configuration)', onFit),
    ...table('leave-one-model-out (each benchmark model predicted by a fit on the others)', loo),
    ...table('held-out (golden-vector kernels, not in the fit)', onHeld),
    ...memoryTable(all),
  ];
  const bench = [...onFit, ...loo];
  const ok = COEFFICIENTS.every((k) => c[k] === FITTED[k]) && bench.every((p) => Math.abs(p.residual) <= MAX_RESIDUAL) && memoryOk(all);
  return { text: lines.join('\n'), ok };
}

/** The facts' loop table (top-level loops, Puck.js layout, callgrind): measured per iteration beside the model. */
const LOOP_TABLE: [string, number][] = [
  ['', 12000],
  ['s += a[i];', 23000],
  ['c[i] = (a[i] * b[i] + 16384) >> 15;', 41000],
  ['c[i] = Math.floor((a[i] * b[i] * 12345 + 1073741824) / 2147483648);', 62000],
  ['c[i] = a[i] > 127 ? 127 : a[i] < -128 ? -128 : a[i];', 48000],
  ['c[i] = lut[ub[i]];', 32000],
  ['c[i] = f(a[i]);', 38500],
];

export function loopTable(): string[] {
  const setup = `var n = 64, a = new Int16Array(n), b = new Int16Array(n), c = new Int32Array(n), lut = new Int16Array(256), ub = new Uint8Array(n), s = 0, i;
function f(x) { return x; }`;
  const lines = ["the facts' top-level loop table (not fitted on) against the model, per iteration", ''];
  for (const [body, measured] of LOOP_TABLE) {
    const sb = new EspruinoSandbox({ board: 'PUCKJS', countCost: true });
    sb.run(setup);
    sb.resetCost();
    sb.run(`for (i = 0; i < n; i++) { ${body} }`);
    const model = sb.cost().total / 64;
    lines.push(
      `${(body || '(empty)').padEnd(70)}  ${String(measured).padStart(6)}  ${Math.round(model).toString().padStart(6)}  ${pct(model / measured - 1).padStart(7)}`,
    );
  }
  return lines;
}

if (require.main === module) {
  const K = Number(option('--steps') ?? 10);
  const saved = option('--saved');
  (async () => {
    const specs = [...fitSpecs(K), ...heldOutSpecs(K)];
    const measured = saved ? (JSON.parse(fs.readFileSync(saved, 'utf8')) as KernelMeasurement[]) : await measureAll(specs, K);
    const save = option('--save');
    if (save) fs.writeFileSync(save, JSON.stringify(measured, null, 1) + '\n');
    const all = samples(specs, measured, K);
    const r = report(all);
    const micro = process.argv.includes('--micro') ? '\n' + loopTable().join('\n') + '\n' : '';
    process.stdout.write(process.argv.includes('--json') ? JSON.stringify(all, null, 1) + '\n' : r.text + '\n' + micro);
    if (!r.ok) process.exitCode = 1;
  })().catch((e: Error) => {
    process.stderr.write(`${e.message}\n`);
    process.exitCode = 1;
  });
}
