// Board profiles: every shipped profile is valid and matches the shared facts table; lookups by
// id, alias and firmware name; each validation code is reported with its path and value.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { boardProblems, findBoard, listBoards, expectedBlockSize } from '../../../targets/boards';
import { TinyrnnError } from '../../../compiler/core/ir/errors';

describe('board profiles', () => {
  test('the Espruino boards of the facts table, with its numbers', () => {
    const want: [string, string, number, number, number, number, number][] = [
      // id, chip, MHz, RAM KB, flash KB, variables, block
      ['PUCKJS', 'nRF52832', 64, 64, 512, 2630, 13],
      ['PIXLJS', 'nRF52832', 64, 64, 512, 2950, 13],
      ['MDBT42Q', 'nRF52832', 64, 64, 512, 2950, 13],
      ['BANGLEJS', 'nRF52832', 64, 64, 512, 2584, 13],
      ['BANGLEJS2', 'nRF52840', 64, 256, 1024, 12000, 14],
      ['PICO', 'STM32F401CD', 84, 96, 384, 5100, 13],
      ['ORIGINAL', 'STM32F103RCT6', 72, 48, 256, 2756, 13],
      ['WIFI', 'STM32F411CE', 100, 128, 512, 8190, 13],
    ];
    for (const [id, chip, mhz, ram, flash, vars, block] of want) {
      const b = findBoard(id, { espruino: true });
      expect([b.chip, b.clockMHz, b.ramBytes / 1024, b.flashBytes / 1024, b.espruino?.variables, b.espruino?.blockSize]).toEqual([
        chip,
        mhz,
        ram,
        flash,
        vars,
        block,
      ]);
    }
    expect(findBoard('BANGLEJS').espruino?.storageMapped).toBe(false);
    expect(findBoard('BANGLEJS2').espruino?.storageMapped).toBe(false);
    for (const id of ['PUCKJS', 'PIXLJS', 'MDBT42Q', 'PICO', 'ORIGINAL', 'WIFI']) expect(findBoard(id).espruino?.storageMapped).toBe(true);
  });

  test('every profile is valid', () => {
    const boards = listBoards();
    expect(boards.length).toBeGreaterThanOrEqual(8);
    for (const b of boards) expect(boardProblems(b)).toEqual([]);
  });

  test('lookup by alias and firmware BOARD name, case-insensitive', () => {
    expect(findBoard('puck').id).toBe('PUCKJS');
    expect(findBoard('Bangle.js 2').id).toBe('BANGLEJS2');
    expect(findBoard('pico_r1_3').id).toBe('PICO');
    expect(findBoard('espruinoboard').id).toBe('ORIGINAL');
  });

  test('unknown board: BOARD001 listing the known ones', () => {
    try {
      findBoard('arduino-uno');
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(TinyrnnError);
      const d = (e as TinyrnnError).diagnostics[0];
      expect(d.code).toBe('BOARD001');
      expect(d.expected).toContain('PUCKJS');
    }
  });

  test('block size follows the variable count', () => {
    expect([2047, 2048, 8191, 8192, 16383, 16384].map(expectedBlockSize)).toEqual([12, 13, 13, 14, 14, 16]);
  });

  test('each validation problem is reported with code, path and value (all at once)', () => {
    const good = JSON.parse(JSON.stringify(findBoard('PUCKJS')));
    const bad = {
      ...good,
      id: 'puck js',
      core: 'z80',
      clockMHz: -1,
      fpu: 'yes',
      sensors: 'acc',
      colour: 'red',
      espruino: { ...good.espruino, blockSize: 14, family: 'watch', accelerometer: { api: 'x', unitsPerG: 0, rateHz: [] } },
    };
    const p = boardProblems(bad);
    const byPath = Object.fromEntries(p.map((d) => [d.path, d.code]));
    expect(byPath).toEqual({
      id: 'BOARD101',
      core: 'BOARD105',
      clockMHz: 'BOARD102',
      fpu: 'BOARD103',
      sensors: 'BOARD104',
      colour: 'BOARD106',
      'espruino.blockSize': 'BOARD107',
      'espruino.family': 'BOARD105',
      'espruino.accelerometer.unitsPerG': 'BOARD102',
      'espruino.accelerometer.rateHz': 'BOARD104',
    });
    expect(p.find((d) => d.path === 'clockMHz')?.value).toBe(-1);
  });

  test('a plain microcontroller profile (no espruino section) is valid; duplicate names are refused', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-boards-'));
    try {
      const m0 = {
        id: 'RP2040',
        name: 'Raspberry Pi RP2040',
        aliases: ['pico-rp2040'],
        chip: 'RP2040',
        core: 'cortex-m0plus',
        clockMHz: 133,
        ramBytes: 264 * 1024,
        flashBytes: 2 * 1024 * 1024,
        fpu: false,
        dsp: false,
        sensors: [],
      };
      fs.writeFileSync(path.join(dir, 'rp2040.json'), JSON.stringify(m0));
      expect(listBoards(dir).map((b) => b.id)).toEqual(['RP2040']);
      fs.writeFileSync(path.join(dir, 'other.json'), JSON.stringify({ ...m0, id: 'OTHER', aliases: ['rp2040'] }));
      expect(() => listBoards(dir)).toThrow(/BOARD108/);
      fs.writeFileSync(path.join(dir, 'other.json'), '{ not json');
      expect(() => listBoards(dir)).toThrow(/BOARD002/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
