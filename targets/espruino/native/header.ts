// The header of a native Espruino blob (48 bytes, little-endian), checked by the generated module
// before its first call into the blob and by the tests. The code follows the header; the entry
// point (tinyrnn_native in entry.c, E.nativeCall signature "int(int,int)") is at `entry` bytes
// from the start of the blob, and Thumb code is called at that address + 1.
//
//   0  'TRNB'            magic
//   4  u8  version       1
//   5  u8  core          1 Cortex-M4 (DSP), 2 Cortex-M3, 3 i386 (the test build run by the Linux interpreter)
//   6  u16 specVersion   the quantisation spec the code implements
//   8  u32 entry         offset of the entry point (the header size, 48)
//  12  u32 length        bytes of the whole blob, header included
//  16  u8[8] modelHash   the model's hash (the 16 hex digits every generated file carries)
//  24  u32 stateBytes    sizeof(m_state_t): the stream state the module allocates
//  28  u16 inputSize, u16 outputSize
//  32  u32 checksum      FNV-1a 32 of the code (bytes 48..length)
//  36  u8  streaming     1 when the model steps (no bidirectional layer)
//  37  ... reserved, zero

export const NATIVE_MAGIC = 'TRNB';
export const NATIVE_HEADER_BYTES = 48;
export const NATIVE_HEADER_VERSION = 1;
export const NATIVE_CORES = { m4: 1, m3: 2, i386: 3 } as const;
export type NativeCore = keyof typeof NATIVE_CORES;

export interface NativeHeader {
  core: NativeCore;
  specVersion: number;
  entry: number;
  length: number;
  modelHash: string;
  stateBytes: number;
  inputSize: number;
  outputSize: number;
  checksum: number;
  streaming: boolean;
}

/** FNV-1a, 32 bits. */
export function fnv1a(bytes: Uint8Array, from = 0, to = bytes.length): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  return h >>> 0;
}

/** The blob: header, then the linked code. */
export function assembleBlob(code: Uint8Array, h: Omit<NativeHeader, 'entry' | 'length' | 'checksum'>): Uint8Array {
  if (!/^[0-9a-f]{16}$/.test(h.modelHash)) throw new Error(`internal: model hash ${h.modelHash} is not 16 hex digits`);
  const out = new Uint8Array(NATIVE_HEADER_BYTES + code.length);
  const v = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = NATIVE_MAGIC.charCodeAt(i);
  out[4] = NATIVE_HEADER_VERSION;
  out[5] = NATIVE_CORES[h.core];
  v.setUint16(6, h.specVersion, true);
  v.setUint32(8, NATIVE_HEADER_BYTES, true);
  v.setUint32(12, out.length, true);
  for (let i = 0; i < 8; i++) out[16 + i] = parseInt(h.modelHash.slice(2 * i, 2 * i + 2), 16);
  v.setUint32(24, h.stateBytes, true);
  v.setUint16(28, h.inputSize, true);
  v.setUint16(30, h.outputSize, true);
  out.set(code, NATIVE_HEADER_BYTES);
  v.setUint32(32, fnv1a(out, NATIVE_HEADER_BYTES), true);
  out[36] = h.streaming ? 1 : 0;
  return out;
}

/** Reads a blob's header; null when the magic or version is wrong or the blob is too short. */
export function readHeader(b: Uint8Array): NativeHeader | null {
  if (b.length < NATIVE_HEADER_BYTES) return null;
  for (let i = 0; i < 4; i++) if (b[i] !== NATIVE_MAGIC.charCodeAt(i)) return null;
  if (b[4] !== NATIVE_HEADER_VERSION) return null;
  const core = (Object.keys(NATIVE_CORES) as NativeCore[]).find((k) => NATIVE_CORES[k] === b[5]);
  if (!core) return null;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let hash = '';
  for (let i = 0; i < 8; i++) hash += b[16 + i].toString(16).padStart(2, '0');
  return {
    core,
    specVersion: v.getUint16(6, true),
    entry: v.getUint32(8, true),
    length: v.getUint32(12, true),
    modelHash: hash,
    stateBytes: v.getUint32(24, true),
    inputSize: v.getUint16(28, true),
    outputSize: v.getUint16(30, true),
    checksum: v.getUint32(32, true),
    streaming: b[36] === 1,
  };
}
