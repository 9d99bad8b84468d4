// Builds the device runtime (targets/espruino/device/runtime.ts) into the JavaScript Espruino runs:
// tsc (TypeScript 7) emits ES2020 with ES module syntax; `export` declarations are then turned
// into a CommonJS-style module Espruino's require() understands (`exports.name = name;` at the
// end, after every declaration: Espruino does not hoist), and the result must pass the dialect
// check. The built file is committed at targets/espruino/device/tinyrnn_rt.js (it ships with the
// package, which has no TypeScript compiler at run time); a test rebuilds it and checks that the
// committed file is identical.
import * as acorn from 'acorn';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { packageRoot } from '../../compiler/core/util/version';
import { assertEspruinoDialect } from './dialect';

export const RUNTIME_SOURCE = 'targets/espruino/device/runtime.ts';
export const RUNTIME_DEVICE_FILE = 'targets/espruino/device/tinyrnn_rt.js';
/** Storage/require name of the runtime on the device. */
export const RUNTIME_MODULE = 'tinyrnn_rt';

/* eslint-disable @typescript-eslint/no-explicit-any */
type N = acorn.Node & Record<string, any>;

/** ES module text -> Espruino module text (exports.x = x after all declarations). */
export function esmToEspruino(js: string, banner: string): string {
  const ast = acorn.parse(js, { ecmaVersion: 2020, sourceType: 'module' }) as unknown as N;
  const names: string[] = [];
  const cuts: { start: number; end: number }[] = [];
  for (const n of ast.body as N[]) {
    if (n.type === 'ExportNamedDeclaration') {
      if (!n.declaration) {
        cuts.push({ start: n.start, end: n.end });
        continue;
      }
      cuts.push({ start: n.start, end: n.declaration.start });
      const d = n.declaration;
      if (d.type === 'VariableDeclaration') for (const v of d.declarations) names.push(v.id.name);
      else names.push(d.id.name);
    } else if (n.type === 'ImportDeclaration' || n.type === 'ExportAllDeclaration' || n.type === 'ExportDefaultDeclaration') {
      throw new Error(`runtime: ${n.type} is not supported in device code`);
    } else if (n.type === 'ExpressionStatement' && n.directive) {
      cuts.push({ start: n.start, end: n.end });
    }
  }
  let out = '';
  let last = 0;
  for (const c of cuts) {
    out += js.slice(last, c.start);
    last = c.end;
  }
  out += js.slice(last);
  out = out
    .replace(/^\/\/# sourceMappingURL=.*$/m, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return `${banner}\n${out}\n${names.map((n) => `exports.${n} = ${n};`).join('\n')}\n`;
}

/** Compiles runtime.ts with the project's tsc into a temporary folder and converts it. */
export function buildRuntime(): string {
  const root = packageRoot();
  const tsc = path.join(root, 'node_modules', '.bin', 'tsc');
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-rt-'));
  try {
    execFileSync(
      tsc,
      [
        path.join(root, RUNTIME_SOURCE),
        '--ignoreConfig',
        '--target',
        'es2020',
        '--module',
        'es2020',
        '--strict',
        '--noImplicitReturns',
        '--skipLibCheck',
        '--types',
        '',
        '--lib',
        'es2020',
        '--outDir',
        out,
      ],
      { stdio: 'pipe' },
    );
    const js = fs.readFileSync(path.join(out, 'runtime.js'), 'utf8');
    const banner = `// tinyrnn device runtime for Espruino, built from ${RUNTIME_SOURCE} by targets/espruino/runtime-build.ts. Do not edit.`;
    const text = esmToEspruino(js, banner);
    assertEspruinoDialect(text, RUNTIME_DEVICE_FILE, { integerLiterals: true });
    return text;
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

/** The committed device runtime (what compile copies to the output folder). */
export function deviceRuntime(): string {
  return fs.readFileSync(path.join(packageRoot(), RUNTIME_DEVICE_FILE), 'utf8');
}
