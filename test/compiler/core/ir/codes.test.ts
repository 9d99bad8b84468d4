// The one table of diagnostic codes (compiler/core/ir/codes.ts) against the code base: every code
// the source reports is in the table, every code in the table is reported somewhere, none is listed
// twice, and every one is exercised by a test (named in a test file other than this one).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DIAGNOSTIC_CODES } from '../../../../compiler/core/ir/codes';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const TABLE = 'compiler/core/ir/codes.ts';
const CODE_RE = /\b(?:AVR|BOARD|DATA|EMIT|ESN|ESP|LSM|ONNX|QNT|RUN|SIM|SRCH|TNN|TRN)\d{3}\b/g;

function files(rel: string, ext: RegExp, out: string[] = []): string[] {
  const abs = path.join(ROOT, rel);
  if (!fs.existsSync(abs)) return out;
  if (fs.statSync(abs).isDirectory()) {
    for (const e of fs.readdirSync(abs)) if (e !== 'node_modules') files(path.posix.join(rel, e), ext, out);
  } else if (ext.test(rel)) out.push(rel);
  return out;
}

function codesIn(list: string[]): Map<string, string> {
  const seen = new Map<string, string>();
  for (const f of list) for (const m of fs.readFileSync(path.join(ROOT, f), 'utf8').matchAll(CODE_RE)) if (!seen.has(m[0])) seen.set(m[0], f);
  return seen;
}

const SOURCE = ['index.ts', 'bin', 'compiler', 'runtime', 'targets']
  .flatMap((r) => files(r, /\.(ts|js|hbs|c|h)$/))
  .filter((f) => f !== TABLE && !f.endsWith('tinyrnn_rt.js'));
const TESTS = files('test', /\.ts$/).filter((f) => !f.endsWith('codes.test.ts'));
const TABLED = Object.keys(DIAGNOSTIC_CODES);

describe('diagnostic codes', () => {
  test('every code the source reports is in the table', () => {
    const used = codesIn(SOURCE);
    expect([...used].filter(([c]) => !(c in DIAGNOSTIC_CODES)).map(([c, f]) => `${c} (${f})`)).toEqual([]);
    expect(used.size).toBeGreaterThan(150);
  });

  test('every code in the table is reported somewhere', () => {
    const used = codesIn(SOURCE);
    expect(TABLED.filter((c) => !used.has(c))).toEqual([]);
  });

  test('no code is listed twice, and each has a meaning', () => {
    const keys = [...fs.readFileSync(path.join(ROOT, TABLE), 'utf8').matchAll(/^\s*([A-Z]+\d{3}):/gm)].map((m) => m[1]);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    expect(keys.length).toBe(TABLED.length);
    for (const [c, meaning] of Object.entries(DIAGNOSTIC_CODES)) expect(`${c}: ${meaning.length > 10}`).toBe(`${c}: true`);
  });

  test('every code is exercised by a test', () => {
    const tested = codesIn(TESTS);
    expect(TABLED.filter((c) => !tested.has(c))).toEqual([]);
  });
});
