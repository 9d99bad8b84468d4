// The C target's build: writing the generated files, measuring code size with the ARM toolchain,
// and the memory report as text. The `compile --target c` adapter is bin/cli/targets/c.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeBuildUnit } from '../../compiler/core/ir/write-unit';
import { CGenResult, CReport } from './emit';
import { ARM_MACHINES, ArmMachine, compileArmObject, runProgram, scratchDir, toolStatus } from './toolchain';

/** The C build's manifest: the files of the unit, so the next build replaces exactly them. */
export const C_MANIFEST = 'tinyrnn-c.json';

/** Write the generated files and the manifest under outDir as one unit (all replace the previous build, or none). */
export function writeGenerated(outDir: string, gen: CGenResult): string[] {
  const files = gen.files.map((f) => ({ path: f.path, data: f.text }));
  const manifest = JSON.stringify({ target: 'c', files: gen.files.map((f) => f.path) }, null, 2) + '\n';
  return writeBuildUnit(outDir, files, C_MANIFEST, manifest);
}

/** .text bytes of the model's object file for a core (kernels, API; newlib's memset/memcpy not included). */
export async function measureCode(gen: CGenResult, srcRoot: string, m: ArmMachine, opt: '-O2' | '-Os'): Promise<number> {
  const dir = scratchDir('csize');
  try {
    const obj = path.join(dir, 'model.o');
    await compileArmObject({ machine: m, sources: [path.join(srcRoot, gen.source)], includeDirs: [path.join(srcRoot, gen.srcDir || '.')], out: obj, opt });
    const r = await runProgram('arm-none-eabi-size', ['-A', obj]);
    if (r.code !== 0) throw new Error(r.stderr);
    let text = 0;
    for (const line of r.stdout.split('\n')) {
      const mm = /^(\.text\S*)\s+(\d+)/.exec(line.trim());
      if (mm) text += Number(mm[2]);
    }
    return text;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Fill in the code-size part of the report (measured when arm-none-eabi-gcc is installed). */
export async function addCodeSizes(report: CReport, gen: CGenResult, srcRoot: string): Promise<void> {
  const targets: [string, ArmMachine, '-O2' | '-Os'][] = [
    ['cortex-m4 -O2', ARM_MACHINES.m4, '-O2'],
    ['cortex-m0 -Os', ARM_MACHINES.m0, '-Os'],
  ];
  for (const [key, m, opt] of targets) {
    if (!toolStatus().armCc) {
      report.flash.code[key] = null;
      report.flash.total[key] = null;
      continue;
    }
    const bytes = await measureCode(gen, srcRoot, m, opt);
    report.flash.code[key] = { bytes, how: `arm-none-eabi-gcc ${m.flags.join(' ')} ${opt}: .text of ${gen.source}` };
    report.flash.total[key] = bytes + report.flash.data + report.flash.descriptors + report.flash.names;
  }
}

const pad = (s: string | number, w: number) => String(s).padStart(w);

/** The human-readable memory report. */
export function formatReport(r: CReport): string {
  const lines = [
    `C target: ${r.prefix} (model "${r.model}", ${r.modelHash}, spec ${r.specVersion})${r.streaming ? '' : `, whole sequences only (${r.wholeSequence ?? 'a bidirectional or reverse layer'})`}`,
  ];
  lines.push('  part      weights  biases  requant  tables  input   state    MACs  description');
  for (const l of r.layers) {
    lines.push(
      `  ${l.part.padEnd(8)}${pad(l.weights, 9)}${pad(l.biases, 8)}${pad(l.requant, 9)}${pad(l.tables, 8)}${pad(l.input, 7)}${pad(l.state, 8)}${pad(l.macs, 8)}  ${l.title}`,
    );
  }
  const f = r.flash;
  lines.push(
    `  flash: ${f.data} bytes of data (weights ${f.weights}, biases ${f.biases}, requantisation ${f.requant}, tables ${f.tables}, input stage ${f.input}),`,
  );
  lines.push(`         ${f.descriptors} bytes of name tables and ${f.names} bytes of names (layer descriptors are folded into the code)`);
  for (const [k, c] of Object.entries(f.code)) {
    lines.push(c ? `         code ${c.bytes} bytes (${k}); total ${f.total[k]} bytes` : `         code (${k}): not measured (arm-none-eabi-gcc not installed)`);
  }
  if (f.reservoirSaved) lines.push(`         reservoir regenerated from its seed: ${f.reservoirSaved} bytes of weights not stored in flash`);
  lines.push(
    `  RAM:   ${r.ram.state} bytes of state per stream + ${r.ram.scratch} bytes of stack scratch${r.ram.reservoir ? ` + ${r.ram.reservoir} bytes of regenerated reservoir (once per model)` : ''} = ${r.ram.total} bytes`,
  );
  lines.push(`  ${r.macsPerStep} multiply-adds per time step`);
  return lines.join('\n');
}
