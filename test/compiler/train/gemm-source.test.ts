// The WebAssembly kernel ships as base64 (so installs need no assembler); this proves the base64
// is exactly what the committed source assembles to. CI installs wabt (.ci/run).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { GEMM_WASM_BASE64 } from '../../../compiler/train/gemm-wasm';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const haveWat2wasm = spawnSync('wat2wasm', ['--version']).status === 0;

test(haveWat2wasm ? 'gemm-wasm.ts is the assembly of gemm.wat' : 'wat2wasm missing: gemm-wasm.ts vs gemm.wat NOT checked', () => {
  if (!haveWat2wasm) {
    console.warn('wat2wasm (Debian package wabt) is not installed: the check that compiler/train/gemm-wasm.ts matches gemm.wat did not run');
    expect(process.env.CI).not.toBe('true');
    return;
  }
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wat-')), 'gemm.wasm');
  const r = spawnSync('wat2wasm', [path.join(ROOT, 'compiler', 'train', 'gemm.wat'), '-o', out], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(Buffer.from(GEMM_WASM_BASE64, 'base64').equals(fs.readFileSync(out))).toBe(true);
  fs.rmSync(path.dirname(out), { recursive: true });
});
