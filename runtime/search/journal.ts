// The search's journal: OUT/search-journal.jsonl, one JSON line per finished trial after a header
// line naming the search (settings, space, trial keys). A search that is interrupted (Ctrl-C,
// kill, power loss) resumes from it: finished trials are not run again, and since every trial is
// deterministic, the resumed search ends with the result of an uninterrupted one. Each line is
// appended and flushed to disk (fsync) before the trial counts as done; a torn last line (the
// process died mid-write) is ignored and its trial runs again.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TinyrnnError } from '../../compiler/core/ir/errors';
import type { TrialResult } from './trial';

export const JOURNAL_FILE = 'search-journal.jsonl';

export interface Journal {
  done: Map<number, TrialResult>;
  append(r: TrialResult): void;
}

function readLines(file: string): unknown[] {
  const out: unknown[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      break; // a torn last line
    }
  }
  return out;
}

/** Opens (or creates) the journal of the search described by `header` in `dir`. */
export function openJournal(dir: string, header: object): Journal {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, JOURNAL_FILE);
  const want = JSON.stringify({ journal: 'tinyrnn search', version: 1, ...header });
  const done = new Map<number, TrialResult>();
  if (fs.existsSync(file)) {
    const [head, ...rest] = readLines(file);
    if (JSON.stringify(head) !== want)
      throw new TinyrnnError({
        code: 'SRCH002',
        path: file,
        message: 'the journal in the output folder belongs to another search (other data, board, rate, seed, space or trials)',
        hint: 'give another --out folder, or delete the journal to start this search afresh',
      });
    for (const r of rest as TrialResult[]) done.set(r.index, r);
    // Rewrite without a torn tail, so appends start on a fresh line.
    writeAll(file, [want, ...[...done.values()].map((r) => JSON.stringify(r))]);
  } else writeAll(file, [want]);
  return {
    done,
    append(r) {
      const fd = fs.openSync(file, 'a');
      try {
        fs.writeSync(fd, JSON.stringify(r) + '\n');
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      done.set(r.index, r);
    },
  };
}

function writeAll(file: string, lines: string[]): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, lines.join('\n') + '\n');
  fs.renameSync(tmp, file);
}
