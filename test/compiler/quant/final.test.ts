// Output mode 'final' in the quantiser: int16 output, `final` kept, each segment's scale in
// doc.outputSegments (h16 Q0.15, an Elman relu's h8 in the layer output scale, c at 2^-cellFrac
// of its half); the checks of those segments (TNN215, TNN113); and how quantize prints them.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FloatModel } from '../../../compiler/core/ir/model';
import { quantModelProblems } from '../../../compiler/core/ir/quant-model';
import { QuantModel } from '../../../compiler/core/ir/quant-types';
import { quantizeModel } from '../../../compiler/quant/quantize';
import { saveFloatModel } from '../../../compiler/core/ir/format';
import { runCli } from '../../helpers/cli';
import { Rng } from '../../../compiler/core/util/rng';
import { tinyModel } from '../../helpers/models';

/** tinyModel without its dense head, answering with its last layer's final states. */
function finalModel(opts: Parameters<typeof tinyModel>[0], final: FloatModel['final']): FloatModel {
  const m = tinyModel(opts);
  m.layers.pop();
  delete m.meta.labels;
  return { ...m, task: 'regression', output: 'final', final };
}

const rng = new Rng(21);
const calib = Array.from({ length: 12 }, () => Array.from({ length: 10 }, () => [rng.normal(), rng.normal(), rng.normal()]));
const codesAt = (ps: { code: string; path: string }[]) => ps.map((p) => `${p.code} ${p.path}`);

describe('quantising final states', () => {
  const q = quantizeModel(finalModel({ cell: 'lstm', hidden: 3, bidirectional: true }, ['h', 'c']), calib);
  test('int16 output of the final width, the parts kept', () => {
    expect([q.output, q.final, q.outputType, q.outputSize]).toEqual(['final', ['h', 'c'], 's16', 12]);
    expect(quantModelProblems(q)).toEqual([]);
  });
  test('each segment in the scale of its state: h16 Q0.15, c at 2^-cellFrac of its own half', () => {
    const l = q.layers[0];
    if (l.kind !== 'bidirectional' || l.forward.kind !== 'lstm' || l.backward.kind !== 'lstm') throw new Error('not a bidirectional LSTM');
    expect(q.doc.outputSegments).toEqual([
      { part: 'h', direction: 'forward', offset: 0, size: 3, scale: 2 ** -15, zp: 0 },
      { part: 'h', direction: 'backward', offset: 3, size: 3, scale: 2 ** -15, zp: 0 },
      { part: 'c', direction: 'forward', offset: 6, size: 3, scale: 2 ** -l.forward.cellFrac, zp: 0 },
      { part: 'c', direction: 'backward', offset: 9, size: 3, scale: 2 ** -l.backward.cellFrac, zp: 0 },
    ]);
    expect([q.doc.outputScale, q.doc.outputZp]).toEqual([2 ** -15, 0]);
  });
  test("an Elman relu's h is its h8 in the layer output scale and zero point; the first segment gives outputScale", () => {
    const r = quantizeModel(finalModel({ cell: 'elman', hidden: 4 }, ['h']), calib);
    const cell = structuredClone(finalModel({ cell: 'elman', hidden: 4 }, ['h']));
    (cell.layers[0] as { activation: string }).activation = 'relu';
    const relu = quantizeModel(cell, calib);
    expect(r.doc.outputSegments).toEqual([{ part: 'h', direction: 'forward', offset: 0, size: 4, scale: 2 ** -15, zp: 0 }]);
    const l = relu.layers[0];
    if (l.kind !== 'elman') throw new Error('not an Elman layer');
    expect(relu.doc.outputSegments).toEqual([{ part: 'h', direction: 'forward', offset: 0, size: 4, scale: relu.doc.layers[0].outScale, zp: l.hZp }]);
    expect([relu.doc.outputScale, relu.doc.outputZp]).toEqual([relu.doc.layers[0].outScale, l.hZp]);
  });
  test('a reverse GRU: one backward h segment', () => {
    const m = finalModel({ cell: 'gru', hidden: 5 }, ['h']);
    m.layers = [{ kind: 'reverse', cell: m.layers[0] as never }];
    const r = quantizeModel(m, calib);
    expect(r.doc.outputSegments).toEqual([{ part: 'h', direction: 'backward', offset: 0, size: 5, scale: 2 ** -15, zp: 0 }]);
  });
  test('models of the other output modes have no segments', () => {
    expect(quantizeModel(tinyModel(), calib).doc.outputSegments).toBeUndefined();
  });

  describe('TNN215 / TNN113: the segments must match the final states and have finite scales', () => {
    const broken = (edit: (m: QuantModel) => void): string[] => {
      const m = structuredClone(q);
      edit(m);
      return codesAt(quantModelProblems(m));
    };
    test('missing', () => expect(broken((m) => delete m.doc.outputSegments)).toContain('TNN215 doc.outputSegments'));
    test('another layout', () => expect(broken((m) => m.doc.outputSegments!.reverse())).toContain('TNN215 doc.outputSegments'));
    test('outputScale not the first segment', () => expect(broken((m) => (m.doc.outputScale = 1))).toContain('TNN215 doc.outputScale'));
    test('a scale that is not a positive number', () =>
      expect(broken((m) => (m.doc.outputSegments![2].scale = NaN))).toContain('TNN113 doc.outputSegments[2].scale'));
    test('segments on a model that outputs a layer', () => {
      const other = structuredClone(quantizeModel(tinyModel(), calib));
      other.doc.outputSegments = structuredClone(q.doc.outputSegments);
      expect(codesAt(quantModelProblems(other))).toContain('TNN215 doc.outputSegments');
    });
  });
});

describe('tinyrnn quantize of a final-state model', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-qfinal-'));
    saveFloatModel(path.join(dir, 'f.tnn'), finalModel({ cell: 'lstm', hidden: 3 }, ['c', 'h']));
    const x = calib.map((s) => s.map((r) => r.slice()));
    fs.writeFileSync(path.join(dir, 'calib.json'), JSON.stringify({ x, features: ['f0', 'f1', 'f2'] }));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true }));

  test('prints every segment with its scale, in text and --json', async () => {
    const r = await runCli(['quantize', 'f.tnn', '--calib', 'calib.json'], dir);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toMatch(
      /device output: int16 final states: \[0\.\.2\] c forward real = \(y - 0\) \* [0-9.e-]+; \[3\.\.5\] h forward real = \(y - 0\) \* 0\.0000305176/,
    );
    expect(r.out).toMatch(/final states, no task metric; output max \|error\| /);
    const json = await runCli(['quantize', 'f.tnn', '--calib', 'calib.json', '--json'], dir);
    expect(json.code).toBe(0);
    const j = JSON.parse(json.out);
    expect(j.outputSegments.map((s: { part: string; offset: number }) => `${s.part}@${s.offset}`)).toEqual(['c@0', 'h@3']);
  });
  test('final states beside a per-step output: the output keeps its int8 scale, the final segments follow', async () => {
    saveFloatModel(path.join(dir, 's.tnn'), { ...finalModel({ cell: 'lstm', hidden: 3 }, ['h', 'c']), output: 'sequence' });
    // a per-step regression model is scored on per-step targets (3 outputs)
    const x = calib.map((q) => q.map((r) => r.slice()));
    fs.writeFileSync(path.join(dir, 'calib-y.json'), JSON.stringify({ x, y: x.map((q) => q.map((r) => r.map((v) => v / 4))), features: ['f0', 'f1', 'f2'] }));
    const r = await runCli(['quantize', 's.tnn', '--calib', 'calib-y.json'], dir);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toMatch(
      /device output: int8, real = \(y - -?\d+\) \* [0-9.e-]+; beside it int16 final states: \[0\.\.2\] h forward real = \(y - 0\) \* 0\.0000305176; \[3\.\.5\] c forward/,
    );
  });
});
