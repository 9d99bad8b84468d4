// `tinyrnn compile MODEL.q.tnn --target c --out DIR [--prefix NAME] [--layout plain|arduino|platformio] [--board NAME] [--json]`:
// the command-line adapter of the C target (targets/c). With --board (an AVR board: uno, nano,
// mega2560) the report says what goes into that board's flash and RAM (avr-gcc, avr-size, the
// stack of a step under simavr), and a model that does not fit is refused before anything is written.
import { Target } from './target';
import { UsageError, choice, str } from '../command';
import { loadQuantModel } from '../../../compiler/core/ir/format';
import { BoardProfile, findBoard, listBoards } from '../../../targets/boards';
import { C_LAYOUTS, CLayout, generateC } from '../../../targets/c/emit';
import { addCodeSizes, formatReport, writeGenerated } from '../../../targets/c/target';
import { avrBoardMemory, checkAvrFits, formatAvrMemory } from '../../../targets/c/avr-board';

/** The --board of the C target: an AVR board profile. */
function avrBoard(name: string): BoardProfile {
  const b = findBoard(name);
  if (b.core !== 'avr') {
    const avr = listBoards().filter((x) => x.core === 'avr');
    throw new UsageError(`--board with --target c applies to the AVR boards (${avr.map((x) => x.id).join(', ')}); ${b.name} is a ${b.core}`);
  }
  return b;
}

export const cTarget: Target = {
  name: 'c',
  summary: 'C99 fixed-point code for any microcontroller (SIMD on Cortex-M with DSP; constants in flash on AVR), with a memory report',
  options: {
    prefix: { type: 'string', arg: 'NAME', help: 'prefix of every generated symbol and file name (default: from the model name)' },
    layout: {
      type: 'string',
      arg: 'KIND',
      help: 'plain (sources, header, Make/CMake snippets, README), arduino (library folder) or platformio (library.json)',
    },
    board: {
      type: 'string',
      arg: 'NAME',
      help: 'AVR board (uno, nano, mega2560): flash and RAM on it (avr-size, simavr), refused when the model does not fit',
    },
  },
  async compile(modelFile, outDir, values) {
    const m = loadQuantModel(modelFile);
    const layout: CLayout = choice(values, 'layout', C_LAYOUTS) ?? 'plain';
    const prefix = str(values, 'prefix');
    const boardName = str(values, 'board');
    const board = boardName !== undefined ? avrBoard(boardName) : null;
    const gen = generateC(m, { prefix, layout });
    const mem = board ? await avrBoardMemory(gen, board) : null;
    if (mem) checkAvrFits(mem);
    const files = writeGenerated(outDir, gen);
    await addCodeSizes(gen.report, gen, outDir);
    if (mem) gen.report.board = mem;
    return { files, report: gen.report, text: formatReport(gen.report) + (mem ? '\n' + formatAvrMemory(mem) : '') };
  },
};
