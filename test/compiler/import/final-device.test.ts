// Final-state outputs imported from ONNX on device code: the reverse and bidirectional node tests'
// Y_h (and an LSTM's Y_c), and PyTorch exports whose graph outputs are h_n and c_n (a forward and
// a bidirectional LSTM), imported as output mode 'final'; and graphs [Y, Y_h(, Y_c)] (node tests,
// the forward batch-first ones streaming) imported whole, Y the output and the final states beside
// it (C's m_final, the module's final()); quantised, compiled and run. C on the
// host (sanitized) and on an emulated Cortex-M4 (QEMU), and the Espruino module (loop and unrolled
// kernels) in the Espruino sandbox: every output integer equals the TypeScript integer reference.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { importOnnx, importOnnxModel } from '../../../compiler/import/onnx/import';
import { ImportOptions } from '../../../compiler/import/onnx/options';
import { OnnxModel, OnnxNode, OnnxTensor, decodeOnnx, decodeOnnxTensor } from '../../../compiler/import/onnx/codec';
import { TESTDATA, loadTorchRef, torchInput } from '../../helpers/torch';
import { ONNX_ATTR_TYPE, ONNX_DTYPE } from '../../../compiler/import/onnx/schema';
import { rawSequence } from '../../../compiler/core/reference';
import { renderCase } from '../../../runtime/vectors/golden';
import { VectorCase as GoldenVectorCase } from '../../../runtime/vectors/load';
import { ARM_MACHINES, buildArm, buildHost, runProgram, runQemu, sanitizerEnv, scratchDir } from '../../../targets/c/toolchain';
import { findBoard } from '../../../targets/boards';
import { generateModule } from '../../../targets/espruino/generate';
import { armTest, hostTest } from '../../targets/c/gate';
import { VectorCase, compareRun, parseDriverOutput, writeDriver } from '../../targets/c/vectors';
import { checkCase, loadInSandbox } from '../../targets/espruino/harness';

const FIXTURES = path.resolve(__dirname, '..', '..', 'fixtures');

interface Mapping {
  name: string;
  /** The ONNX file's bytes, or the decoded model (with its graph outputs changed). */
  bytes: Uint8Array | OnnxModel;
  opts: ImportOptions;
  /** Input sequences (N)(T)(F): the calibration data, and the test sequences. */
  seqs: number[][][];
  /** The imported model's output mode and final parts. */
  want: { output: 'final' | 'sequence'; final: string[]; streaming: boolean };
}

function readPb(dir: string, prefix: string): OnnxTensor[] {
  const out: OnnxTensor[] = [];
  for (let k = 0; fs.existsSync(path.join(dir, `${prefix}_${k}.pb`)); k++)
    out.push(decodeOnnxTensor(new Uint8Array(fs.readFileSync(path.join(dir, `${prefix}_${k}.pb`)))));
  return out;
}

const partOf = (name: string) => (name === 'Y_c' ? 'c' : 'h');

/**
 * A node test (X (T, N, I) and the weights as graph inputs): its final states as the model output,
 * or (output undefined: the graph's own outputs [Y, Y_h(, Y_c)]) Y with the final states beside it.
 */
function nodeMapping(test: string, output?: string[]): Mapping {
  const dir = path.join(FIXTURES, 'onnx-node', test);
  const [X, W, R, B] = readPb(path.join(dir, 'test_data_set_0'), 'input');
  const [T, N, I] = X.dims;
  const seqs = Array.from({ length: N }, (_, n) => Array.from({ length: T }, (_, t) => Array.from(X.data.subarray((t * N + n) * I, (t * N + n + 1) * I))));
  const bytes = new Uint8Array(fs.readFileSync(path.join(dir, 'model.onnx')));
  const states = decodeOnnx(bytes)
    .graph.outputs.slice(1)
    .map((o) => partOf(o.name));
  return {
    name: `${test}:${output ? output.join(',') : 'all'}`,
    bytes,
    opts: { bind: { W, R, B }, ...(output ? { output } : {}) },
    seqs,
    want: output ? { output: 'final', final: output.map(partOf), streaming: false } : { output: 'sequence', final: states, streaming: false },
  };
}

/** An upstream batch-first node test (../shared/testdata/onnx-node, outputs [Y, Y_h], forward): it streams, m_final beside each step. */
function batchwiseMapping(test: string): Mapping {
  const dir = path.join(TESTDATA, 'onnx-node', test);
  const bytes = new Uint8Array(fs.readFileSync(path.join(dir, 'model.onnx')));
  const onnx = decodeOnnx(bytes);
  const inputs = readPb(path.join(dir, 'test_data_set_0'), 'input');
  const bind = Object.fromEntries(onnx.graph.inputs.slice(1).map((inp, k) => [inp.name, inputs[k + 1]]));
  const X = inputs[0];
  const [N, T, I] = X.dims;
  const seqs = Array.from({ length: N }, (_, n) => Array.from({ length: T }, (_, t) => Array.from(X.data.subarray((n * T + t) * I, (n * T + t + 1) * I))));
  return { name: `${test}:all`, bytes, opts: { bind }, seqs, want: { output: 'sequence', final: ['h'], streaming: true } };
}

/** PyTorch's forward LSTM (../shared/testdata/torch, outputs output, h_n, c_n): its h_n and c_n. */
function torchLstmMapping(): Mapping {
  const ref = loadTorchRef('lstm_h16');
  const seqs = Array.from({ length: ref.input.shape[0] }, (_, b) => torchInput(ref, b));
  const bytes = new Uint8Array(fs.readFileSync(path.join(TESTDATA, 'torch', 'lstm_h16.dyn.onnx')));
  return { name: 'lstm_h16:h_n,c_n', bytes, opts: { output: ['h_n', 'c_n'] }, seqs, want: { output: 'final', final: ['h', 'c'], streaming: false } };
}

/** PyTorch's bidirectional LSTM (test/fixtures/onnx, batch first) with its LSTM's h_n and c_n as the graph outputs. */
function bilstmMapping(): Mapping {
  const fx = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'onnx', 'bilstm_hn_cat.json'), 'utf8')) as { input: { shape: number[]; data: number[] } };
  const [B, T, F] = fx.input.shape;
  const seqs = Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => fx.input.data.slice((b * T + t) * F, (b * T + t + 1) * F)));
  const m = decodeOnnx(new Uint8Array(fs.readFileSync(path.join(FIXTURES, 'onnx', 'bilstm_hn_cat.onnx'))));
  const lstm = m.graph.nodes.find((n) => n.opType === 'LSTM') as OnnxNode;
  const graph = { ...m.graph, outputs: lstm.outputs.slice(1).map((name) => ({ ...m.graph.outputs[0], name })) };
  return { name: 'bilstm_hn_cat:h_n,c_n', bytes: { ...m, graph }, opts: {}, seqs, want: { output: 'final', final: ['h', 'c'], streaming: false } };
}

/**
 * The same bidirectional LSTM as PyTorch exports a bare nn.LSTM(batch_first=True): graph outputs
 * output (Y made (B, T, 2H): Transpose, Reshape, Transpose), h_n and c_n; imported with no --output.
 */
function bareBilstmMapping(): Mapping {
  const base = bilstmMapping();
  const m = base.bytes as OnnxModel;
  const lstm = m.graph.nodes.find((n) => n.opType === 'LSTM') as OnnxNode;
  const node = (opType: string, inputs: string[], out: string, perm?: number[]): OnnxNode => ({
    index: m.graph.nodes.length,
    name: `/rnn/${opType}_${out}`,
    opType,
    domain: '',
    inputs,
    outputs: [out],
    attrs: new Map(perm ? [['perm', { name: 'perm', type: ONNX_ATTR_TYPE.INTS, ints: perm }]] : []),
  });
  const nodes = [...m.graph.nodes];
  for (const n of [
    node('Transpose', [lstm.outputs[0]], 'tbdh', [0, 2, 1, 3]),
    node('Reshape', ['tbdh', 'shape3'], 'tbf'),
    node('Transpose', ['tbf'], 'output', [1, 0, 2]),
  ])
    nodes.push({ ...n, index: nodes.length });
  const initializers = [...m.graph.initializers, { name: 'shape3', dtype: ONNX_DTYPE.INT64, dims: [3], data: Float64Array.from([0, 0, -1]) }];
  const outputs = ['output', ...lstm.outputs.slice(1)].map((name) => ({ ...m.graph.outputs[0], name }));
  return {
    ...base,
    name: 'bilstm_bare:output,h_n,c_n',
    bytes: { ...m, graph: { ...m.graph, nodes, initializers, outputs } },
    want: { output: 'sequence', final: ['h', 'c'], streaming: false },
  };
}

const MAPPINGS: Mapping[] = [
  ...['rnn', 'gru'].flatMap((op) => ['reverse', 'bidirectional'].map((d) => nodeMapping(`test_${op}_${d}`, ['Y_h']))),
  ...['reverse', 'bidirectional'].map((d) => nodeMapping(`test_lstm_${d}`, ['Y_h', 'Y_c'])),
  nodeMapping('test_lstm_bidirectional', ['Y_c']),
  torchLstmMapping(),
  bilstmMapping(),
  bareBilstmMapping(),
  nodeMapping('test_lstm_bidirectional'),
  nodeMapping('test_gru_reverse'),
  batchwiseMapping('test_lstm_batchwise'),
  batchwiseMapping('test_gru_batchwise'),
];

/** The mapping imported, quantised on its own sequences and run through the reference: a golden case in memory. */
function caseOf(m: Mapping): GoldenVectorCase {
  const { model } = m.bytes instanceof Uint8Array ? importOnnx(m.bytes, m.opts) : importOnnxModel(m.bytes, m.opts);
  expect([model.output, model.final]).toEqual([m.want.output, m.want.final]);
  const r = renderCase({
    name: m.name.replace(/[^a-z0-9]+/gi, '_'),
    description: `imported ${m.name}`,
    model,
    calib: m.seqs,
    sequences: (q) => m.seqs.map((s) => rawSequence(q, new Float64Array(s.flat()))),
  });
  const vectors = JSON.parse(new TextDecoder().decode(r.files['vectors.json']));
  return { name: r.name, streaming: r.streaming, model: r.quant, vectors };
}

const cases = MAPPINGS.map(caseOf);
const cCases: VectorCase[] = cases.map((c) => ({ name: c.name, streaming: c.streaming, model: c.model, sequences: c.vectors.sequences }));
const root = scratchDir('import-final');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

test('every mapping answers with its final states: once per sequence, or beside every step (streaming when forward)', () => {
  const got = cases.map((c) => [c.name, c.streaming, c.model.output, c.model.final]);
  expect(got).toEqual(MAPPINGS.map((m, k) => [cases[k].name, m.want.streaming, m.want.output, m.want.final]));
  for (const c of cases)
    for (const s of c.vectors.sequences) {
      if (c.model.output === 'final') expect([s.outputs.length, s.final]).toEqual([1, undefined]);
      else expect([s.outputs.length, s.final?.length]).toEqual([s.raw.length, c.model.doc.outputSegments!.reduce((n, g) => n + g.size, 0)]);
    }
});

async function checkC(label: string, run: (dir: string, driver: string, model: string) => Promise<string>): Promise<void> {
  const errors: string[] = [];
  for (const c of cCases) {
    const dir = path.join(root, `${c.name}-${label.replace(/\W+/g, '')}`);
    fs.mkdirSync(dir, { recursive: true });
    const { gen, driver } = writeDriver(c, dir, true);
    errors.push(...compareRun(c, parseDriverOutput(await run(dir, driver, path.join(dir, gen.source))), label, 'all'));
  }
  expect(errors).toEqual([]);
}

hostTest('C on the host (-O0, sanitized, traced): every integer equals the reference', async () => {
  await checkC('host', async (dir, driver, model) => {
    const exe = await buildHost({
      sources: [driver, model],
      includeDirs: [dir],
      out: path.join(dir, 'h.exe'),
      opt: '-O0',
      sanitize: true,
      defines: ['TINYRNN_TRACE'],
    });
    const r = await runProgram(exe, [], { env: sanitizerEnv(), timeoutMs: 120000 });
    expect([r.code, r.stderr.trim()]).toEqual([0, '']);
    return r.stdout;
  });
});

armTest('C on an emulated Cortex-M4 (QEMU, -O2, traced): every integer equals the reference', async () => {
  await checkC('m4', async (dir, driver, model) => {
    const m = ARM_MACHINES.m4;
    const elf = await buildArm({
      machine: m,
      sources: [driver, model],
      includeDirs: [dir],
      out: path.join(dir, 'm4.elf'),
      opt: '-O2',
      defines: ['TINYRNN_TRACE'],
    });
    const r = await runQemu(elf, m, { timeoutMs: 120000 });
    expect(r.code).toBe(0);
    return r.stdout;
  });
});

test('Espruino module in the sandbox (Bangle.js 2, Storage weights, loop and unrolled kernels): every integer equals the reference', () => {
  const bangle2 = findBoard('BANGLEJS2');
  const errors: string[] = [];
  for (const c of cases)
    for (const kernel of ['loop', 'unrolled'] as const) {
      const gen = generateModule(c.model, { board: bangle2, weights: 'storage', moduleName: 'm', kernel });
      const { sb, model } = loadInSandbox(gen, { board: bangle2 });
      errors.push(...checkCase(c, model, `espruino-${kernel}`, () => sb.settle()));
    }
  expect(errors).toEqual([]);
});
