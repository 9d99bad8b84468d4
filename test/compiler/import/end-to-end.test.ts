// From a PyTorch export to device code with the CLI, as a user runs it:
//   tinyrnn import -> tinyrnn quantize (calibrated on the reference inputs) -> tinyrnn compile.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../bin/cli/main';
import { TESTDATA, loadTorchRef, torchInput } from '../../helpers/torch';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-import-e2e-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t), isTTY: false, cwd: dir });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('lstm_h16.dyn.onnx: import, quantize, compile to C and to Espruino', async () => {
  const ref = loadTorchRef('lstm_h16');
  const [B, T, O] = ref.outputs_float32.logits_seq.shape;
  const x = Array.from({ length: B }, (_, b) => torchInput(ref, b));
  const y = Array.from({ length: B }, (_, b) =>
    Array.from({ length: T }, (_, t) => ref.outputs_float32.logits_seq.data.slice((b * T + t) * O, (b * T + t + 1) * O)),
  );
  fs.writeFileSync(path.join(dir, 'calib.json'), JSON.stringify({ x, y }));

  const imp = await cli(['import', path.join(TESTDATA, 'torch', 'lstm_h16.dyn.onnx'), '-o', 'lstm.tnn', '--name', 'lstm16']);
  expect(imp.err).toBe('');
  expect(imp.code).toBe(0);
  const q = await cli(['quantize', 'lstm.tnn', '--calib', 'calib.json', '-o', 'lstm.q.tnn', '--json']);
  expect(q.err).toBe('');
  expect(q.code).toBe(0);
  const c = await cli(['compile', 'lstm.q.tnn', '--target', 'c', '--out', 'c', '--json']);
  expect(c.err).toBe('');
  expect(c.code).toBe(0);
  expect(JSON.parse(c.out).files).toEqual(expect.arrayContaining(['lstm16.c', 'lstm16.h']));
  const js = await cli(['compile', 'lstm.q.tnn', '--target', 'espruino', '--board', 'BANGLEJS2', '--out', 'js', '--json']);
  expect(js.err).toBe('');
  expect(js.code).toBe(0);
  expect(JSON.parse(js.out).files).toEqual(expect.arrayContaining(['lstm16.js']));
});
