// The demo's last stage: the quantised model simulated on Puck.js (the emitted Espruino module in
// the Espruino sandbox) and on a Cortex-M4 board (the emitted C under QEMU, or on the host when
// QEMU is missing), with an HTML report for each.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DemoContext, DemoStage, addPage } from './stage';
import { loadData } from '../../compiler/data/load';
import { saveQuantModel } from '../../compiler/core/ir/format';
import { quantizeModel } from '../../compiler/quant/quantize';
import { findBoard } from '../../targets/boards';
import { ENGINES } from '../../runtime/sim/engines';
import { simulate } from '../../runtime/sim/simulate';
import { SimulationReport } from '../../runtime/sim/types';
import { fmtBytes, fmtTime, pct } from '../../runtime/report/format';

/** Data the demo streams through the simulated devices: recordings the model was not trained on. */
export const DEMO_SIM_DATA = 'builtin:gestures?n=12&seed=4242';

function quantisedFile(ctx: DemoContext): string {
  const known = Object.values(ctx.files).filter((f) => f.endsWith('.q.tnn') && fs.existsSync(f));
  if (known.length) return known[known.length - 1];
  // No earlier stage quantised the model: quantise it here on the demo data.
  if (!ctx.model) throw new Error('demo: no model to simulate');
  const d = loadData('builtin:gestures?n=120&seed=7');
  const F = d.features.length;
  const q = quantizeModel(
    ctx.model,
    d.x.map((x) => Array.from({ length: x.length / F }, (_, t) => x.subarray(t * F, (t + 1) * F))),
    { source: d.source },
  );
  const file = path.join(ctx.dir, 'model.q.tnn');
  saveQuantModel(file, q);
  ctx.io.out(`  (no quantised model from an earlier stage: quantised ${path.basename(file)} on builtin:gestures here)`);
  return file;
}

function line(r: SimulationReport): string {
  const d = r.devices[0];
  const t = d.timing;
  const time = t
    ? `${(t.stepMean * 1e3).toFixed(2)} ms per step vs ${(1e3 / r.rateHz).toFixed(1)} ms period, ${r.fleet.misses} of ${r.fleet.steps} deadlines missed (sustains up to ${t.maxRateHz.toFixed(1)} Hz)`
    : 'no time estimate';
  const acc = r.fleet.accuracy.rate === null ? '' : `, accuracy ${(r.fleet.accuracy.rate * 100).toFixed(1)}%`;
  const energy = d.energy ? `, ${d.energy.perInferenceUj.toPrecision(3)} uJ per inference` : '';
  return `  ${r.board.name} [${r.engine}]: ${r.fleet.parityMismatches === 0 ? 'identical to the reference' : `${r.fleet.parityMismatches} values DIFFER from the reference`}${acc}; RAM ${r.memory.ramBytes} of ${r.memory.ramLimit} B, flash ${r.memory.flashBytes} of ${r.memory.flashLimit} B; ${time}${energy}`;
}

/** The index's headline figures of a simulation. */
function figures(r: SimulationReport): { name: string; value: string }[] {
  const f = r.fleet;
  return [
    { name: 'accuracy', value: pct(f.accuracy.rate) },
    { name: 'same as the reference', value: f.parityMismatches === 0 ? 'bit for bit' : `${f.parityMismatches} values differ` },
    { name: 'RAM', value: `${fmtBytes(r.memory.ramBytes)} of ${fmtBytes(r.memory.ramLimit)}` },
    { name: 'flash', value: `${fmtBytes(r.memory.flashBytes)} of ${fmtBytes(r.memory.flashLimit)}` },
    {
      name: 'time per step',
      value: r.devices[0]?.timing ? `${fmtTime(f.stepMean)} mean, ${fmtTime(f.stepMax)} worst, period ${fmtTime(1 / r.rateHz)}` : 'no estimate',
    },
    { name: 'deadlines met', value: r.devices[0]?.timing ? `${f.steps - f.misses} of ${f.steps}` : 'no estimate' },
  ];
}

export const simulateDemoStage: DemoStage = {
  title: 'simulate: the quantised model on Puck.js (Espruino JS) and on an STM32F411 (Cortex-M4, C), with HTML reports',
  async run(ctx) {
    const file = quantisedFile(ctx);
    const m4Engine = ENGINES.qemu && ENGINES.qemu.unavailable(findBoard('STM32F411')) === null ? 'qemu' : 'c';
    const runs: [string, 'js' | 'c' | 'qemu', string][] = [
      ['PUCKJS', 'js', 'simulation-puckjs.html'],
      ['STM32F411', m4Engine, 'simulation-stm32f411.html'],
    ];
    for (const [board, engine, report] of runs) {
      const out = path.join(ctx.dir, report);
      const r = await simulate({ modelFile: file, board, engine, data: DEMO_SIM_DATA, faults: ['dropout:0.02', 'reset:@300'], reportFile: out, cwd: ctx.dir });
      ctx.io.out(line(r));
      ctx.files[`report-${board.toLowerCase()}`] = out;
      addPage(ctx, { title: `Simulation on ${r.board.name} (${r.engine} engine)`, file: out, figures: figures(r) });
    }
    if (m4Engine === 'c') ctx.io.out('  (QEMU or arm-none-eabi-gcc missing: the C ran on this machine, without a time estimate)');
  },
};
