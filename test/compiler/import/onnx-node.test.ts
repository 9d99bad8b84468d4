// The ONNX project's own backend node tests for LSTM, GRU and RNN (../shared/testdata/onnx-node):
// each model is imported, run with tinyrnn's float reference on every batch element, and its
// outputs (Y, Y_h, Y_c as the test has them) compared as upstream does (rtol 1e-3, atol 1e-7).
// A graph whose outputs are [Y, Y_h(, Y_c)] imports them all (Y_h and Y_c from the model's final
// vector); the others import their first output.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeOnnx, decodeOnnxTensor, OnnxTensor } from '../../../compiler/import/onnx/codec';
import { importOnnx } from '../../../compiler/import/onnx/import';
import { runFloat } from '../../../compiler/float/infer';
import { TESTDATA } from '../../helpers/torch';

const NODE_DIR = path.join(TESTDATA, 'onnx-node');
const TESTS = fs
  .readdirSync(NODE_DIR)
  .filter((d) => fs.existsSync(path.join(NODE_DIR, d, 'model.onnx')))
  .sort();

function readPb(dir: string, prefix: string): OnnxTensor[] {
  const out: OnnxTensor[] = [];
  for (let k = 0; fs.existsSync(path.join(dir, `${prefix}_${k}.pb`)); k++)
    out.push(decodeOnnxTensor(new Uint8Array(fs.readFileSync(path.join(dir, `${prefix}_${k}.pb`)))));
  return out;
}

function expectClose(got: number, want: number, where: string): void {
  const tol = 1e-7 + 1e-3 * Math.abs(want);
  if (!(Math.abs(got - want) <= tol)) throw new Error(`${where}: got ${got}, want ${want} (|diff| ${Math.abs(got - want)} > ${tol})`);
}

test('all 12 upstream node tests are present', () => {
  expect(TESTS).toHaveLength(12);
});

describe.each(TESTS)('%s', (name) => {
  const dir = path.join(NODE_DIR, name);
  const bytes = new Uint8Array(fs.readFileSync(path.join(dir, 'model.onnx')));
  const onnx = decodeOnnx(bytes);
  const inputs = readPb(path.join(dir, 'test_data_set_0'), 'input');
  const outputs = readPb(path.join(dir, 'test_data_set_0'), 'output');
  const node = onnx.graph.nodes[0];
  const layout = node.attrs.get('layout')?.i ?? 0;

  test('imports and reproduces the expected outputs', () => {
    // Upstream feeds weights as graph inputs: bind all but X to their test values.
    const bind: Record<string, OnnxTensor> = {};
    onnx.graph.inputs.forEach((inp, k) => {
      if (k > 0) bind[inp.name] = inputs[k];
    });
    const res = importOnnx(bytes, { bind });
    const m = res.model;
    expect(m.layers).toHaveLength(1);
    expect(m.layers[0].kind).toBe(node.opType === 'LSTM' ? 'lstm' : node.opType === 'GRU' ? 'gru' : 'elman');
    expect(m.layers[0].name).toBe(node.name || `${node.opType.toLowerCase()}_0`);
    const X = inputs[0];
    const [T, B, I] = layout === 0 ? X.dims : [X.dims[1], X.dims[0], X.dims[2]];
    const H = (m.layers[0] as { hidden: number }).hidden;
    const outNames = onnx.graph.outputs.map((o) => o.name);
    expect(res.output.slices[0].name).toBe(outNames[0]);
    expect(m.output).toBe(node.outputs[0] === outNames[0] ? 'sequence' : 'last');
    // a graph [Y, Y_h(, Y_c)] imports all its outputs: Y the model output, the final states beside it
    const all = outNames.length > 1 && outNames[0] === node.outputs[0];
    expect(res.output.slices.map((sl) => sl.name)).toEqual(all ? outNames : [outNames[0]]);
    expect(m.final).toEqual(all ? outNames.slice(1).map((o) => (node.outputs.indexOf(o) === 1 ? 'h' : 'c')) : undefined);
    let checked = 0;
    for (let b = 0; b < B; b++) {
      const seq = Array.from({ length: T }, (_, t) => {
        const o = layout === 0 ? (t * B + b) * I : (b * T + t) * I;
        return Array.from(X.data.subarray(o, o + I));
      });
      const r = runFloat(m, seq);
      outNames.forEach((oname, k) => {
        const want = outputs[k];
        const which = node.outputs.indexOf(oname); // 0 Y, 1 Y_h, 2 Y_c
        for (let j = 0; j < H; j++) {
          if (which === 0) {
            for (let t = 0; t < T; t++) {
              const idx = layout === 0 ? (t * B + b) * H + j : (b * T + t) * H + j; // (T,1,B,H) or (B,T,1,H)
              expectClose(r.steps[t][j], want.data[idx], `${oname} t=${t} b=${b} j=${j}`);
              checked++;
            }
          } else {
            const idx = layout === 0 ? b * H + j : b * H + j; // (1,B,H) or (B,1,H)
            const slice = res.output.slices.find((sl) => sl.name === oname);
            // imported final states: the model's own final vector; else the run's states
            const got = all && slice ? (r.final as Float64Array)[slice.offset + j] : which === 1 ? r.hn[0][0][j] : r.cn[0][0][j];
            expectClose(got, want.data[idx], `${oname} b=${b} j=${j}`);
            checked++;
          }
        }
      });
      // The model's own answer is the first graph output.
      if (m.output === 'last') expect(Array.from(r.output[0])).toEqual(Array.from(r.hn[0][0]));
    }
    expect(checked).toBe(outputs.reduce((s, o) => s + o.data.length, 0));
  });
});
