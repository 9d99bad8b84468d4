// What a user without the real Espruino interpreters is told: ESP601 when they are not in the
// folder, ESP602 when they are there but cannot run on this machine. Each case loads the module
// afresh (it caches what it found).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TinyrnnError } from '../../../compiler/core/ir/errors';

function requireWith(dir: string): string {
  const saved = { dir: process.env.ESPRUINO_DIR, exec: process.env.TINYRNN_ESPRUINO_EXEC };
  process.env.ESPRUINO_DIR = dir;
  delete process.env.TINYRNN_ESPRUINO_EXEC;
  try {
    let code = 'no error';
    jest.isolateModules(() => {
      const { requireInterpreters } = jest.requireActual<typeof import('../../../runtime/espruino-real/interpreter')>(
        '../../../runtime/espruino-real/interpreter',
      );
      try {
        requireInterpreters();
      } catch (e) {
        code = e instanceof TinyrnnError || (e as { code?: string }).code ? `${(e as TinyrnnError).code}: ${(e as Error).message}` : String(e);
      }
    });
    return code;
  } finally {
    if (saved.dir === undefined) delete process.env.ESPRUINO_DIR;
    else process.env.ESPRUINO_DIR = saved.dir;
    if (saved.exec !== undefined) process.env.TINYRNN_ESPRUINO_EXEC = saved.exec;
  }
}

describe('the real interpreters are required', () => {
  test('ESP601: the folder does not hold them', () => {
    expect(requireWith(path.join(os.tmpdir(), 'tinyrnn-no-such-folder'))).toMatch(/^ESP601: .*no Espruino interpreter at .*espruino-puckjs.*set ESPRUINO_DIR/);
  });

  test('ESP602: files of the right names that do not run here', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-fake-espruino-'));
    try {
      for (const n of ['espruino-puckjs', 'espruino-banglejs2']) fs.writeFileSync(path.join(dir, n), 'not an executable\n', { mode: 0o755 });
      expect(requireWith(dir)).toMatch(/^ESP602: .*do not run natively nor under qemu-i386: apt-get install/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
