// The c engine on an AVR board (core "avr": Arduino Uno, Nano, Mega 2560): memory from the C
// target's AVR board report (avr-gcc, avr-size, the stack of a step under simavr) and time per step
// from CPU cycles counted under simavr (Timer1 counts every cycle: exact for the simulated core,
// at the board's clock). Without avr-gcc or simavr there is no estimate, and the notes say why.
import { CGenResult } from '../../../targets/c/emit';
import { AvrBoardMemory, avrBoardMemory, avrStepCycles } from '../../../targets/c/avr-board';
import { avrToolStatus } from '../../../targets/c/avr';
import { EngineContext } from '../engine';
import { MemoryUse } from '../types';

/** Calibration steps timed under simavr. */
const AVR_STEPS = 8;

export function avrMemoryUse(m: AvrBoardMemory, gen: CGenResult): MemoryUse {
  return {
    ramBytes: m.ram.total,
    flashBytes: m.flash.total,
    ramLimit: m.ram.limit,
    flashLimit: m.flash.limit,
    source: `C target on ${m.name} (${m.how}); the application, C library and Arduino core are not included`,
    parts: [
      { name: 'model state (per stream)', kind: 'ram', bytes: m.ram.state },
      {
        name: m.ram.stack !== null ? 'stack of a step (measured under simavr)' : 'stack scratch of a step',
        kind: 'ram',
        bytes: m.ram.total - m.ram.static - m.ram.state,
      },
      { name: 'static RAM (.data + .bss: names, a regenerated reservoir)', kind: 'ram', bytes: m.ram.static },
      {
        name: `constants in flash (PROGMEM: ${gen.report.flash.weights} B weights, ${gen.report.flash.biases} biases, ${gen.report.flash.requant} requantisation, ${gen.report.flash.tables} tables, ${gen.report.flash.input} input stage)`,
        kind: 'flash',
        bytes: m.flash.constants,
      },
      { name: `code (avr-gcc -mmcu=${m.mcu} -Os)`, kind: 'flash', bytes: m.flash.code },
      { name: 'initial values of .data', kind: 'flash', bytes: m.flash.initialData },
    ],
  };
}

/** Memory and cycles per step of the model on an AVR board; null parts where the tools are missing. */
export async function avrCost(
  ctx: EngineContext,
  gen: CGenResult,
  root: string,
): Promise<{ memory: MemoryUse | null; cycles: number[] | null; notes: string[] }> {
  const tools = avrToolStatus();
  if (!tools.avrCc) return { memory: null, cycles: null, notes: [`no AVR measurement for ${ctx.board.name}: ${tools.missing.join('; ')}`] };
  const mem = await avrBoardMemory(gen, ctx.board);
  const memory = avrMemoryUse(mem, gen);
  if (ctx.measureTime === false) return { memory, cycles: null, notes: ['no time estimate: not requested'] };
  if (!tools.simavr) return { memory, cycles: null, notes: [`no time estimate: ${tools.missing.join('; ')}`] };
  if (mem.flash.total > mem.flash.limit || mem.ram.total > mem.ram.limit) return { memory, cycles: null, notes: [] };
  const F = ctx.model.inputSize;
  const samples = new Int32Array((AVR_STEPS + 1) * F);
  const have = ctx.sampleRaw && ctx.sampleRaw.length >= F ? ctx.sampleRaw : null;
  for (let i = 0; i < samples.length; i++) samples[i] = have ? have[i % have.length] : ctx.model.input.offset[i % F];
  const { cycles, mcu } = await avrStepCycles(gen, root, ctx.board, samples, AVR_STEPS);
  const note = `time per step: CPU cycles counted under simavr (${mcu}, Timer1 at the CPU clock) over ${AVR_STEPS} steps of the stream (${Math.min(...cycles)}..${Math.max(...cycles)} cycles; the slowest stands for every step) at ${ctx.board.clockMHz} MHz`;
  return { memory, cycles, notes: [note] };
}
