// A board profile that is not an object, or whose espruino section is not one, is BOARD100 with
// the path; the profiles shipped with tinyrnn have no problems.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { boardProblems } from '../../../targets/boards';

describe('board profile shape', () => {
  const dir = path.resolve(__dirname, '../../../targets/boards');
  const puck = JSON.parse(fs.readFileSync(path.join(dir, 'puckjs.json'), 'utf8')) as Record<string, unknown>;

  test('BOARD100: not an object, or an espruino section that is not one', () => {
    expect(boardProblems(42)).toEqual([expect.objectContaining({ code: 'BOARD100', path: '', expected: 'a JSON object' })]);
    expect(boardProblems([puck])).toEqual([expect.objectContaining({ code: 'BOARD100' })]);
    expect(boardProblems({ ...puck, espruino: 'PUCKJS' })).toEqual([expect.objectContaining({ code: 'BOARD100', path: 'espruino' })]);
  });

  test('every shipped profile is clean', () => {
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.json')))
      expect([f, boardProblems(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')))]).toEqual([f, []]);
  });
});
