// The demo's simulation stage: both boards simulated, both reports written, one line each.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { simulateDemoStage } from '../../../bin/demo/simulate';
import { DEMO_STAGES } from '../../../bin/demo/stages';
import { gestureModelFile, tmpDir } from './fixtures';

test('the demo ends with the simulation stage', () => {
  expect(DEMO_STAGES[DEMO_STAGES.length - 1]).toBe(simulateDemoStage);
});

test('simulates on Puck.js and on the Cortex-M4 board and writes the reports', async () => {
  const q = await gestureModelFile();
  const dir = fs.mkdtempSync(path.join(tmpDir(), 'demo-'));
  const out: string[] = [];
  const ctx = {
    dir,
    io: { out: (t: string) => out.push(t), err: (t: string) => out.push(t), isTTY: false, cwd: dir },
    files: { quantized: q } as Record<string, string>,
  };
  await simulateDemoStage.run(ctx);
  const text = out.join('\n');
  expect(text).toMatch(/Puck\.js \[js\]: identical to the reference/);
  expect(text).toMatch(/STM32F411RE \(C\) \[(qemu|c)\]: identical to the reference/);
  for (const f of ['simulation-puckjs.html', 'simulation-stm32f411.html']) {
    const p = path.join(dir, f);
    expect(fs.statSync(p).size).toBeGreaterThan(50000);
    expect(Object.values(ctx.files)).toContain(p);
  }
}, 120000);
