// The simulator's model loader: a quantised model file (.q.tnn), validated by the shared format code.
import * as fs from 'node:fs';
import { loadQuantModel } from '../../compiler/core/ir/format';
import { QuantModel } from '../../compiler/core/ir/quant-model';

const cache = new Map<string, { mtimeMs: number; model: QuantModel }>();

/** Loads a .q.tnn file (cached per path and modification time: a fleet's workers share nothing, but one thread may load it often). */
export function loadSimModel(file: string): QuantModel {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return loadQuantModel(file); // reports the missing file the standard way
  }
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === st.mtimeMs) return hit.model;
  const model = loadQuantModel(file);
  cache.set(file, { mtimeMs: st.mtimeMs, model });
  return model;
}
