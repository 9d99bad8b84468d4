// The three PyTorch reference models (../shared/testdata/torch): quantised with the reference
// inputs as calibration data, their dequantised int8 outputs must track the float outputs.
// The accuracy report's figures are printed.
import { TORCH_MODELS, loadTorchRef, torchToModel, torchInput } from '../../helpers/torch';
import { quantizeModel } from '../../../compiler/quant/quantize';
import { compareQuant, formatQuantReport } from '../../../compiler/quant/report';
import { Dataset } from '../../../compiler/data/dataset';
import { runFloat } from '../../../compiler/float/infer';

describe.each(TORCH_MODELS.map((n) => [n]))('%s', (name) => {
  const ref = loadTorchRef(name);
  const model = torchToModel(ref);
  const [B, T, F] = ref.input.shape;
  const O = ref.config.output_size;
  const seqs = Array.from({ length: B }, (_, b) => torchInput(ref, b));
  // the data set: PyTorch's inputs, with PyTorch's own float32 outputs as the targets
  const data: Dataset = {
    source: `torch:${name}`,
    features: Array.from({ length: F }, (_, i) => `x${i}`),
    x: seqs.map((s) => Float32Array.from(s.flat())),
    targets: Array.from({ length: B }, (_, b) => Float32Array.from(ref.outputs_float32.logits_seq.data.slice(b * T * O, (b + 1) * T * O))),
    targetNames: Array.from({ length: O }, (_, k) => `y${k}`),
  };

  test('int8 outputs track float; the report shows where the error comes from', () => {
    // our float path reproduces PyTorch first (the baseline the int8 error is measured against)
    const f0 = runFloat(model, seqs[0]).steps;
    for (let t = 0; t < T; t++) for (let k = 0; k < O; k++) expect(Math.abs(f0[t][k] - ref.outputs_float64.logits_seq.data[t * O + k])).toBeLessThan(1e-5);

    const q = quantizeModel(model, seqs, { source: `torch:${name} inputs` });
    const r = compareQuant(model, q, data);
    console.log(formatQuantReport(r, `${name}.q.tnn`));

    const all = ref.outputs_float32.logits_seq.data;
    const range = Math.max(...all) - Math.min(...all);
    const rel = r.output.maxAbs / range;
    console.log(
      `${name}: output range ${range.toFixed(3)}, int8 max |error| ${r.output.maxAbs.toExponential(3)} (${(100 * rel).toFixed(3)}% of range), mean ${r.output.meanAbs.toExponential(3)}`,
    );
    expect(rel).toBeLessThan(0.01);
    expect(r.output.meanAbs / range).toBeLessThan(0.002);
    // against PyTorch itself, int8 adds almost nothing to float's error
    expect(r.int8.regression!.rmse).toBeLessThan(0.005 * range);
    // the report covers every gate of the cell and the head
    const gates =
      model.layers[0].kind === 'lstm'
        ? ['pre.i', 'pre.f', 'pre.g', 'pre.o', 'gates.o', 'c', 'h']
        : model.layers[0].kind === 'gru'
          ? ['pre.r', 'pre.z', 'pre.n', 'gates.n', 'h16', 'h']
          : ['pre', 'h16', 'h'];
    for (const g of gates) expect(r.tensors.map((t) => t.name)).toContain(`L0 ${model.layers[0].kind} ${g}`);
    expect(r.tensors.map((t) => t.name)).toContain('L1 dense out');
    // calibrated on these very inputs: nothing saturates at the input
    expect(r.tensors.find((t) => t.name === 'input x')!.atLimit).toBe(0);
    expect(r.growth.length).toBeGreaterThan(1);
  });
});
