// Shared by the report tests: a captured CLI io, a temp folder, a data file whose every name is
// hostile (labels, features, targets), and the checks every report page must pass.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Io } from '../../../bin/cli/command';
import { main } from '../../../bin/cli/main';
import { loadData } from '../../../compiler/data/load';
import { PageCheck, PagePlot, checkPage, isPng, screenshotDir } from './browser';

/** A small gesture classifier for the quantize and eval reports (train arguments). */
export const MODEL_ARGS = ['--data', 'builtin:gestures?n=120&length=24&seed=4', '--hidden', '6', '--epochs', '3', '--quiet'];

let dir: string | undefined;
export function tmpDir(): string {
  dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-reporttest-'));
  return dir;
}

export interface CapturedIo extends Io {
  stdout: string[];
  stderr: string[];
}

export function io(): CapturedIo {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), isTTY: false, cwd: tmpDir() };
}

/** Runs the CLI; fails the test on a non-zero exit, with its stderr. */
export async function run(args: string[]): Promise<CapturedIo> {
  const o = io();
  const code = await main(args, o);
  expect({ code, stderr: code ? o.stderr.join('\n') : '' }).toEqual({ code: 0, stderr: '' });
  return o;
}

/** Runs the CLI with --json; returns the parsed JSON. */
export async function runJson<T>(args: string[]): Promise<T> {
  const o = await run([...args, '--json']);
  return JSON.parse(o.stdout.join('\n')) as T;
}

/** Hostile strings: each would run a script (setting window.__pwned) if written into the page unescaped. */
export const HOSTILE = [
  '</script><script>window.__pwned=true</script>',
  '<img src=x onerror="window.__pwned=true">',
  `"'><svg onload=window.__pwned=true>`,
  '&lt;b&gt; & "quoted" \u2028',
];

/** A JSON data file from a built-in data set, with every label, feature and target name hostile. */
export function hostileData(spec: string): string {
  const d = loadData(spec);
  const F = d.features.length;
  const name = (i: number): string => `${HOSTILE[i % HOSTILE.length]}#${i}`;
  const steps = (x: Float32Array, K: number): number[][] => Array.from({ length: x.length / K }, (_, t) => Array.from(x.subarray(t * K, (t + 1) * K)));
  const doc: Record<string, unknown> = { x: d.x.map((x) => steps(x, F)), features: d.features.map((_, i) => name(i + 1)), sampleRate: d.sampleRate };
  if (d.labels && d.y) {
    doc.labels = d.labels.map((_, i) => name(i));
    doc.y = Array.from(d.y);
  } else if (d.targets) {
    const K = d.targetNames?.length ?? 1;
    doc.y = d.targets.map((y) => steps(y, K));
  }
  const file = path.join(tmpDir(), `${HOSTILE[1].replace(/[^a-z]/gi, '')}-${spec.replace(/[^a-z0-9]/gi, '_')}.json`);
  fs.writeFileSync(file, JSON.stringify(doc));
  return file;
}

/** Opens a report in headless Chromium: loads offline, without errors, every plot drawn; writes its screenshot. */
export async function openReport(file: string, screenshot: string): Promise<PageCheck> {
  const src = fs.readFileSync(file, 'utf8');
  expect(src).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!github)/i);
  const c = await checkPage(file);
  expect(c.pageErrors).toEqual([]);
  expect(c.consoleErrors).toEqual([]);
  expect(c.externalRequests).toEqual([]);
  expect(c.pwned).toBe(false);
  expect(c.charts).toBe(c.plots.length);
  for (const cv of c.canvases) {
    expect({ id: cv.id, inked: cv.inked > (cv.width * cv.height) / 100 }).toEqual({ id: cv.id, inked: true });
  }
  expect(isPng(c.screenshot)).toBe(true);
  fs.writeFileSync(path.join(screenshotDir(), `${screenshot}.png`), c.screenshot);
  return c;
}

/** The plot with this id. */
export function plot(c: PageCheck, id: string): PagePlot {
  const p = c.plots.find((x) => x.id === id);
  if (!p) throw new Error(`no plot ${id} on the page (plots: ${c.plots.map((x) => x.id).join(', ')})`);
  return p;
}

/** A value as the page plots it (6 significant digits). */
export function r6(v: number): number {
  return v === 0 ? 0 : +v.toPrecision(6);
}

/** Smallest and largest of the values as plotted. */
export function range(values: (number | null | undefined)[]): { min: number | null; max: number | null } {
  const v = values.filter((x): x is number => x !== null && x !== undefined && Number.isFinite(x)).map(r6);
  return v.length ? { min: Math.min(...v), max: Math.max(...v) } : { min: null, max: null };
}
