// Reverse and bidirectional RNN, GRU and LSTM node tests in ONNX's backend-test format
// (test/fixtures/onnx-node, written by make_node_tests.py with PyTorch's outputs). Every expected
// output agrees with the ONNX-spec oracle (onnx-ref.ts) at upstream's tolerance (rtol 1e-3, atol
// 1e-7); a reverse node's Y imports as a reverse layer, a bidirectional node's as a bidirectional
// layer, and both reproduce them. Their final states Y_h and (LSTM) Y_c import as output mode
// 'final' (singly, together in either order, and with no --output when they are the graph's only
// outputs: a graph built from the fixture's node) and reproduce the expected Y_h and Y_c; with no
// --output the fixture's graph [Y, Y_h(, Y_c)] imports Y as the model output and the final states
// beside it, reproducing all of them; a head on them stays refused (ONNX018).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OnnxNode, OnnxTensor, decodeOnnx, decodeOnnxTensor } from '../../../compiler/import/onnx/codec';
import { FloatModel } from '../../../compiler/core/ir/model';
import { TinyrnnError } from '../../../compiler/core/ir/errors';
import { importOnnx } from '../../../compiler/import/onnx/import';
import { runFloat } from '../../../compiler/float/infer';
import { onnxRecurrent } from './onnx-ref';
import { A, buildModel, ftensor, node as onnxNode, vinfo } from './onnx-builder';

const DIR = path.resolve(__dirname, '..', '..', 'fixtures', 'onnx-node');
const TESTS = ['rnn', 'gru', 'lstm'].flatMap((op) => [`test_${op}_reverse`, `test_${op}_bidirectional`]);

function readPb(dir: string, prefix: string): OnnxTensor[] {
  const out: OnnxTensor[] = [];
  for (let k = 0; fs.existsSync(path.join(dir, `${prefix}_${k}.pb`)); k++)
    out.push(decodeOnnxTensor(new Uint8Array(fs.readFileSync(path.join(dir, `${prefix}_${k}.pb`)))));
  return out;
}

function close(got: number, want: number): boolean {
  return Math.abs(got - want) <= 1e-7 + 1e-3 * Math.abs(want);
}

/** The fixture's recurrent node (its integer and string attributes: hidden_size, direction, linear_before_reset) for a graph built around it. */
function fixtureNode(n: OnnxNode): Record<string, unknown> {
  const attrs = [...n.attrs].map(([k, a]) => (a.i !== undefined ? A.i(k, a.i) : a.s !== undefined ? A.s(k, a.s) : fail(`attribute ${k}`)));
  return onnxNode(n.opType, ['X', 'W', 'R', 'B'], n.outputs, attrs, n.name);
}

function fail(what: string): never {
  throw new Error(`the fixture's node has an unexpected ${what}`);
}

describe.each(TESTS)('%s', (name) => {
  const dir = path.join(DIR, name);
  const bytes = new Uint8Array(fs.readFileSync(path.join(dir, 'model.onnx')));
  const node = decodeOnnx(bytes).graph.nodes[0];
  const [X, W, R, B] = readPb(path.join(dir, 'test_data_set_0'), 'input');
  const outputs = readPb(path.join(dir, 'test_data_set_0'), 'output');
  const direction = node.attrs.get('direction')?.s as 'reverse' | 'bidirectional';
  const [T, N, I] = X.dims;
  const H = node.attrs.get('hidden_size')?.i as number;
  const bind = { W, R, B };

  test("PyTorch's expected outputs agree with the ONNX-spec oracle", () => {
    const spec = { op: node.opType as 'RNN' | 'GRU' | 'LSTM', H, direction, layout: 0 as const, linearBeforeReset: 1 as const };
    const ref = onnxRecurrent({ ...spec, W: Float32Array.from(W.data), R: Float32Array.from(R.data), B: Float32Array.from(B.data) }, X.data, T, N, I);
    const want = [ref.Y, ref.Yh, ref.Yc];
    expect(outputs).toHaveLength(node.opType === 'LSTM' ? 3 : 2);
    outputs.forEach((o, k) => {
      expect(o.data.length).toBe(want[k].length);
      const bad = Array.from(o.data).findIndex((v, i) => !close(want[k][i], v));
      expect([node.outputs[k], bad]).toEqual([node.outputs[k], -1]);
    });
  });

  const D = direction === 'bidirectional' ? 2 : 1;

  test(`Y imports as one ${direction} layer and reproduces the expected outputs`, () => {
    const m = importOnnx(bytes, { bind }).model;
    expect(m.layers.map((l) => l.kind)).toEqual([direction]);
    expect(m.output).toBe('sequence');
    expect(checkY(m)).toBe(outputs[0].data.length);
  });

  const states = node.outputs.slice(1); // Y_h (, Y_c)
  const want = outputs.slice(1); // (D, N, H) each

  /** The output mode 'final' model's one output row. */
  const finalRow = (m: FloatModel, seq: number[][]) => {
    const out = runFloat(m, seq).output;
    expect(out).toHaveLength(1);
    return out;
  };

  /**
   * The model's final-state vector for every batch item (its output, or `vector` of its run) against
   * the expected final states `parts` (indices into `want`), in order.
   */
  function checkFinal(m: FloatModel, parts: number[], vector: (m: FloatModel, seq: number[][]) => ArrayLike<number>[] = finalRow): number {
    let checked = 0;
    for (let n = 0; n < N; n++) {
      const seq = Array.from({ length: T }, (_, t) => Array.from(X.data.subarray((t * N + n) * I, (t * N + n + 1) * I)));
      const out = vector(m, seq);
      expect(out[0]).toHaveLength(parts.length * D * H);
      parts.forEach((k, p) => {
        for (let d = 0; d < D; d++)
          for (let j = 0; j < H; j++) {
            const w = want[k].data[(d * N + n) * H + j];
            const got = out[0][(p * D + d) * H + j];
            if (!close(got, w)) throw new Error(`${states[k]} d=${d} n=${n} j=${j}: got ${got}, want ${w}`);
            checked++;
          }
      });
    }
    return checked;
  }

  test.each(states.map((s, k) => [s, k]))('%s alone imports as output mode final and reproduces it', (out, k) => {
    const res = importOnnx(bytes, { bind, output: out });
    const m = res.model;
    expect([m.output, m.final, m.task]).toEqual(['final', [k === 0 ? 'h' : 'c'], 'regression']);
    expect(m.layers.map((l) => l.kind)).toEqual([direction]);
    expect(res.output.slices).toEqual([{ name: out, layout: D === 2 ? `F2,B,F${H}` : `1,B,F${H}`, offset: 0, size: D * H, part: k === 0 ? 'h' : 'c' }]);
    expect(m.meta.extra?.['onnx.outputs']).toBe(`${out}[0:${D * H}]`);
    expect(res.ignoredOutputs).toEqual(node.outputs.filter((o) => o !== out));
    expect(checkFinal(m, [k])).toBe(N * D * H);
  });

  if (states.length === 2) {
    test.each([
      [
        [0, 1],
        ['h', 'c'],
      ],
      [
        [1, 0],
        ['c', 'h'],
      ],
    ])('Y_h and Y_c together (order %j) import as final %j', (order, parts) => {
      const names = order.map((k) => states[k]);
      const res = importOnnx(bytes, { bind, output: names });
      expect([res.model.output, res.model.final]).toEqual(['final', parts]);
      expect(res.model.meta.extra?.['onnx.outputs']).toBe(`${names[0]}[0:${D * H}], ${names[1]}[${D * H}:${2 * D * H}]`);
      expect(res.ignoredOutputs).toEqual([node.outputs[0]]);
      expect(checkFinal(res.model, order)).toBe(2 * N * D * H);
    });
  }

  /** The model's main output for every batch item against the expected Y (T, D, N, H). */
  function checkY(m: FloatModel): number {
    const Y = outputs[0];
    let checked = 0;
    for (let n = 0; n < N; n++) {
      const seq = Array.from({ length: T }, (_, t) => Array.from(X.data.subarray((t * N + n) * I, (t * N + n + 1) * I)));
      const out = runFloat(m, seq).output; // (T)(D*H): forward then backward
      for (let t = 0; t < T; t++)
        for (let d = 0; d < D; d++)
          for (let j = 0; j < H; j++) {
            const w = Y.data[((t * D + d) * N + n) * H + j];
            if (!close(out[t][d * H + j], w)) throw new Error(`Y t=${t} d=${d} n=${n} j=${j}: got ${out[t][d * H + j]}, want ${w}`);
            checked++;
          }
    }
    return checked;
  }

  const runFinal = (m: FloatModel, seq: number[][]) => [runFloat(m, seq).final as Float64Array];

  test.each([
    ['no --output', undefined],
    ['--output Y,Y_h(,Y_c)', node.outputs],
  ])('with %s, Y is the model output and the final states are imported beside it, in graph order', (_how, output) => {
    const res = importOnnx(bytes, { bind, ...(output ? { output } : {}) });
    const m = res.model;
    const parts = states.map((_s, k) => (k === 0 ? 'h' : 'c'));
    expect([m.output, m.final, m.task, res.output.mode, res.output.final]).toEqual(['sequence', parts, 'regression', 'sequence', parts]);
    expect(res.ignoredOutputs).toEqual([]);
    const finals = states.map((s, k) => `${s}[${k * D * H}:${(k + 1) * D * H}]`).join(', ');
    expect(m.meta.extra?.['onnx.outputs']).toBe(`${node.outputs[0]}[0:${D * H}]; final ${finals}`);
    expect(res.output.slices.map((sl) => [sl.name, sl.offset, sl.size, sl.part])).toEqual([
      [node.outputs[0], 0, D * H, undefined],
      ...states.map((s, k) => [s, k * D * H, D * H, parts[k]]),
    ]);
    expect(checkY(m)).toBe(outputs[0].data.length);
    expect(
      checkFinal(
        m,
        states.map((_s, k) => k),
        runFinal,
      ),
    ).toBe(states.length * N * D * H);
  });

  /** The fixture's node in a graph whose only outputs are `outs` (weights bound as in the fixture). */
  function statesOnly(n: OnnxNode, outs: string[]): Uint8Array {
    return buildModel({
      nodes: [fixtureNode(n)],
      inputs: [vinfo('X', [T, N, I]), vinfo('W', W.dims), vinfo('R', R.dims), vinfo('B', B.dims)],
      outputs: outs.map((o) => vinfo(o)),
    });
  }

  test('with no --output, a graph whose only outputs are the final states imports them all, in graph order', () => {
    for (const order of states.length === 2
      ? [
          [0, 1],
          [1, 0],
        ]
      : [[0]]) {
      const res = importOnnx(
        statesOnly(
          node,
          order.map((k) => states[k]),
        ),
        { bind },
      );
      expect([res.model.output, res.model.final]).toEqual(['final', order.map((k) => (k === 0 ? 'h' : 'c'))]);
      expect(res.ignoredOutputs).toEqual([]);
      expect(checkFinal(res.model, order)).toBe(order.length * N * D * H);
    }
  });

  test('layout-only ops after Y_h (Transpose to batch-first, Flatten) keep it the final states', () => {
    const g = buildModel({
      nodes: [fixtureNode(node), onnxNode('Transpose', [states[0]], ['hb'], [A.ints('perm', [1, 0, 2])]), onnxNode('Flatten', ['hb'], ['h'], [A.i('axis', 1)])],
      inputs: [vinfo('X', [T, N, I]), vinfo('W', W.dims), vinfo('R', R.dims), vinfo('B', B.dims)],
      outputs: [vinfo('h')],
    });
    const res = importOnnx(g, { bind });
    expect([res.model.output, res.model.final, res.output.layout]).toEqual(['final', ['h'], `B,F${D * H}`]);
    expect(checkFinal(res.model, [0])).toBe(N * D * H);
  });

  test.each(states)('a dense head on %s is refused (ONNX018) with what to do instead', (out) => {
    const g = buildModel({
      nodes: [
        fixtureNode(node),
        onnxNode('Transpose', [out], ['sb'], [A.ints('perm', [1, 0, 2])]),
        onnxNode('Flatten', ['sb'], ['s'], [A.i('axis', 1)]),
        onnxNode('Gemm', ['s', 'Wg'], ['z'], [A.i('transB', 1)], 'head'),
      ],
      inits: [ftensor('Wg', [2, D * H], new Float32Array(2 * D * H).fill(0.5))],
      inputs: [vinfo('X', [T, N, I]), vinfo('W', W.dims), vinfo('R', R.dims), vinfo('B', B.dims)],
      outputs: [vinfo('z')],
    });
    let err: unknown;
    try {
      importOnnx(g, { bind });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TinyrnnError);
    const d = (err as TinyrnnError).diagnostics[0];
    expect([d.code, d.path]).toEqual(['ONNX018', 'node 3 "head" (Gemm)']);
    expect(d.message).toMatch(/final states only as the model's output, never into a further layer/);
    expect(d.hint).toMatch(/output\[:, -1\]/);
  });
});
