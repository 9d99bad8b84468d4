import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import { CborEncoder } from '@jsonjoy.com/json-pack/lib/cbor';
import { decodeFloatModel, encodeContainer, encodeFloatModel, loadFloatModel, saveFloatModel, HEADER_BYTES } from '../../../../compiler/core/ir/format';
import { TinyrnnError } from '../../../../compiler/core/ir/errors';
import { tinyModel } from '../../../helpers/models';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof TinyrnnError) return e.code;
    throw new Error(`not a TinyrnnError: ${(e as Error).stack}`);
  }
  return 'OK';
}

describe('.tnn format', () => {
  const m = tinyModel({ cell: 'gru', hidden: 3 });
  const bytes = encodeFloatModel(m);

  /** A file with a valid header (length and checksum) around an arbitrary payload. */
  function withPayload(payload: Uint8Array): Uint8Array {
    const b = new Uint8Array(HEADER_BYTES + payload.length);
    b.set(bytes.subarray(0, HEADER_BYTES));
    const dv = new DataView(b.buffer);
    dv.setUint32(12, payload.length, true);
    dv.setUint32(16, crc32(payload), true);
    b.set(payload, HEADER_BYTES);
    return b;
  }

  test('round-trips exactly, typed arrays stay typed', () => {
    const back = decodeFloatModel(bytes);
    expect(back).toEqual(m);
    expect(back.layers[0].kind === 'gru' && back.layers[0].wx).toBeInstanceOf(Float32Array);
    expect(Buffer.from(encodeFloatModel(back)).equals(Buffer.from(bytes))).toBe(true);
  });

  test('truncation at every byte offset gives a clean error', () => {
    const seen = new Set<string>();
    for (let n = 0; n < bytes.length; n++) {
      const code = codeOf(() => decodeFloatModel(bytes.subarray(0, n)));
      expect(['TNN001', 'TNN002']).toContain(code);
      if (n >= 8) expect(code).toBe('TNN001');
      seen.add(code);
    }
    expect(seen).toEqual(new Set(['TNN001']));
  });

  test('every single-bit flip is caught (magic, header, checksum or payload)', () => {
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes.slice();
      b[i] ^= 1 << (i % 8);
      const code = codeOf(() => decodeFloatModel(b));
      expect(code).not.toBe('OK');
    }
  });

  test('wrong magic', () => {
    expect(codeOf(() => decodeFloatModel(new TextEncoder().encode('{"x": [[[1]]]} and more text here')))).toBe('TNN002');
  });

  test('newer format version', () => {
    const b = bytes.slice();
    new DataView(b.buffer).setUint16(8, 99, true);
    let msg = '';
    try {
      decodeFloatModel(b, 'new.tnn');
    } catch (e) {
      msg = (e as Error).message;
      expect((e as TinyrnnError).code).toBe('TNN003');
    }
    expect(msg).toMatch(/new\.tnn: error TNN003: .*version 99/);
  });

  test('checksum mismatch names both sums', () => {
    const b = bytes.slice();
    b[b.length - 1] ^= 0xff;
    expect(codeOf(() => decodeFloatModel(b))).toBe('TNN004');
  });

  test('trailing bytes', () => {
    const b = new Uint8Array(bytes.length + 3);
    b.set(bytes);
    expect(codeOf(() => decodeFloatModel(b))).toBe('TNN007');
  });

  test('a quantised model where a float one is needed', () => {
    expect(codeOf(() => decodeFloatModel(encodeContainer('quant', { format: 'quant' })))).toBe('TNN006');
  });

  test('undecodable CBOR with a valid checksum', () => {
    const payload = Uint8Array.from([0xbf, 0x61]); // indefinite map, then a truncated string
    expect(codeOf(() => decodeFloatModel(withPayload(payload)))).toBe('TNN005');
  });

  test('a shape-inconsistent model with a valid checksum is refused by validation', () => {
    const bad: any = tinyModel();
    bad.layers[0].wh = new Float32Array(5);
    const b = encodeContainer('float', bad);
    expect(codeOf(() => decodeFloatModel(b))).toBe('TNN106');
  });

  test('typed array of a ragged byte length is corrupt, not a crash', () => {
    const enc = new CborEncoder();
    const { JsonPackExtension } = require('@jsonjoy.com/json-pack/lib/JsonPackExtension');
    const payload = enc.encode({ format: 'float', w: new JsonPackExtension(85, new Uint8Array(5)) }).slice();
    expect(codeOf(() => decodeFloatModel(withPayload(payload)))).toBe('TNN005');
  });

  test('save is atomic and load reads it back; missing files are clean errors', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tnn-'));
    const f = path.join(dir, 'sub', 'm.tnn');
    saveFloatModel(f, m);
    expect(fs.readdirSync(path.dirname(f))).toEqual(['m.tnn']);
    expect(loadFloatModel(f)).toEqual(m);
    expect(codeOf(() => loadFloatModel(path.join(dir, 'nope.tnn')))).toBe('TNN008');
    // a failed write leaves the old file intact and no temporary behind
    const before = fs.readFileSync(f);
    expect(() => saveFloatModel(f, { ...m, inputSize: -1 } as any)).toThrow(TinyrnnError);
    expect(fs.readFileSync(f).equals(before)).toBe(true);
    expect(fs.readdirSync(path.dirname(f))).toEqual(['m.tnn']);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('typed arrays from another realm', () => {
  test('validate and encode accept Float32Arrays made in a vm context', () => {
    const vm = require('node:vm');
    const m: any = tinyModel();
    const foreign = vm.runInNewContext('new Float32Array(n)', { n: m.layers[0].bx.length });
    foreign.set(m.layers[0].bx);
    expect(foreign instanceof Float32Array).toBe(false);
    m.layers[0].bx = foreign;
    const back = decodeFloatModel(encodeFloatModel(m));
    expect(Array.from(back.layers[0].kind === 'lstm' ? back.layers[0].bx : [])).toEqual(Array.from(foreign));
  });
});

test('a model decodes the same from a Node Buffer that is a view into a larger pool (Buffer.from(base64))', () => {
  const bytes = encodeFloatModel(tinyModel());
  const pooled = Buffer.from(Buffer.from(bytes).toString('base64'), 'base64');
  expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.length);
  expect(encodeFloatModel(decodeFloatModel(pooled))).toEqual(bytes);
});
