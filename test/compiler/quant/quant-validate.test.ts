// One test per quant-model validation code: the code, the place and the offending value.
import { quantModelProblems } from '../../../compiler/core/ir/quant-model';
import { decodeContainer, encodeContainer, decodeQuantModel } from '../../../compiler/core/ir/format';
import { quantizeModel } from '../../../compiler/quant/quantize';
import { tinyModel } from '../../helpers/models';
import { Rng } from '../../../compiler/core/util/rng';
import { TinyrnnError } from '../../../compiler/core/ir/errors';

const rng = new Rng(4);
const calib = Array.from({ length: 4 }, () => Array.from({ length: 10 }, () => [rng.normal(), rng.normal(), rng.normal()]));
const base = quantizeModel(tinyModel({ cell: 'lstm', hidden: 4 }), calib);
const baseBi = quantizeModel(tinyModel({ cell: 'gru', hidden: 4, bidirectional: true }), calib);
type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const copy = (m: object): Any => decodeContainer(encodeContainer('quant', m)).model as Any;
const first = (m: unknown) => quantModelProblems(m)[0];

test('a freshly quantised model has no problems', () => {
  expect(quantModelProblems(base)).toEqual([]);
  expect(quantModelProblems(baseBi)).toEqual([]);
});
test('TNN200 not a quant model', () => {
  expect(first({ format: 'float' })).toMatchObject({ code: 'TNN200', path: 'format', value: 'float' });
  expect(first(42)).toMatchObject({ code: 'TNN200' });
});
test('TNN201 missing field', () => {
  const m = copy(base);
  delete m.layers[0].hZp;
  expect(first(m)).toMatchObject({ code: 'TNN201', path: 'layers[0].hZp' });
});
test('TNN202 size not a positive integer', () => {
  const m = copy(base);
  m.layers[0].hidden = 2.5;
  expect(first(m)).toMatchObject({ code: 'TNN202', path: 'layers[0].hidden', value: 2.5 });
});
test('TNN203 unknown layer kind', () => {
  const m = copy(base);
  m.layers[0].kind = 'transformer';
  expect(first(m)).toMatchObject({ code: 'TNN203', path: 'layers[0].kind', value: 'transformer' });
});
test('TNN204 unknown option value', () => {
  const m = copy(base);
  m.layers[1].activation = 'gelu';
  expect(first(m)).toMatchObject({ code: 'TNN204', path: 'layers[1].activation', value: 'gelu' });
});
test('TNN205 array of the wrong type', () => {
  const m = copy(base);
  m.layers[0].wx = new Float32Array(m.layers[0].wx.length);
  expect(first(m)).toMatchObject({ code: 'TNN205', path: 'layers[0].wx' });
});
test('TNN206 array of the wrong length', () => {
  const m = copy(base);
  m.layers[0].mx = new Int32Array(3);
  expect(first(m)).toMatchObject({ code: 'TNN206', path: 'layers[0].mx', expected: '(G*H) = 16' });
});
test('TNN207 integers out of their documented ranges (weight -128, shift 47, multiplier 32768, zero point 200, input shift 50)', () => {
  const m = copy(base);
  m.layers[0].wx[3] = -128;
  m.layers[0].sx[1] = 47;
  m.layers[0].mh[2] = 32768;
  m.layers[0].hZp = 200;
  m.input.s[0] = 50;
  const p = quantModelProblems(m);
  expect(p.map((d) => [d.code, d.path, d.value])).toEqual(
    expect.arrayContaining([
      ['TNN207', 'layers[0].wx[3]', -128],
      ['TNN207', 'layers[0].sx[1]', 47],
      ['TNN207', 'layers[0].mh[2]', 32768],
      ['TNN207', 'layers[0].hZp', 200],
      ['TNN207', 'input.s[0]', 50],
    ]),
  );
});
test('TNN208 layer sizes do not chain', () => {
  const m = copy(base);
  m.layers[1].inputSize = 5;
  m.layers[1].w = new Int8Array(m.layers[1].units * 5);
  expect(first(m)).toMatchObject({ code: 'TNN208', path: 'layers[1].inputSize', value: 5 });
});
test('TNN209 no layers', () => {
  const m = copy(base);
  m.layers = [];
  expect(first(m)).toMatchObject({ code: 'TNN209', path: 'layers' });
});
test('TNN210 newer spec version, with a clear message on load', () => {
  const m = copy(base);
  m.specVersion = 2;
  expect(first(m)).toMatchObject({ code: 'TNN210', path: 'specVersion', value: 2 });
  try {
    decodeQuantModel(encodeContainer('quant', m), 'future.q.tnn');
    throw new Error('not refused');
  } catch (e) {
    expect((e as TinyrnnError).message).toMatch(
      /future\.q\.tnn: error TNN210: specVersion: quantisation spec version 2 is not supported \(this tinyrnn implements version 1\)/,
    );
  }
});
test('TNN211 activation table malformed', () => {
  const m = copy(base);
  m.tables.tanh[10] = 0;
  expect(first(m)).toMatchObject({ code: 'TNN211', path: 'tables.tanh' });
});
test('TNN212 bidirectional halves differ', () => {
  const m = copy(baseBi);
  m.layers[0].backward.hZp = m.layers[0].forward.hZp === 0 ? 1 : 0;
  expect(first(m)).toMatchObject({ code: 'TNN212', path: 'layers[0]' });
});
test('TNN213 integer bound broken (accumulator beyond int32)', () => {
  const m = copy(base);
  m.layers[1].b[0] = 2147483600;
  expect(first(m)).toMatchObject({ code: 'TNN213', path: 'layers[1].w[0]' });
});
