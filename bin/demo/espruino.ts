// The demo's Espruino stage: emits the Espruino build for the model the demo quantised (Puck.js
// build, the native kernel where this machine can build it, weights in Storage) and shows its estimated memory and time per step on Puck.js and
// Bangle.js 2, with the dialect check passed by every file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DemoStage } from './stage';
import { loadQuantModel } from '../../compiler/core/ir/format';
import { writeBuild } from '../../targets/espruino/target';
import { buildEspruinoDefault } from '../../targets/espruino/native/target';

export const espruinoDemoStage: DemoStage = {
  title: 'espruino: the module for Puck.js and Bangle.js 2 (native kernel where the board runs it), with memory and time estimates',
  async run(ctx) {
    const file = ctx.files.quantised;
    if (!file || !fs.existsSync(file)) {
      ctx.io.out('  skipped: no quantised model from an earlier stage');
      return;
    }
    const m = loadQuantModel(file);
    for (const board of ['PUCKJS', 'BANGLEJS2']) {
      const { build: b, kernel, note } = await buildEspruinoDefault(m, { board, modelFile: path.basename(file) });
      if (note) ctx.io.out(`  ${note}`);
      const e = b.estimate;
      if (board === 'PUCKJS') {
        const out = path.join(ctx.dir, 'espruino');
        writeBuild(b, out);
        ctx.files.espruino = out;
        const mod = b.files.find((f) => f.kind === 'module' && f.name === b.gen.moduleName)!;
        ctx.io.out(
          `  wrote ${path.relative(ctx.io.cwd, out)}: ${b.files.map((f) => f.local).join(', ')} (module ${mod.bytes.length} B, ${kernel} kernel, dialect check passed)`,
        );
      }
      ctx.io.out(
        `  ${b.board.name.padEnd(12)} ${kernel.padEnd(11)} weights ${b.weights.padEnd(7)} RAM about ${e.peakBlocks} of ${e.variables} blocks (${e.headroomPercent}% free), Storage ${e.storage.bytes} of ${e.storage.capacity} B, ` +
          `${b.cost.msPerStep} ms per step (estimate) -> up to ${b.cost.maxRateHz} Hz${e.fits ? '' : '  DOES NOT FIT'}`,
      );
    }
    ctx.io.out(
      `  flash it: tinyrnn flash ${path.relative(ctx.io.cwd, path.join(ctx.dir, 'espruino'))} --board PUCKJS --port /dev/ttyACM0 (or tcp://host:port)`,
    );
  },
};
