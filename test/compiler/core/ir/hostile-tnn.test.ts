// Hostile .tnn payloads (issue 18): valid container, CRC right, payload built to break the decoder
// or the code that trusts the decoded metadata. Every one must end in a coded TinyrnnError.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CborDecoder, CborEncoder } from '@jsonjoy.com/json-pack/lib/cbor';
import { JsonPackExtension } from '@jsonjoy.com/json-pack/lib/JsonPackExtension';
import { decodeQuantModel, decodeFloatModel, encodeFloatModel, HEADER_BYTES } from '../../../../compiler/core/ir/format';
import { scanCbor } from '../../../../compiler/core/ir/cbor-scan';
import { TinyrnnError } from '../../../../compiler/core/ir/errors';
import { container } from '../../../fuzz/tnn';
import { tinyModel } from '../../../helpers/models';

function diagOf(fn: () => unknown): { code: string; path: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof TinyrnnError) return e.diagnostics[0];
    throw new Error(`not a TinyrnnError: ${(e as Error).stack}`);
  }
  return { code: 'OK', path: '', message: '' };
}

const quantFile = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'vectors', 'lstm_h4', 'model.q.tnn'));
const quantPayload = new Uint8Array(quantFile).subarray(HEADER_BYTES);
const floatPayload = encodeFloatModel(tinyModel({ cell: 'lstm', hidden: 3 })).subarray(HEADER_BYTES);

/** The quantised golden model with one field replaced (or deleted when value is undefined). */
function quantWith(edit: (m: Record<string, any>) => void): Uint8Array {
  const m = new CborDecoder().decode(quantPayload) as Record<string, any>;
  edit(m);
  return container(2, new CborEncoder().encode(m).slice());
}

function hex(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));
}

describe('CBOR pre-scan', () => {
  test.each([
    ['an array head claiming 2^31 elements', 'a1 6166 9a 80000000 00'],
    ['an array head claiming 2^64-1 elements', 'a1 6166 9b ffffffffffffffff 00'],
    ['a map head claiming 2^40 entries', 'bb 0000010000000000 6166 00'],
    ['a byte string longer than the payload', 'a1 6166 5a 7fffffff 00'],
    ['an integer beyond 2^53 (decodes as BigInt)', 'a1 6166 1b 0020000000000001'],
    ['a NaN', 'a1 6166 fb 7ff8000000000000'],
    ['an Infinity in half precision', 'a1 6166 f9 7c00'],
    ['an indefinite-length array', 'a1 6166 9f 00 ff'],
    ['a map key that is not text', 'a1 01 00'],
    ['nesting 100 levels deep', 'a1 6166 ' + '81'.repeat(100) + '00'],
    ['trailing bytes after the top item', 'a1 6166 00 00'],
    ['a simple value', 'a1 6166 f0'],
  ])('%s is TNN005 before anything is allocated', (_, bytes) => {
    const d = diagOf(() => decodeFloatModel(container(1, hex(bytes))));
    expect(d.code).toBe('TNN005');
    expect(d.message).toMatch(/at byte \d+/);
  });

  test('visits each item once: the work is bounded by the payload length', () => {
    expect(scanCbor(quantPayload)).toBeLessThanOrEqual(quantPayload.length);
    expect(scanCbor(floatPayload)).toBeLessThanOrEqual(floatPayload.length);
    const flat = hex('9a 00010000' + '00'.repeat(65536));
    expect(scanCbor(flat)).toBe(65537);
  });
});

describe('metadata and documentation scales of the wrong type', () => {
  test.each([
    ['meta.labels', (m: any) => (m.meta.labels = [1, 2, 3])],
    ['meta.labels', (m: any) => (m.meta.labels = 'abc')],
    ['meta.name', (m: any) => (m.meta.name = 42)],
    ['meta.features', (m: any) => (m.meta.features = [7])],
    ['meta.sampleRate', (m: any) => (m.meta.sampleRate = 'fast')],
    ['meta.extra', (m: any) => (m.meta.extra = { a: 1 })],
    ['doc.outputScale', (m: any) => (m.doc.outputScale = 'x')],
    ['doc.outputZp', (m: any) => (m.doc.outputZp = 0.5)],
    ['doc.inputScale', (m: any) => (m.doc.inputScale = [1])],
    ['doc.layers', (m: any) => (m.doc.layers = {})],
    ['doc.layers[0].outScale', (m: any) => (m.doc.layers[0].outScale = -1)],
    ['doc.calibration', (m: any) => (m.doc.calibration = 3)],
  ])('%s: TNN113 at its path', (where, edit) => {
    const d = diagOf(() => decodeQuantModel(quantWith(edit)));
    expect(d).toMatchObject({ code: 'TNN113', path: where });
  });

  test('the untouched golden model still loads', () => {
    expect(diagOf(() => decodeQuantModel(quantWith(() => undefined))).code).toBe('OK');
  });
});

describe('input stage bound: |offset| <= 2^30 - 1, so r - offset fits int32 for every |r| <= 2^30', () => {
  const withOffset = (v: number): Uint8Array =>
    quantWith((m) => {
      const off = new Int32Array(m.inputSize).fill(v);
      m.input.offset = new JsonPackExtension(78, new Uint8Array(off.buffer));
    });
  test.each([2 ** 30, -(2 ** 30)])('offset %d is refused (TNN207)', (v) => {
    expect(diagOf(() => decodeQuantModel(withOffset(v)))).toMatchObject({ code: 'TNN207', path: 'input.offset[0]' });
  });
  test.each([2 ** 30 - 1, -(2 ** 30 - 1)])('offset %d loads', (v) => {
    expect(diagOf(() => decodeQuantModel(withOffset(v))).code).toBe('OK');
  });
});
