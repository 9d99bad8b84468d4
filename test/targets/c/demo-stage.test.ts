// The demo's C stage on a quantised model: files written, sizes reported, host build identical to the reference.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { saveQuantModel } from '../../../compiler/core/ir/format';
import { cDemoStage } from '../../../bin/demo/c';
import { scratchDir } from '../../../targets/c/toolchain';
import { hostTest } from './gate';
import { loadVectorCases } from './vectors';

const root = scratchDir('cdemo');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

hostTest('the demo stage emits C, reports its size and checks it bit for bit on the host', async () => {
  const q = loadVectorCases().find((c) => c.name === 'stacked_lstm_gru')!.model;
  const file = path.join(root, 'model.q.tnn');
  saveQuantModel(file, q);
  const out: string[] = [];
  const ctx = {
    dir: root,
    io: { out: (t: string) => out.push(t), err: (t: string) => out.push(t), isTTY: false, cwd: root },
    files: { quantised: file } as Record<string, string>,
  };
  await cDemoStage.run(ctx);
  const text = out.join('\n');
  expect(text).toMatch(/flash: \d+ bytes of weights/);
  expect(text).toMatch(/RAM: \d+ bytes of state per stream/);
  expect(text).toContain('identical to the reference, bit for bit');
  expect(fs.existsSync(path.join(ctx.files.c, 'README.md'))).toBe(true);
});
