// Runs one fuzz input through the loader of its format and the passes that follow (inspect,
// save, code generation), and classifies what happened:
//   accepted  the input loaded and every pass printed finite numbers only
//   coded     a TinyrnnError (the wanted outcome for hostile input)
//   uncoded   any other exception (a bug: the key names its class and first message words)
//   bad       loaded, but a value that must be finite is not, or a pass printed NaN/undefined
// Process deaths and hangs are seen by the parent of the process that runs this (run.ts).

import { TinyrnnError } from '../../compiler/core/ir/errors';
import { WorkMeter } from '../../compiler/core/util/work';
import { decodeContainer, decodeFloatModel, decodeQuantModel, encodeFloatModel, encodeQuantModel } from '../../compiler/core/ir/format';
import { FloatModel } from '../../compiler/core/ir/model';
import { QuantModel } from '../../compiler/core/ir/quant-model';
import { Dataset, parseCsvData, parseJsonData } from '../../compiler/data/dataset';
import { importOnnx } from '../../compiler/import/onnx/import';
import { generateC } from '../../targets/c/emit';
import { generateModule } from '../../targets/espruino/generate';
import { findBoard } from '../../targets/boards';
import { summarizeFloatModel } from '../../bin/cli/commands/inspect';
import { inspectQuant } from '../../bin/cli/commands/quantize';

export const FORMATS = ['tnn', 'onnx', 'json', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

export interface Outcome {
  kind: 'accepted' | 'coded' | 'uncoded' | 'bad';
  /** For coded: the code; for uncoded/bad: what went wrong, short enough to count by. */
  key: string;
}

class Bad extends Error {}

/** Words a pass must not print: generated C may say "undefined behaviour" in its comments. */
function checkPrinted(text: string, where: string, words = /\b(NaN|undefined|Infinity)\b/): void {
  const m = words.exec(text);
  if (m) throw new Bad(`${where} printed ${m[1]}`);
}

function floatPasses(m: FloatModel): void {
  checkPrinted(JSON.stringify(summarizeFloatModel(m)) + m.meta.features.join(',') + (m.meta.labels ?? []).join(','), 'inspect');
  encodeFloatModel(m);
}

function quantPasses(q: QuantModel): void {
  checkPrinted(inspectQuant(q, 'fuzz.q.tnn', 0).text, 'inspect');
  encodeQuantModel(q);
  const c = generateC(q);
  for (const f of c.files) checkPrinted(f.text, `C ${f.path}`, /\b(NaN|Infinity)\b/);
  generateModule(q, { board: findBoard('PUCKJS'), weights: 'inline', moduleName: 'm' });
}

function checkDataset(d: Dataset): void {
  for (const a of [...d.x, ...(d.targets ?? [])])
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) throw new Bad('non-finite value after loading');
  const L = d.labels?.length ?? 0;
  for (const a of [d.y, ...(d.yStep ?? [])]) if (a) for (let i = 0; i < a.length; i++) if (!(a[i] >= 0 && a[i] < L)) throw new Bad('label index out of range');
}

function runOne(format: Format, bytes: Uint8Array, work: WorkMeter): void {
  if (format === 'tnn') {
    if (decodeContainer(bytes).kind === 'quant') quantPasses(decodeQuantModel(bytes, 'fuzz.tnn'));
    else floatPasses(decodeFloatModel(bytes, 'fuzz.tnn'));
  } else if (format === 'onnx') floatPasses(importOnnx(bytes, { work }).model);
  else {
    const text = Buffer.from(bytes).toString('utf8');
    checkDataset(format === 'json' ? parseJsonData(text, 'fuzz.json', work) : parseCsvData(text, 'fuzz.csv', undefined, undefined, work));
  }
}

/** Runs one input; the ONNX importer and the data loaders add their work to `work` (the .tnn loader's is its pre-scan's item count). */
export function runInput(format: Format, bytes: Uint8Array, work = new WorkMeter()): Outcome {
  try {
    runOne(format, bytes, work);
    return { kind: 'accepted', key: '' };
  } catch (e) {
    if (e instanceof Bad) return { kind: 'bad', key: e.message };
    if (e instanceof TinyrnnError) return { kind: 'coded', key: e.code };
    const err = e instanceof Error ? e : new Error(String(e));
    return { kind: 'uncoded', key: `${err.name}: ${err.message.split('\n')[0].slice(0, 60)}` };
  }
}
