// The README's pictures of the reports: trains a gesture classifier, quantises it, writes the
// training and quantisation reports, and saves the top of each, 1280 px wide shown at half size,
// as docs/report-train.png and docs/report-quantize.png.
//
//   npm run docs:pictures        (needs chromium: apt-get install -y chromium)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { main } from '../../bin/cli/main';
import { CHROMIUM, HAVE_CHROMIUM, withPage } from './chromium';

const ROOT = path.resolve(__dirname, '..', '..', ...(path.basename(path.resolve(__dirname, '..', '..')) === 'dist' ? ['..'] : []));
const DOCS = path.join(ROOT, 'docs');
/** The part of each page pictured (CSS pixels); the PNG is half of it. */
const CLIP = { x: 0, y: 0, width: 1280, height: 1000 };

async function cli(args: string[], cwd: string): Promise<void> {
  const err: string[] = [];
  const code = await main(args, { out: () => undefined, err: (t) => err.push(t), isTTY: false, cwd });
  if (code !== 0) throw new Error(`tinyrnn ${args.join(' ')} failed (${code}): ${err.join('\n')}`);
}

async function picture(html: string, png: string): Promise<void> {
  await withPage({ width: CLIP.width, height: CLIP.height, scale: 0.5 }, async (page) => {
    await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
    await page.waitForFunction('window.__tinyrnnCharts !== undefined', undefined, { timeout: 20000 });
    fs.writeFileSync(png, await page.screenshot({ clip: CLIP }));
  });
  console.log(`wrote ${path.relative(ROOT, png)} (${fs.statSync(png).size} bytes)`);
}

async function run(): Promise<void> {
  if (!HAVE_CHROMIUM) throw new Error(`${CHROMIUM} is missing (apt-get install -y chromium)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-pictures-'));
  try {
    const model = path.join(dir, 'gestures.tnn');
    await cli(
      [
        'train',
        '--data',
        'builtin:gestures?n=600&seed=1',
        '--cell',
        'gru',
        '--hidden',
        '12',
        '--epochs',
        '15',
        '--seed',
        '1',
        '--name',
        'gestures',
        '--out',
        model,
        '--quiet',
        '--report',
        'train.html',
      ],
      dir,
    );
    await cli(['quantize', model, '--calib', 'builtin:gestures?n=200&seed=2', '--report', 'quantize.html'], dir);
    await picture(path.join(dir, 'train.html'), path.join(DOCS, 'report-train.png'));
    await picture(path.join(dir, 'quantize.html'), path.join(DOCS, 'report-quantize.png'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

run().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
