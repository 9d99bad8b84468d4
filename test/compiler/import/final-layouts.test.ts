// Final states (Y_h, and an LSTM's Y_c) of reverse and bidirectional RNN/GRU/LSTM nodes in both
// ONNX layouts: layout 0 lists them (D, N, H), layout 1 (batchwise) (N, D, H). Graphs built with
// tinyrnn's ONNX schema, the weights as graph inputs bound to constants (as ONNX's node tests give
// them), several sequences in the batch; the expected values come from the ONNX operator
// equations (onnx-ref.ts) at the node tests' tolerance (rtol 1e-3, atol 1e-7; the two agree to 1e-9).
import { importOnnx } from '../../../compiler/import/onnx/import';
import { runFloat } from '../../../compiler/float/infer';
import { OnnxTensor } from '../../../compiler/import/onnx/codec';
import { ONNX_DTYPE } from '../../../compiler/import/onnx/schema';
import { A, buildModel, node, vinfo } from './onnx-builder';
import { RecurrentSpec, onnxRecurrent, randomF32 } from './onnx-ref';

const [T, N, I, H] = [4, 3, 2, 3];
const close = (got: number, want: number): boolean => Math.abs(got - want) <= 1e-7 + 1e-3 * Math.abs(want);

function tensor(name: string, dims: number[], data: Float32Array): OnnxTensor {
  return { name, dims, dataType: ONNX_DTYPE.FLOAT, data } as unknown as OnnxTensor;
}

const CASES = (['RNN', 'GRU', 'LSTM'] as const).flatMap((op) =>
  (['reverse', 'bidirectional'] as const).flatMap((direction) => ([0, 1] as const).map((layout) => ({ op, direction, layout }))),
);

describe.each(CASES)('$op $direction, layout $layout', ({ op, direction, layout }) => {
  const G = op === 'LSTM' ? 4 : op === 'GRU' ? 3 : 1;
  const D = direction === 'bidirectional' ? 2 : 1;
  const s: RecurrentSpec = {
    op,
    H,
    direction,
    layout,
    linearBeforeReset: 1,
    W: randomF32(D * G * H * I, 3),
    R: randomF32(D * G * H * H, 4),
    B: randomF32(D * 2 * G * H, 5, 0.3),
  };
  const states = op === 'LSTM' ? ['Y_h', 'Y_c'] : ['Y_h'];
  const attrs = [
    A.i('hidden_size', H),
    A.s('direction', direction),
    ...(layout ? [A.i('layout', 1)] : []),
    ...(op === 'GRU' ? [A.i('linear_before_reset', 1)] : []),
  ];
  const bytes = buildModel({
    nodes: [node(op, ['X', 'W', 'R', 'B'], ['', ...states], attrs, 'rnn')],
    inputs: [vinfo('X', layout ? [N, T, I] : [T, N, I]), vinfo('W', [D, G * H, I]), vinfo('R', [D, G * H, H]), vinfo('B', [D, 2 * G * H])],
    outputs: states.map((n) => vinfo(n)),
  });
  const bind = { W: tensor('W', [D, G * H, I], s.W), R: tensor('R', [D, G * H, H], s.R), B: tensor('B', [D, 2 * G * H], s.B!) };
  const X = randomF32(T * N * I, 6, 2);
  const ref = onnxRecurrent(s, X, T, N, I);

  test('the graph outputs (all final states of the node) import together and give the expected states', () => {
    const { model } = importOnnx(bytes, { bind });
    expect([model.output, model.final]).toEqual(['final', op === 'LSTM' ? ['h', 'c'] : ['h']]);
    for (let n = 0; n < N; n++) {
      const seq = Array.from({ length: T }, (_, t) => {
        const o = layout === 0 ? (t * N + n) * I : (n * T + t) * I;
        return Array.from(X.subarray(o, o + I));
      });
      const got = runFloat(model, seq).output[0];
      const want = [ref.Yh, ref.Yc]
        .slice(0, states.length)
        .flatMap((Y) =>
          Array.from({ length: D }, (_, d) => Array.from(Y.subarray((layout ? n * D + d : d * N + n) * H, (layout ? n * D + d : d * N + n) * H + H))).flat(),
        );
      expect(got).toHaveLength(want.length);
      const bad = want.findIndex((w, i) => !close(got[i], w));
      expect([n, bad]).toEqual([n, -1]);
    }
  });
});
