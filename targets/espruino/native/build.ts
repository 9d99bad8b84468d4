// Builds a model's native Espruino blob: the C target's generated step (prefix "m") and entry.c,
// compiled for one core into position-independent code that calls nothing outside itself, linked
// with blob.ld into one read-only section, then prefixed with the header of header.ts.
//
// Position independence is proved, not assumed: the link fails on writable data, a GOT or any
// relocation (blob.ld's ASSERTs), and the code is linked twice, at address 0 and at BLOB_BASE,
// and the two images must be byte-identical (an absolute address anywhere would differ).
//
// A regenerated reservoir (echo state network) is generated into the state (reservoirInState):
// m_reset fills it from the seed, so the header's stateBytes includes it.
//
// Cores: m4 (Cortex-M4 with DSP: nRF52 boards, STM32F4), m3 (Cortex-M3, portable path: the
// Original), i386 (a test build only: the Linux Espruino interpreter's E.nativeCall runs x86).
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { QuantModel } from '../../../compiler/core/ir/quant-model';
import { packageRoot } from '../../../compiler/core/util/version';
import { CGenResult, generateC } from '../../c/emit';
import { writeGenerated } from '../../c/target';
import { STRICT_FLAGS, compile, scratchDir } from '../../c/toolchain';
import { NativeCore, assembleBlob } from './header';

const NATIVE_DIR = (): string => path.join(packageRoot(), 'targets', 'espruino', 'native');
/** The second link address: any 8-aligned address far from 0 exposes an absolute address. */
const BLOB_BASE = '0x10000';

interface CoreTools {
  cc: string;
  objcopy: string;
  flags: string[];
}

const CORE_TOOLS: Record<NativeCore, CoreTools> = {
  m4: { cc: 'arm-none-eabi-gcc', objcopy: 'arm-none-eabi-objcopy', flags: ['-mcpu=cortex-m4', '-mthumb', '-mfloat-abi=soft', '-fPIE'] },
  m3: { cc: 'arm-none-eabi-gcc', objcopy: 'arm-none-eabi-objcopy', flags: ['-mcpu=cortex-m3', '-mthumb', '-mfloat-abi=soft', '-fPIE'] },
  i386: {
    cc: 'gcc',
    objcopy: 'objcopy',
    flags: ['-m32', '-fPIC', '-fno-stack-protector', '-fno-asynchronous-unwind-tables', '-Wl,--build-id=none', '-Wl,--no-warn-rwx-segments'],
  },
};

/** The compiler flags of a native build (after the core's own), as the README documents them. */
export const NATIVE_FLAGS = ['-O2', '-fvisibility=hidden', '-ffunction-sections', '-fdata-sections', '-nostdlib', '-static', '-Wl,--gc-sections'];

export interface NativeBlob {
  core: NativeCore;
  /** Header and code: the bytes written to Storage. */
  bytes: Uint8Array;
  codeBytes: number;
}

async function linkAt(core: NativeCore, dir: string, base: string | null): Promise<Uint8Array> {
  const t = CORE_TOOLS[core];
  const elf = path.join(dir, `blob-${base ?? '0'}.elf`);
  const bin = elf.replace(/\.elf$/, '.bin');
  const args = [...t.flags, ...STRICT_FLAGS, ...NATIVE_FLAGS, `-I${dir}`, `-T${path.join(NATIVE_DIR(), 'blob.ld')}`];
  if (base) args.push(`-Wl,--defsym=BLOB_BASE=${base}`);
  await compile(t.cc, [...args, path.join(NATIVE_DIR(), 'entry.c'), '-o', elf]);
  await compile(t.objcopy, ['-O', 'binary', '-j', '.blob', elf, bin]);
  return new Uint8Array(fs.readFileSync(bin));
}

/** The code of generated C for a core, linked at 0 and at BLOB_BASE and proved equal. */
async function linkCode(core: NativeCore, gen: CGenResult): Promise<Uint8Array> {
  const dir = scratchDir(`native-${core}`);
  try {
    writeGenerated(dir, gen);
    const [a, b] = await Promise.all([linkAt(core, dir, null), linkAt(core, dir, BLOB_BASE)]);
    if (a.length !== b.length || a.some((x, i) => x !== b[i]))
      throw new Error(`native blob (${core}): the code linked at 0 and at ${BLOB_BASE} differs, so it holds an absolute address`);
    return a;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Linked code by core and generated C, within a process: the build is deterministic, so a model
 * built for two boards of one core (Puck.js and Bangle.js 2 are both Cortex-M4), or built again,
 * is compiled once. Failed builds are not kept; at most CODE_CACHE_MAX entries, oldest dropped.
 */
const codeCache = new Map<string, Promise<Uint8Array>>();
const CODE_CACHE_MAX = 64;

function linkedCode(core: NativeCore, gen: CGenResult): Promise<Uint8Array> {
  const h = createHash('sha256').update(core);
  for (const f of gen.files) h.update(`\0${f.path}\0${f.text}`);
  const key = h.digest('hex');
  let p = codeCache.get(key);
  if (!p) {
    p = linkCode(core, gen);
    codeCache.set(key, p);
    p.catch(() => codeCache.delete(key));
    if (codeCache.size > CODE_CACHE_MAX) codeCache.delete(codeCache.keys().next().value!);
  }
  return p;
}

/** Builds the blob of a model for a core (throws with the compiler's output when the build fails). */
export async function buildNativeBlob(m: QuantModel, core: NativeCore): Promise<NativeBlob> {
  // reservoirInState: a blob owns no writable memory, so a regenerated reservoir lives in the state the JS side owns
  const gen = generateC(m, { prefix: 'm', reservoirInState: true });
  const a = await linkedCode(core, gen);
  const bytes = assembleBlob(a, {
    core,
    specVersion: m.specVersion,
    modelHash: gen.report.modelHash,
    stateBytes: gen.report.ram.state,
    inputSize: m.inputSize,
    outputSize: m.outputSize,
    streaming: gen.report.streaming,
  });
  return { core, bytes, codeBytes: a.length };
}
