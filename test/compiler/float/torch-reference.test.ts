import { runFloat, stepFloat, createFloatState, resetFloatState, CellState } from '../../../compiler/float/infer';
import { TORCH_MODELS, loadTorchRef, torchInput, torchToModel } from '../../helpers/torch';

describe.each(TORCH_MODELS)('PyTorch reference %s', (name) => {
  const ref = loadTorchRef(name);
  const m = torchToModel(ref);
  const { batch, seq_len: T, output_size: O, hidden: H } = ref.config;
  const out = ref.outputs_float32;

  function maxDiff(got: ArrayLike<number>, want: number[], offset: number): number {
    let d = 0;
    for (let i = 0; i < got.length; i++) d = Math.max(d, Math.abs(got[i] - want[offset + i]));
    return d;
  }

  test('whole sequence reproduces logits_seq, h_n (and c_n) within 1e-5', () => {
    for (let b = 0; b < batch; b++) {
      const r = runFloat(m, torchInput(ref, b));
      for (let t = 0; t < T; t++) expect(maxDiff(r.output[t], out.logits_seq.data, (b * T + t) * O)).toBeLessThan(1e-5);
      expect(maxDiff(r.hn[0][0], out.h_n.data, b * H)).toBeLessThan(1e-5);
      if (out.c_n) expect(maxDiff(r.cn[0][0], out.c_n.data, b * H)).toBeLessThan(1e-5);
    }
  });

  test('step by step gives exactly the whole-sequence numbers', () => {
    const st = createFloatState(m);
    for (let b = 0; b < batch; b++) {
      resetFloatState(st);
      const xs = torchInput(ref, b);
      const whole = runFloat(m, xs);
      xs.forEach((x, t) => expect(Array.from(stepFloat(m, st, x))).toEqual(Array.from(whole.output[t])));
      expect(Array.from((st.layers[0] as CellState).h)).toEqual(Array.from(whole.hn[0][0]));
      expect(maxDiff((st.layers[0] as CellState).h, out.h_n.data, b * H)).toBeLessThan(1e-5);
    }
  });
});
