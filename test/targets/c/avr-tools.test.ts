// Without avr-gcc, the AVR memory report cannot be measured: AVR004 names the board and what to
// install (TINYRNN_HIDE_TOOLS=avr stands for a machine without the AVR toolchain).
import { TinyrnnError } from '../../../compiler/core/ir/errors';
import { findBoard } from '../../../targets/boards';
import { generateC } from '../../../targets/c/emit';
import { avrBoardMemory } from '../../../targets/c/avr-board';
import { gestureQuantModel } from '../../../bench/espruino/models';

test('AVR004: the AVR toolchain is missing', async () => {
  const saved = process.env.TINYRNN_HIDE_TOOLS;
  process.env.TINYRNN_HIDE_TOOLS = 'avr';
  try {
    const e = await avrBoardMemory(generateC(gestureQuantModel('gru', 4)), findBoard('uno')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TinyrnnError);
    expect((e as TinyrnnError).diagnostics[0]).toMatchObject({ code: 'AVR004', path: '--board' });
    expect((e as Error).message).toMatch(
      /cannot measure the model for Arduino Uno \(ATmega328P, C\): avr-gcc\/avr-libc \(apt-get install gcc-avr avr-libc binutils-avr\)/,
    );
  } finally {
    if (saved === undefined) delete process.env.TINYRNN_HIDE_TOOLS;
    else process.env.TINYRNN_HIDE_TOOLS = saved;
  }
});
