// Writing outputs as a unit: the files of one build (or a trained model and its checkpoint) all
// replace their previous versions, or none does. Every file is first written in full to a
// temporary file beside its destination (same folder, so the final rename stays on one file
// system) and flushed; only then are the previous files set aside and the new ones renamed in.
// A failure at any point (a full disk while staging, a read-only folder at the rename) removes
// what was staged and puts the set-aside files back, so the destination holds the old unit whole,
// never a mix. The user's other files in the same folders are never touched.
//
// All file-system calls go through `writeFs`, which tests replace to inject ENOSPC or EROFS (CI
// runs as root, where chmod stops no write).

import * as nodeFs from 'node:fs';
import * as path from 'node:path';
import { TinyrnnError } from './errors';

export type WriteFs = Pick<typeof nodeFs, 'openSync' | 'writeSync' | 'fsyncSync' | 'closeSync' | 'renameSync' | 'rmSync' | 'mkdirSync' | 'existsSync'>;

let writeFs: WriteFs = nodeFs;

/** Runs fn with the write layer replaced (tests: injected file-system errors); restores it after. */
export async function withWriteFs<T>(fs: WriteFs, fn: () => T | Promise<T>): Promise<T> {
  const saved = writeFs;
  writeFs = fs;
  try {
    return await fn();
  } finally {
    writeFs = saved;
  }
}

export interface UnitFile {
  file: string;
  data: Uint8Array | string;
}

function sibling(file: string, tag: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2)}.${tag}`);
}

function stage(f: UnitFile): string {
  const tmp = sibling(f.file, 'tmp');
  writeFs.mkdirSync(path.dirname(f.file), { recursive: true });
  const fd = writeFs.openSync(tmp, 'w');
  try {
    if (typeof f.data === 'string') writeFs.writeSync(fd, f.data);
    else writeFs.writeSync(fd, f.data);
    writeFs.fsyncSync(fd);
  } catch (e) {
    quietly(() => writeFs.closeSync(fd));
    quietly(() => writeFs.rmSync(tmp, { force: true }));
    throw e;
  }
  writeFs.closeSync(fd);
  return tmp;
}

function quietly(fn: () => void): void {
  try {
    fn();
  } catch {
    /* best effort: the error that matters is already being reported */
  }
}

/**
 * Replaces `files` (absolute or relative to cwd) and deletes `remove` (the previous unit's files
 * that the new one no longer has) as one unit. Throws TNN008 naming the file that failed.
 */
export function writeUnit(files: readonly UnitFile[], remove: readonly string[] = []): void {
  const abs = files.map((f) => ({ file: path.resolve(f.file), data: f.data }));
  const staged: string[] = [];
  const setAside: [string, string][] = []; // [destination, where it waits]
  const placed: string[] = [];
  let current = abs[0]?.file ?? '';
  try {
    for (const f of abs) {
      current = f.file;
      staged.push(stage(f));
    }
    for (const dest of [...abs.map((f) => f.file), ...remove.map((r) => path.resolve(r))]) {
      current = dest;
      if (!writeFs.existsSync(dest)) continue;
      const aside = sibling(dest, 'old');
      writeFs.renameSync(dest, aside);
      setAside.push([dest, aside]);
    }
    abs.forEach((f, i) => {
      current = f.file;
      writeFs.renameSync(staged[i], f.file);
      placed.push(f.file);
    });
  } catch (e) {
    for (const p of [...placed, ...staged]) quietly(() => writeFs.rmSync(p, { force: true }));
    for (const [dest, aside] of setAside.reverse()) quietly(() => writeFs.renameSync(aside, dest));
    throw new TinyrnnError({ code: 'TNN008', path: '', message: `cannot write: ${(e as Error).message}` }, current);
  }
  for (const [, aside] of setAside) quietly(() => writeFs.rmSync(aside, { force: true }));
}

/** The relative paths a build's manifest lists (`files`: names, or objects with `local`); [] when absent or unreadable. */
export function manifestFiles(outDir: string, manifestName: string): string[] {
  let doc: unknown;
  try {
    doc = JSON.parse(nodeFs.readFileSync(path.join(outDir, manifestName), 'utf8'));
  } catch {
    return [];
  }
  const list = (doc as { files?: unknown }).files;
  if (!Array.isArray(list)) return [];
  const names = list.map((f) => (typeof f === 'string' ? f : (f as { local?: unknown })?.local));
  // a manifest is data from disk: only plain relative paths inside outDir count
  return names.filter((n): n is string => typeof n === 'string' && n !== '' && !path.isAbsolute(n) && !n.split(/[\\/]/).includes('..'));
}

/** Writes a build folder's files and manifest as a unit, removing the previous build's files it no longer has. */
export function writeBuildUnit(
  outDir: string,
  files: readonly { path: string; data: Uint8Array | string }[],
  manifestName: string,
  manifest: string,
): string[] {
  const names = [...files.map((f) => f.path), manifestName];
  const stale = manifestFiles(outDir, manifestName).filter((n) => !names.includes(n));
  const unit = [
    ...files.map((f) => ({ file: path.join(outDir, ...f.path.split('/')), data: f.data })),
    { file: path.join(outDir, manifestName), data: manifest },
  ];
  writeUnit(
    unit,
    stale.map((n) => path.join(outDir, n)),
  );
  return names;
}
