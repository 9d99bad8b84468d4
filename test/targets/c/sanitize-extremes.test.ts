// Generated C under -fsanitize=undefined,address with the input stage at its limits (issue 18):
// random models of every layer kind, offsets near the spec's bound (|offset| <= 2^30 - 1), raw
// inputs at +-2^30 and uniform over [-2^30, 2^30], and out-of-range raw inputs (INT32_MIN,
// INT32_MAX, which the C input stage clamps to +-2^30). Every intermediate must equal the
// reference's (fed the clamped values), and the sanitizers must stay silent. (The golden vectors
// run under the same sanitizers in parity.test.ts.)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FloatModel, Layer, emptyCell, emptyDense, emptyJordan, layerOutputSize } from '../../../compiler/core/ir/model';
import { QuantModel, validateQuantModel } from '../../../compiler/core/ir/quant-model';
import { quantizeModel } from '../../../compiler/quant/quantize';
import { Rng } from '../../../compiler/core/util/rng';
import { RAW_INPUT_MAX, RAW_OFFSET_MAX } from '../../../compiler/core/spec/spec';
import { createQuantState, runQuant, stepQuant, traceCollector } from '../../../compiler/core/reference';
import { buildHost, runProgram, sanitizerEnv, scratchDir } from '../../../targets/c/toolchain';
import { hostTest } from './gate';
import { VectorCase, compareRun, parseDriverOutput, writeDriver } from './vectors';

const F = 3;
const KINDS = ['elman-tanh', 'elman-relu', 'lstm', 'gru-after', 'gru-before', 'bidirectional', 'dense', 'jordan'] as const;
type Kind = (typeof KINDS)[number];

function layerOf(kind: Kind, I: number, rng: Rng): Layer {
  const H = 2 + rng.int(4);
  if (kind === 'dense') return emptyDense(I, H, 'tanh');
  if (kind === 'jordan') return emptyJordan(I, H, 2, 'tanh');
  if (kind === 'bidirectional') return { kind: 'bidirectional', forward: emptyCell('gru', I, H), backward: emptyCell('gru', I, H) };
  const [cell, variant] = kind.split('-');
  return emptyCell(cell as 'elman' | 'lstm' | 'gru', I, H, { activation: variant === 'relu' ? 'relu' : 'tanh', resetAfter: variant !== 'before' });
}

/** Fills every Float32Array of a layer (weights and biases) with seeded normals. */
function fill(o: object, rng: Rng): void {
  for (const v of Object.values(o)) {
    if (v instanceof Float32Array) for (let i = 0; i < v.length; i++) v[i] = rng.normal() * 0.8;
    else if (typeof v === 'object' && v !== null) fill(v, rng);
  }
}

// Offsets 2^30 - 64 (mean 2^29 - 32, exact in float32, times rawPerUnit 2), -(2^30 - 64) and 0
// from the quantiser, then set to the bound +-(2^30 - 1) itself.
const MEAN = [2 ** 29 - 32, -(2 ** 29 - 32), 0];
const RAW_PER_UNIT = 2;

function randomModel(kind: Kind, seed: number): FloatModel {
  const rng = new Rng(seed);
  const first = layerOf(kind, F, rng);
  const width = layerOutputSize(first);
  const layers = [first, emptyDense(width, 2, 'none')];
  layers.forEach((l) => fill(l, rng));
  return {
    format: 'float',
    meta: { name: `${kind}${seed}`, features: ['a', 'b', 'c'] },
    task: 'regression',
    output: 'sequence',
    inputSize: F,
    normalization: { mean: Float32Array.from(MEAN), std: Float32Array.from([2 ** 26, 2 ** 26, 1]) },
    layers,
  };
}

/** Raw streams: the extremes, uniform over the spec's range, values around the offsets, and out of range. */
function rawStreams(q: QuantModel, rng: Rng): { spec: number[][][]; fed: number[][][] } {
  const pick = (f: number): number => {
    const r = rng.int(8);
    if (r === 0) return RAW_INPUT_MAX;
    if (r === 1) return -RAW_INPUT_MAX;
    if (r === 2) return rng.int(2) ? 2147483647 : -2147483648;
    if (r === 3) return Math.round(rng.uniform(-RAW_INPUT_MAX, RAW_INPUT_MAX));
    return Math.max(-2147483648, Math.min(2147483647, q.input.offset[f] + Math.round(rng.normal() * 3 * 2 ** 26 * RAW_PER_UNIT)));
  };
  const clamp = (r: number): number => Math.max(-RAW_INPUT_MAX, Math.min(RAW_INPUT_MAX, r));
  const fed = [40, 9].map((T) => Array.from({ length: T }, () => Array.from({ length: F }, (_, f) => pick(f))));
  return { fed, spec: fed.map((s) => s.map((row) => row.map(clamp))) };
}

function referenceCase(name: string, q: QuantModel, raws: number[][][]): VectorCase {
  const streaming = !q.layers.some((l) => l.kind === 'bidirectional');
  const sequences = raws.map((raw) => {
    const { obs, trace } = traceCollector();
    let outputs: Int32Array[];
    if (streaming) {
      const st = createQuantState(q);
      outputs = raw.map((r, t) => stepQuant(q, st, r, obs, t));
    } else outputs = runQuant(q, raw, obs).steps;
    return { raw, outputs: outputs.map((o) => Array.from(o)), trace };
  });
  return { name, streaming, model: q, sequences };
}

const SEEDS = [1, 2, 3];
const root = scratchDir('csan');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

test('the models quantise with offsets next to the bound', () => {
  const q = quantizeModel(randomModel('lstm', 1), calib(new Rng(9)), { rawPerUnit: RAW_PER_UNIT });
  expect(Array.from(q.input.offset)).toEqual([2 ** 30 - 64, -(2 ** 30 - 64), 0]);
});

function calib(rng: Rng): number[][][] {
  return Array.from({ length: 4 }, () => Array.from({ length: 20 }, () => MEAN.map((m, f) => m + rng.normal() * (f < 2 ? 2 ** 26 : 1))));
}

hostTest(
  'every layer kind: C (-O0 traced and -O2, sanitizers) exact against the reference at the input limits',
  async () => {
    const jobs = KINDS.flatMap((kind) => SEEDS.map((seed) => ({ kind, seed })));
    const errors: string[] = [];
    for (const { kind, seed } of jobs) {
      const rng = new Rng(100 * seed + KINDS.indexOf(kind));
      const q = quantizeModel(randomModel(kind, seed), calib(rng), { rawPerUnit: RAW_PER_UNIT });
      // the exact bound: r - offset reaches -+(2^31 - 1) for r = -+2^30
      q.input.offset[0] = RAW_OFFSET_MAX;
      q.input.offset[1] = -RAW_OFFSET_MAX;
      validateQuantModel(q);
      const { spec, fed } = rawStreams(q, rng);
      const c = referenceCase(`${kind}_${seed}`, q, spec);
      const dir = path.join(root, c.name);
      fs.mkdirSync(dir, { recursive: true });
      // the C driver is fed the unclamped values; the reference saw them clamped
      const { gen, driver } = writeDriver({ ...c, sequences: c.sequences.map((s, k) => ({ ...s, raw: fed[k] })) }, dir, true);
      for (const opt of ['-O0', '-O2'] as const) {
        const exe = await buildHost({
          sources: [driver, path.join(dir, gen.source)],
          includeDirs: [dir],
          out: path.join(dir, `x${opt}.exe`),
          opt,
          sanitize: true,
          defines: ['TINYRNN_TRACE'],
        });
        const r = await runProgram(exe, [], { env: sanitizerEnv(), timeoutMs: 120000 });
        if (r.code !== 0 || r.stderr.trim()) errors.push(`${c.name} ${opt}: exit ${r.code}: ${r.stderr.slice(0, 1500)}`);
        else errors.push(...compareRun(c, parseDriverOutput(r.stdout), `host ${opt} sanitized`, 'all'));
      }
    }
    expect(errors.slice(0, 5)).toEqual([]);
  },
  600000,
);
