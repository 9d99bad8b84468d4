// A structural pre-scan of a .tnn payload, run before the CBOR decoder allocates anything.
// The decoder trusts declared lengths: an array or map head claiming 2^31..2^64 elements makes
// it ask V8 for an impossible array, a fatal error no try/catch sees. The scan walks the item
// heads iteratively (no recursion: nesting cannot exhaust the stack), once per byte at most, and
// refuses what a .tnn writer never produces:
//   a length larger than the bytes that remain (every element takes at least one byte),
//   indefinite-length items, nesting deeper than MAX_DEPTH, map keys that are not text,
//   integers outside +-2^53 (they would decode as BigInt), non-finite floats (NaN, +-Infinity),
//   simple values other than false, true, null, undefined.
// It returns the number of items visited (at most the payload length), so tests can bound the work.

export const MAX_DEPTH = 64;

export class CborScanError extends Error {}

interface Head {
  /** The initial byte: major type (3 bits) and additional information (5 bits). */
  ib: number;
  major: number;
  /** The argument: a length, a count, an integer or a tag; a float's bits are checked in place. */
  arg: number;
}

function fail(at: number, what: string): never {
  throw new CborScanError(`${what} at byte ${at}`);
}

function readHead(b: Uint8Array, dv: DataView, at: number): { head: Head; next: number } {
  const ib = b[at];
  const major = ib >> 5;
  const ai = ib & 31;
  if (ai < 24) return { head: { ib, major, arg: ai }, next: at + 1 };
  if (ai === 31) fail(at, 'indefinite-length item');
  if (ai > 27) fail(at, `reserved additional information ${ai}`);
  const n = 1 << (ai - 24);
  if (at + 1 + n > b.length) fail(at, 'item head runs past the end');
  if (major === 7 && n >= 2) {
    const x = n === 2 ? halfIsFinite(dv.getUint16(at + 1)) : Number.isFinite(n === 4 ? dv.getFloat32(at + 1) : dv.getFloat64(at + 1));
    if (!x) fail(at, 'non-finite number');
    return { head: { ib, major, arg: 0 }, next: at + 1 + n };
  }
  const arg = n === 1 ? b[at + 1] : n === 2 ? dv.getUint16(at + 1) : n === 4 ? dv.getUint32(at + 1) : Number(dv.getBigUint64(at + 1));
  if (n === 8 && arg > Number.MAX_SAFE_INTEGER) fail(at, `length or integer ${dv.getBigUint64(at + 1)} beyond 2^53`);
  return { head: { ib, major, arg }, next: at + 1 + n };
}

function halfIsFinite(bits: number): boolean {
  return (bits & 0x7c00) !== 0x7c00;
}

/** Checks the payload's structure; throws CborScanError naming the first problem and its byte offset. */
export function scanCbor(b: Uint8Array): number {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  // pending[d]: items still to read at depth d
  const pending: number[] = [1];
  // isMap[d]: depth d is a map, whose even-numbered items (counting down from 2n) are keys
  const isMap: boolean[] = [false];
  let at = 0;
  let items = 0;
  while (pending.length) {
    const d = pending.length - 1;
    if (pending[d] === 0) {
      pending.pop();
      isMap.pop();
      continue;
    }
    if (at >= b.length) fail(at, 'payload ends inside an item');
    const keyPos = isMap[d] && pending[d] % 2 === 0;
    pending[d]--;
    const { head, next } = readHead(b, dv, at);
    if (keyPos && head.major !== 3) fail(at, 'map key that is not a text string');
    items++;
    at = next;
    const left = b.length - at;
    switch (head.major) {
      case 2:
      case 3:
        if (head.arg > left) fail(at, `string of ${head.arg} bytes with ${left} left`);
        at += head.arg;
        break;
      case 4:
      case 5: {
        const count = head.major === 5 ? 2 * head.arg : head.arg;
        if (count > left) fail(at, `${head.major === 5 ? 'map' : 'array'} of ${head.arg} entries with ${left} bytes left`);
        if (pending.length > MAX_DEPTH) fail(at, `nesting deeper than ${MAX_DEPTH} levels`);
        pending.push(count);
        isMap.push(head.major === 5);
        break;
      }
      case 6:
        if (pending.length > MAX_DEPTH) fail(at, `nesting deeper than ${MAX_DEPTH} levels`);
        pending.push(1);
        isMap.push(false);
        break;
      case 7:
        if (head.ib < 0xf4 || head.ib === 0xf8) fail(at, `CBOR simple value 0x${head.ib.toString(16)}`);
        break;
      default: // 0, 1: integers, the argument already checked against 2^53
    }
  }
  if (at !== b.length) fail(at, `${b.length - at} bytes after the top-level item`);
  return items;
}
