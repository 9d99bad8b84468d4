// The demo's index.html: every report the stages wrote, linked, with its headline figures.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HAVE_CHROMIUM, CHROMIUM } from './browser';
import { MODEL_ARGS, openReport, run, tmpDir } from './fixtures';
import { loadFloatModel } from '../../../compiler/core/ir/format';
import { DemoContext } from '../../../bin/demo/stage';
import { quantizeDemoStage } from '../../../bin/demo/quantize';
import { simulateDemoStage } from '../../../bin/demo/simulate';
import { writeDemoIndex } from '../../../bin/demo/index-page';

describe('the demo index', () => {
  if (!HAVE_CHROMIUM) {
    test('chromium missing: report check NOT run', () => {
      const msg = `the demo index: NOT checked in a browser: ${CHROMIUM} is missing (apt-get install -y chromium)`;
      if (process.env.CI) throw new Error(msg);
      console.warn(msg);
    });
    return;
  }

  test('links every report of the quantise and simulate stages with their figures', async () => {
    const model = path.join(tmpDir(), 'demo-src.tnn');
    await run(['train', ...MODEL_ARGS, '--out', model]);
    const dir = fs.mkdtempSync(path.join(tmpDir(), 'demo-'));
    const out: string[] = [];
    const ctx: DemoContext = {
      dir,
      io: { out: (t) => out.push(t), err: (t) => out.push(t), isTTY: false, cwd: dir },
      files: {},
      model: loadFloatModel(model),
    };
    await quantizeDemoStage.run(ctx);
    await simulateDemoStage.run(ctx);
    const index = writeDemoIndex(ctx);
    const pages = ctx.pages ?? [];
    expect(pages.map((p) => path.basename(p.file))).toEqual(['quant-report.html', 'simulation-puckjs.html', 'simulation-stm32f411.html']);
    const c = await openReport(index, 'demo-index');
    for (const p of pages) {
      expect(fs.existsSync(p.file)).toBe(true);
      expect(c.text).toContain(p.title);
      for (const f of p.figures) expect(c.text).toContain(`${f.name}\t${f.value}`);
    }
    const html = fs.readFileSync(index, 'utf8');
    for (const p of pages) expect(html).toContain(`href="${path.basename(p.file)}"`);
    expect(pages[1].figures.find((f) => f.name === 'deadlines met')?.value).toMatch(/^\d+ of \d+$/);
    for (const p of pages) await openReport(p.file, `demo-${path.basename(p.file, '.html')}`);
  }, 300000);
});
