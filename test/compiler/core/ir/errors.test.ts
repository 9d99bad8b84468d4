// Diagnostics: an error raised without any diagnostic still has a code (TNN000, internal), and a
// diagnostic prints its place, what was found, what was expected and the hint.
import { TinyrnnError, formatDiagnostic } from '../../../../compiler/core/ir/errors';
import { DIAGNOSTIC_CODES } from '../../../../compiler/core/ir/codes';

test('TNN000: an error raised without a diagnostic still has a code', () => {
  const e = new TinyrnnError([]);
  expect(e.code).toBe('TNN000');
  expect(DIAGNOSTIC_CODES.TNN000).toMatch(/internal/);
});

test('a diagnostic names the place, the value, what was expected and the hint', () => {
  const text = formatDiagnostic(
    { code: 'DATA003', path: 'x', message: 'row has 2 columns', line: 17, expected: '5 (seq, label, ax, ay, az)', hint: 'check the separator' },
    'walk.csv',
  );
  expect(text).toBe('walk.csv:17: error DATA003: x: row has 2 columns, expected 5 (seq, label, ax, ay, az)\n  hint: check the separator');
});
