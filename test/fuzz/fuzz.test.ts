// The fuzzers' share of `npm test` (issue 18): a few thousand seeded inputs per format through the
// loaders and the passes after them, in-process, and every input a fuzz run ever found failing
// (test/fuzz/corpus, named FORMAT-OUTCOME-sSEED-iINDEX) replayed. Each must load or end in a coded
// error; none may be uncoded or "bad" (loaded with a non-finite value, or printed NaN/undefined).
// The long run with deaths, hangs and peak memory is `npm run fuzz -- --minutes N`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CborScanError, scanCbor } from '../../compiler/core/ir/cbor-scan';
import { HEADER_BYTES } from '../../compiler/core/ir/format';
import { fuzzInput, loadSeeds } from './inputs';
import { FORMATS, Format, runInput } from './target';

const PER_FORMAT = 1500;
const CORPUS = path.join(__dirname, 'corpus');

describe.each(FORMATS)('%s', (format) => {
  test(`${PER_FORMAT} seeded inputs: loaded or a coded error`, () => {
    const seeds = loadSeeds();
    const failures: string[] = [];
    const kinds = new Map<string, number>();
    for (let i = 0; i < PER_FORMAT; i++) {
      const input = fuzzInput(seeds, 18, i, [format]);
      const o = runInput(format, input.bytes);
      kinds.set(o.kind, (kinds.get(o.kind) ?? 0) + 1);
      if (o.kind !== 'accepted' && o.kind !== 'coded') failures.push(`input ${i}: ${o.kind} ${o.key}`);
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

test('every committed regression input loads or ends in a coded error', () => {
  const files = fs.readdirSync(CORPUS).sort();
  expect(files.length).toBeGreaterThan(0);
  const failures = files
    .map((f) => ({ f, o: runInput(path.extname(f).slice(1) as Format, new Uint8Array(fs.readFileSync(path.join(CORPUS, f)))) }))
    .filter(({ o }) => o.kind !== 'accepted' && o.kind !== 'coded')
    .map(({ f, o }) => `${f}: ${o.kind} ${o.key}`);
  expect(failures).toEqual([]);
});
