// Imported models go on through the int8 pipeline: ONNX -> FloatModel -> quantize (calibrated on
// the reference inputs) -> .tnn round trip -> integer reference kernels. The int8 outputs,
// dequantised, stay close to the float outputs (an accuracy check: the tolerance is the int8
// error budget, not a parity claim).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { importOnnx } from '../../../compiler/import/onnx/import';
import { runFloat } from '../../../compiler/float/infer';
import { quantizeModel } from '../../../compiler/quant/quantize';
import { decodeQuantModel, encodeQuantModel } from '../../../compiler/core/ir/format';
import { rawInput, runQuant } from '../../../compiler/core/reference';
import { TESTDATA, TORCH_MODELS, loadTorchRef, torchInput } from '../../helpers/torch';

describe.each(TORCH_MODELS)('%s.dyn.onnx', (name) => {
  test('imports, quantises and runs on the integer reference close to float', () => {
    const ref = loadTorchRef(name);
    const { model } = importOnnx(new Uint8Array(fs.readFileSync(path.join(TESTDATA, 'torch', `${name}.dyn.onnx`))));
    const B = ref.input.shape[0];
    const seqs = Array.from({ length: B }, (_, b) => torchInput(ref, b));
    const q = decodeQuantModel(encodeQuantModel(quantizeModel(model, seqs, { source: `${name} reference input` })));
    expect(q.layers.map((l) => l.kind)).toEqual(model.layers.map((l) => l.kind));
    let worst = 0;
    let range = 0;
    for (const seq of seqs) {
      const f = runFloat(model, seq).output;
      const y = runQuant(
        q,
        seq.map((x) => rawInput(q, x)),
      ).output;
      f.forEach((v, t) =>
        v.forEach((want, o) => {
          const got = (y[t][o] - q.doc.outputZp) * q.doc.outputScale;
          worst = Math.max(worst, Math.abs(got - want));
          range = Math.max(range, Math.abs(want));
        }),
      );
    }
    expect(range).toBeGreaterThan(0);
    expect(worst / range).toBeLessThan(0.03); // measured 0.7% (lstm), 0.8% (gru), 1.3% (rnn)
  });
});
