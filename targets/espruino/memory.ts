// The JsVar memory model: how many of Espruino's fixed-size blocks a value takes.
//
// Espruino keeps every value in a pool of `variables` blocks of `blockSize` bytes (12, 13, 14 or
// 16 B from the variable count). Measured on the interpreter (shared facts, "Memory"):
//   Int8Array(64) = 8 blocks, Int8Array(10240) = 801 blocks on a 13-byte board;
//   a plain Array of 64 small ints = 67 blocks; a new view on an existing buffer = 2 blocks;
//   E.toArrayBuffer(atob(...)) plus a view = about 4 blocks on top of the decoded string;
//   Storage.readArrayBuffer on memory-mapped flash = 1-2 blocks.
// Module code and Storage data stay in Storage on both Linux interpreter layouts (bench/espruino/fit-cost.ts).
// The model below reproduces those numbers (see test/targets/espruino/memory.test.ts): typed-array
// data is one flat string of ceil(bytes / blockSize) blocks plus a header, an ArrayBuffer and a
// view; the large case carries a 1.25% allowance the measurement showed (allocation rounding).

/** Blocks taken by `bytes` of flat (contiguous) data, header included. */
export function flatBlocks(bytes: number, blockSize: number): number {
  if (bytes <= 0) return 1;
  const data = Math.ceil(bytes / blockSize);
  return 1 + data + Math.round(data / 80);
}

/** A new typed array owning `bytes` of data: flat string + ArrayBuffer + view. */
export function typedArrayBlocks(bytes: number, blockSize: number): number {
  return flatBlocks(bytes, blockSize) + 2;
}

/** A view (subarray, new Int8Array(buffer, off, n)) on an existing buffer. */
export const VIEW_BLOCKS = 2;

/** A string of `chars` characters (atob results and source text are stored flat when long). */
export function stringBlocks(chars: number, blockSize: number): number {
  return flatBlocks(chars, blockSize);
}

/** E.toArrayBuffer(str) wraps the string without copying: the ArrayBuffer and its name, about 2 blocks. */
export const TO_ARRAY_BUFFER_BLOCKS = 2;

/** A plain Array of n small integers (one block per element plus the array and its header). */
export function plainArrayBlocks(n: number): number {
  return n + 3;
}

/**
 * Storage.readArrayBuffer: 2 blocks whatever the board (measured on the Linux interpreters): with
 * memory-mapped Storage a pointer into flash; on the Bangle.js 2 layout (not mapped) the data stay in
 * Storage too and are read from there on demand, not copied into RAM.
 */
export const STORAGE_BUFFER_BLOCKS = 2;

/**
 * Blocks of a module required from a Storage file: its function bodies stay in Storage (on the
 * Bangle.js 2 layout too: the interpreter reads the code from Storage while it runs), so the blocks
 * are the functions, their scope and the module's names, not the text. Fitted by least squares to
 * process.memory().usage after require() on the real interpreters (bench/espruino/fit-cost.ts, which
 * reproduces it), less the estimate's other items (weights, views, arrays, descriptors, labels).
 */
export const CODE_BLOCKS = { perFunction: 7.83, base: 55 } as const;

export function codeBlocks(functions: number): number {
  return Math.round(CODE_BLOCKS.perFunction * functions + CODE_BLOCKS.base);
}

/** Code uploaded into RAM (Modules.addCached, the console): the text is held, plus a few blocks per function. */
export function ramCodeBlocks(chars: number, functions: number, blockSize: number): number {
  return stringBlocks(chars, blockSize) + 3 * functions;
}

/** Bytes a Storage file takes in flash: a 32-byte header (name, size) and the data, 4-byte aligned. */
export function storageFileBytes(dataBytes: number): number {
  return 32 + Math.ceil(dataBytes / 4) * 4;
}
