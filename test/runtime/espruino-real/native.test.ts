// The native kernel on the real Espruino interpreter: the same C step, built for i386 as a flat
// position-independent blob (the Linux interpreter's E.nativeCall runs x86, the boards' Thumb; the
// Thumb blobs are checked on QEMU in test/targets/espruino/native-qemu.test.ts), written to Storage
// as `flash` writes it and loaded by the same module code: from memory-mapped Storage in place
// (Puck.js layout) and from a flat copy in RAM (Bangle.js 2 layout). Every golden vector, streaming
// and whole sequence, must give the reference's integers with the native kernel loaded, and final()
// the final states beside the output after both (seq_final_lstm_hc, seq_final_bidir_gru_h). Then the
// module's checks: a blob that is corrupt, for another core, another spec version or another model
// is refused with its code before any call, and the module falls back to its JS kernel, still exact.
import * as path from 'node:path';
import { VectorCase, loadVectorCases } from '../../../runtime/vectors/load';
import { interpreterStatus } from '../../../runtime/espruino-real/interpreter';
import { BuiltCase, RealCaseResult, RealConfig, configLabel, runBuilt } from '../../../runtime/espruino-real/golden';
import { LAYOUT_BOARD, Layout } from '../../../runtime/espruino-real/interpreter';
import { buildEspruinoNative } from '../../../targets/espruino/native/target';
import { EspruinoBuild } from '../../../targets/espruino/target';

const VECTORS = path.resolve(__dirname, '..', '..', 'vectors');
const STATUS = interpreterStatus();
const LONG = 600000;

async function nativeCase(c: VectorCase, layout: Layout, k: number, edit?: (blob: Uint8Array) => void): Promise<BuiltCase> {
  const build: EspruinoBuild = await buildEspruinoNative(c.model, {
    board: LAYOUT_BOARD[layout],
    weights: layout === 'puckjs' ? 'storage' : 'inline',
    nativeCore: 'i386',
    countOnQemu: false,
    name: `n${k}`,
  });
  if (edit) {
    const f = build.files.find((x) => x.name.endsWith('.nat'))!;
    f.bytes = f.bytes.slice();
    edit(f.bytes);
  }
  return { c, build };
}

function expectExact(results: RealCaseResult[], kernel: string): void {
  expect(results.flatMap((r) => r.failures)).toEqual([]);
  for (const r of results) {
    expect(r.steps).toBeGreaterThan(0);
    expect(r.loaded.kernel).toBe(kernel);
  }
}

if (!STATUS.ok) {
  test('native kernel on the real interpreter NOT run', () => {
    const msg = `tinyrnn Espruino target: the native kernel was NOT run on the real interpreter: ${STATUS.why}`;
    if (process.env.CI) throw new Error(msg + ' (CI must install them: see .ci/run)');
    console.warn(msg);
  });
} else {
  const it = STATUS.interpreters;
  const cases = loadVectorCases(VECTORS);

  describe(`native kernel on the real interpreter (${it.mode})`, () => {
    for (const layout of ['puckjs', 'banglejs2'] as const) {
      const cfg: RealConfig = { layout, weights: layout === 'puckjs' ? 'storage' : 'inline' };
      test(
        `every golden vector exact with the native kernel: ${layout} (${layout === 'puckjs' ? 'blob run in place from Storage' : 'blob copied to a flat string'})`,
        async () => {
          const built = await Promise.all(cases.map((c, k) => nativeCase(c, layout, k)));
          expect(
            cases
              .filter((c) => c.vectors.sequences[0].final)
              .map((c) => c.name)
              .sort(),
          ).toEqual(['seq_final_bidir_gru_h', 'seq_final_lstm_hc']);
          const r = await runBuilt(it, cfg, built);
          console.log(`native ${configLabel(cfg)}: ${cases.length} cases, ${r.ms} ms on the interpreter`);
          expectExact(r.results, 'native');
        },
        LONG,
      );
    }

    test(
      'a blob that is corrupt, for another core, spec version or model is refused before any call, and the JS kernel takes over',
      async () => {
        const c = cases.find((x) => x.name === 'lstm_h4')!;
        const other = await nativeCase(
          cases.find((x) => x.name === 'gru_after_h4')!,
          'puckjs',
          9,
        );
        const otherBlob = other.build.files.find((x) => x.name.endsWith('.nat'))!.bytes;
        const edits: [string, (b: Uint8Array) => void][] = [
          ['ESP502', (b) => (b[0] = 0x58)],
          ['ESP503', (b) => (b[5] = 1)],
          ['ESP504', (b) => (b[6] = 99)],
          ['ESP505', (b) => b.set(otherBlob.subarray(16, 24), 16)],
        ];
        const built = await Promise.all(edits.map(([, e], k) => nativeCase(c, 'puckjs', k, e)));
        const r = await runBuilt(it, { layout: 'puckjs', weights: 'storage' }, built);
        expect(r.results.map((x) => x.loaded)).toEqual(edits.map(([code]) => ({ kernel: 'js', nativeError: code })));
        expect(r.results.flatMap((x) => x.failures)).toEqual([]);
      },
      LONG,
    );
  });
}
