// Every model-supplied string (model name, labels, feature names, file names) is escaped in every
// report kind: a data set and model whose names are script injections runs no script.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HAVE_CHROMIUM, CHROMIUM } from './browser';
import { HOSTILE, hostileData, openReport, run, tmpDir } from './fixtures';
import { renderDemoIndex } from '../../../runtime/report/demo-index';
import { writeReport } from '../../../runtime/report/page';

/** A folder whose name is hostile too (no slash in it). */
function hostileDir(): string {
  const dir = path.join(tmpDir(), HOSTILE[1]);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** The page shows the hostile strings as text, and none of them ran. */
async function check(file: string, name: string, shown: string[]): Promise<void> {
  const c = await openReport(file, `hostile-${name}`);
  for (const s of shown) expect(c.text).toContain(s);
}

describe('hostile names in every report kind', () => {
  if (!HAVE_CHROMIUM) {
    test('chromium missing: report check NOT run', () => {
      const msg = `the hostile-name report check: NOT run in a browser: ${CHROMIUM} is missing (apt-get install -y chromium)`;
      if (process.env.CI) throw new Error(msg);
      console.warn(msg);
    });
    return;
  }

  const label0 = `${HOSTILE[0]}#0`;
  const name = HOSTILE[2];

  test('classifier: train, quantize, eval, eval --compare, simulate', async () => {
    const dir = hostileDir();
    const data = hostileData('builtin:gestures?n=120&length=24&seed=4');
    const model = path.join(dir, `${HOSTILE[3]}.tnn`);
    const q = path.join(dir, `${HOSTILE[3]}.q.tnn`);
    const html = (k: string): string => path.join(dir, `${HOSTILE[1]}-${k}.html`);
    await run(['train', '--data', data, '--hidden', '6', '--epochs', '2', '--name', name, '--quiet', '--out', model, '--report', html('train')]);
    await check(html('train'), 'train', [name, label0]);
    await run(['quantize', model, '--calib', data, '-o', q, '--report', html('quantize')]);
    await check(html('quantize'), 'quantize', [name]);
    await run(['eval', q, '--data', data, '--report', html('eval')]);
    await check(html('eval'), 'eval', [name, label0, path.relative(tmpDir(), q)]);
    await run(['eval', q, '--data', data, '--compare', model, '--report', html('compare')]);
    await check(html('compare'), 'compare', [name, label0]);
    await run(['simulate', q, '--board', 'NRF52840', '--engine', 'reference', '--data', data, '--report', html('simulate')]);
    await check(html('simulate'), 'simulate', [name, `${HOSTILE[1]}#1`]);
  }, 300000);

  test('regression: train with a hostile model name and features', async () => {
    const dir = hostileDir();
    const data = hostileData('builtin:sines?n=30&length=20&seed=4');
    const html = path.join(dir, 'train-reg.html');
    await run([
      'train',
      '--data',
      data,
      '--cell',
      'gru',
      '--hidden',
      '4',
      '--epochs',
      '1',
      '--name',
      name,
      '--quiet',
      '--out',
      path.join(dir, 'reg.tnn'),
      '--report',
      html,
    ]);
    await check(html, 'train-regression', [name]);
  });

  test('the demo index', async () => {
    const dir = hostileDir();
    const target = path.join(dir, `${HOSTILE[1]}.html`);
    fs.writeFileSync(target, '<!DOCTYPE html><title>target</title>');
    const file = path.join(dir, 'index.html');
    writeReport(file, renderDemoIndex([{ title: HOSTILE[0], file: target, figures: [{ name: HOSTILE[2], value: HOSTILE[3] }] }], dir));
    await check(file, 'demo-index', [HOSTILE[0], HOSTILE[2]]);
    expect(fs.readFileSync(file, 'utf8')).toContain(`href="${encodeURIComponent(path.basename(target)).replace(/'/g, '&#39;')}"`);
  });
});
