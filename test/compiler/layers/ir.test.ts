// The per-layer facts of the IR registry (compiler/layers/ir.ts) against what the reference
// kernels really do on every golden case: the state a cell allocates, the width of each layer's
// output, the tables a model never reads, and which models can stream.
import { goldenCases, renderCase } from '../../../runtime/vectors/golden';
import { createQuantState, newCellState, runQuant, stepQuant } from '../../../compiler/core/reference';
import { QLayer, QuantModel } from '../../../compiler/core/ir/quant-model';
import { irOf, isStreaming, layerOutputSize, layerStateBytes, layerTables } from '../../../compiler/layers/ir';
import { qLayerBytes } from '../../../compiler/core/ir/quant-model';

const models = goldenCases().map((c) => {
  const q = renderCase(c).quant;
  return [c.name, q, c.sequences(q)[0]] as const;
});

const cellStateBytes = (l: QLayer): number | undefined => {
  const halves =
    l.kind === 'bidirectional'
      ? [l.forward, l.backward]
      : l.kind === 'reverse'
        ? [l.cell]
        : l.kind === 'dense' || l.kind === 'jordan' || l.kind === 'pool' || l.kind === 'lsm'
          ? []
          : [l];
  if (!halves.length) return undefined;
  return halves.reduce((n, h) => Object.values(newCellState(h)).reduce((m, a) => m + (a as Int8Array).byteLength, n), 0);
};

/** The model with one activation table overwritten. */
const spoilTable = (q: QuantModel, name: 'sigmoid' | 'tanh'): QuantModel => ({ ...q, tables: { ...q.tables, [name]: new Int16Array(257).fill(12345) } });

const ELEM = { s8: 1, u8: 1, s16: 2, s32: 4 } as const;

describe.each(models)('%s', (_name, q, raw) => {
  test("a layer's arrays are its quantised fields, and their bytes are its parameter bytes", () => {
    for (const l of q.layers) {
      const arrays = irOf(l).arrays(l);
      for (const a of arrays) {
        const owner = (
          a.part === 'f' ? (l as { forward: object }).forward : a.part === 'b' ? (l.kind === 'reverse' ? l.cell : (l as { backward: object }).backward) : l
        ) as Record<string, unknown>;
        expect(a.values).toBe(owner[a.field]);
      }
      expect(arrays.reduce((n, a) => n + a.values.length * ELEM[a.type], 0)).toBe(qLayerBytes(l));
    }
  });
  test("a cell's state bytes are the bytes the reference allocates for it", () => {
    for (const l of q.layers) {
      const want = cellStateBytes(l);
      if (want !== undefined) expect(layerStateBytes(l)).toBe(want);
    }
  });
  test("each layer's output width is the width of its output in the reference's trace", () => {
    const got: number[] = q.layers.map(() => 0);
    runQuant(q, raw, (layer, t, key, v) => {
      if (t === 0 && layer >= 0 && /^(fwd\.|bwd\.)?(h|out)$/.test(key)) got[layer] += v.length;
    });
    expect(got).toEqual(q.layers.map(layerOutputSize));
  });
  test('a table no layer reads does not change the outputs', () => {
    const base = runQuant(q, raw).steps;
    for (const name of ['sigmoid', 'tanh'] as const) {
      if (!q.layers.some((l) => layerTables(l)[name])) expect(runQuant(spoilTable(q, name), raw).steps).toEqual(base);
    }
  });
  test('the model streams exactly when the reference can step it', () => {
    const step = () => stepQuant(q, createQuantState(q), raw[0]);
    if (isStreaming(q)) expect(step).not.toThrow();
    else expect(step).toThrow(/RUN002|step by step/);
  });
});
