// Sizes from a hostile ONNX file (issue 18): shape inputs of ConstantOfShape and Expand that are
// huge, negative, fractional or infinite are refused on their node with ONNX013 before anything
// is allocated, and so is a graph whose folded constants add up past the total limit.
import { importOnnx } from '../../../compiler/import/onnx/import';
import { TinyrnnError } from '../../../compiler/core/ir/errors';
import { MAX_FOLDED_ELEMENTS } from '../../../compiler/import/onnx/values';
import { A, buildModel, ftensor, itensor, node, vinfo } from './onnx-builder';

function diagOf(bytes: Uint8Array): { code: string; path: string; message: string } {
  try {
    importOnnx(bytes);
  } catch (e) {
    if (e instanceof TinyrnnError) return e.diagnostics[0];
    throw new Error(`not a TinyrnnError: ${(e as Error).stack}`);
  }
  return { code: 'OK', path: '', message: '' };
}

/** x -> Add(x, ConstantOfShape(shape)) -> y: the folded node is evaluated first. */
function constantOfShape(shape: Record<string, unknown>): Uint8Array {
  return buildModel({
    inits: [shape],
    nodes: [node('ConstantOfShape', ['S'], ['z'], [A.t('value', ftensor('', [1], [0]))], 'zeros'), node('Add', ['x', 'z'], ['y'])],
    inputs: [vinfo('x', ['T', 1, 2])],
    outputs: [vinfo('y')],
  });
}

test.each([
  ['2^33', itensor('S', [1], ['8589934592'])],
  ['1e10', itensor('S', [1], [1e10])],
  ['-5', itensor('S', [1], [-5])],
  ['2^21 x 2^21 (a product past the limit)', itensor('S', [2], [2 ** 21, 2 ** 21])],
  ['Infinity', ftensor('S', [1], [Infinity])],
  ['3.4', ftensor('S', [1], [3.4])],
])('ConstantOfShape to %s: ONNX013 on the node', (_, shape) => {
  const d = diagOf(constantOfShape(shape));
  expect(d.code).toBe('ONNX013');
  expect(d.path).toContain('zeros');
});

test('Expand of a constant to 2^33 elements: ONNX013 on the node', () => {
  const bytes = buildModel({
    inits: [ftensor('one', [1], [0]), itensor('S', [1], ['8589934592'])],
    nodes: [node('Expand', ['one', 'S'], ['z'], [], 'big'), node('Add', ['x', 'z'], ['y'])],
    inputs: [vinfo('x', ['T', 1, 2])],
    outputs: [vinfo('y')],
  });
  expect(diagOf(bytes)).toMatchObject({ code: 'ONNX013', path: expect.stringContaining('big') });
});

test('folded constants past the total limit (4 x 2^22 fit, the fifth does not): ONNX013 on the fifth node', () => {
  const n = MAX_FOLDED_ELEMENTS;
  const chain = Array.from({ length: 5 }, (_, i) => node('Expand', [i ? `z${i - 1}` : 'one', 'S'], [`z${i}`], [], `e${i}`));
  const bytes = buildModel({
    inits: [ftensor('one', [1], [0]), itensor('S', [1], [n])],
    nodes: [...chain, node('Add', ['x', 'z4'], ['y'])],
    inputs: [vinfo('x', ['T', 1, 2])],
    outputs: [vinfo('y')],
  });
  const d = diagOf(bytes);
  expect(d).toMatchObject({ code: 'ONNX013', path: expect.stringContaining('e4') });
  expect(d.message).toMatch(/folded so far/);
});

// Nodes the fuzzer left without inputs, or with model data in an input the op does not have.
test('a Concat without inputs: ONNX012 on the node (was a TypeError)', () => {
  const bytes = buildModel({
    nodes: [node('Concat', [], ['c'], [A.i('axis', 0)], 'cat'), node('Add', ['x', 'c'], ['y'])],
    inputs: [vinfo('x', ['T', 1, 2])],
    outputs: [vinfo('y')],
  });
  expect(diagOf(bytes)).toMatchObject({ code: 'ONNX012', path: 'node 0 "cat" (Concat)' });
});

test('a Shape of a constant with model data as a second input: ONNX017 on the node (was a TypeError)', () => {
  const bytes = buildModel({
    inits: [itensor('k', [1], [2])],
    nodes: [node('Shape', ['k', 'x'], ['s'], [], 'shape'), node('Add', ['x', 's'], ['y'])],
    inputs: [vinfo('x', ['T', 1, 2])],
    outputs: [vinfo('y')],
  });
  expect(diagOf(bytes)).toMatchObject({ code: 'ONNX017', path: 'node 0 "shape" (Shape)' });
});
