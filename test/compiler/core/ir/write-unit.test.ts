// Outputs as a unit (issue 18): a build (or a trained model with its checkpoint) replaces the
// previous one whole, or leaves it whole. File-system errors are injected at the write layer
// (CI runs as root, where chmod stops no write): ENOSPC while staging, EROFS at the rename.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../../bin/cli/main';
import { Io } from '../../../../bin/cli/command';
import { TinyrnnError } from '../../../../compiler/core/ir/errors';
import { WriteFs, withWriteFs, writeBuildUnit, writeUnit } from '../../../../compiler/core/ir/write-unit';
import { C_MANIFEST } from '../../../../targets/c/target';

function errno(code: string): Error {
  return Object.assign(new Error(`${code}: injected`), { code });
}

/** The real fs, with `fail` thrown by the n-th call of `op` (1-based) on a path under `dir`. */
function faulty(op: 'writeSync' | 'renameSync', n: number, fail: string): WriteFs & { calls: number } {
  const f = { ...fs, calls: 0 } as WriteFs & { calls: number };
  const real = fs[op] as (...a: unknown[]) => unknown;
  (f as unknown as Record<string, unknown>)[op] = (...args: unknown[]) => {
    if (++f.calls === n) throw errno(fail);
    return real(...args);
  };
  return f;
}

/** Every file under dir (relative path -> content), temporary names included. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const p = path.join(e.parentPath, e.name);
    out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
  }
  return out;
}

function codeOf(e: unknown): string {
  if (e instanceof TinyrnnError) return e.code;
  throw e;
}

describe('writeBuildUnit', () => {
  let dir: string;
  const build = (names: string[], tag: string): void => {
    writeBuildUnit(
      dir,
      names.map((n) => ({ path: n, data: `${n} of ${tag}` })),
      'm.json',
      JSON.stringify({ files: names }),
    );
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unit-'));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'the user keeps this');
    build(['a.c', 'b.h', 'sub/c.c'], 'old');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a new build replaces the old one, removes its stale files, keeps the user files', () => {
    build(['a.c', 'd.h'], 'new');
    expect(snapshot(dir)).toEqual({ 'notes.txt': 'the user keeps this', 'a.c': 'a.c of new', 'd.h': 'd.h of new', 'm.json': '{"files":["a.c","d.h"]}' });
  });

  test.each([
    ['a full disk while staging the second file', faulty('writeSync', 2, 'ENOSPC'), 'ENOSPC'],
    ['a read-only folder at the first rename', faulty('renameSync', 1, 'EROFS'), 'EROFS'],
    ['a read-only folder after two files were moved in', faulty('renameSync', 6, 'EROFS'), 'EROFS'],
  ])('%s: TNN008, and the old build is whole with nothing of the new one', async (_, f, code) => {
    const before = snapshot(dir);
    const err = await withWriteFs(f, () => {
      try {
        build(['a.c', 'd.h', 'e.h'], 'new');
      } catch (e) {
        return e;
      }
      return undefined;
    });
    expect(codeOf(err)).toBe('TNN008');
    expect((err as Error).message).toContain(code);
    expect(snapshot(dir)).toEqual(before);
  });

  test('a manifest naming paths outside the folder removes nothing outside it', () => {
    const outside = path.join(dir, '..', `${path.basename(dir)}-keep.txt`);
    fs.writeFileSync(outside, 'x');
    try {
      fs.writeFileSync(path.join(dir, 'm.json'), JSON.stringify({ files: [`../${path.basename(outside)}`, path.resolve(outside)] }));
      build(['a.c'], 'new');
      expect(fs.existsSync(outside)).toBe(true);
    } finally {
      fs.rmSync(outside, { force: true });
    }
  });
});

test('a trained model and its checkpoint: both or neither', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unit-'));
  try {
    const model = path.join(dir, 'm.tnn');
    const ckpt = path.join(dir, 'ckpt', 'm.tnn.ckpt');
    writeUnit([
      { file: model, data: 'old model' },
      { file: ckpt, data: 'old checkpoint' },
    ]);
    const before = snapshot(dir);
    const err = await withWriteFs(faulty('renameSync', 3, 'EROFS'), () => {
      try {
        writeUnit([
          { file: model, data: 'new model' },
          { file: ckpt, data: 'new checkpoint' },
        ]);
      } catch (e) {
        return e;
      }
      return undefined;
    });
    expect(codeOf(err)).toBe('TNN008');
    expect(snapshot(dir)).toEqual(before);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('compile --target c into a folder that fills up part-way: the previous build stays whole', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unit-'));
  const io: Io = { out: () => undefined, err: () => undefined, isTTY: false, cwd: dir };
  const model = path.join(__dirname, '..', '..', '..', 'vectors', 'lstm_h4', 'model.q.tnn');
  const other = path.join(__dirname, '..', '..', '..', 'vectors', 'gru_after_h4', 'model.q.tnn');
  try {
    expect(await main(['compile', model, '--target', 'c', '--out', 'build', '--prefix', 'old'], io)).toBe(0);
    const before = snapshot(path.join(dir, 'build'));
    expect(Object.keys(before)).toContain(C_MANIFEST);
    const code = await withWriteFs(faulty('writeSync', 3, 'ENOSPC'), () => main(['compile', other, '--target', 'c', '--out', 'build', '--prefix', 'new'], io));
    expect(code).not.toBe(0);
    expect(snapshot(path.join(dir, 'build'))).toEqual(before);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
