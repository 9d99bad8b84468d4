// One entry point for every command that takes --data: a file (JSON or CSV) or builtin:NAME[?options].
import * as path from 'node:path';
import { Dataset, loadDataFile } from './dataset';
import { builtinDataset } from './builtin';
import { withTask } from './task';

export const BUILTIN_PREFIX = 'builtin:';

/**
 * Loads data from "FILE" (JSON/CSV, relative to cwd) or "builtin:NAME[?key=value&...]", read as
 * the task its labels or targets point to (taskEvidence says why).
 */
export function loadData(spec: string, cwd = process.cwd()): Dataset {
  const raw = spec.startsWith(BUILTIN_PREFIX) ? builtinDataset(spec.slice(BUILTIN_PREFIX.length)) : loadDataFile(path.resolve(cwd, spec));
  return withTask(raw).data;
}
