import { floatModelProblems, validateFloatModel } from '../../../../compiler/core/ir/validate';
import { TinyrnnError } from '../../../../compiler/core/ir/errors';
import { tinyModel } from '../../../helpers/models';

// Each diagnostic: the code, the JSON path, and (where there is one) the offending value.
function problemsOf(mutate: (m: any) => void): ReturnType<typeof floatModelProblems> {
  const m: any = tinyModel();
  mutate(m);
  return floatModelProblems(m);
}

function expectProblem(mutate: (m: any) => void, code: string, path: string, value?: unknown): void {
  const ps = problemsOf(mutate);
  const hit = ps.find((p) => p.code === code && p.path === path);
  if (!hit) throw new Error(`expected ${code} at ${path}, got ${JSON.stringify(ps)}`);
  if (value !== undefined) expect(hit.value).toEqual(value);
}

describe('FloatModel validation', () => {
  test('a good model has no problems', () => {
    expect(floatModelProblems(tinyModel())).toEqual([]);
    expect(floatModelProblems(tinyModel({ cell: 'gru', bidirectional: true, layers: 2 }))).toEqual([]);
    expect(floatModelProblems(tinyModel({ cell: 'elman' }))).toEqual([]);
  });
  test('TNN100 not an object / wrong format', () => {
    expect(floatModelProblems(42)[0].code).toBe('TNN100');
    expectProblem((m) => (m.format = 'quant'), 'TNN100', 'format', 'quant');
    expectProblem((m) => (m.layers[0] = 7), 'TNN100', 'layers[0]', 7);
  });
  test('TNN101 missing field', () => {
    expectProblem((m) => delete m.layers[0].wx, 'TNN101', 'layers[0].wx');
    expectProblem((m) => delete m.meta, 'TNN101', 'meta');
    expectProblem((m) => delete m.layers[0].hidden, 'TNN101', 'layers[0].hidden');
    expectProblem(
      (m) => {
        m.layers[0] = tinyModel({ cell: 'gru' }).layers[0];
        delete m.layers[0].resetAfter;
      },
      'TNN101',
      'layers[0].resetAfter',
    );
  });
  test('TNN102 size not a positive integer', () => {
    expectProblem((m) => (m.inputSize = 2.5), 'TNN102', 'inputSize', 2.5);
    expectProblem((m) => (m.layers[1].units = -1), 'TNN102', 'layers[1].units', -1);
  });
  test('TNN103 unknown layer kind', () => {
    expectProblem((m) => (m.layers[0].kind = 'transformer'), 'TNN103', 'layers[0].kind', 'transformer');
  });
  test('TNN104 unknown activation or option', () => {
    expectProblem((m) => (m.layers[1].activation = 'gelu'), 'TNN104', 'layers[1].activation', 'gelu');
    expectProblem((m) => (m.output = 'middle'), 'TNN104', 'output', 'middle');
    expectProblem((m) => (m.task = 'ranking'), 'TNN104', 'task', 'ranking');
    expectProblem((m) => (m.layers[0].clip = -3), 'TNN104', 'layers[0].clip', -3);
  });
  test('TNN105 wrong array type', () => {
    expectProblem((m) => (m.layers[0].bx = Array.from(m.layers[0].bx)), 'TNN105', 'layers[0].bx');
  });
  test('TNN106 wrong array length names the formula', () => {
    const ps = problemsOf((m) => (m.layers[0].wh = new Float32Array(96)));
    const p = ps.find((x) => x.code === 'TNN106');
    expect(p?.path).toBe('layers[0].wh');
    expect(p?.message).toContain('96');
    expect(p?.expected).toContain('64');
  });
  test('TNN107 non-finite weights, with the index', () => {
    expectProblem((m) => (m.layers[0].wx[5] = NaN), 'TNN107', 'layers[0].wx[5]', NaN);
    expectProblem((m) => (m.layers[1].b[1] = Infinity), 'TNN107', 'layers[1].b[1]', Infinity);
  });
  test('TNN108 layer input does not chain', () => {
    const ps = problemsOf((m) => {
      m.layers[1].inputSize = 5;
      m.layers[1].w = new Float32Array(10);
    });
    expect(ps.map((p) => p.code)).toContain('TNN108');
  });
  test('TNN109 no layers', () => {
    expectProblem((m) => (m.layers = []), 'TNN109', 'layers');
  });
  test('TNN110 labels / features do not match sizes', () => {
    expectProblem((m) => (m.meta.labels = ['a', 'b', 'c']), 'TNN110', 'meta.labels');
    expectProblem((m) => (m.meta.labels = ['a', 'a']), 'TNN110', 'meta.labels');
    expectProblem((m) => (m.meta.features = ['x']), 'TNN110', 'meta.features');
  });
  test('TNN111 std not > 0', () => {
    expectProblem((m) => (m.normalization.std[1] = 0), 'TNN111', 'normalization.std[1]', 0);
  });
  test('TNN112 bidirectional halves differ', () => {
    const m: any = tinyModel({ bidirectional: true });
    m.layers[0].backward = tinyModel({ cell: 'gru' }).layers[0];
    expect(floatModelProblems(m).some((p) => p.code === 'TNN112')).toBe(true);
  });
  test('TNN113 bad metadata', () => {
    expectProblem((m) => (m.meta.name = 3), 'TNN113', 'meta.name', 3);
    expectProblem((m) => (m.meta.sampleRate = -25), 'TNN113', 'meta.sampleRate', -25);
  });
  test('collects every problem before failing, and the error lists them all', () => {
    const m: any = tinyModel();
    m.layers[0].wx[0] = NaN;
    m.layers[1].activation = 'gelu';
    m.meta.labels = ['x'];
    let err: unknown;
    try {
      validateFloatModel(m, 'broken.tnn');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TinyrnnError);
    const te = err as TinyrnnError;
    expect(te.diagnostics.map((d) => d.code).sort()).toEqual(['TNN104', 'TNN107', 'TNN110']);
    expect(te.message).toContain('broken.tnn: error TNN107: layers[0].wx[0]');
  });
});
