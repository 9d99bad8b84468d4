// Seeded random layers and models for the tests that run random models through the targets (the
// sanitizer test at the input limits, the Jordan series). RANDOM_LAYERS has an entry for every
// layer kind (typed over LayerKind, so a new kind without one is a compile error, and the tests
// that walk LAYER_KINDS fail on it at run time); each entry lists the kind's variants.
import { FloatModel, Layer, LayerKind, LayerOf, emptyCell, emptyDense, emptyJordan } from '../../compiler/core/ir/model';
import { QuantModel } from '../../compiler/core/ir/quant-model';
import { Rng } from '../../compiler/core/util/rng';
import { isStreaming } from '../../compiler/layers/ir';
import { LSM_MAX_FANOUT, LSM_MAX_REFRACTORY, LSM_TRACE_MAX, LSM_V_MAX, lsmCurrentBounds } from '../../compiler/layers/lsm/ir';
import { MULT_MAX, SHIFT_MAX } from '../../compiler/core/spec/spec';
import { createQuantState, runQuant, stepQuant, traceCollector } from '../../compiler/core/reference';
import { VectorCase } from '../targets/c/vectors';

/** Fills every Float32Array of a layer (weights and biases, also in nested cells) with seeded normals times `scale`. */
export function fillNormal(o: object, rng: Rng, scale: number): void {
  for (const v of Object.values(o)) {
    if (v instanceof Float32Array) for (let i = 0; i < v.length; i++) v[i] = rng.normal() * scale;
    else if (typeof v === 'object' && v !== null) fillNormal(v, rng, scale);
  }
}

/**
 * Random layers of input width I, the last of the kind K, preceded by what that kind needs (a pool
 * layer reads a recurrent layer); weights filled with normals times `scale`, sizes drawn from `rng`.
 */
export type RandomLayer<K extends LayerKind> = (I: number, rng: Rng, scale: number) => [...Layer[], LayerOf<K>];

function filled<L extends Layer>(l: L, rng: Rng, scale: number): L {
  fillNormal(l, rng, scale);
  return l;
}

const hidden = (rng: Rng): number => 2 + rng.int(4);

/** A pool layer over an Elman layer (the reservoir it reads). */
function pooled(I: number, rng: Rng, scale: number, segments: number, abs: boolean): [Layer, LayerOf<'pool'>] {
  const cell = filled(emptyCell('elman', I, hidden(rng)), rng, scale);
  return [cell, { kind: 'pool', inputSize: cell.hidden, segments, window: 8 + rng.int(32), abs }];
}

/** A liquid of a few neurons; `extreme` takes every integer to the end of its range that stresses the bounds. */
function liquid(I: number, rng: Rng, extreme: boolean): [LayerOf<'lsm'>] {
  const units = 3 + rng.int(14);
  const pick = (lo: number, hi: number): number => (extreme ? (rng.int(2) ? lo : hi) : lo + rng.int(hi - lo + 1));
  const l: LayerOf<'lsm'> = {
    kind: 'lsm',
    inputSize: I,
    units,
    fanOut: 1 + rng.int(extreme ? LSM_MAX_FANOUT : 8),
    inhibitory: rng.int(units + 1),
    seed: rng.int(0x7fffffff),
    inM: pick(1 << 14, MULT_MAX),
    inS: pick(extreme ? 0 : 8, extreme ? SHIFT_MAX : 20),
    synM: pick(1 << 14, MULT_MAX),
    synS: pick(extreme ? 0 : 8, extreme ? SHIFT_MAX : 20),
    leakQ16: pick(0, 65536),
    threshold: pick(1, LSM_V_MAX),
    refractory: pick(0, extreme ? LSM_MAX_REFRACTORY : 4),
    decayQ16: pick(1, 65536),
    traceInc: pick(1, LSM_TRACE_MAX),
  };
  // the largest currents the spec's bound allows: shift the products down until the membrane update fits int32
  while (lsmCurrentBounds(l).current > 2 ** 31 - 1) {
    l.inS = Math.min(SHIFT_MAX, l.inS + 1);
    l.synS = Math.min(SHIFT_MAX, l.synS + 1);
  }
  return [l];
}

/** Every kind's variants (activations, gate orders, directions). */
export const RANDOM_LAYERS: { readonly [K in LayerKind]: { readonly [variant: string]: RandomLayer<K> } } = {
  elman: {
    tanh: (I, rng, s) => [filled(emptyCell('elman', I, hidden(rng), { activation: 'tanh' }), rng, s) as LayerOf<'elman'>],
    relu: (I, rng, s) => [filled(emptyCell('elman', I, hidden(rng), { activation: 'relu' }), rng, s) as LayerOf<'elman'>],
  },
  lstm: { plain: (I, rng, s) => [filled(emptyCell('lstm', I, hidden(rng)), rng, s) as LayerOf<'lstm'>] },
  gru: {
    after: (I, rng, s) => [filled(emptyCell('gru', I, hidden(rng), { resetAfter: true }), rng, s) as LayerOf<'gru'>],
    before: (I, rng, s) => [filled(emptyCell('gru', I, hidden(rng), { resetAfter: false }), rng, s) as LayerOf<'gru'>],
  },
  bidirectional: {
    gru: (I, rng, s) => {
      const H = hidden(rng);
      return [filled({ kind: 'bidirectional', forward: emptyCell('gru', I, H), backward: emptyCell('gru', I, H) }, rng, s)];
    },
    elman: (I, rng, s) => {
      const H = hidden(rng);
      return [filled({ kind: 'bidirectional', forward: emptyCell('elman', I, H), backward: emptyCell('elman', I, H) }, rng, s)];
    },
  },
  dense: { tanh: (I, rng, s) => [filled(emptyDense(I, hidden(rng), 'tanh'), rng, s)] },
  jordan: { tanh: (I, rng, s) => [filled(emptyJordan(I, hidden(rng), 2, 'tanh'), rng, s)] },
  lsm: {
    typical: (I, rng) => liquid(I, rng, false),
    extreme: (I, rng) => liquid(I, rng, true),
  },
  reverse: {
    lstm: (I, rng, s) => [filled({ kind: 'reverse', cell: emptyCell('lstm', I, hidden(rng)) }, rng, s)],
    elman: (I, rng, s) => [filled({ kind: 'reverse', cell: emptyCell('elman', I, hidden(rng), { activation: 'relu' }) }, rng, s)],
  },
  pool: {
    mean: (I, rng, s) => pooled(I, rng, s, 1, false),
    segmentsAbs: (I, rng, s) => pooled(I, rng, s, 2 + rng.int(3), true),
  },
};

/** A regression model over `features` with the given layers. */
export function regressionModel(name: string, features: number, layers: Layer[], extra: Partial<FloatModel> = {}): FloatModel {
  return {
    format: 'float',
    meta: { name, features: Array.from({ length: features }, (_, i) => `f${i}`) },
    task: 'regression',
    output: 'sequence',
    inputSize: features,
    layers,
    ...extra,
  };
}

/** The reference's outputs and traces for raw sequences: step by step, or whole sequences for models with a bidirectional or reverse layer. */
export function referenceCase(name: string, q: QuantModel, raws: number[][][]): VectorCase {
  const streaming = isStreaming(q);
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
