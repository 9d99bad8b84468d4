// Damaged files never crash the importer: every truncation and a seeded sample of bit flips of
// a valid model either import (a flip that lands in a weight value) or fail with a TinyrnnError
// that has a code and a place, never a TypeError/RangeError from deep inside.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { importOnnx } from '../../../compiler/import/onnx/import';
import { TinyrnnError } from '../../../compiler/core/ir/errors';
import { Rng } from '../../../compiler/core/util/rng';
import { TESTDATA } from '../../helpers/torch';

const bytes = new Uint8Array(fs.readFileSync(path.join(TESTDATA, 'torch', 'rnn_tanh_h8.dyn.onnx')));

function outcome(b: Uint8Array): string {
  try {
    importOnnx(b);
    return 'ok';
  } catch (e) {
    if (!(e instanceof TinyrnnError)) throw new Error(`not a TinyrnnError: ${(e as Error).stack}`);
    expect(e.code).toMatch(/^(ONNX0\d\d|TNN1\d\d)$/);
    return e.code;
  }
}

test('every truncation fails with a diagnostic', () => {
  const codes = new Map<string, number>();
  for (let n = 0; n < bytes.length; n++) {
    const c = outcome(bytes.subarray(0, n));
    expect(c).not.toBe('ok');
    codes.set(c, (codes.get(c) ?? 0) + 1);
  }
  expect(codes.get('ONNX001')).toBeGreaterThan(0);
});

test('600 seeded single-bit flips: imported or refused with a code, never a crash', () => {
  const rng = new Rng(2024);
  let refused = 0;
  for (let k = 0; k < 600; k++) {
    const b = bytes.slice();
    const i = rng.int(b.length);
    b[i] ^= 1 << rng.int(8);
    if (outcome(b) !== 'ok') refused++;
  }
  expect(refused).toBeGreaterThan(0);
});
