// `tinyrnn demo`: the main job, end to end on built-in data, saying what each stage did.
// Each capability of the pipeline adds its stage in compiler/demo/stages.ts.
import * as path from 'node:path';
import { Command, str } from '../command';
import { DEMO_STAGES, DemoContext } from '../../demo/stages';
import { writeDemoIndex } from '../../demo/index-page';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'run the whole pipeline on built-in data and say what each stage did',
  usage: 'tinyrnn demo [--out DIR]',
  options: { out: { type: 'string', short: 'o', arg: 'DIR', help: 'where the demo writes its files (default out/demo)' } },
  positionals: [0, 0],
  examples: ['tinyrnn demo', 'npm run demo'],
  async run(values, _pos, io) {
    const dir = path.resolve(io.cwd, str(values, 'out') ?? path.join('out', 'demo'));
    const ctx: DemoContext = { dir, io, files: {} };
    io.out(`tinyrnn demo: writing to ${path.relative(io.cwd, dir) || '.'}`);
    for (const [i, stage] of DEMO_STAGES.entries()) {
      io.out(`\n[${i + 1}/${DEMO_STAGES.length}] ${stage.title}`);
      const t0 = Date.now();
      await stage.run(ctx);
      io.out(`  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    }
    const index = writeDemoIndex(ctx);
    io.out(
      '\ndemo finished: ' +
        Object.entries(ctx.files)
          .map(([k, f]) => `${k} ${path.relative(io.cwd, f)}`)
          .join(', '),
    );
    io.out(`\nopen ${path.relative(io.cwd, index)} in a browser: every stage's report with its headline figures`);
    return 0;
  },
};
