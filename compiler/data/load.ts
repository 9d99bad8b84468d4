// One entry point for every command that takes --data: a file (JSON or CSV) or builtin:NAME[?options].
import * as path from 'node:path';
import { Dataset, loadDataFile } from './dataset';
import { builtinDataset } from './builtin';

export const BUILTIN_PREFIX = 'builtin:';

/** Loads data from "FILE" (JSON/CSV, relative to cwd) or "builtin:NAME[?key=value&...]". */
export function loadData(spec: string, cwd = process.cwd()): Dataset {
  if (spec.startsWith(BUILTIN_PREFIX)) return builtinDataset(spec.slice(BUILTIN_PREFIX.length));
  return loadDataFile(path.resolve(cwd, spec));
}
