// The native kernel against the JavaScript kernel, per gesture model (3 inputs, 4 classes):
//   js:      x86 instructions per step() of the emitted JS module, executed on the real Espruino
//            2v29 interpreter (Puck.js layout; qemu-i386 + insn-count plugin, K and 2K steps
//            subtracted, the driving loop taken out, the output checked against the reference);
//   native:  the Cortex-M4 blob's Thumb instructions per step (QEMU mps2-an386 count) plus the
//            x86 instructions of one step() of the native module on the real interpreter, counted
//            the same way with the i386 build of the same blob (so the glue figure also holds that
//            i386 step: an upper bound on the glue);
// then the ratio, and ms per step on Puck.js and Bangle.js 2 (64 MHz; x86 instructions at the cost
// model's instructions per second, Thumb instructions as cycles) and the CPU share at 25 Hz.
// Estimates for the boards, calibrated on the real interpreter (x86) and QEMU (Thumb).
//
//   npm run build && node dist/bench/espruino/native.js [--steps 10] [--json]
import { QuantModel } from '../../compiler/core/ir/quant-model';
import { rawSequence } from '../../compiler/core/reference';
import { findBoard } from '../../targets/boards';
import { buildEspruino } from '../../targets/espruino/target';
import { buildEspruinoNative } from '../../targets/espruino/native/target';
import { countBlobInstructions } from '../../targets/espruino/native/cost';
import { instructionsPerSecond } from '../../targets/espruino/cost';
import { EspruinoBuild } from '../../targets/espruino/target';
import { countStep } from '../../runtime/espruino-real/count';
import { requireInterpreters } from '../../runtime/espruino-real/interpreter';
import { accelSequences, gestureQuantModel } from './models';
import { option, referenceOutputs } from './real-cost';

export interface NativeRow {
  model: string;
  js: number;
  nativeGlue: number;
  nativeBlob: number;
  ratio: number;
  ms: Record<string, number>;
  cpuAt25Hz: number;
}

async function realPerStep(b: EspruinoBuild, m: QuantModel, rows: number[][], K: number): Promise<number> {
  const it = requireInterpreters();
  const files = b.files.filter((f) => f.kind === 'weights' || f.kind === 'module');
  const c = await countStep(it, 'puckjs', { files, module: b.gen.moduleName, rows, expectLast: (n) => referenceOutputs(m, rows.slice(0, n)) }, K);
  return c.perStep;
}

export async function measureNative(name: string, m: QuantModel, K: number): Promise<NativeRow> {
  const rows = rawSequence(m, accelSequences(1, 2 * K, 9)[0].flat());
  const js = await realPerStep(buildEspruino(m, { board: 'PUCKJS', name: 'kernel' }), m, rows, K);
  const i386 = await buildEspruinoNative(m, { board: 'PUCKJS', name: 'kernel', nativeCore: 'i386' });
  const nativeGlue = await realPerStep(i386, m, rows, K);
  const m4 = await buildEspruinoNative(m, { board: 'PUCKJS', name: 'kernel' });
  const nativeBlob = (await countBlobInstructions(m4.native.blob, m)) ?? NaN;
  const ms: Record<string, number> = {};
  for (const id of ['PUCKJS', 'BANGLEJS2']) {
    const board = findBoard(id);
    ms[id] = Math.round((nativeBlob / (board.clockMHz * 1e6) + nativeGlue / instructionsPerSecond(board.clockMHz)) * 1e5) / 100;
  }
  return {
    model: name,
    js,
    nativeGlue,
    nativeBlob,
    ratio: Math.round((js / (nativeGlue + nativeBlob)) * 10) / 10,
    ms,
    cpuAt25Hz: Math.round((ms.PUCKJS / 40) * 1000) / 10,
  };
}

export function nativeModels(): { name: string; model: QuantModel }[] {
  const out: { name: string; model: QuantModel }[] = [];
  for (const kind of ['lstm', 'gru'] as const) for (const h of [8, 16]) out.push({ name: `${kind.toUpperCase()} 3-${h}-4`, model: gestureQuantModel(kind, h) });
  for (const h of [32, 64]) out.push({ name: `LSTM 3-${h}-4`, model: gestureQuantModel('lstm', h) });
  return out;
}

export function formatNative(rows: NativeRow[], K: number): string {
  const out = [
    `Instructions per step: the JS kernel on the real Espruino 2v29 interpreter (Puck.js layout, x86, ${K} and ${2 * K} steps subtracted) against the native kernel (Cortex-M4 blob on QEMU + the module's step() on the real interpreter with the i386 blob); ms per step on the boards are estimates`,
    '',
    'model         js kernel M  native: glue k + M4 blob k  js/native  Puck.js ms  Bangle.js 2 ms  CPU at 25 Hz (Puck.js)',
  ];
  for (const r of rows)
    out.push(
      `${r.model.padEnd(12)}  ${(r.js / 1e6).toFixed(2).padStart(11)}  ${(r.nativeGlue / 1e3).toFixed(1).padStart(12)} + ${(r.nativeBlob / 1e3).toFixed(1).padStart(11)}  ${r.ratio.toFixed(1).padStart(9)}x  ${r.ms.PUCKJS.toFixed(2).padStart(10)}  ${r.ms.BANGLEJS2.toFixed(2).padStart(14)}  ${r.cpuAt25Hz.toFixed(1).padStart(21)}%`,
    );
  return out.join('\n');
}

if (require.main === module) {
  const K = Number(option('--steps') ?? 10);
  (async () => {
    const rows: NativeRow[] = [];
    for (const { name, model } of nativeModels()) rows.push(await measureNative(name, model, K));
    process.stdout.write(process.argv.includes('--json') ? JSON.stringify(rows, null, 2) + '\n' : formatNative(rows, K) + '\n');
  })().catch((e: Error) => {
    process.stderr.write(`${e.stack ?? e.message}\n`);
    process.exitCode = 1;
  });
}
