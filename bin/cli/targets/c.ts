// `tinyrnn compile MODEL.q.tnn --target c --out DIR [--prefix NAME] [--layout plain|arduino|platformio] [--json]`:
// the command-line adapter of the C target (targets/c).
import { Target } from './target';
import { choice, str } from '../command';
import { loadQuantModel } from '../../../compiler/core/ir/format';
import { C_LAYOUTS, CLayout, generateC } from '../../../targets/c/emit';
import { addCodeSizes, formatReport, writeGenerated } from '../../../targets/c/target';

export const cTarget: Target = {
  name: 'c',
  summary: 'C99 fixed-point code for any microcontroller (SIMD on Cortex-M with DSP), with a memory report',
  options: {
    prefix: { type: 'string', arg: 'NAME', help: 'prefix of every generated symbol and file name (default: from the model name)' },
    layout: {
      type: 'string',
      arg: 'KIND',
      help: 'plain (sources, header, Make/CMake snippets, README), arduino (library folder) or platformio (library.json)',
    },
  },
  async compile(modelFile, outDir, values) {
    const m = loadQuantModel(modelFile);
    const layout: CLayout = choice(values, 'layout', C_LAYOUTS) ?? 'plain';
    const prefix = str(values, 'prefix');
    const gen = generateC(m, { prefix, layout });
    const files = writeGenerated(outDir, gen);
    await addCodeSizes(gen.report, gen, outDir);
    return { files, report: gen.report, text: formatReport(gen.report) };
  },
};
