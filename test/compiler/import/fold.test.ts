// Constant folding of the shape plumbing, checked on small hand-computed cases (ONNX semantics:
// numpy broadcasting, negative indices, Slice clamping).
import { binary, broadcastDims, concatConst, constOf, expandTo, gatherConst, sliceIndices, transposeConst } from '../../../compiler/import/onnx/fold';
import { ONNX_DTYPE } from '../../../compiler/import/onnx/schema';

const F = ONNX_DTYPE.FLOAT;
const I64 = ONNX_DTYPE.INT64;

test('broadcasting', () => {
  expect(broadcastDims([2, 1, 3], [4, 1])).toEqual([2, 4, 3]);
  expect(broadcastDims([3], [2, 3])).toEqual([2, 3]);
  expect(broadcastDims([2], [3])).toBeUndefined();
  const r = binary('Add', constOf(F, [2, 1], [10, 20]), constOf(F, [3], [1, 2, 3]))!;
  expect(r.dims).toEqual([2, 3]);
  expect(Array.from(r.data)).toEqual([11, 12, 13, 21, 22, 23]);
  expect(Array.from(binary('Div', constOf(I64, [2], [7, -7]), constOf(I64, [], [2]))!.data)).toEqual([3, -3]); // integer Div truncates
  expect(Array.from(binary('Mul', constOf(F, [1], [0.1]), constOf(F, [1], [3]))!.data)).toEqual([Math.fround(Math.fround(0.1) * 3)]);
  expect(Array.from(expandTo(constOf(F, [1, 2], [5, 6]), [3, 1, 2])!.data)).toEqual([5, 6, 5, 6, 5, 6]);
});

test('transpose, gather, concat', () => {
  const c = constOf(F, [2, 3], [1, 2, 3, 4, 5, 6]);
  const t = transposeConst(c, [1, 0]);
  expect([t.dims, Array.from(t.data)]).toEqual([
    [3, 2],
    [1, 4, 2, 5, 3, 6],
  ]);
  const g = gatherConst(c, 1, [2, 0], [2]);
  expect([g.dims, Array.from(g.data)]).toEqual([
    [2, 2],
    [3, 1, 6, 4],
  ]);
  const s = gatherConst(c, 0, [1], []);
  expect([s.dims, Array.from(s.data)]).toEqual([[3], [4, 5, 6]]);
  const k = concatConst([c, constOf(F, [2, 1], [7, 8])], 1);
  expect([k.dims, Array.from(k.data)]).toEqual([
    [2, 4],
    [1, 2, 3, 7, 4, 5, 6, 8],
  ]);
});

test('Slice index rules: negative starts, clamped ends, INT64_MAX sentinels, negative steps', () => {
  expect(sliceIndices(5, -1, Infinity, 1)).toEqual([4]);
  expect(sliceIndices(5, 1, 3, 1)).toEqual([1, 2]);
  expect(sliceIndices(5, 0, 100, 2)).toEqual([0, 2, 4]);
  expect(sliceIndices(5, -100, 2, 1)).toEqual([0, 1]);
  expect(sliceIndices(5, -1, -Infinity, -1)).toEqual([4, 3, 2, 1, 0]);
  expect(sliceIndices(5, 3, 1, 1)).toEqual([]);
});
