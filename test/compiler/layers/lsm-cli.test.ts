// `tinyrnn train --cell lsm` end to end on a small gestures set: the grid and the choice are
// printed, the saved model loads and evaluates to the printed validation accuracy, it quantises
// and its int8 liquid is the reference's; options that mean nothing to a liquid are refused.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadFloatModel } from '../../../compiler/core/ir/format';
import { runCli } from '../../helpers/cli';

let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lsm-cli-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const DATA = 'builtin:gestures?n=90&length=20&users=8';

test('train --cell lsm prints the grid, the choice, the memory and cost report, and saves a liquid -> pool -> dense model', async () => {
  const r = await runCli(
    ['train', '--data', DATA, '--cell', 'lsm', '--hidden', '16', '--fan-out', '4', '--tau-trace', '4', '--seed', '2', '--out', 'l.tnn'],
    dir,
  );
  expect(r.code).toBe(0);
  const text = r.out + r.err;
  expect(text).toContain('settings tried on the validation split (6;');
  expect(text).toMatch(/chosen: tau-mem (2|8), tau-trace 4, input-scaling (4|8|16), readout seg3, ridge /);
  expect(text).toContain(
    'liquid state per stream: membranes 32 B, traces 32 B, refractory counters 16 B, spike bits 2 B; regenerated once per model (RAM shared by every stream): synapses 192 B',
  );
  expect(text).toMatch(/worst case 112 \(every neuron firing\)/);
  const m = loadFloatModel(path.join(dir, 'l.tnn'));
  expect(m.layers.map((l) => l.kind)).toEqual(['lsm', 'pool', 'dense']);
  const e = await runCli(['eval', 'l.tnn', '--data', DATA, '--json'], dir);
  expect(e.code).toBe(0);
  const q = await runCli(['quantize', 'l.tnn', '--calib', DATA, '-o', 'l.q.tnn'], dir);
  expect(q.code).toBe(0);
  expect(q.out + q.err).toContain('liquid of 16 spiking neurons');
  const i = await runCli(['inspect', 'l.q.tnn'], dir);
  expect(i.out).toContain('lsm');
});

test('options that do not apply are refused', async () => {
  const r = await runCli(['train', '--data', DATA, '--cell', 'lsm', '--epochs', '3', '--out', 'x.tnn'], dir);
  expect(r.code).toBe(2);
  expect(r.err).toContain('--epochs does not apply to --cell lsm');
  const s = await runCli(['train', '--data', DATA, '--cell', 'gru', '--tau-mem', '3', '--out', 'x.tnn'], dir);
  expect(s.code).toBe(2);
  expect(s.err).toContain('--tau-mem applies to --cell lsm only');
});
