// simulate on an AVR board (Arduino Uno): the c engine checks the model against the Uno with the C
// target's AVR report (avr-size, the stack of a step under simavr) and times a step in CPU cycles
// counted under simavr, at 16 MHz; outputs stay exact against the reference; a model too big for
// the Uno is refused with the numbers.
import { TinyrnnError } from '../../../compiler/core/ir/errors';
import { simulate } from '../../../runtime/sim/simulate';
import { avrTest } from '../../targets/c/gate';
import { randomModelFile } from './fixtures';

avrTest(
  'simulate --board uno: memory from avr-size and the measured stack, time per step from simavr cycles at 16 MHz, parity exact',
  async () => {
    const file = randomModelFile('gru', 8);
    const r = await simulate({ modelFile: file, board: 'uno', engine: 'c', data: 'builtin:gestures?n=2&length=20', rateHz: 25 });
    expect(r.board.core).toBe('avr');
    expect(r.fits).toBe(true);
    expect(r.memory.ramLimit).toBe(2048);
    expect(r.memory.source).toMatch(/avr-gcc -mmcu=atmega328p -Os, avr-size -A .*stack measured under simavr/);
    expect(r.memory.parts.map((p) => p.name)).toEqual(expect.arrayContaining(['model state (per stream)', 'stack of a step (measured under simavr)']));
    const d = r.devices[0];
    expect(d.costSource).toBe('simavr-cycles');
    expect(d.cyclesPerStep!).toBeGreaterThan(20000); // an 8-bit core: tens of thousands of cycles for a GRU 8 step
    expect(d.timing!.stepMean).toBeCloseTo(d.cyclesPerStep! / 16e6, 6);
    expect(d.parity.mismatches).toBe(0);
    expect(r.notes.join('\n')).toMatch(/CPU cycles counted under simavr \(atmega328p/);
  },
  300000,
);

avrTest(
  'simulate --board uno refuses a model larger than its flash (SIM001, with the numbers)',
  async () => {
    const file = randomModelFile('lstm', 80); // 4 x 80 x 83 int8 weights + code: more than 32 KB
    let err: unknown = null;
    try {
      await simulate({ modelFile: file, board: 'uno', engine: 'c', data: 'builtin:gestures?n=1&length=8', rateHz: 25 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TinyrnnError);
    expect((err as TinyrnnError).diagnostics.map((x) => x.code)).toContain('SIM001');
    expect((err as TinyrnnError).message).toMatch(/of flash, Arduino Uno \(ATmega328P, C\) has 32768 B/);
  },
  300000,
);
