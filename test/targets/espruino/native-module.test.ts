// The native module's JavaScript in the Espruino sandbox, with E.nativeCall emulated
// (targets/espruino/native/emulate.ts): the module built for Puck.js (the Cortex-M4 blob in mapped
// Storage) and Bangle.js 2 (a flat copy) loads its blob, checks it, calls it with the state and
// I/O addresses, and gives every golden vector's integers streaming and whole; a corrupt blob is
// refused with its code before any call and the JS fallback runs instead; final() gives the final
// states beside the output where the model has them. The blob's own
// arithmetic is checked on QEMU (native-qemu.test.ts) and on the real interpreter.
import { buildEspruinoNative } from '../../../targets/espruino/native/target';
import { nativeEmulation } from '../../../targets/espruino/native/emulate';
import { readHeader } from '../../../targets/espruino/native/header';
import { EspruinoSandbox } from '../../../targets/espruino/sandbox';
import { armTest } from '../c/gate';
import { nativeVectorCases } from './native-harness';

interface Mod {
  kernel: string;
  nativeError: string;
  reset(): void;
  step(raw: number[]): ArrayLike<number>;
  run(seq: number[][]): ArrayLike<number>[];
  final?(): Int16Array;
  finalSize?: number;
}

async function load(
  c: ReturnType<typeof nativeVectorCases>[number],
  board: string,
  edit?: (b: Uint8Array) => void,
  fallback = true,
  firmware?: (E: Record<string, unknown>, storage: Record<string, unknown>) => void,
): Promise<{ mod: Mod; sb: EspruinoSandbox }> {
  const b = await buildEspruinoNative(c.model, { board, name: 'm', fallback, countOnQemu: false });
  const blob = b.files.find((f) => f.name === 'm.nat')!.bytes.slice();
  edit?.(blob);
  const sb = new EspruinoSandbox({
    board,
    countCost: true,
    extend: (api) => {
      nativeEmulation({ models: [{ hash: readHeader(b.native.blob)!.modelHash, model: c.model }], instructionsPerStep: 1000 })(api);
      firmware?.(api.E, api.storage);
    },
  });
  for (const f of b.files) if (f.kind === 'weights' || f.kind === 'module') sb.storage.set(f.name, f.name === 'm.nat' ? blob : f.bytes.slice());
  return { mod: sb.require('m') as Mod, sb };
}

const rows = (v: ArrayLike<number>[]): number[][] => v.map((x) => Array.from(x));
/** final() after a sequence: [its array type, its values], or null for a model without final states beside its output. */
const finalOf = (mod: Mod): [string, number[]] | null => (mod.final ? [mod.final().constructor.name, Array.from(mod.final())] : null);
const wantFinal = (s: { final?: number[] }): [string, number[]] | null => (s.final ? ['Int16Array', s.final] : null);

describe('the native module in the sandbox (E.nativeCall emulated)', () => {
  const cases = nativeVectorCases();
  for (const board of ['PUCKJS', 'BANGLEJS2']) {
    armTest(
      `${board}: native kernel loaded, every golden vector exact streaming and whole`,
      async () => {
        for (const c of cases) {
          const { mod, sb } = await load(c, board);
          expect([c.name, mod.kernel, mod.nativeError]).toEqual([c.name, 'native', '']);
          for (const s of c.sequences) {
            if (c.streaming) {
              mod.reset();
              expect([c.name, s.raw.map((r) => Array.from(mod.step(r)))]).toEqual([c.name, s.outputs]);
              expect([c.name, 'after steps', finalOf(mod)]).toEqual([c.name, 'after steps', wantFinal(s)]);
            }
            // Puck.js's pool cannot hold every output of a long sequence (run() keeps them all), as on the device.
            if (board === 'PUCKJS' && s.raw.length > 150) continue;
            expect([c.name, rows(mod.run(s.raw))]).toEqual([c.name, s.outputs]);
            expect([c.name, 'after run', finalOf(mod)]).toEqual([c.name, 'after run', wantFinal(s)]);
            sb.settle();
          }
          expect(sb.cost().nativeCode).toBeGreaterThan(0);
        }
      },
      300000,
    );
  }
  test('the golden cases with final states beside the output are native cases', () =>
    expect(
      cases
        .filter((c) => c.sequences[0].final)
        .map((c) => c.name)
        .sort(),
    ).toEqual(['seq_final_bidir_gru_h', 'seq_final_lstm_hc']));
  armTest('final(): finalSize values the native kernel returns, and the JS fallback returns the same', async () => {
    const c = cases.find((x) => x.name === 'seq_final_lstm_hc')!;
    const s = c.sequences[1];
    for (const edit of [undefined, (b: Uint8Array) => (b[5] = 2)]) {
      const { mod } = await load(c, 'PUCKJS', edit);
      expect(rows(mod.run(s.raw))).toEqual(s.outputs);
      expect([mod.kernel, mod.finalSize, finalOf(mod)]).toEqual([edit ? 'js' : 'native', s.final!.length, wantFinal(s)]);
    }
  });
  armTest('a corrupt blob is refused before any call and the JS kernel runs instead', async () => {
    const c = cases.find((x) => x.name === 'lstm_h4')!;
    const { mod, sb } = await load(c, 'PUCKJS', (b) => (b[5] = 2));
    expect([mod.kernel, mod.nativeError.split(':')[0]]).toEqual(['js', 'ESP503']);
    expect(rows(mod.run(c.sequences[0].raw))).toEqual(c.sequences[0].outputs);
    expect(sb.cost().nativeCode).toBe(0);
  });
  armTest('each refusal of the blob or the firmware names its code, and the JS kernel runs instead', async () => {
    const c = cases.find((x) => x.name === 'lstm_h4')!;
    const reason = async (edit?: (b: Uint8Array) => void, firmware?: (E: Record<string, unknown>, st: Record<string, unknown>) => void) => {
      const { mod } = await load(c, 'PUCKJS', edit, true, firmware);
      expect(rows(mod.run(c.sequences[0].raw))).toEqual(c.sequences[0].outputs);
      return [mod.kernel, mod.nativeError.split(':')[0]];
    };
    // ESP501: the blob's Storage file is not there (flashed without it, or erased).
    const erased = (_E: unknown, st: Record<string, unknown>) => {
      const read = st.read as (name: string) => unknown;
      st.read = (name: string) => (name === 'm.nat' ? undefined : read(name));
    };
    expect(await reason(undefined, erased)).toEqual(['js', 'ESP501']);
    // ESP506: the header's length field disagrees with the blob.
    expect(await reason((b) => (b[12] ^= 4))).toEqual(['js', 'ESP506']);
    // ESP507: the firmware gives a blob address that is not 4-aligned.
    expect(await reason(undefined, (E) => (E.getAddressOf = () => 0x20000002))).toEqual(['js', 'ESP507']);
    // ESP508: a firmware without E.nativeCall.
    expect(await reason(undefined, (E) => delete E.nativeCall)).toEqual(['js', 'ESP508']);
  });
  armTest('built without the fallback, a refused blob makes loading throw the coded reason', async () => {
    const c = cases.find((x) => x.name === 'lstm_h4')!;
    await expect(load(c, 'PUCKJS', (b) => (b[16] ^= 1), false)).rejects.toThrow(/ESP505.*no JavaScript fallback/);
    const { mod } = await load(c, 'PUCKJS', undefined, false);
    expect(mod.kernel).toBe('native');
  });
});
