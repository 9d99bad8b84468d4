// The WebAssembly SIMD matrix kernel gives the JavaScript kernel's results bit for bit, for
// every shape class the trainer uses (padding, strides, offsets, bias, accumulate).
import { gemmNT, gemmNTScalar, wasmKernelAvailable } from '../../../compiler/train/kernels';
import { Rng } from '../../../compiler/core/util/rng';

describe('gemm kernels', () => {
  test('WebAssembly SIMD is in use on Node 20', () => {
    expect(wasmKernelAvailable()).toBe(true);
  });

  const shapes: [number, number, number][] = [
    [32, 256, 64], // recurrent step, LSTM H=64
    [32, 64, 256], // input gradient of a step
    [256, 64, 400], // weight gradient
    [33, 13, 7], // padding in M and N
    [5, 3, 400],
    [64, 48, 3],
  ];
  test.each(shapes)('M=%i N=%i K=%i: identical bits, overwrite and accumulate, with bias and strides', (M, N, K) => {
    const rng = new Rng(M * 1000 + N * 10 + K);
    const lda = K + 3;
    const ldb = K + 1;
    const ldc = N + 2;
    const A = Float64Array.from({ length: 5 + M * lda }, () => rng.normal());
    const B = Float64Array.from({ length: 7 + N * ldb }, () => rng.normal());
    const bias = Float64Array.from({ length: 2 + N }, () => rng.normal());
    for (const [acc, withBias] of [
      [false, true],
      [false, false],
      [true, false],
    ] as const) {
      const C0 = Float64Array.from({ length: 4 + M * ldc }, () => rng.normal());
      const C1 = C0.slice();
      gemmNT(M, N, K, A, 5, lda, B, 7, ldb, C0, 4, ldc, acc, withBias ? bias : null, 2);
      gemmNTScalar(M, N, K, A, 5, lda, B, 7, ldb, C1, 4, ldc, acc, withBias ? bias : null, 2);
      let differ = 0;
      for (let i = 0; i < C0.length; i++) if (!Object.is(C0[i], C1[i])) differ++;
      expect(differ).toBe(0);
      // and it is the product: one entry by hand
      let s = withBias ? bias[2 + 1] : 0;
      for (let k = 0; k < K; k++) s += A[5 + (M - 1) * lda + k] * B[7 + 1 * ldb + k];
      if (!acc) expect(C1[4 + (M - 1) * ldc + 1]).toBe(s);
    }
  });
});
