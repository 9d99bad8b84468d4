// Output mode 'final' in the IR: where each final state lies in the output vector, and the checks
// of the `final` field (TNN119 float, TNN215 quantised).
import { FloatModel, Layer, modelOutputSize } from '../../../../compiler/core/ir/model';
import { finalSegments, modelFinalSize } from '../../../../compiler/core/ir/final';
import { floatModelProblems } from '../../../../compiler/core/ir/validate';
import { quantModelProblems } from '../../../../compiler/core/ir/quant-model';
import { runFloat } from '../../../../compiler/float/infer';
import { quantizeModel } from '../../../../compiler/quant/quantize';
import { tinyModel } from '../../../helpers/models';
import { dequantizeFinal, dequantizeOutput, rawSequence, runQuant } from '../../../../compiler/core/reference';
import { isStreaming } from '../../../../compiler/layers/ir';

/** tinyModel without its dense head, answering with its last layer's final states. */
function finalModel(opts: Parameters<typeof tinyModel>[0], final: unknown): FloatModel {
  const m = tinyModel(opts);
  m.layers.pop();
  delete m.meta.labels;
  return { ...m, task: 'regression', output: 'final', final } as FloatModel;
}

const codesAt = (ps: { code: string; path: string }[]) => ps.map((p) => `${p.code} ${p.path}`);

describe('final-state output segments', () => {
  test('a bidirectional LSTM: h forward, h backward, then c forward, c backward', () => {
    const m = finalModel({ cell: 'lstm', hidden: 3, bidirectional: true }, ['h', 'c']);
    const segs = finalSegments(m.layers[0], ['h', 'c'])!;
    expect(segs.map((s) => [s.part, s.direction, s.offset, s.size])).toEqual([
      ['h', 'forward', 0, 3],
      ['h', 'backward', 3, 3],
      ['c', 'forward', 6, 3],
      ['c', 'backward', 9, 3],
    ]);
    expect(modelOutputSize(m)).toBe(12);
    expect(floatModelProblems(m)).toEqual([]);
  });
  test('a reverse GRU has one backward h; a dense layer has no final state', () => {
    const cell = tinyModel({ cell: 'gru', hidden: 5 }).layers[0];
    const rev: Layer = { kind: 'reverse', cell: cell as never };
    expect(finalSegments(rev, ['h'])!.map((s) => [s.direction, s.size])).toEqual([['backward', 5]]);
    expect(finalSegments(tinyModel().layers[1], ['h'])).toBeUndefined();
  });
});

describe('TNN119 the final field of a float model', () => {
  test.each([
    ['no parts', []],
    ['an unknown part', ['y']],
    ['a repeated part', ['h', 'h']],
    ['not a list', 'h'],
  ])('%s', (_name, final) => {
    expect(codesAt(floatModelProblems(finalModel({}, final)))).toContain('TNN119 final');
  });
  test('c of a GRU', () => {
    const ps = floatModelProblems(finalModel({ cell: 'gru' }, ['c']));
    expect(ps.find((p) => p.code === 'TNN119')?.message).toMatch(/only an LSTM has a cell state/);
  });
  test('final states of a dense last layer', () => {
    const m = { ...tinyModel(), output: 'final', final: ['h'] };
    expect(floatModelProblems(m).find((p) => p.code === 'TNN119')?.message).toMatch(/a dense layer has no final state/);
  });
  test('final states of a dense last layer beside a per-step output', () => {
    const ps = floatModelProblems({ ...tinyModel(), final: ['h'] });
    expect(ps.find((p) => p.code === 'TNN119')?.message).toMatch(/a dense layer has no final state/);
  });
  test.each(['sequence', 'last'])('final states beside output %s: valid, the main output keeps its width', (output) => {
    const m = { ...finalModel({ cell: 'lstm', hidden: 3 }, ['h', 'c']), output } as FloatModel;
    expect(floatModelProblems(m)).toEqual([]);
    expect(modelOutputSize(m)).toBe(3);
    expect(modelFinalSize(m)).toBe(6);
  });
  test('an empty list beside a per-step output', () => {
    expect(codesAt(floatModelProblems({ ...finalModel({}, []), output: 'sequence' }))).toContain('TNN119 final');
  });
});

describe('TNN215 the final field of a quantised model', () => {
  const seqs = [Array.from({ length: 6 }, (_, t) => [Math.sin(t), Math.cos(t), t / 6])];
  const q = quantizeModel(tinyModel(), seqs);
  test('the quantised model is valid as it is', () => expect(quantModelProblems(q)).toEqual([]));
  test('final states of a dense last layer beside its output', () => {
    expect(codesAt(quantModelProblems({ ...q, final: ['h'] }))).toContain('TNN215 final');
  });
  test('output segments of a model without final states', () => {
    const segs = [{ part: 'h', direction: 'forward', offset: 0, size: 4, scale: 1, zp: 0 }];
    expect(codesAt(quantModelProblems({ ...q, doc: { ...q.doc, outputSegments: segs } }))).toContain('TNN215 doc.outputSegments');
  });
  test('final states of a dense last layer', () => {
    const ps = quantModelProblems({ ...q, output: 'final', final: ['h'] });
    expect(ps.find((p) => p.code === 'TNN215')?.message).toMatch(/a dense layer has no final state/);
  });
});

describe('float inference of a final-state model', () => {
  test('its answer is the last layer final states: forward h at T-1, backward h and c after t=0', () => {
    const m = finalModel({ cell: 'lstm', hidden: 3, bidirectional: true }, ['c', 'h']);
    const x = Array.from({ length: 5 }, (_, t) => [Math.sin(t), Math.cos(t), t / 5]);
    const run = runFloat(m, x);
    const seqModel: FloatModel = { ...m, output: 'sequence', final: undefined };
    const steps = runFloat(seqModel, x).output; // (T)(2H): forward then backward h per step
    const [out] = run.output;
    expect(out).toHaveLength(12);
    expect(Array.from(out.subarray(6, 9))).toEqual(Array.from(steps[4].subarray(0, 3))); // forward h after the last step
    expect(Array.from(out.subarray(9, 12))).toEqual(Array.from(steps[0].subarray(3, 6))); // backward h after its pass ends at t=0
    expect(Array.from(out.subarray(0, 6))).toEqual([...run.cn[0][0], ...run.cn[0][1]]);
  });
});

describe('final states beside a per-step output', () => {
  const x = Array.from({ length: 5 }, (_, t) => [Math.sin(t), Math.cos(t), t / 5]);
  test('float: the main output is the per-step output, final the same vector mode final gives', () => {
    const fin = finalModel({ cell: 'lstm', hidden: 3, bidirectional: true }, ['h', 'c']);
    const both: FloatModel = { ...fin, output: 'sequence' };
    const plain: FloatModel = { ...fin, output: 'sequence', final: undefined };
    const run = runFloat(both, x);
    expect(run.output.map((v) => Array.from(v))).toEqual(runFloat(plain, x).output.map((v) => Array.from(v)));
    expect(Array.from(run.final!)).toEqual(Array.from(runFloat(fin, x).output[0]));
    expect(runFloat(plain, x).final).toBeUndefined();
  });
  test("quantised: outputSegments describe the final vector, the output scale stays the main output's, runQuant gives both", () => {
    const fin = finalModel({ cell: 'lstm', hidden: 3 }, ['h', 'c']);
    const both = quantizeModel({ ...fin, output: 'sequence' }, [x]);
    const plain = quantizeModel({ ...fin, output: 'sequence', final: undefined }, [x]);
    const asFinal = quantizeModel(fin, [x]);
    expect(quantModelProblems(both)).toEqual([]);
    expect([both.outputSize, both.outputType, both.doc.outputScale, both.doc.outputZp]).toEqual([
      plain.outputSize,
      plain.outputType,
      plain.doc.outputScale,
      plain.doc.outputZp,
    ]);
    expect(both.doc.outputSegments).toEqual(asFinal.doc.outputSegments);
    const raw = rawSequence(both, x.flat());
    const run = runQuant(both, raw);
    expect(run.output).toEqual(runQuant(plain, raw).output);
    expect(run.final).toEqual(runQuant(asFinal, raw).output[0]);
    // real values: each segment in its own scale, as the output of mode 'final' reads them
    expect(Array.from(dequantizeFinal(both, run.final!))).toEqual(Array.from(dequantizeOutput(asFinal, runQuant(asFinal, raw).output[0])));
  });
  test('a forward LSTM with final states beside its per-step output still streams', () => {
    const m: FloatModel = { ...finalModel({ cell: 'lstm', hidden: 3 }, ['h', 'c']), output: 'sequence' };
    expect(isStreaming(m)).toBe(true);
  });
});
