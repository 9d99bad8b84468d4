// Generated C under -fsanitize=undefined,address with the input stage at its limits (issue 18):
// random models of every layer kind (every variant test/helpers/random-models.ts lists for each
// kind of LAYER_KINDS: a kind without one fails here), offsets near the spec's bound (|offset| <= 2^30 - 1), raw
// inputs at +-2^30 and uniform over [-2^30, 2^30], and out-of-range raw inputs (INT32_MIN,
// INT32_MAX, which the C input stage clamps to +-2^30). Every intermediate must equal the
// reference's (fed the clamped values), and the sanitizers must stay silent. (The golden vectors
// run under the same sanitizers in parity.test.ts.)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FloatModel, LAYER_KINDS, Layer, LayerKind, emptyDense, layerOutputSize } from '../../../compiler/core/ir/model';
import { QuantModel, validateQuantModel } from '../../../compiler/core/ir/quant-model';
import { quantizeModel } from '../../../compiler/quant/quantize';
import { Rng } from '../../../compiler/core/util/rng';
import { RAW_INPUT_MAX, RAW_OFFSET_MAX } from '../../../compiler/core/spec/spec';
import { buildHost, runProgram, sanitizerEnv, scratchDir } from '../../../targets/c/toolchain';
import { hostTest } from './gate';
import { compareRun, parseDriverOutput, writeDriver } from './vectors';
import { RANDOM_LAYERS, RandomLayer, fillNormal, referenceCase, regressionModel } from '../../helpers/random-models';
import { FULL_SWEEP, SWEEP_SEED, sweepSample } from '../../helpers/sweep';

const F = 3;
const SCALE = 0.8;

/** Every variant of every layer kind (test/helpers/random-models.ts), from the kind list. */
const JOBS = LAYER_KINDS.flatMap((kind) => Object.keys(RANDOM_LAYERS[kind] ?? {}).map((variant) => ({ kind, variant })));

// Offsets 2^30 - 64 (mean 2^29 - 32, exact in float32, times rawPerUnit 2), -(2^30 - 64) and 0
// from the quantiser, then set to the bound +-(2^30 - 1) itself.
const MEAN = [2 ** 29 - 32, -(2 ** 29 - 32), 0];
const RAW_PER_UNIT = 2;

/** The kind's layers over the input, then a dense head. */
function randomModel(kind: LayerKind, variant: string, seed: number): FloatModel {
  const rng = new Rng(seed);
  const layers: Layer[] = (RANDOM_LAYERS[kind][variant] as RandomLayer<LayerKind>)(F, rng, SCALE);
  const head = emptyDense(layerOutputSize(layers[layers.length - 1]), 2, 'none');
  fillNormal(head, rng, SCALE);
  return regressionModel(`${kind}_${variant}${seed}`, F, [...layers, head], {
    normalization: { mean: Float32Array.from(MEAN), std: Float32Array.from([2 ** 26, 2 ** 26, 1]) },
  });
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

/** Seeds of every kind's variants: one per variant in npm test (rotating with the sweep seed), all three in `npm run check:sanitize`. */
const SEEDS = [1, 2, 3];
const seedsOf = (kind: LayerKind, variant: string): number[] => sweepSample(SEEDS, 1, `sanitize ${kind} ${variant}`);
const root = scratchDir('csan');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

test('every layer kind has random-model variants (a new kind needs them in test/helpers/random-models.ts)', () => {
  const missing = LAYER_KINDS.filter((kind) => Object.keys(RANDOM_LAYERS[kind] ?? {}).length === 0);
  expect(missing).toEqual([]);
  expect(new Set(JOBS.map((j) => j.kind))).toEqual(new Set(LAYER_KINDS));
});

test('the models quantise with offsets next to the bound', () => {
  const q = quantizeModel(randomModel('lstm', 'plain', 1), calib(new Rng(9)), { rawPerUnit: RAW_PER_UNIT });
  expect(Array.from(q.input.offset)).toEqual([2 ** 30 - 64, -(2 ** 30 - 64), 0]);
});

function calib(rng: Rng): number[][][] {
  return Array.from({ length: 4 }, () => Array.from({ length: 20 }, () => MEAN.map((m, f) => m + rng.normal() * (f < 2 ? 2 ** 26 : 1))));
}

// k: the job's place among all variants and seeds, so a job draws the same model and streams in either run
const JOB_SEEDS = JOBS.flatMap((job) => SEEDS.map((seed) => ({ ...job, seed })))
  .map((job, k) => ({ ...job, k }))
  .filter((job) => seedsOf(job.kind, job.variant).includes(job.seed));

hostTest(
  `every layer kind (${LAYER_KINDS.join(', ')}): C (-O0 traced and -O2, sanitizers) exact against the reference at the input limits (${
    FULL_SWEEP ? `seeds ${SEEDS.join(', ')}` : `one seed of ${SEEDS.join(', ')} per variant, sweep seed ${SWEEP_SEED}`
  })`,
  async () => {
    const errors: string[] = [];
    for (const { kind, variant, seed, k } of JOB_SEEDS) {
      const rng = new Rng(100 * seed + k);
      const q = quantizeModel(randomModel(kind, variant, seed), calib(rng), { rawPerUnit: RAW_PER_UNIT });
      // the exact bound: r - offset reaches -+(2^31 - 1) for r = -+2^30
      q.input.offset[0] = RAW_OFFSET_MAX;
      q.input.offset[1] = -RAW_OFFSET_MAX;
      validateQuantModel(q);
      const { spec, fed } = rawStreams(q, rng);
      const c = referenceCase(`${kind}_${variant}_${seed}`, q, spec);
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
