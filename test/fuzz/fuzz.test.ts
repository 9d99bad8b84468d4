// The fuzzers' share of `npm test` (issue 18): a few thousand seeded inputs per format through the
// loaders and the passes after them, in-process, and every input a fuzz run ever found failing
// (test/fuzz/corpus, named FORMAT-OUTCOME-sSEED-iINDEX) replayed. Each must load or end in a coded
// error; none may be uncoded or "bad" (loaded with a non-finite value, or printed NaN/undefined).
// Hangs are found by work, not by time: the ONNX importer and the data loaders count theirs (bytes,
// nodes, edges, elements visited or allocated) and no input may cost more than WORK_PER_BYTE per
// byte; the .tnn pre-scan visits at most one item per payload byte.
// The long run with deaths, hangs and peak memory is `npm run fuzz -- --minutes N`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CborScanError, scanCbor } from '../../compiler/core/ir/cbor-scan';
import { HEADER_BYTES } from '../../compiler/core/ir/format';
import { DEFAULT_DATA_LIMITS } from '../../compiler/data/dataset';
import { WorkMeter } from '../../compiler/core/util/work';
import { jsonBulk } from './data';
import { fuzzInput, loadSeeds } from './inputs';
import { onnxBulk } from './onnx';
import { FORMATS, Format, runInput } from './target';

const PER_FORMAT = 1500;
const CORPUS = path.join(__dirname, 'corpus');

/** The most work an input of `size` bytes may cost: linear, plus for data the class names a largest class index allocates. */
const WORK_PER_BYTE = 4;
function workBound(format: Format, size: number): number {
  return WORK_PER_BYTE * size + (format === 'json' || format === 'csv' ? DEFAULT_DATA_LIMITS.maxClasses : 0);
}

/** Runs an input: its outcome, and what is wrong with it (uncoded or bad, or more work than its size allows), if anything. */
function check(format: Format, bytes: Uint8Array): { kind: string; problem?: string } {
  const work = new WorkMeter();
  const o = runInput(format, bytes, work);
  if (o.kind !== 'accepted' && o.kind !== 'coded') return { kind: o.kind, problem: `${o.kind} ${o.key}` };
  if (format !== 'tnn' && work.count > workBound(format, bytes.length)) return { kind: o.kind, problem: `work ${work.count} for ${bytes.length} bytes` };
  return { kind: o.kind };
}

describe.each(FORMATS)('%s', (format) => {
  test(`${PER_FORMAT} seeded inputs: loaded or a coded error, with work linear in the size`, () => {
    const seeds = loadSeeds();
    const failures: string[] = [];
    const kinds = new Map<string, number>();
    for (let i = 0; i < PER_FORMAT; i++) {
      const input = fuzzInput(seeds, 18, i, [format]);
      const { kind, problem } = check(format, input.bytes);
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      if (problem) failures.push(`input ${i}: ${problem}`);
    }
    expect(failures).toEqual([]);
    // the mutations must both reach the loaders' refusals and leave some inputs loadable
    expect(kinds.get('coded')).toBeGreaterThan(0);
    expect(kinds.get('accepted')).toBeGreaterThan(0);
  });
});

// Hangs are detected by work, not by time: the CBOR pre-scan counts the items it visits, at most
// one per payload byte, and stops the decoder from being handed anything it would allocate for.
test(`${PER_FORMAT} seeded .tnn inputs: the pre-scan visits at most one item per payload byte`, () => {
  const seeds = loadSeeds();
  let scanned = 0;
  for (let i = 0; i < PER_FORMAT; i++) {
    const payload = fuzzInput(seeds, 18, i, ['tnn']).bytes.subarray(HEADER_BYTES);
    let items: number;
    try {
      items = scanCbor(payload);
    } catch (e) {
      if (e instanceof CborScanError) continue;
      throw e;
    }
    scanned++;
    expect(items).toBeLessThanOrEqual(payload.length);
  }
  expect(scanned).toBeGreaterThan(0);
});

test('every committed regression input loads or ends in a coded error, with work linear in the size', () => {
  const files = fs.readdirSync(CORPUS).sort();
  expect(files.length).toBeGreaterThan(0);
  const failures = files
    .map((f) => ({ f, c: check(path.extname(f).slice(1) as Format, new Uint8Array(fs.readFileSync(path.join(CORPUS, f)))) }))
    .filter(({ c }) => c.problem)
    .map(({ f, c }) => `${f}: ${c.problem}`);
  expect(failures).toEqual([]);
});

/** CSV whose size is the point: n sequences of one row, each with its own label. */
function csvBulk(n: number): string {
  return ['seq,label,f0', ...Array.from({ length: n }, (_, i) => `${i},c${i},0.5`)].join('\n');
}

// Large inputs, where a loop that is quadratic in the nodes, sequences or labels costs far more
// than the bound (one such loop, a copy of a node list per consumer, was found this way).
const BULK: [string, Format, Uint8Array][] = [
  ...onnxBulk(5000).map((b, k): [string, Format, Uint8Array] => [`onnx bulk ${k}`, 'onnx', b]),
  ...jsonBulk(20000).map((t, k): [string, Format, Uint8Array] => [`json bulk ${k}`, 'json', Buffer.from(t)]),
  ['csv bulk', 'csv', Buffer.from(csvBulk(20000))],
];
test.each(BULK)('%s: loaded or a coded error, with work linear in the size', (_, format, bytes) => {
  expect(check(format, bytes).problem).toBeUndefined();
});
