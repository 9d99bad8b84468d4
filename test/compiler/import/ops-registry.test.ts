// The ONNX op registry covers exactly the operators the importer says it maps.

import { OPS, OpRegistry, SUPPORTED_OPS } from '../../../compiler/import/onnx/ops';

// A registry missing one op does not type-check.
const { Gemm: _gemm, ...missing } = OPS;
// @ts-expect-error Gemm is missing
const bad: OpRegistry = missing;

describe('ONNX op registry', () => {
  it('has one handler per supported op, and no other', () => {
    expect(Object.keys(OPS).sort()).toEqual([...SUPPORTED_OPS].sort());
    expect(Object.keys(bad)).not.toContain('Gemm');
  });

  it('gives every op a fold or an act handler', () => {
    for (const op of SUPPORTED_OPS) expect(OPS[op].fold ?? OPS[op].act).toBeInstanceOf(Function);
  });
});
