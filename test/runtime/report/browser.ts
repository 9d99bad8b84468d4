// The report checks in headless Chromium (every report kind: runtime/report; the browser is
// launched by bench/report/chromium.ts). Where chromium is missing the check says so loudly, and
// fails under CI (CI=true), where .ci/run installs it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

import { withPage } from '../../../bench/report/chromium';

export { CHROMIUM, HAVE_CHROMIUM } from '../../../bench/report/chromium';

export interface PageCheck {
  consoleErrors: string[];
  pageErrors: string[];
  /** Requests the page made to anything but its own file (must be none: the report is offline). */
  externalRequests: string[];
  charts: number;
  /** Per plot, what its chart was given: series labels, point counts, value ranges (runtime/report/client.ts). */
  plots: PagePlot[];
  /** The numbers in each heat map (table.heat), by its id, row by row. */
  cells: Record<string, number[][]>;
  /** Whether a script planted by hostile input ran (it would set window.__pwned). */
  pwned: boolean;
  canvases: { id: string; width: number; height: number; colours: number; inked: number }[];
  title: string;
  text: string;
  screenshot: Buffer;
}

export interface PagePlot {
  id: string;
  x: { n: number; min: number | null; max: number | null };
  series: { label: string; n: number; min: number | null; max: number | null }[];
}

/** Opens an HTML file in headless Chromium (1280 px wide), collects errors, and counts colours in every canvas. */
export async function checkPage(file: string): Promise<PageCheck> {
  return withPage({ width: 1280, height: 900 }, async (page) => {
    const consoleErrors: string[] = [];
    const pageErrors: string[] = [];
    const externalRequests: string[] = [];
    const url = pathToFileURL(path.resolve(file)).href;
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('request', (r) => {
      if (r.url() !== url && !r.url().startsWith('data:')) externalRequests.push(r.url());
    });
    await page.goto(url, { waitUntil: 'load' });
    // In-page code is given as text: this project is compiled without the DOM typings.
    await page.waitForFunction('window.__tinyrnnCharts !== undefined', undefined, { timeout: 20000 });
    const charts = (await page.evaluate('window.__tinyrnnCharts')) as number;
    const plots = (await page.evaluate('window.__tinyrnnPlots || []')) as PagePlot[];
    const pwned = (await page.evaluate('window.__pwned === true')) as boolean;
    const cells = (await page.evaluate(`Object.fromEntries(Array.from(document.querySelectorAll('table.heat')).map((t) =>
      [t.id, Array.from(t.querySelectorAll('tr')).slice(1).map((r) => Array.from(r.querySelectorAll('td')).map((d) => Number(d.dataset.value)))]))`)) as PageCheck['cells'];
    const canvases = (await page.evaluate(`Array.from(document.querySelectorAll('canvas')).map((c) => {
      const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
      const colours = new Set();
      let inked = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] === 0) continue;
        inked++;
        colours.add((data[i] << 24) | (data[i + 1] << 16) | (data[i + 2] << 8) | data[i + 3]);
      }
      const host = c.closest('.plot');
      return { id: host ? host.id : '', width: c.width, height: c.height, colours: colours.size, inked };
    })`)) as PageCheck['canvases'];
    const screenshot = await page.screenshot({ fullPage: true });
    return {
      consoleErrors,
      pageErrors,
      externalRequests,
      charts,
      plots,
      cells,
      pwned,
      canvases,
      title: await page.title(),
      text: (await page.evaluate('document.body.innerText')) as string,
      screenshot,
    };
  });
}

/** Where the report tests write their screenshots (a temporary folder, never committed). */
export function screenshotDir(): string {
  const dir = process.env.TINYRNN_SCREENSHOTS ?? path.join(os.tmpdir(), 'tinyrnn-report-screenshots');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Distinct colours in a PNG screenshot region are checked through the canvases; this only checks the PNG is real. */
export function isPng(b: Buffer): boolean {
  return b.length > 1000 && b.subarray(1, 4).toString('latin1') === 'PNG';
}
