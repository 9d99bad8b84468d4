// Random Jordan models (seeded), exact against the reference on both targets: every
// intermediate of the traced C build on the host (gcc -O0, sanitizers) and the outputs of the
// Espruino module (loop and unrolled kernels, Node and the sandbox). The series covers what the
// golden vectors do not: a Jordan layer after a bidirectional layer (whole-sequence runs in C
// and JavaScript), a last Jordan layer with every output activation (int16 fed back), Jordan
// layers stacked directly on each other, and random input widths.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FloatModel, JORDAN_OUT_ACTIVATIONS, Layer, emptyDense, emptyJordan, layerOutputSize } from '../../compiler/core/ir/model';
import { QuantModel } from '../../compiler/core/ir/quant-model';
import { quantizeModel } from '../../compiler/quant/quantize';
import { Rng } from '../../compiler/core/util/rng';
import { findBoard } from '../../targets/boards';
import { generateModule } from '../../targets/espruino/generate';
import { buildHost, runProgram, sanitizerEnv, scratchDir } from '../../targets/c/toolchain';
import { hostTest } from './c/gate';
import { compareRun, parseDriverOutput, writeDriver } from './c/vectors';
import { RANDOM_LAYERS, referenceCase, regressionModel } from '../helpers/random-models';
import { diffRow, loadInNode, loadInSandbox } from './espruino/harness';

function randomJordanModel(seed: number): FloatModel {
  const rng = new Rng(seed);
  const F = 1 + (rng.u32() % 4);
  const layers: Layer[] = [];
  let width = F;
  const fill = (a: Float32Array, s: number) => {
    for (let i = 0; i < a.length; i++) a[i] = rng.normal() * s;
  };
  // 0: none before, 1: a GRU, 2: a bidirectional Elman (whole sequences only)
  const before = rng.u32() % 3;
  if (before === 1) layers.push(...RANDOM_LAYERS.gru.after(width, rng, 0.7));
  else if (before === 2) layers.push(...RANDOM_LAYERS.bidirectional.elman(width, rng, 0.7));
  if (layers.length) width = layerOutputSize(layers[0]);
  const nJordan = 1 + (rng.u32() % 2);
  const head = rng.u32() % 2 === 0;
  for (let k = 0; k < nJordan; k++) {
    const j = emptyJordan(width, 2 + (rng.u32() % 5), 1 + (rng.u32() % 4), JORDAN_OUT_ACTIVATIONS[rng.u32() % 4]);
    const s = [0.3, 1, 2][rng.u32() % 3];
    fill(j.wx, s);
    fill(j.wy, s);
    fill(j.bx, 0.3);
    fill(j.wo, s);
    fill(j.bo, 0.3);
    layers.push(j);
    width = j.units;
  }
  if (head) {
    const d = emptyDense(width, 2, 'none');
    fill(d.w, 1);
    fill(d.b, 0.3);
    layers.push(d);
  }
  return regressionModel(`jfuzz${seed}`, F, layers);
}

/** A quantised random model of the series (skipping the quantiser's refusals QNT003/QNT004) and raw inputs. */
function randomCase(seed: number): { q: QuantModel; raw: number[][][] } {
  for (let k = 0; k < 5; k++) {
    const fm = randomJordanModel(seed + 1000 * k);
    const rng = new Rng(seed * 7 + 1 + k);
    const calib = Array.from({ length: 6 }, () => Array.from({ length: 30 }, () => Array.from({ length: fm.inputSize }, () => rng.normal() * 2)));
    let q: QuantModel;
    try {
      q = quantizeModel(fm, calib);
    } catch (e) {
      if (/QNT00[34]/.test(String(e))) continue;
      throw e;
    }
    const seq = (T: number) =>
      Array.from({ length: T }, () =>
        Array.from({ length: q.inputSize }, (_, f) => {
          const r = rng.u32() % 12;
          if (r === 0) return 2 ** 30; // saturates x16
          if (r === 1) return -(2 ** 30);
          return q.input.offset[f] + Math.round(rng.normal() * 3 * q.input.rawPerUnit[f]);
        }),
      );
    return { q, raw: [seq(40), seq(9)] };
  }
  throw new Error(`no quantisable model in the series of seed ${seed}`);
}

const SEEDS = Array.from({ length: 16 }, (_, i) => 500 + i);

describe('random Jordan models, exact against the reference', () => {
  test('the series covers a Jordan layer after a bidirectional one, last with int16 feedback, and stacked', () => {
    const qs = SEEDS.map((s) => randomCase(s).q);
    expect(qs.some((q) => q.layers.some((l) => l.kind === 'bidirectional') && q.layers.some((l) => l.kind === 'jordan'))).toBe(true);
    expect(
      qs.some((q) => {
        const l = q.layers[q.layers.length - 1];
        return l.kind === 'jordan' && l.outType === 's16';
      }),
    ).toBe(true);
    expect(qs.some((q) => q.layers.filter((l) => l.kind === 'jordan').length === 2)).toBe(true);
  });

  test.each(SEEDS)('Espruino module, seed %i', (seed) => {
    const { q, raw } = randomCase(seed);
    const c = referenceCase(`seed${seed}`, q, raw);
    const fails: string[] = [];
    for (const kernel of ['loop', 'unrolled'] as const) {
      const node = loadInNode(generateModule(q, { board: findBoard('BANGLEJS2'), weights: 'inline', moduleName: 'j', kernel }));
      const { model: dev } = loadInSandbox(generateModule(q, { board: findBoard('BANGLEJS2'), weights: 'storage', moduleName: 'j', kernel }), {
        board: 'BANGLEJS2',
      });
      for (const [where, mod] of [
        [`node-${kernel}`, node],
        [`espruino-${kernel}`, dev],
      ] as const) {
        c.sequences.forEach((s, k) => {
          mod.run(s.raw).forEach((o, t) => {
            const d = diffRow(`seq ${k} step ${t} output`, Array.from(o), s.outputs[t]);
            if (d) fails.push(`seed ${seed} (${where}): ${d}`);
          });
        });
      }
    }
    expect(fails.slice(0, 5)).toEqual([]);
  });

  const root = scratchDir('jfuzz');
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  hostTest(
    'C on the host (-O0, sanitizers, traced): every intermediate of every seed',
    async () => {
      const errors = await Promise.all(
        SEEDS.map(async (seed) => {
          const { q, raw } = randomCase(seed);
          const c = referenceCase(`seed${seed}`, q, raw);
          const dir = path.join(root, c.name);
          fs.mkdirSync(dir, { recursive: true });
          const { gen, driver } = writeDriver(c, dir, true);
          const exe = await buildHost({
            sources: [driver, path.join(dir, gen.source)],
            includeDirs: [dir],
            out: path.join(dir, 'j.exe'),
            opt: '-O0',
            sanitize: true,
            defines: ['TINYRNN_TRACE'],
          });
          const r = await runProgram(exe, [], { env: sanitizerEnv(), timeoutMs: 120000 });
          if (r.code !== 0 || r.stderr.trim()) return [`${c.name}: exit ${r.code}: ${r.stderr.slice(0, 2000)}`];
          return compareRun(c, parseDriverOutput(r.stdout), 'host -O0 traced', 'all');
        }),
      );
      expect(errors.flat()).toEqual([]);
    },
    300000,
  );
});
