// The protobuf wire format parsed generically (field number, wire type, value), nested messages
// found by trying to parse every length-delimited field, and written back with consistent
// lengths, so a mutated message still decodes. The ONNX-aware mutations are in onnx.ts.

export interface Field {
  num: number;
  wire: number;
  /** varint: the value; 1/5: the raw bytes; 2: bytes or a parsed message */
  value: bigint | Uint8Array | Field[];
}

export const MAX_FIELDS = 20000;

function readVarint(b: Uint8Array, at: { i: number }): bigint {
  let v = BigInt(0);
  for (let shift = 0; shift < 70; shift += 7) {
    if (at.i >= b.length) throw new Error('truncated varint');
    const x = b[at.i++];
    v |= BigInt(x & 0x7f) << BigInt(shift);
    if (x < 0x80) return v;
  }
  throw new Error('varint too long');
}

/** Parses a message, or returns undefined when the bytes are not one (then they stay bytes). */
export function parse(b: Uint8Array, depth: number, budget: { n: number }): Field[] | undefined {
  const out: Field[] = [];
  const at = { i: 0 };
  try {
    while (at.i < b.length) {
      if (--budget.n < 0) return undefined;
      const key = Number(readVarint(b, at));
      const num = key >>> 3;
      const wire = key & 7;
      if (num === 0) return undefined;
      if (wire === 0) out.push({ num, wire, value: readVarint(b, at) });
      else if (wire === 1 || wire === 5) {
        const n = wire === 1 ? 8 : 4;
        if (at.i + n > b.length) return undefined;
        out.push({ num, wire, value: b.slice(at.i, (at.i += n)) });
      } else if (wire === 2) {
        const n = Number(readVarint(b, at));
        if (at.i + n > b.length) return undefined;
        const bytes = b.slice(at.i, (at.i += n));
        const inner = depth < 8 && bytes.length > 1 ? parse(bytes, depth + 1, budget) : undefined;
        out.push({ num, wire, value: inner ?? bytes });
      } else return undefined;
    }
  } catch {
    return undefined;
  }
  return out;
}

export function varint(v: bigint): number[] {
  let x = BigInt.asUintN(64, v);
  const out: number[] = [];
  do {
    const low = Number(x & BigInt(0x7f));
    x >>= BigInt(7);
    out.push(x ? low | 0x80 : low);
  } while (x);
  return out;
}

/** A growing byte buffer. */
class Writer {
  buf = new Uint8Array(64);
  n = 0;
  bytes(b: ArrayLike<number>): void {
    if (this.n + b.length > this.buf.length) {
      const next = new Uint8Array(Math.max(2 * this.buf.length, this.n + b.length));
      next.set(this.buf.subarray(0, this.n));
      this.buf = next;
    }
    this.buf.set(b, this.n);
    this.n += b.length;
  }
  varint(v: bigint | number): void {
    if (typeof v === 'number' && v >= 0 && v < 0x80) this.bytes([v]);
    else this.bytes(varint(BigInt(v)));
  }
}

function write(w: Writer, fields: Field[]): void {
  for (const f of fields) {
    w.varint((f.num << 3) | f.wire);
    if (typeof f.value === 'bigint') w.varint(f.value);
    else if (f.value instanceof Uint8Array && f.wire !== 2) w.bytes(f.value);
    else {
      const bytes = f.value instanceof Uint8Array ? f.value : encode(f.value);
      w.varint(bytes.length);
      w.bytes(bytes);
    }
  }
}

/** The message's bytes: nested messages encoded first, so every length prefix is right. */
export function encode(fields: Field[]): Uint8Array {
  const w = new Writer();
  write(w, fields);
  return w.buf.slice(0, w.n);
}

/** A copy of a parsed message whose fields can be changed without changing the original (byte values are copied when changed). */
export function cloneMessage(fields: Field[]): Field[] {
  return fields.map((f) => ({ ...f, value: Array.isArray(f.value) ? cloneMessage(f.value) : f.value }));
}

export function allFields(root: Field[]): { list: Field[]; field: Field; index: number }[] {
  const out: { list: Field[]; field: Field; index: number }[] = [];
  const stack: Field[][] = [root];
  while (stack.length) {
    const list = stack.pop() as Field[];
    list.forEach((field, index) => {
      out.push({ list, field, index });
      if (Array.isArray(field.value)) stack.push(field.value);
    });
  }
  return out;
}

/** The messages at a path of field numbers below root (e.g. [7, 5]: ModelProto.graph.initializer). */
export function messagesAt(root: Field[], path: readonly number[]): Field[][] {
  let level: Field[][] = [root];
  for (const num of path) level = level.flatMap((m) => m.filter((f) => f.num === num && Array.isArray(f.value)).map((f) => f.value as Field[]));
  return level;
}

/** Removes every field numbered `num` from a message, in place; says whether there was one. */
export function dropFields(m: Field[], num: number): boolean {
  const before = m.length;
  m.splice(0, m.length, ...m.filter((f) => f.num !== num));
  return m.length < before;
}

/** A string (or bytes) field. */
export function bytesField(num: number, s: string | Uint8Array): Field {
  return { num, wire: 2, value: typeof s === 'string' ? new TextEncoder().encode(s) : s };
}
