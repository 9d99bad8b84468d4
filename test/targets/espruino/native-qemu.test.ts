// The native Espruino blobs on emulated Cortex-M cores: the exact bytes buildNativeBlob produces
// (what `compile --kernel native` writes to Storage) are copied to three addresses (in place in
// flash, and two RAM addresses of different alignment mod 8), and called the way E.nativeCall calls
// (AAPCS, int32_t f(int32_t state, int32_t io) at address + entry + 1). Every golden vector (and
// esn_bidir, a regenerated reservoir before a bidirectional layer, against the reference) must
// give the reference's integers at every address: streaming (reset, then step by step) and whole
// sequence (the run operation), the state size its code reports (op 4) must equal its header's, and
// the 16 bytes after that much state must stay untouched. Cortex-M4 on mps2-an386 (the DSP build of
// nRF52/STM32F4 boards), Cortex-M3 on mps2-an385 (the portable build of the Original).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildArm, runQemu, scratchDir } from '../../../targets/c/toolchain';
import { nativeMachine } from '../../../targets/espruino/native/cost';
import { buildNativeBlob } from '../../../targets/espruino/native/build';
import { NativeCore, readHeader } from '../../../targets/espruino/native/header';
import { armTest } from '../c/gate';
import { generateC } from '../../../targets/c/emit';
import { buildEspruinoNative } from '../../../targets/espruino/native/target';
import { esnBidirCase, nativeHarness, nativeVectorCases, parseNativeOutput, expectNativeOutputs } from './native-harness';

describe('native blobs of echo state networks', () => {
  armTest('a reservoir regenerated from its seed is built into the state: the blob header and the module count it', async () => {
    const c = nativeVectorCases().find((v) => v.name === 'esn_gestures_h12')!;
    const reservoir = c.model.layers.reduce((n, l) => n + (l.kind === 'elman' && l.reservoir ? l.wx.length + l.wh.length : 0), 0);
    expect(reservoir).toBe(12 * 12 + 12 * 3);
    const plain = generateC(c.model, { prefix: 'm' }).report.ram;
    expect(plain.reservoir).toBe(reservoir + 1);
    const b = await buildEspruinoNative(c.model, { board: 'PUCKJS', name: 'm' });
    const stateBytes = readHeader(b.native.blob)!.stateBytes;
    expect(stateBytes).toBe(plain.state + reservoir);
    const module = b.files.find((f) => f.name === 'm')!;
    expect(Buffer.from(module.bytes).toString('latin1')).toMatch(new RegExp(`NSTATE ?= ?${stateBytes},`));
  });
});

describe('native blobs under QEMU', () => {
  const cases = [...nativeVectorCases(), esnBidirCase()];
  let root: string;
  beforeAll(() => (root = scratchDir('native-qemu')));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  for (const core of ['m4', 'm3'] as const) {
    armTest(
      `${core}: every golden vector exact at three load addresses, streaming and whole sequence`,
      async () => {
        const blobs = await Promise.all(cases.map((c) => buildNativeBlob(c.model, core as NativeCore)));
        for (const b of blobs) expect(readHeader(b.bytes)?.core).toBe(core);
        const src = path.join(root, `harness-${core}.c`);
        fs.writeFileSync(src, nativeHarness(cases, blobs, 'qemu'));
        const elf = await buildArm({ machine: nativeMachine(core), sources: [src], out: path.join(root, `${core}.elf`), opt: '-O2' });
        const r = await runQemu(elf, nativeMachine(core), { timeoutMs: 300000 });
        if (r.code !== 0) throw new Error(`exit ${r.code ?? r.signal}:\n${r.stdout.slice(-2000)}${r.stderr.slice(0, 2000)}`);
        const got = parseNativeOutput(r.stdout);
        expectNativeOutputs(cases, blobs, got, ['flash', 'ram8', 'ram4']);
      },
      600000,
    );
  }
});
