// The Espruino emitter's refusals: an array larger than an Espruino ArrayBuffer may be (ESP201)
// and a module name that is not a usable Storage file name (ESP202).
import { MAX_BUFFER_BYTES, packSections } from '../../../targets/espruino/emit';
import { buildEspruino } from '../../../targets/espruino/target';
import { gestureQuantModel } from '../../../bench/espruino/models';
import { codePathOf } from '../../helpers/errors';

describe('Espruino emitter refusals', () => {
  test('ESP201: one array beyond 2^24 - 1 bytes', () => {
    expect(codePathOf(() => packSections([{ name: 'L0.wx', type: 'Int8Array', data: new Int8Array(MAX_BUFFER_BYTES + 1) }]))).toBe('ESP201 L0.wx');
    expect(codePathOf(() => packSections([{ name: 'L0.wx', type: 'Int8Array', data: new Int8Array(70000) }]))).toBe('no error');
  });

  test('ESP202: module names that Storage cannot hold', () => {
    const m = gestureQuantModel('elman', 4);
    for (const name of ['Gestures', 'gest-ures', 'a_name_longer_than_24_chars', '9lives', ''])
      expect([name, codePathOf(() => buildEspruino(m, { board: 'PUCKJS', name }))]).toEqual([name, 'ESP202 --name']);
    expect(codePathOf(() => buildEspruino(m, { board: 'PUCKJS', name: 'gest_2' }))).toBe('no error');
  });
});
