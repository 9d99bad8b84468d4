// The demo's C stage: emit C for the model the demo trained and quantised, report its size, and
// (where gcc is installed) build it on the host and check it against the reference kernels.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DemoStage } from './stage';
import { loadQuantModel } from '../../compiler/core/ir/format';
import { Rng } from '../../compiler/core/util/rng';
import { createQuantState, rawInput, stepQuant } from '../../compiler/core/reference';
import { generateC } from '../../targets/c/emit';
import { addCodeSizes, writeGenerated } from '../../targets/c/target';
import { buildHost, runProgram, toolStatus } from '../../targets/c/toolchain';

export const cDemoStage: DemoStage = {
  title: 'C: emit fixed-point C for the quantised model, report flash/RAM, check it on the host against the reference',
  async run(ctx) {
    const qfile = ctx.files.quantised;
    if (!qfile) {
      ctx.io.out('  skipped: no quantised model from an earlier stage');
      return;
    }
    const q = loadQuantModel(qfile);
    const dir = path.join(ctx.dir, 'c');
    const gen = generateC(q, { layout: 'plain' });
    writeGenerated(dir, gen);
    ctx.files.c = dir;
    await addCodeSizes(gen.report, gen, dir);
    const r = gen.report;
    const code = Object.entries(r.flash.code)
      .map(([k, c]) => (c ? `${c.bytes} bytes of code (${k})` : `code not measured (${k}: arm-none-eabi-gcc missing)`))
      .join(', ');
    ctx.io.out(`  wrote ${gen.files.length} files to ${path.relative(ctx.io.cwd, dir)} (prefix ${gen.view.prefix})`);
    ctx.io.out(`  flash: ${r.flash.data} bytes of weights/biases/requantisation/tables + ${r.flash.descriptors + r.flash.names} bytes of names; ${code}`);
    ctx.io.out(`  RAM: ${r.ram.state} bytes of state per stream + ${r.ram.scratch} bytes of stack; ${r.macsPerStep} multiply-adds per step`);
    if (!toolStatus().hostCc || !gen.view.streaming) {
      ctx.io.out(`  host check skipped (${!gen.view.streaming ? 'model does not stream' : 'gcc not installed'})`);
      return;
    }
    // One seeded sequence through the generated C and through the reference: every output equal?
    const rng = new Rng(11);
    const T = 40;
    const raw = Array.from({ length: T }, () =>
      rawInput(
        q,
        Array.from({ length: q.inputSize }, () => rng.normal()),
      ),
    );
    const st = createQuantState(q);
    const want = raw.map((x) => Array.from(stepQuant(q, st, x)));
    const P = gen.view.prefix;
    const drv = path.join(dir, 'demo_check.c');
    fs.writeFileSync(
      drv,
      [
        '#include <stdio.h>',
        `#include "${P}.h"`,
        `static const int32_t raw[${T}][${q.inputSize}] = {${raw.map((x) => `{${x.join(', ')}}`).join(', ')}};`,
        `static ${P}_state_t st;`,
        'int main(void) {',
        '  int32_t t, i;',
        `  ${P}_reset(&st);`,
        `  for (t = 0; t < ${T}; t++) {`,
        `    const ${P}_output_t *y = ${P}_step(&st, raw[t]);`,
        `    for (i = 0; i < ${P.toUpperCase()}_OUTPUT_SIZE; i++) printf("%ld ", (long)y[i]);`,
        '    printf("\\n");',
        '  }',
        '  return 0;',
        '}',
        '',
      ].join('\n'),
    );
    const exe = await buildHost({ sources: [drv, path.join(dir, gen.source)], includeDirs: [dir], out: path.join(dir, 'demo_check'), opt: '-O2' });
    const run = await runProgram(exe, []);
    const got = run.stdout
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/).map(Number));
    const same = run.code === 0 && got.length === T && got.every((row, t) => row.length === want[t].length && row.every((v, i) => v === want[t][i]));
    ctx.io.out(`  host gcc -O2 build, ${T} streamed steps: outputs ${same ? 'identical to the reference, bit for bit' : 'DIFFERENT from the reference'}`);
    fs.rmSync(exe, { force: true });
    if (!same) throw new Error('the generated C disagrees with the reference kernels');
  },
};
