// Golden-vector generator: seeded float models -> quantize -> reference kernels -> the files in
// test/vectors/ (format: test/vectors/README.md). Deterministic: regenerating gives identical
// bytes (test/vectors/generate.test.ts checks the committed files against a fresh render).
//
//   npm run vectors          (builds, then: node dist/runtime/vectors/golden.js test/vectors)

import * as fs from 'node:fs';
import * as path from 'node:path';
import { CellKind, DenseActivation, ElmanActivation, FloatModel, Layer, emptyCell, emptyDense, CellLayer } from '../../compiler/core/ir/model';
import { QuantModel } from '../../compiler/core/ir/quant-model';
import { encodeQuantModel, writeFileAtomic } from '../../compiler/core/ir/format';
import { Rng } from '../../compiler/core/util/rng';
import { quantizeModel } from '../../compiler/quant/quantize';
import { QUANT_SPEC_VERSION } from '../../compiler/core/spec/spec';
import { sinesDataset } from '../../compiler/data/builtin/sines';
import { gesturesDataset } from '../../compiler/data/builtin/gestures';
import { fitEsn } from '../../compiler/esn/esn';
import { esnFloatModel } from '../../compiler/esn/model';
import { createQuantState, rawSequence, runQuant, stepQuant, traceCollector } from '../../compiler/core/reference';
import { jordanGoldenCases } from './golden-jordan';
import { GoldenCase } from './case';

export type { GoldenCase } from './case';

function fill(rng: Rng, a: Float32Array, scale: number): void {
  for (let i = 0; i < a.length; i++) a[i] = rng.normal() * scale;
}

interface CellSpec {
  kind: CellKind;
  hidden: number;
  activation?: ElmanActivation;
  resetAfter?: boolean;
  clip?: number;
  bidirectional?: boolean;
}

function buildModel(
  name: string,
  seed: number,
  F: number,
  cells: CellSpec[],
  dense: { units: number; activation: DenseActivation }[],
  opts: { output?: 'sequence' | 'last'; norm?: { mean: number[]; std: number[] }; wScale?: number } = {},
): FloatModel {
  const rng = new Rng(seed);
  const ws = opts.wScale ?? 0.6;
  const layers: Layer[] = [];
  let width = F;
  const mk = (c: CellSpec): CellLayer => {
    const l = emptyCell(c.kind, width, c.hidden, { activation: c.activation, resetAfter: c.resetAfter });
    fill(rng, l.wx, ws);
    fill(rng, l.wh, ws);
    fill(rng, l.bx, 0.3);
    fill(rng, l.bh, 0.3);
    if (c.clip !== undefined) l.clip = c.clip;
    return l;
  };
  for (const c of cells) {
    if (c.bidirectional) {
      layers.push({ kind: 'bidirectional', forward: mk(c), backward: mk(c) });
      width = 2 * c.hidden;
    } else {
      layers.push(mk(c));
      width = c.hidden;
    }
  }
  for (const d of dense) {
    const l = emptyDense(width, d.units, d.activation);
    fill(rng, l.w, ws);
    fill(rng, l.b, 0.3);
    layers.push(l);
    width = d.units;
  }
  const last = dense[dense.length - 1];
  const classify = last?.activation === 'softmax';
  return {
    format: 'float',
    meta: {
      name,
      features: Array.from({ length: F }, (_, i) => `f${i}`),
      ...(classify ? { labels: Array.from({ length: width }, (_, i) => `c${i}`) } : {}),
    },
    task: classify ? 'classification' : 'regression',
    output: opts.output ?? (classify ? 'last' : 'sequence'),
    inputSize: F,
    ...(opts.norm ? { normalization: { mean: Float32Array.from(opts.norm.mean), std: Float32Array.from(opts.norm.std) } } : {}),
    layers,
  };
}

/** Smooth random walks, like sensor data: (N)(T)(F). */
function walks(seed: number, n: number, T: number, F: number, scale = 1, offset = 0): number[][][] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const v = Array.from({ length: F }, () => rng.normal() * scale);
    return Array.from({ length: T }, () => v.map((x, f) => (v[f] = 0.8 * x + 0.5 * scale * rng.normal()) + offset));
  });
}

const CALIB = (F: number, seed = 99): number[][][] => walks(seed, 24, 20, F);
const asRaw = (q: QuantModel, seqs: number[][][]): number[][][] => seqs.map((s) => rawSequence(q, new Float64Array(s.flat())));

function basic(
  name: string,
  description: string,
  seed: number,
  cells: CellSpec[],
  dense: { units: number; activation: DenseActivation }[],
  extra: Partial<GoldenCase> = {},
  opts: Parameters<typeof buildModel>[5] = {},
): GoldenCase {
  const F = 3;
  return {
    name,
    description,
    model: buildModel(name, seed, F, cells, dense, opts),
    calib: CALIB(F, seed + 1000),
    sequences: (q) => asRaw(q, walks(seed + 2000, 2, 8, F)),
    ...extra,
  };
}

/** Every golden case, in the order of test/vectors/index.json. */
export function goldenCases(): GoldenCase[] {
  const cases: GoldenCase[] = [
    basic(
      'elman_tanh_h4',
      'Elman tanh, 4 units, softmax head (int16 logits), output last',
      1,
      [{ kind: 'elman', hidden: 4 }],
      [{ units: 3, activation: 'softmax' }],
    ),
    basic(
      'elman_relu_h4',
      'Elman relu, 4 units, linear head per step (sequence output)',
      2,
      [{ kind: 'elman', hidden: 4, activation: 'relu' }],
      [{ units: 2, activation: 'none' }],
    ),
    basic('lstm_h4', 'LSTM, 4 units, softmax head, output last', 3, [{ kind: 'lstm', hidden: 4 }], [{ units: 3, activation: 'softmax' }]),
    basic(
      'gru_after_h4',
      'GRU reset-after (PyTorch), 4 units, linear head per step',
      4,
      [{ kind: 'gru', hidden: 4, resetAfter: true }],
      [{ units: 2, activation: 'none' }],
    ),
    basic(
      'gru_before_h4',
      'GRU reset-before (original), 4 units, linear head per step',
      5,
      [{ kind: 'gru', hidden: 4, resetAfter: false }],
      [{ units: 2, activation: 'none' }],
    ),
    basic('lstm_only_h3', 'LSTM without head: the model output is the int8 hidden state', 6, [{ kind: 'lstm', hidden: 3 }], []),
    basic(
      'dense_chain',
      'Elman tanh then dense relu, tanh, sigmoid (int8 between layers) and a linear int16 head',
      7,
      [{ kind: 'elman', hidden: 4 }],
      [
        { units: 5, activation: 'relu' },
        { units: 4, activation: 'tanh' },
        { units: 4, activation: 'sigmoid' },
        { units: 2, activation: 'none' },
      ],
    ),
    basic('dense_tanh_out', 'LSTM with a tanh head: int16 Q0.15 output', 8, [{ kind: 'lstm', hidden: 3 }], [{ units: 2, activation: 'tanh' }]),
    basic('dense_sigmoid_out', 'GRU with a sigmoid head: int16 Q0.15 output', 9, [{ kind: 'gru', hidden: 3 }], [{ units: 2, activation: 'sigmoid' }]),
    basic('dense_relu_out', 'Elman with a relu head: int16 output', 10, [{ kind: 'elman', hidden: 3 }], [{ units: 2, activation: 'relu' }]),
    basic(
      'stacked_lstm_gru',
      'Stacked: LSTM 5 -> GRU 4 -> Elman 3 -> softmax head',
      11,
      [
        { kind: 'lstm', hidden: 5 },
        { kind: 'gru', hidden: 4 },
        { kind: 'elman', hidden: 3 },
      ],
      [{ units: 3, activation: 'softmax' }],
    ),
    basic(
      'bidir_lstm_h3',
      'Bidirectional LSTM 3+3 -> softmax head (whole-sequence only)',
      12,
      [{ kind: 'lstm', hidden: 3, bidirectional: true }],
      [{ units: 2, activation: 'softmax' }],
    ),
    basic(
      'bidir_gru_before_h3',
      'Bidirectional GRU reset-before 3+3, stacked on a GRU reset-after, linear head per step',
      13,
      [
        { kind: 'gru', hidden: 3 },
        { kind: 'gru', hidden: 3, resetAfter: false, bidirectional: true },
      ],
      [{ units: 2, activation: 'none' }],
    ),
    basic(
      'clip_lstm_elman',
      'ONNX clip on gate pre-activations: LSTM (clip 0.7) -> Elman relu (clip 0.5) -> head',
      14,
      [
        { kind: 'lstm', hidden: 3, clip: 0.7 },
        { kind: 'elman', hidden: 3, activation: 'relu', clip: 0.5 },
      ],
      [{ units: 2, activation: 'none' }],
    ),
  ];

  // Normalisation folded into the input stage; raw sensor integers (milli-g around 1 g) fed directly.
  {
    const norm = { mean: [20, -35, 1000], std: [250, 180, 90] };
    const model = buildModel('norm_milli_g', 15, 3, [{ kind: 'gru', hidden: 4 }], [{ units: 3, activation: 'softmax' }], { norm });
    const calib = walks(1015, 24, 20, 3, 200).map((s) => s.map((r) => r.map((v, f) => Math.round(v + norm.mean[f]))));
    cases.push({
      name: 'norm_milli_g',
      description: 'input normalisation folded into the input stage: raw integer milli-g (rawPerUnit 1) fed directly',
      model,
      calib,
      sequences: () => walks(2015, 2, 8, 3, 200).map((s) => s.map((r) => r.map((v, f) => Math.round(v + norm.mean[f])))),
    });
  }
  // Saturation: inputs far outside the calibration range, and biases that push gates to the rails.
  {
    const model = buildModel('saturate', 16, 3, [{ kind: 'lstm', hidden: 4 }], [{ units: 2, activation: 'none' }]);
    const l = model.layers[0] as CellLayer;
    for (let j = 0; j < 4; j++) {
      l.bx[j] = 12; // input gate always open (pre-activation beyond +8: sat_s16)
      l.bx[4 + j] = -12; // forget gate closed
    }
    l.bx[8] = 30;
    cases.push({
      name: 'saturate',
      description: 'saturating inputs (|raw| up to 2^30, far beyond calibration) and biases beyond the Q3.12 range',
      model,
      calib: CALIB(3, 1016),
      sequences: (q) => {
        const k = q.input.rawPerUnit[0];
        const big = 2 ** 30;
        return [
          [
            [big, -big, 0],
            [-big, big, big],
            [100 * k, -100 * k, 3 * k],
            [0, 0, 0],
            [big, big, big],
            [-big, -big, -big],
          ],
          ...asRaw(q, walks(2016, 1, 6, 3, 4)),
        ];
      },
    });
  }
  // The input stage at the spec's bounds (docs/quantization.md section 4): offsets +-(2^30 - 1)
  // (means +-331 model units, rawPerUnit (2^30 - 1) / 331 = 3243933) and raw inputs +-2^30, so
  // r - offset reaches +-(2^31 - 1), the int32 limit.
  {
    const norm = { mean: [331, -331, 0], std: [40, 40, 1] };
    const model = buildModel('input_extremes', 17, 3, [{ kind: 'lstm', hidden: 3 }], [{ units: 2, activation: 'none' }], { norm });
    const big = 2 ** 30;
    cases.push({
      name: 'input_extremes',
      description: 'the input stage at its bounds: offsets +-(2^30 - 1), raw inputs +-2^30 (r - offset = +-(2^31 - 1))',
      model,
      calib: walks(1017, 24, 20, 3, 40).map((s) => s.map((r) => r.map((v, f) => v + norm.mean[f]))),
      rawPerUnit: 3243933,
      sequences: () => [
        [
          [-big, big, big],
          [big, -big, -big],
          [big, -big, 0],
          [-big, big, 0],
          [0, 0, 0],
          [big - 1, 1 - big, 1],
          [-big, big, -big],
        ],
      ],
    });
  }
  // All-zero input.
  cases.push({
    ...basic(
      'zeros',
      'all-zero raw input (the state evolves from biases alone)',
      17,
      [
        { kind: 'gru', hidden: 4 },
        { kind: 'lstm', hidden: 3 },
      ],
      [{ units: 2, activation: 'none' }],
    ),
    sequences: () => [Array.from({ length: 10 }, () => [0, 0, 0])],
  });
  // Extreme scales: features of very different magnitude, rows of tiny and large weights.
  {
    const model = buildModel(
      'extreme_scales',
      18,
      3,
      [
        { kind: 'elman', hidden: 4 },
        { kind: 'lstm', hidden: 3 },
      ],
      [{ units: 2, activation: 'none' }],
    );
    const e = model.layers[0] as CellLayer;
    for (let i = 0; i < 3; i++) {
      e.wx[i] *= 1e-4; // row 0: tiny weights
      e.wx[3 + i] *= 40; // row 1: huge weights
    }
    e.bx[0] = 0.5; // tiny weights with a real bias (the bias-driven weight scale)
    const scales = [1e-3, 1, 2e3];
    const scaleSeqs = (s: number[][][]) => s.map((q) => q.map((r) => r.map((v, f) => v * scales[f])));
    cases.push({
      name: 'extreme_scales',
      description: 'features of magnitude 1e-3, 1 and 2e3; weight rows of 1e-4 and 40 times the others',
      model,
      calib: scaleSeqs(CALIB(3, 1018)),
      sequences: (q) => asRaw(q, scaleSeqs(walks(2018, 2, 8, 3))),
    });
  }
  // A long sequence: 1,000 steps.
  cases.push({
    ...basic(
      'lstm_long_1000',
      'LSTM 4 units, one sequence of 1,000 steps (state carried far)',
      19,
      [{ kind: 'lstm', hidden: 4 }],
      [{ units: 2, activation: 'none' }],
    ),
    sequences: (q) => asRaw(q, walks(2019, 1, 1000, 3)),
  });
  // An echo state network fitted on builtin:sines: seeded int8 reservoir (Elman tanh layer, no
  // biases) and a ridge readout, saved with { regenerate: false }: the reservoir is stored like
  // any Elman layer (how `tinyrnn train --cell esn` saved it before reservoirs were regenerated).
  {
    const data = sinesDataset({ n: 30, length: 40, seed: 7, noise: 0.05 });
    const fit = fitEsn(data, { units: 12, spectralRadius: 0.9, inputScaling: 0.8, sparsity: 0.7, seed: 11, washout: 5 }, { val: 0.2, test: 0 }, 1);
    const model = esnFloatModel(fit, data, 'esn_sines_h12', { regenerate: false });
    const seqs = (from: number, to: number): number[][][] => data.x.slice(from, to).map((x) => Array.from(x, (v) => [v]));
    cases.push({
      name: 'esn_sines_h12',
      // the description stays as first published (the vector files are byte-identical): this
      // reservoir is stored as a plain Elman tanh layer, without generator parameters
      description: 'echo state network (train --cell esn) on builtin:sines: seeded 12-unit reservoir as Elman tanh, ridge readout per step',
      model,
      calib: seqs(0, 24),
      sequences: (q) => seqs(24, 26).map((s) => rawSequence(q, new Float64Array(s.flat()))),
    });
  }
  // Echo state networks whose reservoir is regenerated from its seed on the device (the layer
  // records `reservoir`; the int8 weights equal the generator's), standard and leaky.
  for (const [name, leak, what] of [
    ['esn_regen_sines_h16', 1, 'leak 1'],
    ['esn_leaky_sines_h16', 0.5, 'leak 0.5 (h16 = h16 + rshift_round(leakQ15 * (t16 - h16), 15))'],
  ] as const) {
    const data = sinesDataset({ n: 30, length: 40, seed: 8, noise: 0.05 });
    const fit = fitEsn(data, { units: 16, spectralRadius: 0.9, inputScaling: 0.8, sparsity: 0.8, leak, seed: 12, washout: 5 }, { val: 0.2, test: 0 }, 1);
    const model = esnFloatModel(fit, data, name);
    const seqs = (from: number, to: number): number[][][] => data.x.slice(from, to).map((x) => Array.from(x, (v) => [v]));
    cases.push({
      name,
      description: `echo state network on builtin:sines, 16-unit reservoir regenerated from its seed on the device, ${what}, ridge readout per step`,
      model,
      calib: seqs(0, 24),
      sequences: (q) => seqs(24, 26).map((s) => rawSequence(q, new Float64Array(s.flat()))),
    });
  }
  // An ESN classifier on three features (one common x16 scale for the regenerated reservoir), leaky.
  {
    const data = gesturesDataset({ n: 120, length: 20, users: 10, seed: 5, noise: 1 });
    const fit = fitEsn(data, { units: 12, spectralRadius: 0.9, inputScaling: 0.5, sparsity: 0.7, leak: 0.75, seed: 13 }, { val: 0.2, test: 0 }, 1);
    const model = esnFloatModel(fit, data, 'esn_gestures_h12');
    const F = data.features.length;
    const seqs = (from: number, to: number): number[][][] =>
      data.x.slice(from, to).map((x) => Array.from({ length: x.length / F }, (_, t) => Array.from(x.subarray(t * F, (t + 1) * F))));
    cases.push({
      name: 'esn_gestures_h12',
      description:
        'echo state network classifier on builtin:gestures (3 features, one common x16 scale), 12-unit reservoir regenerated from its seed, leak 0.75, softmax readout of the last step',
      model,
      calib: seqs(0, 60),
      sequences: (q) => seqs(60, 62).map((s) => rawSequence(q, new Float64Array(s.flat()))),
    });
  }
  // Jordan layers: the output fed back (int16 when last, int8 before a head, stacked).
  cases.push(...jordanGoldenCases());
  return cases;
}

function renderJson(v: unknown, indent = ''): string {
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x !== 'object' || x === null)) return JSON.stringify(v);
    const inner = indent + '  ';
    return `[\n${v.map((x) => inner + renderJson(x, inner)).join(',\n')}\n${indent}]`;
  }
  if (ArrayBuffer.isView(v)) return JSON.stringify(Array.from(v as unknown as ArrayLike<number>));
  if (typeof v === 'object' && v !== null) {
    const inner = indent + '  ';
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    if (!entries.length) return '{}';
    return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${renderJson(x, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(v);
}

export interface RenderedCase {
  name: string;
  description: string;
  streaming: boolean;
  quant: QuantModel;
  files: Record<string, Uint8Array>;
}

/** Quantises a case and runs it through the reference; returns the files' bytes. */
export function renderCase(c: GoldenCase): RenderedCase {
  const q = quantizeModel(c.model, c.calib, { source: `golden case ${c.name}`, ...(c.rawPerUnit ? { rawPerUnit: c.rawPerUnit } : {}) });
  const streaming = !q.layers.some((l) => l.kind === 'bidirectional');
  const sequences = c.sequences(q).map((raw) => {
    const { obs, trace } = traceCollector();
    let outputs: Int32Array[];
    if (streaming) {
      const st = createQuantState(q);
      outputs = raw.map((r, t) => stepQuant(q, st, r, obs, t));
    } else {
      outputs = runQuant(q, raw, obs).steps;
    }
    return { raw, outputs: outputs.map((o) => Array.from(o)), trace };
  });
  const vectors = {
    case: c.name,
    specVersion: QUANT_SPEC_VERSION,
    description: c.description,
    streaming,
    inputSize: q.inputSize,
    outputSize: q.outputSize,
    outputType: q.outputType,
    sequences,
  };
  const enc = new TextEncoder();
  return {
    name: c.name,
    description: c.description,
    streaming,
    quant: q,
    files: {
      'model.q.tnn': encodeQuantModel(q),
      'model.json': enc.encode(renderJson(q) + '\n'),
      'vectors.json': enc.encode(renderJson(vectors) + '\n'),
    },
  };
}

/** Every file under test/vectors that the generator owns, relative path -> bytes. */
export function renderAll(): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const index: { name: string; description: string; streaming: boolean; bytes: number }[] = [];
  for (const c of goldenCases()) {
    const r = renderCase(c);
    let bytes = 0;
    for (const [f, b] of Object.entries(r.files)) {
      out.set(`${c.name}/${f}`, b);
      bytes += b.length;
    }
    index.push({ name: r.name, description: r.description, streaming: r.streaming, bytes });
  }
  out.set('index.json', new TextEncoder().encode(renderJson(index) + '\n'));
  return out;
}

/** Writes every vector file under dir; returns the number of files and bytes written. */
export function writeVectors(dir: string): { files: number; bytes: number } {
  let bytes = 0;
  const all = renderAll();
  for (const [rel, b] of all) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomic(file, b);
    bytes += b.length;
  }
  return { files: all.size, bytes };
}

if (require.main === module) {
  const dir = process.argv[2] ?? path.join('test', 'vectors');
  const r = writeVectors(dir);
  process.stdout.write(`wrote ${r.files} files, ${r.bytes} bytes to ${dir}\n`);
}
