// `tinyrnn simulate` on the command line, and its HTML report in a real headless browser.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../bin/cli/main';
import { Io } from '../../../bin/cli/command';
import { GESTURE_STREAM, gestureModelFile, tmpDir } from './fixtures';
import { CHROMIUM, HAVE_CHROMIUM, checkPage, isPng } from '../report/browser';
import { DEVICE_ENGINES } from './engines';

function io(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), isTTY: false, cwd: tmpDir() };
}

describe('tinyrnn simulate', () => {
  test('text report: parity, memory, accuracy, faults; exit 0', async () => {
    const file = await gestureModelFile();
    const o = io();
    const code = await main(
      ['simulate', file, '--board', 'nrf52840', '--engine', 'reference', '--data', GESTURE_STREAM, '--fault', 'dropout:0.1', '--fault', 'reset:@60'],
      o,
    );
    const text = o.stdout.join('\n');
    expect(o.stderr).toEqual([]);
    expect(code).toBe(0);
    expect(text).toMatch(/on nRF52840 \(C\) \(cortex-m4f, 64 MHz\), reference engine/);
    expect(text).toMatch(/parity: +identical to the reference kernels \(1440 output values\)/);
    expect(text).toMatch(/memory: +RAM \d+ B of 262144/);
    expect(text).toMatch(/accuracy: [\d.]+% \(\d\/6\)/);
    expect(text).toMatch(/faults: +dropout:0.1 reset:@60: \d+ dropout, 1 reset;/);
    expect(text).toMatch(/after reset: @60 /);
  });

  test('--json carries the full result', async () => {
    const file = await gestureModelFile();
    const o = io();
    const code = await main(['simulate', file, '-b', 'NRF52840', '-e', 'reference', '-d', GESTURE_STREAM, '--devices', '3', '--workers', '0', '--json'], o);
    expect(code).toBe(0);
    const r = JSON.parse(o.stdout.join('\n'));
    expect(r.fleet.devices).toBe(3);
    expect(r.devices).toHaveLength(3);
    expect(r.board.id).toBe('NRF52840');
    expect(r.devices[0].traces).toBeUndefined();
    expect(r.report).toBeNull();
  });

  test('usage errors and diagnostics', async () => {
    const file = await gestureModelFile();
    let o = io();
    expect(await main(['simulate', file, '--board', 'PUCKJS'], o)).toBe(2);
    expect(o.stderr.join('\n')).toMatch(/missing --data/);
    o = io();
    expect(await main(['simulate', file, '--board', 'PUCKJS', '--data', GESTURE_STREAM, '--engine', 'vhdl'], o)).toBe(2);
    expect(o.stderr.join('\n')).toMatch(/--engine "vhdl" is not one of reference, js, c, qemu/);
    o = io();
    expect(await main(['simulate', file, '--board', 'NRF52840', '--engine', 'reference', '--data', GESTURE_STREAM, '--fault', 'melt:1'], o)).toBe(1);
    expect(o.stderr.join('\n')).toMatch(/error SIM010: --fault: unknown fault "melt"/);
    o = io();
    expect(await main(['simulate', file, '--board', 'NRF52840', '--engine', 'reference', '--data', 'builtin:gestures?n=1', '--rate', '0'], o)).toBe(2);
  });
});

describe('the HTML report in headless Chromium', () => {
  if (!HAVE_CHROMIUM) {
    test('chromium missing: report check NOT run', () => {
      const msg = `tinyrnn simulate: the HTML report was NOT checked in a browser: ${CHROMIUM} is missing (apt-get install -y chromium)`;
      if (process.env.CI) throw new Error(msg);
      console.warn(msg);
    });
    return;
  }

  test('loads offline without errors, and every plot is drawn', async () => {
    const file = await gestureModelFile();
    const html = path.join(tmpDir(), 'report.html');
    const o = io();
    // The device engine with a cost model when it can run here (the report then has the time plot).
    const js = DEVICE_ENGINES.find((e) => e.engine === 'js');
    const where = js ? ['--board', js.board, '--engine', 'js', '--rate', '2'] : ['--board', 'NRF52840', '--engine', 'reference'];
    const code = await main(
      [
        'simulate',
        file,
        ...where,
        '--data',
        GESTURE_STREAM,
        '--devices',
        '4',
        '--workers',
        '0',
        '--fault',
        'nan:0.05',
        '--fault',
        'reset:@70',
        '--fault',
        'jitter:20ms',
        '--report',
        html,
      ],
      o,
    );
    expect(code).toBe(0);
    expect(o.stdout.join('\n')).toMatch(/wrote .*report\.html/);
    const src = fs.readFileSync(html, 'utf8');
    expect(src).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!github)/i);
    const c = await checkPage(html);
    expect(c.pageErrors).toEqual([]);
    expect(c.consoleErrors).toEqual([]);
    expect(c.externalRequests).toEqual([]);
    expect(c.title).toMatch(js ? /gestures-lstm8 on Bangle\.js 2/ : /gestures-lstm8 on nRF52840/);
    expect(c.text).toMatch(/bit for bit/);
    const ids = c.canvases.map((x) => x.id);
    expect(ids).toEqual(expect.arrayContaining(['plot-input-0', 'plot-pred-0', 'memory', 'plot-fleet', ...(js ? ['plot-time-0'] : [])]));
    expect(c.charts).toBe(c.canvases.length);
    for (const cv of c.canvases) {
      // drawn, not blank: many distinct colours (anti-aliased lines, fills) and a good share of inked pixels
      expect({ id: cv.id, rich: cv.colours > 40 }).toEqual({ id: cv.id, rich: true });
      expect({ id: cv.id, inked: cv.inked > (cv.width * cv.height) / 50 }).toEqual({ id: cv.id, inked: true });
    }
    expect(isPng(c.screenshot)).toBe(true);
  });
});
