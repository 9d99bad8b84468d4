// The microcontroller profiles for the C target: they load through the shared board loader, cover
// the cores the acceptance names, and every current figure cites its datasheet.
import { findBoard, listBoards, boardProblems } from '../../../targets/boards';

const MCU_IDS = ['NRF52832', 'NRF52840', 'STM32F411', 'STM32L476', 'RP2040', 'SAMD21G18', 'ESP32_WROOM', 'MICROBIT_V1'];

describe('MCU board profiles', () => {
  test('all load and validate beside the Espruino boards', () => {
    const ids = listBoards().map((b) => b.id);
    for (const id of MCU_IDS) expect(ids).toContain(id);
    expect(ids).toContain('PUCKJS');
  });

  test('the families the simulator promises are present', () => {
    const byCore = (c: string) =>
      MCU_IDS.map((id) => findBoard(id))
        .filter((b) => b.core === c)
        .map((b) => b.id);
    expect(byCore('cortex-m0plus').length).toBeGreaterThanOrEqual(1);
    expect(byCore('cortex-m4f')).toEqual(expect.arrayContaining(['NRF52832', 'NRF52840', 'STM32F411', 'STM32L476']));
    expect(findBoard('esp32-wroom').core).toBe('xtensa-lx6');
    expect(findBoard('stm32f4').id).toBe('STM32F411');
    expect(findBoard('stm32l4').id).toBe('STM32L476');
    expect(findBoard('rp2040').ramBytes).toBe(264 * 1024);
  });

  test('every current figure (C and Espruino boards) has a supply voltage and a cited source', () => {
    const withCurrent = listBoards().filter((b) => b.activeCurrentmA !== undefined);
    expect(withCurrent.map((b) => b.id)).toEqual(expect.arrayContaining(['PUCKJS', 'BANGLEJS2', 'NRF52832', 'STM32F411', 'STM32L476']));
    for (const b of withCurrent) {
      expect(b.supplyV).toBeGreaterThan(0);
      expect(b.currentSource).toMatch(/datasheet|Product Specification/i);
      expect(b.currentSource).toMatch(/mA|uA\/MHz/);
    }
  });

  test('the new fields are validated', () => {
    const base = { ...findBoard('NRF52832') } as Record<string, unknown>;
    expect(boardProblems({ ...base, supplyV: -3 }).map((d) => d.code)).toEqual(['BOARD102']);
    expect(boardProblems({ ...base, currentSource: '' }).map((d) => d.path)).toEqual(['currentSource']);
    expect(boardProblems(base)).toEqual([]);
  });
});
