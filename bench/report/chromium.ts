// Headless Chromium for the reports (Debian's chromium driven by playwright-core, which never
// downloads a browser): the report tests' checks and the README pictures both open pages here.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

export const CHROMIUM = process.env.TINYRNN_CHROMIUM ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = fs.existsSync(CHROMIUM);

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Runs `use` with a fresh headless page of the given viewport; the browser and its profile are removed after. */
export async function withPage<T>(viewport: { width: number; height: number; scale?: number }, use: (page: Page) => Promise<T>): Promise<T> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-chromium-'));
  let ctx: BrowserContext | undefined;
  try {
    ctx = await chromium.launchPersistentContext(userDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: viewport.width, height: viewport.height },
      deviceScaleFactor: viewport.scale ?? 1,
    });
    return await use(ctx.pages()[0] ?? (await ctx.newPage()));
  } finally {
    await ctx?.close();
    fs.rmSync(userDir, { recursive: true, force: true });
  }
}
