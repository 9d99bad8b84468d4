// The reverse layer kind: a cell run from the last step to the first. Its float run, its
// reference run and its training network agree with the backward half of a bidirectional layer
// holding the same cell (the machinery they share), it cannot stream (RUN002), and its float and
// quantised forms are validated (TNN101, TNN117, TNN203).
import { loadData } from '../../../compiler/data/load';
import { sequenceRows } from '../../../compiler/data/dataset';
import { CellLayer, FloatModel, Layer, emptyCell, isCellLayer } from '../../../compiler/core/ir/model';
import { QuantModel, quantModelProblems } from '../../../compiler/core/ir/quant-model';
import { floatModelProblems } from '../../../compiler/core/ir/validate';
import { TinyrnnError } from '../../../compiler/core/ir/errors';
import { createFloatState, runFloat, stepFloat } from '../../../compiler/float/infer';
import { createQuantState, rawSequence, runQuant, stepQuant } from '../../../compiler/core/reference';
import { quantizeModel } from '../../../compiler/quant/quantize';
import { buildModel } from '../../../compiler/train/init';
import { predictFloat } from '../../../compiler/train/metrics';
import { goldenCases, renderCase } from '../../../runtime/vectors/golden';

const data = loadData('builtin:gestures?n=24&length=12');
const rows = (n: number): number[][] => sequenceRows(data, n).map((r) => Array.from(r));

/** An LSTM 5 -> GRU 4 -> softmax model with its first layer wrapped as `wrap` does. */
function model(wrap: (c: CellLayer) => Layer): FloatModel {
  const m = buildModel(
    { cell: 'gru', hidden: 5, layers: 2, bidirectional: false, activation: 'tanh', resetAfter: true, dense: [] },
    { name: 'rev', features: data.features, labels: data.labels, task: 'classification', output: 'last' },
    3,
  );
  const first = m.layers[0];
  if (!isCellLayer(first)) throw new Error('a cell first');
  return { ...m, layers: [wrap(first), ...m.layers.slice(1)] };
}

const reverse = model((c) => ({ kind: 'reverse', cell: c }));
/** The same cell as the backward half (a forward half of zeros never reaches the output: its columns are cut by the next layer's zero weights). */
const asBackward = (m: FloatModel): FloatModel => {
  const [l0, l1, ...rest] = m.layers;
  if (l0.kind !== 'reverse' || l1.kind !== 'gru') throw new Error('reverse, then gru');
  const H = l0.cell.hidden;
  const zeroFwd = { ...l0.cell, wx: new Float32Array(l0.cell.wx.length), wh: new Float32Array(l0.cell.wh.length) };
  const wx = new Float32Array(3 * l1.hidden * 2 * H);
  for (let r = 0; r < 3 * l1.hidden; r++) wx.set(l1.wx.subarray(r * H, (r + 1) * H), r * 2 * H + H);
  return { ...m, layers: [{ kind: 'bidirectional', forward: zeroFwd, backward: l0.cell }, { ...l1, inputSize: 2 * H, wx }, ...rest] };
};

describe('reverse layer', () => {
  test('its float outputs run backwards: the backward half of a bidirectional layer, not the cell run forwards', () => {
    const x = rows(0);
    const got = runFloat(reverse, x).steps;
    expect(got).toEqual(runFloat(asBackward(reverse), x).steps);
    const forwards = runFloat({ ...reverse, layers: [(reverse.layers[0] as { cell: CellLayer }).cell, ...reverse.layers.slice(1)] }, x).steps;
    expect(got[got.length - 1]).not.toEqual(forwards[forwards.length - 1]);
    // alone, its output at the last step is the cell's first step, on the last input only
    const alone = { ...reverse, layers: reverse.layers.slice(0, 1) };
    expect(runFloat(alone, x).steps[x.length - 1]).toEqual(runFloat(alone, x.slice(-1)).steps[0]);
  });

  test('the training network predicts what runFloat computes, bit for bit', () => {
    const preds = predictFloat(reverse, data);
    for (const n of [0, 5, 11]) {
      const ref = runFloat(reverse, rows(n)).steps;
      const O = ref[0].length;
      ref.forEach((v, t) => v.forEach((x, k) => expect(preds[n][t * O + k]).toBe(x)));
    }
  });

  test('the reference runs it backwards too, and follows the float model after quantisation', () => {
    const q = quantizeModel(reverse, [0, 1, 2, 3, 4, 5].map(rows));
    expect(q.layers[0].kind).toBe('reverse');
    const raw = rawSequence(q, rows(7).flat());
    const out = runQuant(q, raw).steps;
    const qb = quantizeModel(asBackward(reverse), [0, 1, 2, 3, 4, 5].map(rows));
    expect(out).toEqual(runQuant(qb, raw).steps);
  });

  test('it cannot stream (RUN002), float or integer', () => {
    const codeOf = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return (e as TinyrnnError).code;
      }
      return undefined;
    };
    expect(codeOf(() => stepFloat(reverse, createFloatState(reverse), rows(0)[0]))).toBe('RUN002');
    const q = renderCase(goldenCases().find((c) => c.name === 'reverse_lstm_h4')!).quant;
    expect(codeOf(() => stepQuant(q, createQuantState(q), [0, 0, 0]))).toBe('RUN002');
  });

  test('TNN101 without a cell, TNN117 with a Jordan layer as its cell', () => {
    const noCell = { ...reverse, layers: [{ kind: 'reverse' }, ...reverse.layers.slice(1)] };
    expect(floatModelProblems(noCell).map((d) => [d.code, d.path])).toContainEqual(['TNN101', 'layers[0].cell']);
    const jordan = { kind: 'jordan', inputSize: 3, hidden: 2, units: 2, outActivation: 'none' };
    const withJordan = { ...reverse, layers: [{ kind: 'reverse', cell: jordan }, ...reverse.layers.slice(1)] };
    expect(floatModelProblems(withJordan).map((d) => d.code)).toContain('TNN117');
    expect(floatModelProblems(reverse)).toEqual([]);
  });

  test('a leaky Elman cell is refused inside it, as in a bidirectional layer (TNN114)', () => {
    const cell = { ...emptyCell('elman', 3, 4), leak: 0.5 };
    const m = { ...reverse, layers: [{ kind: 'reverse', cell }, ...reverse.layers.slice(1)] };
    m.layers[1] = { ...(reverse.layers[1] as CellLayer), inputSize: 4, wx: new Float32Array(3 * 5 * 4) };
    expect(floatModelProblems(m).map((d) => [d.code, d.path])).toContainEqual(['TNN114', 'layers[0].cell.leak']);
  });

  test('quantised: its cell is checked as a cell (TNN203 for a cell of no known kind)', () => {
    const q = renderCase(goldenCases().find((c) => c.name === 'reverse_gru_elman')!).quant;
    expect(quantModelProblems(q)).toEqual([]);
    const bad = {
      ...q,
      layers: [{ kind: 'reverse', cell: { ...(q.layers[0] as { cell: object }).cell, kind: 'dense' } }, ...q.layers.slice(1)],
    } as unknown as QuantModel;
    expect(quantModelProblems(bad).map((d) => [d.code, d.path])).toContainEqual(['TNN203', 'layers[0].cell.kind']);
  });
});
