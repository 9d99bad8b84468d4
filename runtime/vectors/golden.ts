// Golden-vector generator: seeded float models -> quantize -> reference kernels -> the files in
// test/vectors/ (format: test/vectors/README.md). Each layer kind's cases are in
// compiler/layers/<kind>/golden.ts (listed in compiler/layers/golden.ts); the cases across kinds
// are here. Deterministic: regenerating gives identical bytes (test/vectors/generate.test.ts
// checks the committed files against a fresh render).
//
//   npm run vectors          (builds, then: node dist/runtime/vectors/golden.js test/vectors)

import * as fs from 'node:fs';
import * as path from 'node:path';
import { CellLayer, FinalPart, LAYER_KINDS } from '../../compiler/core/ir/model';
import { QuantModel } from '../../compiler/core/ir/quant-model';
import { isStreaming } from '../../compiler/layers/ir';
import { hasExtraFinal } from '../../compiler/core/ir/final';
import { encodeQuantModel, writeFileAtomic } from '../../compiler/core/ir/format';
import { quantizeModel } from '../../compiler/quant/quantize';
import { QUANT_SPEC_VERSION } from '../../compiler/core/spec/spec';
import { createQuantState, runQuant, runRows, stepQuant, traceCollector } from '../../compiler/core/reference';
import { GOLDEN_KINDS } from '../../compiler/layers/golden';
import { cellLayer } from '../../compiler/layers/cell/golden';
import { bidirectionalLayer } from '../../compiler/layers/bidirectional/golden';
import { reverseLayer } from '../../compiler/layers/reverse/golden';
import { denseLayer } from '../../compiler/layers/dense/golden';
import { CALIB, LayerBuild, asRaw, basic, buildModel, walks } from './build';
import { GoldenCase } from './case';

export type { GoldenCase } from './case';

/** Normalisation folded into the input stage; raw sensor integers (milli-g around 1 g) fed directly. */
function normCase(): GoldenCase {
  const norm = { mean: [20, -35, 1000], std: [250, 180, 90] };
  const milliG = (seqs: number[][][]) => seqs.map((s) => s.map((r) => r.map((v, f) => Math.round(v + norm.mean[f]))));
  return {
    name: 'norm_milli_g',
    description: 'input normalisation folded into the input stage: raw integer milli-g (rawPerUnit 1) fed directly',
    model: buildModel('norm_milli_g', 15, 3, [cellLayer('gru', 4), denseLayer(3, 'softmax')], { norm }),
    calib: milliG(walks(1015, 24, 20, 3, 200)),
    sequences: () => milliG(walks(2015, 2, 8, 3, 200)),
  };
}

/** Saturation: inputs far outside the calibration range, and biases that push gates to the rails. */
function saturateCase(): GoldenCase {
  const model = buildModel('saturate', 16, 3, [cellLayer('lstm', 4), denseLayer(2, 'none')]);
  const l = model.layers[0] as CellLayer;
  for (let j = 0; j < 4; j++) {
    l.bx[j] = 12; // input gate always open (pre-activation beyond +8: sat_s16)
    l.bx[4 + j] = -12; // forget gate closed
  }
  l.bx[8] = 30;
  const big = 2 ** 30;
  return {
    name: 'saturate',
    description: 'saturating inputs (|raw| up to 2^30, far beyond calibration) and biases beyond the Q3.12 range',
    model,
    calib: CALIB(3, 1016),
    sequences: (q) => {
      const k = q.input.rawPerUnit[0];
      const rails = [
        [big, -big, 0],
        [-big, big, big],
        [100 * k, -100 * k, 3 * k],
        [0, 0, 0],
        [big, big, big],
        [-big, -big, -big],
      ];
      return [rails, ...asRaw(q, walks(2016, 1, 6, 3, 4))];
    },
  };
}

/**
 * The input stage at the spec's bounds (docs/quantization.md section 4): offsets +-(2^30 - 1)
 * (means +-331 model units, rawPerUnit (2^30 - 1) / 331 = 3243933) and raw inputs +-2^30, so
 * r - offset reaches +-(2^31 - 1), the int32 limit.
 */
function inputExtremesCase(): GoldenCase {
  const norm = { mean: [331, -331, 0], std: [40, 40, 1] };
  const model = buildModel('input_extremes', 17, 3, [cellLayer('lstm', 3), denseLayer(2, 'none')], { norm });
  const big = 2 ** 30;
  return {
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
  };
}

/**
 * The offset's fraction of a raw unit (input.bias, docs/quantization.md section 4): integer counts
 * of 0..16 (rawPerUnit 1, the sensor's integers fed as they come) with normalisation means that are
 * not whole counts (one exactly half a count: the rounding tie), fed counts, the offsets and the raw
 * extremes +-2^30.
 */
function inputFractionCountsCase(): GoldenCase {
  const norm = { mean: [8.37, 5.5, 11.81], std: [4.2, 3.1, 0.8] };
  const model = buildModel('input_fraction_counts', 19, 3, [cellLayer('gru', 4), denseLayer(3, 'softmax')], { norm });
  const counts = (seqs: number[][][]) => seqs.map((q) => q.map((r) => r.map((v, f) => Math.min(16, Math.max(0, Math.round(norm.mean[f] + v * norm.std[f]))))));
  const big = 2 ** 30;
  return {
    name: 'input_fraction_counts',
    description: 'integer counts 0..16 fed as they come (rawPerUnit 1) with fractional means: the offset fraction input.bias, raw inputs up to +-2^30',
    model,
    calib: counts(walks(1019, 24, 20, 3, 1)),
    sequences: (q) => [
      [
        [0, 0, 0],
        [16, 16, 16],
        [8, 5, 12],
        [9, 6, 11],
        [big, -big, big],
        [-big, big, -big],
        [q.input.offset[0], q.input.offset[1], q.input.offset[2]],
      ],
      ...counts(walks(2019, 2, 8, 3, 1)),
    ],
  };
}

/**
 * The fractional offset at the bounds of section 6: an explicit rawPerUnit of 3243933 puts the
 * offsets near +-(2^30 - 1) with a fraction of a raw unit, raw inputs +-2^30, so
 * (r - offset) * m + bias comes close to 2^46.
 */
function inputFractionExtremesCase(): GoldenCase {
  const norm = { mean: [330.9, -330.9, 0.3], std: [40, 40, 1] };
  const model = buildModel('input_fraction_extremes', 20, 3, [cellLayer('lstm', 3), denseLayer(2, 'none')], { norm });
  const big = 2 ** 30;
  return {
    name: 'input_fraction_extremes',
    description: 'the fractional offset at its bounds: explicit rawPerUnit 3243933, offsets near +-(2^30 - 1) with a fraction, raw inputs +-2^30',
    model,
    calib: walks(1020, 24, 20, 3, 40).map((q) => q.map((r) => r.map((v, f) => v + norm.mean[f]))),
    rawPerUnit: 3243933,
    sequences: (q) => [
      [
        [-big, big, big],
        [big, -big, -big],
        [big, -big, 0],
        [-big, big, 0],
        [0, 0, 0],
        [q.input.offset[0], q.input.offset[1], q.input.offset[2]],
        [q.input.offset[0] + 1, q.input.offset[1] - 1, q.input.offset[2] + 1],
        [big - 1, 1 - big, 1],
      ],
    ],
  };
}

/** Extreme scales: features of very different magnitude, rows of tiny and large weights. */
function extremeScalesCase(): GoldenCase {
  const model = buildModel('extreme_scales', 18, 3, [cellLayer('elman', 4), cellLayer('lstm', 3), denseLayer(2, 'none')]);
  const e = model.layers[0] as CellLayer;
  for (let i = 0; i < 3; i++) {
    e.wx[i] *= 1e-4; // row 0: tiny weights
    e.wx[3 + i] *= 40; // row 1: huge weights
  }
  e.bx[0] = 0.5; // tiny weights with a real bias (the bias-driven weight scale)
  const scales = [1e-3, 1, 2e3];
  const scaleSeqs = (s: number[][][]) => s.map((q) => q.map((r) => r.map((v, f) => v * scales[f])));
  return {
    name: 'extreme_scales',
    description: 'features of magnitude 1e-3, 1 and 2e3; weight rows of 1e-4 and 40 times the others',
    model,
    calib: scaleSeqs(CALIB(3, 1018)),
    sequences: (q) => asRaw(q, scaleSeqs(walks(2018, 2, 8, 3))),
  };
}

/** The cases that mix cell kinds or exercise the input stage (normalisation, saturation, zeros, scales). */
function modelCases(): GoldenCase[] {
  return [
    basic('stacked_lstm_gru', 'Stacked: LSTM 5 -> GRU 4 -> Elman 3 -> softmax head', 11, [
      cellLayer('lstm', 5),
      cellLayer('gru', 4),
      cellLayer('elman', 3),
      denseLayer(3, 'softmax'),
    ]),
    basic('clip_lstm_elman', 'ONNX clip on gate pre-activations: LSTM (clip 0.7) -> Elman relu (clip 0.5) -> head', 14, [
      cellLayer('lstm', 3, { clip: 0.7 }),
      cellLayer('elman', 3, { activation: 'relu', clip: 0.5 }),
      denseLayer(2, 'none'),
    ]),
    normCase(),
    saturateCase(),
    inputExtremesCase(),
    {
      ...basic('zeros', 'all-zero raw input (the state evolves from biases alone)', 17, [cellLayer('gru', 4), cellLayer('lstm', 3), denseLayer(2, 'none')]),
      sequences: () => [Array.from({ length: 10 }, () => [0, 0, 0])],
    },
    extremeScalesCase(),
    inputFractionCountsCase(),
    inputFractionExtremesCase(),
  ];
}

/**
 * Output mode 'final' (docs/quantization.md "Final-state outputs"): the last layer's final states
 * as int16, one row per sequence: both halves of a bidirectional LSTM (h then c; one sequence of a
 * single step), a reverse GRU on an Elman layer, a forward LSTM's c before its h, and an Elman
 * relu's h8 state sign-extended.
 */
function finalCases(): GoldenCase[] {
  const F = 3;
  const finalCase = (name: string, description: string, seed: number, builds: LayerBuild[], final: FinalPart[], extra = 0): GoldenCase => ({
    name,
    description,
    model: buildModel(name, seed, F, builds, { final }),
    calib: CALIB(F, seed + 1000),
    sequences: (q) => asRaw(q, [...walks(seed + 2000, 2, 8, F), ...walks(seed + 3000, extra, 1, F)]),
  });
  return [
    finalCase(
      'final_bidir_lstm_hc',
      "Bidirectional LSTM 3: final states h and c of both directions (output mode 'final')",
      41,
      [bidirectionalLayer('lstm', 3)],
      ['h', 'c'],
      1,
    ),
    finalCase(
      'final_reverse_gru_h',
      'Elman tanh 3, then a reverse GRU 4: its final h16 after the backward pass',
      42,
      [cellLayer('elman', 3), reverseLayer('gru', 4)],
      ['h'],
    ),
    finalCase('final_lstm_ch', 'LSTM 4: its final c, then h (the order the model lists)', 43, [cellLayer('lstm', 4)], ['c', 'h']),
    finalCase('final_elman_relu_h', 'Elman relu 4: its final h8 state, sign-extended to int16', 44, [cellLayer('elman', 4, { activation: 'relu' })], ['h']),
  ];
}

/**
 * Final states beside a per-step output (an ONNX graph with outputs Y, Y_h and Y_c): every step's
 * output as usual, and after each sequence the final-state vector (vectors.json `final`). A forward
 * LSTM still streams (its final states are the state after the last step); a bidirectional GRU
 * runs whole sequences.
 */
function seqFinalCases(): GoldenCase[] {
  const F = 3;
  const seqFinal = (name: string, description: string, seed: number, builds: LayerBuild[], final: FinalPart[]): GoldenCase => ({
    name,
    description,
    model: buildModel(name, seed, F, builds, { output: 'sequence', final }),
    calib: CALIB(F, seed + 1000),
    sequences: (q) => asRaw(q, walks(seed + 2000, 2, 8, F)),
  });
  return [
    seqFinal('seq_final_lstm_hc', 'LSTM 4: every step, and its final h and c beside (streams)', 45, [cellLayer('lstm', 4)], ['h', 'c']),
    seqFinal('seq_final_bidir_gru_h', 'Bidirectional GRU 3: every step, and the final h of both directions beside', 46, [bidirectionalLayer('gru', 3)], ['h']),
  ];
}

/** The order of test/vectors/index.json: the order the cases were published in (a new case goes last). */
const CASE_ORDER = [
  'elman_tanh_h4',
  'elman_relu_h4',
  'lstm_h4',
  'gru_after_h4',
  'gru_before_h4',
  'lstm_only_h3',
  'dense_chain',
  'dense_tanh_out',
  'dense_sigmoid_out',
  'dense_relu_out',
  'stacked_lstm_gru',
  'bidir_lstm_h3',
  'bidir_gru_before_h3',
  'clip_lstm_elman',
  'norm_milli_g',
  'saturate',
  'input_extremes',
  'zeros',
  'extreme_scales',
  'lstm_long_1000',
  'esn_sines_h12',
  'esn_regen_sines_h16',
  'esn_leaky_sines_h16',
  'esn_gestures_h12',
  'jordan_h6_none',
  'jordan_tanh_head',
  'jordan_stacked',
  'esn_pool_mean_h12',
  'esn_pool_seg3_abs_h12',
  'lsm_pool_seg3_n16',
  'lsm_last_n12',
  'input_fraction_counts',
  'input_fraction_extremes',
  'reverse_lstm_h4',
  'reverse_gru_elman',
  'reverse_relu_on_lstm',
  'final_bidir_lstm_hc',
  'final_reverse_gru_h',
  'final_lstm_ch',
  'final_elman_relu_h',
  'seq_final_lstm_hc',
  'seq_final_bidir_gru_h',
];

/** Every golden case (each kind's, then those across kinds), in the order of test/vectors/index.json. */
export function goldenCases(): GoldenCase[] {
  const all = [...LAYER_KINDS.flatMap((k) => GOLDEN_KINDS[k].cases()), ...modelCases(), ...finalCases(), ...seqFinalCases()];
  const byName = new Map(all.map((c) => [c.name, c]));
  const unlisted = all.filter((c) => !CASE_ORDER.includes(c.name)).map((c) => c.name);
  const missing = CASE_ORDER.filter((n) => !byName.has(n));
  if (unlisted.length || missing.length || byName.size !== all.length) {
    throw new Error(
      `internal: golden cases and CASE_ORDER differ (not in CASE_ORDER: ${unlisted.join(', ') || 'none'}; no case: ${missing.join(', ') || 'none'}; ${all.length - byName.size} names twice)`,
    );
  }
  return CASE_ORDER.map((n) => byName.get(n) as GoldenCase);
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
  // headroom 1: the golden models' ranges are their calibrated ranges (the vectors test the arithmetic, not the quantiser's margin)
  const q = quantizeModel(c.model, c.calib, { source: `golden case ${c.name}`, headroom: 1, ...(c.rawPerUnit ? { rawPerUnit: c.rawPerUnit } : {}) });
  const streaming = isStreaming(q);
  const sequences = c.sequences(q).map((raw) => {
    const { obs, trace } = traceCollector();
    let outputs: Int32Array[];
    if (streaming) {
      const st = createQuantState(q);
      outputs = raw.map((r, t) => stepQuant(q, st, r, obs, t));
    } else {
      // whole sequences: every step's output, or the final states (one row) of output mode 'final'
      outputs = runRows(q, runQuant(q, raw, obs));
    }
    // final states beside the main output: the vector after the sequence (a stream's state after its last step)
    const final = hasExtraFinal(q) ? { final: Array.from(runQuant(q, raw).final ?? []) } : {};
    return { raw, outputs: outputs.map((o) => Array.from(o)), trace, ...final };
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
