// Graphs in the shapes exporters produce (PyTorch, tf2onnx), built with tinyrnn's ONNX schema,
// imported, and run with the float reference. The expected values come from an independent
// implementation of the ONNX operator equations on the ONNX weights (onnx-ref.ts), so gate
// orders, bias halves, peepholes, directions, layouts and heads are all checked with distinct
// random weights. Both sides compute in float64 on the same float32 weights: agreement to 1e-9.
import { importOnnx } from '../../../compiler/import/onnx/import';
import { runFloat } from '../../../compiler/float/infer';
import { FloatModel } from '../../../compiler/core/ir/model';
import { A, buildModel, ftensor, itensor, node, vinfo } from './onnx-builder';
import { RecurrentSpec, onnxRecurrent, randomF32 } from './onnx-ref';

const TOL = 1e-9;
type Obj = Record<string, unknown>;

function spec(op: RecurrentSpec['op'], I: number, H: number, seed: number, extra: Partial<RecurrentSpec> = {}): RecurrentSpec {
  const G = op === 'LSTM' ? 4 : op === 'GRU' ? 3 : 1;
  const D = extra.direction === 'bidirectional' ? 2 : 1;
  return {
    op,
    H,
    direction: 'forward',
    layout: 0,
    W: randomF32(D * G * H * I, seed),
    R: randomF32(D * G * H * H, seed + 1),
    B: randomF32(D * 2 * G * H, seed + 2, 0.3),
    ...extra,
  };
}

/** Initializers W, R, B (and P) for a spec, and the recurrent node's attributes. */
function recurrentParts(s: RecurrentSpec, I: number, p: string): { inits: Obj[]; attrs: Obj[] } {
  const G = s.op === 'LSTM' ? 4 : s.op === 'GRU' ? 3 : 1;
  const D = s.direction === 'bidirectional' ? 2 : 1;
  const inits = [
    ftensor(`${p}W`, [D, G * s.H, I], s.W, true),
    ftensor(`${p}R`, [D, G * s.H, s.H], s.R),
    ...(s.B ? [ftensor(`${p}B`, [D, 2 * G * s.H], s.B, true)] : []),
  ];
  if (s.P) inits.push(ftensor(`${p}P`, [D, 3 * s.H], s.P));
  const attrs: Obj[] = [A.i('hidden_size', s.H)];
  if (s.direction !== 'forward') attrs.push(A.s('direction', s.direction));
  if (s.layout) attrs.push(A.i('layout', s.layout));
  if (s.clip !== undefined) attrs.push(A.f('clip', s.clip));
  if (s.op === 'GRU' && s.linearBeforeReset !== undefined) attrs.push(A.i('linear_before_reset', s.linearBeforeReset));
  if (s.op === 'RNN' && s.rnnAct) attrs.push(A.strings('activations', s.direction === 'bidirectional' ? [s.rnnAct, s.rnnAct] : [s.rnnAct]));
  return { inits, attrs };
}

/** Sequence n of X (layout 0: (T,N,I); layout 1: (N,T,I)) as T rows. */
function seqOf(X: Float32Array, layout: 0 | 1, T: number, N: number, I: number, n: number): number[][] {
  return Array.from({ length: T }, (_, t) => {
    const o = layout === 0 ? (t * N + n) * I : (n * T + t) * I;
    return Array.from(X.subarray(o, o + I));
  });
}

function dense(x: ArrayLike<number>, w: Float32Array, b: Float32Array | undefined, U: number, transposed: boolean): Float64Array {
  const K = x.length;
  const y = new Float64Array(U);
  for (let u = 0; u < U; u++) {
    let s = b ? b[u] : 0;
    for (let k = 0; k < K; k++) s += (transposed ? w[u * K + k] : w[k * U + u]) * x[k];
    y[u] = s;
  }
  return y;
}
const softmax = (v: Float64Array): Float64Array => {
  const m = Math.max(...v);
  const e = v.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
};
const sigmoid = (v: Float64Array): Float64Array => v.map((x) => 1 / (1 + Math.exp(-x)));

function expectNear(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= TOL)) throw new Error(`${what}[${i}]: got ${got[i]}, want ${want[i]}`);
  }
}

const T = 5;
const N = 2;

test('bidirectional LSTM with peepholes and clip, Y as the output (T, 2, N, H)', () => {
  const I = 3;
  const H = 4;
  const s = spec('LSTM', I, H, 10, { direction: 'bidirectional', P: randomF32(2 * 3 * 4, 99), clip: Math.fround(0.9) });
  const { inits, attrs } = recurrentParts(s, I, '');
  const bytes = buildModel({
    nodes: [node('LSTM', ['X', 'W', 'R', 'B', '', '', '', 'P'], ['Y'], attrs, 'bilstm')],
    inits,
    inputs: [vinfo('X', ['T', 'N', I])],
    outputs: [vinfo('Y')],
  });
  const { model } = importOnnx(bytes);
  expect(model.layers.map((l) => l.kind)).toEqual(['bidirectional']);
  expect(model.layers[0].kind === 'bidirectional' && [model.layers[0].forward.name, model.layers[0].backward.name]).toEqual([
    'bilstm.forward',
    'bilstm.backward',
  ]);
  expect(model.output).toBe('sequence');
  const X = randomF32(T * N * I, 5, 2);
  const ref = onnxRecurrent(s, X, T, N, I);
  for (let n = 0; n < N; n++) {
    const r = runFloat(model, seqOf(X, 0, T, N, I, n));
    for (let t = 0; t < T; t++) {
      const want = [0, 1].flatMap((d) => Array.from(ref.Y.subarray(((t * 2 + d) * N + n) * H, ((t * 2 + d) * N + n + 1) * H)));
      expectNear(r.output[t], want, `Y t=${t} n=${n}`);
    }
  }
});

test('bidirectional GRU (reset before, clip), layout 1, Reshape to (N, T, 2H), MatMul + Add + Softmax', () => {
  const I = 2;
  const H = 3;
  const U = 4;
  const s = spec('GRU', I, H, 20, { direction: 'bidirectional', layout: 1, linearBeforeReset: 0, clip: Math.fround(0.6) });
  const { inits, attrs } = recurrentParts(s, I, 'gru.');
  const Wd = randomF32(2 * H * U, 30);
  const bd = randomF32(U, 31);
  const bytes = buildModel({
    nodes: [
      node('GRU', ['x', 'gru.W', 'gru.R', 'gru.B'], ['Y'], attrs, 'encoder'),
      node('Reshape', ['Y', 'shape'], ['Yf']),
      node('MatMul', ['Yf', 'Wd'], ['mm'], [], 'head/MatMul'),
      node('Add', ['mm', 'bd'], ['logits'], [], 'head/Add'),
      node('Softmax', ['logits'], ['probs'], [A.i('axis', -1)], 'head/Softmax'),
    ],
    inits: [...inits, itensor('shape', [3], [0, 0, -1]), ftensor('Wd', [2 * H, U], Wd), ftensor('bd', [U], bd)],
    inputs: [vinfo('x', ['batch', 'seq', I])],
    outputs: [vinfo('probs', ['batch', 'seq', U])],
  });
  const res = importOnnx(bytes);
  const model = res.model;
  expect(model.layers.map((l) => l.kind)).toEqual(['bidirectional', 'dense']);
  expect(model.task).toBe('classification');
  expect(model.layers[1].kind === 'dense' && model.layers[1].activation).toBe('softmax');
  expect(res.input.layout).toBe('B,T,F');
  expect(res.layers[1].node).toBe('head/MatMul+head/Add+head/Softmax');
  const X = randomF32(N * T * I, 6, 2);
  const ref = onnxRecurrent(s, X, T, N, I);
  for (let n = 0; n < N; n++) {
    const r = runFloat(model, seqOf(X, 1, T, N, I, n));
    for (let t = 0; t < T; t++) {
      const y = ref.Y.subarray((n * T + t) * 2 * H, (n * T + t + 1) * 2 * H); // (N,T,2,H) flattened per step
      expectNear(r.output[t], softmax(dense(y, Wd, bd, U, false)), `probs t=${t} n=${n}`);
    }
  }
});

test('stacked RNN (Relu, clip) -> LSTM, final state Y_h -> Gemm (transB) -> Sigmoid: a last-step model', () => {
  const I = 3;
  const H1 = 5;
  const H2 = 4;
  const U = 2;
  const s1 = spec('RNN', I, H1, 40, { rnnAct: 'Relu', clip: Math.fround(0.8) });
  const s2 = spec('LSTM', H1, H2, 50);
  const p1 = recurrentParts(s1, I, 'l0.');
  const p2 = recurrentParts(s2, H1, 'l1.');
  const Wg = randomF32(U * H2, 60);
  const bg = randomF32(U, 61);
  const bytes = buildModel({
    opset: 13,
    nodes: [
      node('RNN', ['X', 'l0.W', 'l0.R', 'l0.B'], ['Y0'], p1.attrs, 'rnn0'),
      node('Squeeze', ['Y0', 'ax1'], ['Y0s']),
      node('LSTM', ['Y0s', 'l1.W', 'l1.R', 'l1.B'], ['Y1', 'Yh1', 'Yc1'], p2.attrs, 'lstm1'),
      node('Squeeze', ['Yh1', 'ax0'], ['h']),
      node('Gemm', ['h', 'Wg', 'bg'], ['z'], [A.i('transB', 1)], 'fc'),
      node('Sigmoid', ['z'], ['out'], [], 'act'),
    ],
    inits: [...p1.inits, ...p2.inits, itensor('ax1', [1], [1]), itensor('ax0', [1], [0], true), ftensor('Wg', [U, H2], Wg), ftensor('bg', [U], bg)],
    inputs: [vinfo('X', ['T', 'N', I])],
    outputs: [vinfo('out')],
  });
  const { model } = importOnnx(bytes);
  expect(model.layers.map((l) => l.kind)).toEqual(['elman', 'lstm', 'dense']);
  expect(model.layers[0].kind === 'elman' && model.layers[0].activation).toBe('relu');
  expect(model.output).toBe('last');
  expect(model.task).toBe('regression');
  const X = randomF32(T * N * I, 7, 1.5);
  const y0 = onnxRecurrent(s1, X, T, N, I).Y; // (T,1,N,H1) == (T,N,H1)
  const y1 = onnxRecurrent(s2, y0, T, N, H1);
  for (let n = 0; n < N; n++) {
    const r = runFloat(model, seqOf(X, 0, T, N, I, n));
    expectNear(r.output[0], sigmoid(dense(y1.Yh.subarray(n * H2, (n + 1) * H2), Wg, bg, U, true)), `out n=${n}`);
  }
});

test('opset 9: GRU (reset after, clip), Slice of the last step with attributes, Squeeze axes attribute, Gemm, Softmax axis 1', () => {
  const I = 2;
  const H = 3;
  const U = 3;
  const s = spec('GRU', I, H, 70, { linearBeforeReset: 1, clip: Math.fround(0.5) });
  const p = recurrentParts(s, I, '');
  const Wg = randomF32(H * U, 80);
  const C = randomF32(U, 81);
  const bytes = buildModel({
    opset: 9,
    nodes: [
      node('GRU', ['X', 'W', 'R', 'B'], ['Y'], p.attrs),
      node('Slice', ['Y'], ['Ylast'], [A.ints('starts', [-1]), A.ints('ends', ['9223372036854775807']), A.ints('axes', [0])]),
      node('Squeeze', ['Ylast'], ['h'], [A.ints('axes', [0, 1])]),
      node('Gemm', ['h', 'Wg', 'C'], ['z'], [A.f('alpha', 1), A.f('beta', 1)]),
      node('Softmax', ['z'], ['p']),
    ],
    inits: [...p.inits, ftensor('Wg', [H, U], Wg), ftensor('C', [1, U], C)],
    inputs: [vinfo('X', [T, N, I])],
    outputs: [vinfo('p')],
  });
  const { model } = importOnnx(bytes);
  expect(model.layers.map((l) => l.kind)).toEqual(['gru', 'dense']);
  expect(model.layers[0].kind === 'gru' && model.layers[0].resetAfter).toBe(true);
  expect(model.output).toBe('last');
  const X = randomF32(T * N * I, 8, 2);
  const ref = onnxRecurrent(s, X, T, N, I);
  for (let n = 0; n < N; n++) {
    const r = runFloat(model, seqOf(X, 0, T, N, I, n));
    expectNear(r.output[0], softmax(dense(ref.Yh.subarray(n * H, (n + 1) * H), Wg, C, U, false)), `p n=${n}`);
  }
});

test('tf2onnx-style (opset 11): batch-major input, Transpose, zero states from Shape -> Gather -> Unsqueeze -> Concat -> ConstantOfShape', () => {
  const I = 3;
  const H = 4;
  const U = 3;
  const s = spec('LSTM', I, H, 90);
  const p = recurrentParts(s, I, 'lstm/');
  const Wd = randomF32(H * U, 91);
  const bd = randomF32(U, 92);
  const bytes = buildModel({
    opset: 11,
    nodes: [
      node('Transpose', ['input_1'], ['xt'], [A.ints('perm', [1, 0, 2])]),
      node('Shape', ['input_1'], ['shp']),
      node('Gather', ['shp', 'zero'], ['bsz'], [A.i('axis', 0)]),
      node('Unsqueeze', ['bsz'], ['bsz1'], [A.ints('axes', [0])]),
      node('Concat', ['one', 'bsz1', 'hid'], ['stshape'], [A.i('axis', 0)]),
      node('ConstantOfShape', ['stshape'], ['zeros'], [A.t('value', ftensor('', [1], [0]))]),
      node(
        'LSTM',
        ['xt', 'lstm/W', 'lstm/R', 'lstm/B', '', 'zeros', 'zeros'],
        ['', 'Yh', 'Yc'],
        [...p.attrs, A.strings('activations', ['Sigmoid', 'Tanh', 'Tanh'])],
        'lstm',
      ),
      node('Squeeze', ['Yh'], ['h'], [A.ints('axes', [0])]),
      node('MatMul', ['h', 'Wd'], ['mm'], [], 'dense/MatMul'),
      node('Add', ['mm', 'bd'], ['z'], [], 'dense/BiasAdd'),
      node('Softmax', ['z'], ['dense'], [A.i('axis', 1)], 'dense/Softmax'),
    ],
    inits: [...p.inits, itensor('zero', [], [0]), itensor('one', [1], [1]), itensor('hid', [1], [H]), ftensor('Wd', [H, U], Wd), ftensor('bd', [U], bd)],
    inputs: [vinfo('input_1', ['unk__1', 'unk__2', I])],
    outputs: [vinfo('dense', ['unk__1', U])],
  });
  const res = importOnnx(bytes);
  expect(res.model.layers.map((l) => l.kind)).toEqual(['lstm', 'dense']);
  expect(res.input.layout).toBe('B,T,F');
  expect(res.model.output).toBe('last');
  expect(res.model.meta.features).toEqual(['input_1[0]', 'input_1[1]', 'input_1[2]']);
  expect(res.folded).toBeGreaterThanOrEqual(5);
  const X = randomF32(N * T * I, 9, 2);
  const xt = new Float32Array(T * N * I); // (T,N,I)
  for (let n = 0; n < N; n++) for (let t = 0; t < T; t++) for (let i = 0; i < I; i++) xt[(t * N + n) * I + i] = X[(n * T + t) * I + i];
  const ref = onnxRecurrent(s, xt, T, N, I);
  for (let n = 0; n < N; n++) {
    const r = runFloat(res.model, seqOf(X, 1, T, N, I, n));
    expectNear(r.output[0], softmax(dense(ref.Yh.subarray(n * H, (n + 1) * H), Wd, bd, U, false)), `dense n=${n}`);
  }
});

test('PyTorch out[:, -1, :] pattern: Squeeze, Transpose to batch-first, Gather index -1 on time, Gemm', () => {
  const I = 2;
  const H = 3;
  const U = 2;
  const s = spec('LSTM', I, H, 100);
  const p = recurrentParts(s, I, '');
  const Wg = randomF32(U * H, 101);
  const bg = randomF32(U, 102);
  const bytes = buildModel({
    nodes: [
      node('Transpose', ['x'], ['xt'], [A.ints('perm', [1, 0, 2])]),
      node('LSTM', ['xt', 'W', 'R', 'B'], ['Y', 'h_n', 'c_n'], p.attrs),
      node('Squeeze', ['Y', 'ax1'], ['Ys']),
      node('Transpose', ['Ys'], ['Yb'], [A.ints('perm', [1, 0, 2])]),
      node('Gather', ['Yb', 'last'], ['hl'], [A.i('axis', 1)]),
      node('Gemm', ['hl', 'Wg', 'bg'], ['out'], [A.i('transB', 1)]),
    ],
    inits: [...p.inits, itensor('ax1', [1], [1]), itensor('last', [], [-1]), ftensor('Wg', [U, H], Wg), ftensor('bg', [U], bg)],
    inputs: [vinfo('x', ['batch', 'seq', I])],
    outputs: [vinfo('out'), vinfo('h_n'), vinfo('c_n')],
  });
  const res = importOnnx(bytes);
  expect(res.model.output).toBe('last');
  expect(res.ignoredOutputs).toEqual(['h_n', 'c_n']);
  const X = randomF32(N * T * I, 11, 2);
  const xt = new Float32Array(T * N * I);
  for (let n = 0; n < N; n++) for (let t = 0; t < T; t++) for (let i = 0; i < I; i++) xt[(t * N + n) * I + i] = X[(n * T + t) * I + i];
  const ref = onnxRecurrent(s, xt, T, N, I);
  for (let n = 0; n < N; n++) {
    const r = runFloat(res.model, seqOf(X, 1, T, N, I, n));
    const last = ref.Y.subarray(((T - 1) * N + n) * H, ((T - 1) * N + n + 1) * H);
    expectNear(r.output[0], dense(last, Wg, bg, U, true), `out n=${n}`);
  }
  // --output picks another graph output: the final state h_n is a last-step model of the LSTM alone.
  const hn = importOnnx(bytes, { output: 'h_n' });
  expect(hn.model.layers.map((l) => l.kind)).toEqual(['lstm']);
  expect(hn.model.output).toBe('last');
  const r0 = runFloat(hn.model, seqOf(X, 1, T, N, I, 0));
  expectNear(r0.output[0], ref.Yh.subarray(0, H), 'h_n');
  // h_n with c_n of a forward LSTM: output mode final, h then c (or in the order named).
  for (const names of [
    ['h_n', 'c_n'],
    ['c_n', 'h_n'],
  ]) {
    const hc = importOnnx(bytes, { output: names });
    expect([hc.model.output, hc.model.final, hc.model.layers.length]).toEqual(['final', names.map((x) => x[0]), 1]);
    for (let n = 0; n < N; n++) {
      const got = runFloat(hc.model, seqOf(X, 1, T, N, I, n)).output[0];
      const part = (x: string): Float64Array => (x === 'h_n' ? ref.Yh : ref.Yc).subarray(n * H, (n + 1) * H);
      expectNear(got, Float64Array.from([...part(names[0]), ...part(names[1])]), `${names.join(',')} n=${n}`);
    }
  }
});

test("--output names a last-step selection of Y with the node's final states: output mode last, the final states beside it", () => {
  const I = 2;
  const H = 3;
  const s = spec('LSTM', I, H, 120);
  const p = recurrentParts(s, I, '');
  const bytes = buildModel({
    nodes: [
      node('LSTM', ['X', 'W', 'R', 'B'], ['Y', 'h_n', 'c_n'], p.attrs),
      node('Squeeze', ['Y', 'ax1'], ['Ys']),
      node('Gather', ['Ys', 'last'], ['hl'], [A.i('axis', 0)]),
    ],
    inits: [...p.inits, itensor('ax1', [1], [1]), itensor('last', [], [-1])],
    inputs: [vinfo('X', ['seq', 'batch', I])],
    outputs: [vinfo('hl'), vinfo('h_n'), vinfo('c_n')],
  });
  // with no --output the first is not Y itself: it is imported alone, the final states reported
  const plain = importOnnx(bytes);
  expect([plain.model.output, plain.model.final, plain.ignoredOutputs]).toEqual(['last', undefined, ['h_n', 'c_n']]);
  const res = importOnnx(bytes, { output: ['hl', 'h_n', 'c_n'] });
  expect([res.model.output, res.model.final, res.model.meta.extra?.['onnx.outputs']]).toEqual([
    'last',
    ['h', 'c'],
    `hl[0:${H}]; final h_n[0:${H}], c_n[${H}:${2 * H}]`,
  ]);
  const X = randomF32(T * N * I, 121, 2);
  const ref = onnxRecurrent(s, X, T, N, I);
  for (let n = 0; n < N; n++) {
    const r = runFloat(res.model, seqOf(X, 0, T, N, I, n));
    expect(Array.from(r.final!.subarray(0, H))).toEqual(Array.from(r.output[0])); // Y's last step is Y_h
    expectNear(r.final!, Float64Array.from([...ref.Yh.subarray(n * H, (n + 1) * H), ...ref.Yc.subarray(n * H, (n + 1) * H)]), `h_n,c_n n=${n}`);
  }
});

test('fixed shapes: sequence_lens equal to the full length and constant zero initial states import, and are recorded', () => {
  const I = 2;
  const H = 3;
  const s = spec('RNN', I, H, 110, { direction: 'bidirectional' });
  const p = recurrentParts(s, I, '');
  const bytes = buildModel({
    nodes: [
      node('RNN', ['X', 'W', 'R', 'B', 'lens', 'h0'], ['Y'], p.attrs),
      node('Transpose', ['Y'], ['Yt'], [A.ints('perm', [0, 2, 1, 3])]),
      node('Shape', ['Yt'], ['shp']),
      node('Slice', ['shp', 's0', 's2'], ['tn']),
      node('Concat', ['tn', 'm1'], ['target'], [A.i('axis', 0)]),
      node('Reshape', ['Yt', 'target'], ['out']),
    ],
    inits: [
      ...p.inits,
      itensor('lens', [N], [T, T], true),
      ftensor('h0', [2, N, H], new Float32Array(2 * N * H)),
      itensor('s0', [1], [0]),
      itensor('s2', [1], [2]),
      itensor('m1', [1], [-1]),
    ],
    inputs: [vinfo('X', [T, N, I])],
    outputs: [vinfo('out')],
  });
  const { model } = importOnnx(bytes);
  expect(model.meta.extra?.['onnx.sequenceLength']).toBe(String(T));
  expect(model.layers[0].kind).toBe('bidirectional');
  const X = randomF32(T * N * I, 12, 2);
  const ref = onnxRecurrent(s, X, T, N, I);
  const r = runFloat(model, seqOf(X, 0, T, N, I, 1));
  for (let t = 0; t < T; t++) {
    const want = [0, 1].flatMap((d) => Array.from(ref.Y.subarray(((t * 2 + d) * N + 1) * H, ((t * 2 + d) * N + 2) * H)));
    expectNear(r.output[t], want, `out t=${t}`);
  }
});

test('an activation straight after a recurrent layer becomes an identity dense layer with that activation', () => {
  const I = 2;
  const H = 3;
  const s = spec('GRU', I, H, 120, { linearBeforeReset: 1 });
  const p = recurrentParts(s, I, '');
  const bytes = buildModel({
    nodes: [node('GRU', ['X', 'W', 'R', 'B'], ['Y'], p.attrs), node('Squeeze', ['Y', 'ax'], ['Ys']), node('Relu', ['Ys'], ['out'])],
    inits: [...p.inits, itensor('ax', [1], [1])],
    inputs: [vinfo('X', ['T', 'N', I])],
    outputs: [vinfo('out')],
  });
  const m: FloatModel = importOnnx(bytes).model;
  expect(m.layers.map((l) => (l.kind === 'dense' ? `dense:${l.activation}` : l.kind))).toEqual(['gru', 'dense:relu']);
  const X = randomF32(T * N * I, 13, 2);
  const ref = onnxRecurrent(s, X, T, N, I);
  const r = runFloat(m, seqOf(X, 0, T, N, I, 0));
  for (let t = 0; t < T; t++)
    expectNear(
      r.output[t],
      Array.from(ref.Y.subarray(t * N * H, t * N * H + H)).map((v) => Math.max(0, v)),
      `relu t=${t}`,
    );
});

test('PyTorch 2-layer LSTM head on h_n[-1]: zero states sliced per layer, h_n concatenated, last layer picked back out', () => {
  const I = 3;
  const H = 4;
  const U = 2;
  const s0 = spec('LSTM', I, H, 130);
  const s1 = spec('LSTM', H, H, 140);
  const p0 = recurrentParts(s0, I, 'l0.');
  const p1 = recurrentParts(s1, H, 'l1.');
  const Wg = randomF32(U * H, 150);
  const bg = randomF32(U, 151);
  const build = (extra: Record<string, unknown>[], outputs: string[]): Uint8Array =>
    buildModel({
      opset: 14,
      nodes: [
        node('Transpose', ['x'], ['xt'], [A.ints('perm', [1, 0, 2])]),
        node('Shape', ['xt'], ['shp']),
        node('Gather', ['shp', 'one'], ['bsz'], [A.i('axis', 0)]),
        node('Unsqueeze', ['bsz', 'ax0'], ['bsz1']),
        node('Concat', ['two', 'bsz1', 'hid'], ['st'], [A.i('axis', 0)]),
        node('Expand', ['zero3', 'st'], ['h0']),
        node('Slice', ['h0', 'k0', 'k1', 'ax0'], ['h0_0']),
        node('Slice', ['h0', 'k1', 'k2', 'ax0'], ['h0_1']),
        node('LSTM', ['xt', 'l0.W', 'l0.R', 'l0.B', '', 'h0_0', 'h0_0'], ['Y0', 'hn0', 'cn0'], p0.attrs, '/rnn/LSTM'),
        node('Squeeze', ['Y0', 'ax1'], ['Y0s']),
        node('LSTM', ['Y0s', 'l1.W', 'l1.R', 'l1.B', '', 'h0_1', 'h0_1'], ['Y1', 'hn1', 'cn1'], p1.attrs, '/rnn/LSTM_1'),
        node('Concat', ['hn0', 'hn1'], ['h_n'], [A.i('axis', 0)]),
        node('Gather', ['h_n', 'm1'], ['hlast'], [A.i('axis', 0)]),
        node('Gemm', ['hlast', 'Wg', 'bg'], ['out'], [A.i('transB', 1)], '/fc/Gemm'),
        ...extra,
      ],
      inits: [
        ...p0.inits,
        ...p1.inits,
        itensor('one', [], [1]),
        itensor('m1', [], [-1]),
        itensor('ax0', [1], [0]),
        itensor('ax1', [1], [1]),
        itensor('two', [1], [2]),
        itensor('hid', [1], [H]),
        itensor('k0', [1], [0]),
        itensor('k1', [1], [1]),
        itensor('k2', [1], [2]),
        ftensor('zero3', [1, 1, 1], [0]),
        ftensor('Wg', [U, H], Wg),
        ftensor('bg', [U], bg),
      ],
      inputs: [vinfo('x', ['batch', 'seq', I])],
      outputs: outputs.map((o) => vinfo(o)),
    });
  const bytes = build([], ['out']);
  const res = importOnnx(bytes);
  expect(res.model.layers.map((l) => l.name)).toEqual(['/rnn/LSTM', '/rnn/LSTM_1', '/fc/Gemm']);
  expect(res.model.output).toBe('last');
  const X = randomF32(N * T * I, 14, 2);
  const xt = new Float32Array(T * N * I);
  for (let n = 0; n < N; n++) for (let t = 0; t < T; t++) for (let i = 0; i < I; i++) xt[(t * N + n) * I + i] = X[(n * T + t) * I + i];
  const y0 = onnxRecurrent(s0, xt, T, N, I).Y;
  const y1 = onnxRecurrent(s1, y0, T, N, H);
  for (let n = 0; n < N; n++) {
    const r = runFloat(res.model, seqOf(X, 1, T, N, I, n));
    expectNear(r.output[0], dense(y1.Yh.subarray(n * H, (n + 1) * H), Wg, bg, U, true), `out n=${n}`);
  }
  // h_n[-1] with c_n[-1] (c_n concatenated the same way): the last layer's final states, output mode final.
  const states = build(
    [node('Concat', ['cn0', 'cn1'], ['c_n'], [A.i('axis', 0)]), node('Gather', ['c_n', 'm1'], ['clast'], [A.i('axis', 0)])],
    ['out', 'hlast', 'clast'],
  );
  const hc = importOnnx(states, { output: ['hlast', 'clast'] });
  expect([hc.model.output, hc.model.final, hc.model.layers.map((l) => l.name)]).toEqual(['final', ['h', 'c'], ['/rnn/LSTM', '/rnn/LSTM_1']]);
  for (let n = 0; n < N; n++) {
    const got = runFloat(hc.model, seqOf(X, 1, T, N, I, n)).output[0];
    expectNear(got, Float64Array.from([...y1.Yh.subarray(n * H, (n + 1) * H), ...y1.Yc.subarray(n * H, (n + 1) * H)]), `h_n[-1], c_n[-1] n=${n}`);
  }
});

test('sequence_lens computed from the input shape (every sequence full length) and a Flatten head', () => {
  const I = 2;
  const H = 3;
  const U = 2;
  const s = spec('GRU', I, H, 160, { linearBeforeReset: 1 });
  const p = recurrentParts(s, I, '');
  const Wg = randomF32(H * U, 161);
  const bytes = buildModel({
    opset: 13,
    nodes: [
      node('Shape', ['X'], ['shp']),
      node('Gather', ['shp', 'i0'], ['tlen'], [A.i('axis', 0)]),
      node('Gather', ['shp', 'i1'], ['bsz'], [A.i('axis', 0)]),
      node('Unsqueeze', ['tlen', 'ax0'], ['tlen1']),
      node('Unsqueeze', ['bsz', 'ax0'], ['bsz1']),
      node('Expand', ['tlen1', 'bsz1'], ['lens64']),
      node('Cast', ['lens64'], ['lens'], [A.i('to', 6)]),
      node('GRU', ['X', 'W', 'R', 'B', 'lens'], ['', 'Yh'], p.attrs),
      node('Transpose', ['Yh'], ['Yb'], [A.ints('perm', [1, 0, 2])]),
      node('Flatten', ['Yb'], ['flat'], [A.i('axis', 1)]),
      node('MatMul', ['flat', 'Wg'], ['out']),
    ],
    inits: [...p.inits, itensor('i0', [], [0]), itensor('i1', [], [1]), itensor('ax0', [1], [0]), ftensor('Wg', [H, U], Wg)],
    inputs: [vinfo('X', ['T', 'N', I])],
    outputs: [vinfo('out')],
  });
  const res = importOnnx(bytes);
  expect(res.model.meta.extra?.['onnx.sequenceLength']).toBeUndefined();
  const X = randomF32(T * N * I, 15, 2);
  const ref = onnxRecurrent(s, X, T, N, I);
  for (let n = 0; n < N; n++) {
    const r = runFloat(res.model, seqOf(X, 0, T, N, I, n));
    expectNear(r.output[0], dense(ref.Yh.subarray(n * H, (n + 1) * H), Wg, undefined, U, false), `out n=${n}`);
  }
  // The same chain reading the batch length instead of the time length is refused.
  const wrong = buildModel({
    opset: 13,
    nodes: [
      node('Shape', ['X'], ['shp']),
      node('Gather', ['shp', 'i1'], ['bsz'], [A.i('axis', 0)]),
      node('Unsqueeze', ['bsz', 'ax0'], ['bsz1']),
      node('Expand', ['bsz1', 'bsz1'], ['lens'], [], 'lens'),
      node('GRU', ['X', 'W', 'R', 'B', 'lens'], ['', 'Yh'], p.attrs, 'gru'),
    ],
    inits: [...p.inits, itensor('i1', [], [1]), itensor('ax0', [1], [0])],
    inputs: [vinfo('X', ['T', 'N', I])],
    outputs: [vinfo('Yh')],
  });
  expect(() => importOnnx(wrong)).toThrow(/ONNX015: node 4 "gru" \(GRU\): sequence_lens is \[B\]/);
});

test('input normalisation in the graph ((x - mean) / std, or x * scale + shift) becomes the model normalisation', () => {
  const I = 3;
  const H = 4;
  const s = spec('LSTM', I, H, 170);
  const p = recurrentParts(s, I, '');
  const mean = Float32Array.from([0.5, -1, 2]);
  const std = Float32Array.from([2, 0.5, 4]);
  const X = randomF32(T * N * I, 16, 3);
  const xn = Float64Array.from(X, (v, k) => (v - mean[k % I]) / std[k % I]);
  const ref = onnxRecurrent(s, xn, T, N, I);
  const variants: [string, ReturnType<typeof node>[], ReturnType<typeof ftensor>[]][] = [
    ['Sub then Div', [node('Sub', ['X', 'mean'], ['xc']), node('Div', ['xc', 'std'], ['xn'])], [ftensor('mean', [I], mean), ftensor('std', [I], std)]],
    [
      'Mul then Add',
      [node('Mul', ['X', 'scale'], ['xs']), node('Add', ['shift', 'xs'], ['xn'])],
      [
        ftensor(
          'scale',
          [1, 1, I],
          std.map((v) => 1 / v),
        ),
        ftensor(
          'shift',
          [I],
          mean.map((m, i) => -m / std[i]),
        ),
      ],
    ],
  ];
  for (const [what, pre, consts] of variants) {
    const bytes = buildModel({
      nodes: [...pre, node('LSTM', ['xn', 'W', 'R', 'B'], ['Y'], p.attrs)],
      inits: [...p.inits, ...consts],
      inputs: [vinfo('X', ['T', 'N', I])],
      outputs: [vinfo('Y')],
    });
    const m = importOnnx(bytes).model;
    expect(m.normalization).toBeDefined();
    for (let n = 0; n < N; n++) {
      const r = runFloat(m, seqOf(X, 0, T, N, I, n));
      // float32 constants (1/std rounded to float32) make the second form differ in the last bits only
      for (let t = 0; t < T; t++) {
        const want = ref.Y.subarray((t * N + n) * H, (t * N + n + 1) * H);
        for (let j = 0; j < H; j++)
          if (!(Math.abs(r.output[t][j] - want[j]) <= (what === 'Sub then Div' ? TOL : 1e-6)))
            throw new Error(`${what} t=${t} n=${n} j=${j}: got ${r.output[t][j]}, want ${want[j]}`);
      }
    }
  }
  // Scaling after the first layer is not an input normalisation: refused.
  const bad = buildModel({
    nodes: [node('LSTM', ['X', 'W', 'R', 'B'], ['Y'], p.attrs), node('Mul', ['Y', 'two'], ['Z'], [], 'scale')],
    inits: [...p.inits, ftensor('two', [], [2])],
    inputs: [vinfo('X', ['T', 'N', I])],
    outputs: [vinfo('Z')],
  });
  expect(() => importOnnx(bad)).toThrow(/ONNX017: node 1 "scale" \(Mul\)/);
});

test('Keras via tf2onnx (opset 13): GRU reset_after, StridedSlice-style zero state, return_sequences with a time-distributed Dense', () => {
  const I = 3;
  const H = 4;
  const U = 2;
  const s = spec('GRU', I, H, 180, { linearBeforeReset: 1 });
  const p = recurrentParts(s, I, 'gru/');
  const Wd = randomF32(H * U, 181);
  const bd = randomF32(U, 182);
  const bytes = buildModel({
    opset: 13,
    nodes: [
      node('Shape', ['input_1'], ['shp']),
      node('Slice', ['shp', 'b0', 'b1', 'b0'], ['bsl'], [], 'strided_slice'),
      node('Squeeze', ['bsl', 'b0'], ['bsz'], [], 'strided_slice_squeeze'),
      node('Unsqueeze', ['bsz', 'b0'], ['bsz1'], [], 'zeros/packed'),
      node('Concat', ['bsz1', 'units'], ['zshape'], [A.i('axis', 0)], 'zeros/packed_concat'),
      node('ConstantOfShape', ['zshape'], ['zeros'], [A.t('value', ftensor('', [1], [0]))], 'zeros'),
      node('Unsqueeze', ['zeros', 'b0'], ['h0'], [], 'gru/init'),
      node('Transpose', ['input_1'], ['xt'], [A.ints('perm', [1, 0, 2])], 'gru/transpose'),
      node('GRU', ['xt', 'gru/W', 'gru/R', 'gru/B', '', 'h0'], ['Y'], [...p.attrs, A.strings('activations', ['Sigmoid', 'Tanh'])], 'gru/GRU'),
      node('Squeeze', ['Y', 'one'], ['Ys'], [], 'gru/squeeze'),
      node('Transpose', ['Ys'], ['Yb'], [A.ints('perm', [1, 0, 2])], 'gru/transpose_back'),
      node('MatMul', ['Yb', 'Wd'], ['mm'], [], 'time_distributed/dense/MatMul'),
      node('Add', ['mm', 'bd'], ['dense_out'], [], 'time_distributed/dense/BiasAdd'),
    ],
    inits: [
      ...p.inits,
      itensor('b0', [1], [0]),
      itensor('b1', [1], [1]),
      itensor('one', [1], [1]),
      itensor('units', [1], [H]),
      ftensor('Wd', [H, U], Wd),
      ftensor('bd', [U], bd),
    ],
    inputs: [vinfo('input_1', ['unk__6', 'unk__7', I])],
    outputs: [vinfo('dense_out', ['unk__6', 'unk__7', U])],
  });
  const res = importOnnx(bytes);
  expect(res.model.layers.map((l) => l.name)).toEqual(['gru/GRU', 'time_distributed/dense/MatMul']);
  expect(res.layers[1].node).toBe('time_distributed/dense/MatMul+time_distributed/dense/BiasAdd');
  expect(res.output.layout).toBe('B,T,F2');
  const X = randomF32(N * T * I, 18, 2);
  const xt = new Float32Array(T * N * I);
  for (let n = 0; n < N; n++) for (let t = 0; t < T; t++) for (let i = 0; i < I; i++) xt[(t * N + n) * I + i] = X[(n * T + t) * I + i];
  const ref = onnxRecurrent(s, xt, T, N, I);
  for (let n = 0; n < N; n++) {
    const r = runFloat(res.model, seqOf(X, 1, T, N, I, n));
    for (let t = 0; t < T; t++)
      expectNear(r.output[t], dense(ref.Y.subarray((t * N + n) * H, (t * N + n + 1) * H), Wd, bd, U, false), `dense_out t=${t} n=${n}`);
  }
});

test('activation names are matched without case (as onnxruntime does)', () => {
  const s = spec('RNN', 2, 3, 190);
  const p = recurrentParts(s, 2, '');
  const bytes = buildModel({
    nodes: [node('RNN', ['X', 'W', 'R', 'B'], ['Y'], [A.i('hidden_size', 3), A.strings('activations', ['relu'])])],
    inits: p.inits,
    inputs: [vinfo('X', ['T', 'N', 2])],
    outputs: [vinfo('Y')],
  });
  const l = importOnnx(bytes).model.layers[0];
  expect(l.kind === 'elman' && l.activation).toBe('relu');
});

test('a dense layer on the raw input before the recurrent layer (MatMul + Add + Tanh, then LSTM)', () => {
  const I = 3;
  const E = 4;
  const H = 3;
  const We = randomF32(I * E, 200);
  const be = randomF32(E, 201);
  const s = spec('LSTM', E, H, 202);
  const p = recurrentParts(s, E, '');
  const bytes = buildModel({
    nodes: [
      node('MatMul', ['X', 'We'], ['e0'], [], 'embed'),
      node('Add', ['e0', 'be'], ['e1'], [], 'embed_bias'),
      node('Tanh', ['e1'], ['e'], [], 'embed_tanh'),
      node('LSTM', ['e', 'W', 'R', 'B'], ['Y'], p.attrs, 'lstm'),
    ],
    inits: [...p.inits, ftensor('We', [I, E], We), ftensor('be', [E], be)],
    inputs: [vinfo('X', ['T', 'N', I])],
    outputs: [vinfo('Y')],
  });
  const m = importOnnx(bytes).model;
  expect(m.layers.map((l) => (l.kind === 'dense' ? `dense:${l.activation}` : l.kind))).toEqual(['dense:tanh', 'lstm']);
  const X = randomF32(T * N * I, 19, 2);
  const emb = new Float64Array(T * N * E);
  for (let r = 0; r < T * N; r++) emb.set(dense(X.subarray(r * I, (r + 1) * I), We, be, E, false).map(Math.tanh), r * E);
  const ref = onnxRecurrent(s, emb, T, N, E);
  const out = runFloat(m, seqOf(X, 0, T, N, I, 1)).output;
  for (let t = 0; t < T; t++) expectNear(out[t], ref.Y.subarray((t * N + 1) * H, (t * N + 2) * H), `Y t=${t}`);
});

test('stacked LSTM -> reverse GRU (reset before, clip) -> reverse RNN (Relu): reverse layers inside a stack, Y per step', () => {
  const I = 3;
  const [H0, H1, H2] = [4, 3, 5];
  const s0 = spec('LSTM', I, H0, 70);
  const s1 = spec('GRU', H0, H1, 80, { direction: 'reverse', linearBeforeReset: 0, clip: Math.fround(0.9) });
  const s2 = spec('RNN', H1, H2, 90, { direction: 'reverse', rnnAct: 'Relu' });
  const parts = [recurrentParts(s0, I, 'l0.'), recurrentParts(s1, H0, 'l1.'), recurrentParts(s2, H1, 'l2.')];
  const bytes = buildModel({
    opset: 13,
    nodes: [
      node('LSTM', ['X', 'l0.W', 'l0.R', 'l0.B'], ['Y0'], parts[0].attrs, 'lstm0'),
      node('Squeeze', ['Y0', 'ax1'], ['Y0s']),
      node('GRU', ['Y0s', 'l1.W', 'l1.R', 'l1.B'], ['Y1'], parts[1].attrs, 'gru1'),
      node('Squeeze', ['Y1', 'ax1'], ['Y1s']),
      node('RNN', ['Y1s', 'l2.W', 'l2.R', 'l2.B'], ['Y2'], parts[2].attrs, 'rnn2'),
      node('Squeeze', ['Y2', 'ax1'], ['out']),
    ],
    inits: [...parts.flatMap((p) => p.inits), itensor('ax1', [1], [1])],
    inputs: [vinfo('X', ['T', 'N', I])],
    outputs: [vinfo('out')],
  });
  const { model } = importOnnx(bytes);
  expect(model.layers.map((l) => (l.kind === 'reverse' ? `reverse ${l.cell.kind}` : l.kind))).toEqual(['lstm', 'reverse gru', 'reverse elman']);
  expect(model.layers[1].kind === 'reverse' && model.layers[1].name).toBe('gru1');
  expect(model.output).toBe('sequence');
  const X = randomF32(T * N * I, 9, 1.5);
  const y0 = onnxRecurrent(s0, X, T, N, I).Y;
  const y1 = onnxRecurrent(s1, y0, T, N, H0).Y;
  const y2 = onnxRecurrent(s2, y1, T, N, H1).Y; // (T,1,N,H2)
  for (let n = 0; n < N; n++) {
    const r = runFloat(model, seqOf(X, 0, T, N, I, n));
    for (let t = 0; t < T; t++) expectNear(r.output[t], y2.subarray((t * N + n) * H2, (t * N + n + 1) * H2), `Y t=${t} n=${n}`);
  }
});
