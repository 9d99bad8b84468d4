// .tnn inputs: decoded seed payloads mutated as trees (metadata of the wrong type, non-finite
// numbers, BigInts, resized typed arrays) or as CBOR bytes (array/map heads claiming up to 2^64
// elements), then wrapped in a container with the right length and CRC, so they reach the decoder.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import { CborDecoder, CborEncoder } from '@jsonjoy.com/json-pack/lib/cbor';
import { JsonPackExtension } from '@jsonjoy.com/json-pack/lib/JsonPackExtension';
import { Rng } from '../../compiler/core/util/rng';
import { HEADER_BYTES, MAGIC } from '../../compiler/core/ir/format';
import { mutateBytes, mutateTree, pick } from './mutate';

const ROOT = path.join(__dirname, '..', '..');

export interface TnnSeed {
  kind: number;
  payload: Uint8Array;
}

/** Seeds: every golden vector's quantised model and the float fixtures. */
export function tnnSeeds(): TnnSeed[] {
  const vectors = path.join(ROOT, 'test', 'vectors');
  const files = fs
    .readdirSync(vectors)
    .map((d) => path.join(vectors, d, 'model.q.tnn'))
    .filter((f) => fs.existsSync(f));
  const fixtures = path.join(ROOT, 'test', 'compiler', 'quant', 'fixtures');
  files.push(
    ...fs
      .readdirSync(fixtures)
      .filter((f) => f.endsWith('.tnn'))
      .map((f) => path.join(fixtures, f)),
  );
  return files.sort().map((f) => {
    const b = new Uint8Array(fs.readFileSync(f));
    return { kind: b[10], payload: b.subarray(HEADER_BYTES) };
  });
}

/** A container around any payload, with the length and CRC it needs to pass the header checks. */
export function container(kind: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + payload.length);
  const dv = new DataView(out.buffer);
  out.set(MAGIC, 0);
  dv.setUint16(8, 1, true);
  dv.setUint8(10, kind);
  dv.setUint32(12, payload.length, true);
  dv.setUint32(16, crc32(payload), true);
  out.set(payload, HEADER_BYTES);
  return out;
}

function typedReplacement(rng: Rng, old: unknown): unknown {
  if (old instanceof JsonPackExtension) {
    const bytes = old.val as Uint8Array;
    const n = pick(rng, [0, 1, 3, bytes.length - 1, bytes.length + 4]);
    return new JsonPackExtension(pick(rng, [64, 72, 69, 77, 70, 78, 85, 86, 99]), bytes.slice(0, Math.max(n, 0)));
  }
  return pick(rng, [BigInt(2) ** BigInt(40), -BigInt(5), new Uint8Array(3), new JsonPackExtension(85, Uint8Array.from([0, 0, 0xc0, 0x7f]))]);
}

/** A CBOR array or map head claiming 2^31..2^64 elements, spliced over an existing head. */
function hugeHead(rng: Rng, payload: Uint8Array): Uint8Array {
  const heads: number[] = [];
  for (let i = 0; i < payload.length; i++) if (payload[i] >= 0x80 && payload[i] < 0xc0) heads.push(i);
  if (!heads.length) return payload;
  const at = pick(rng, heads);
  const map = payload[at] >= 0xa0;
  const wide = rng.int(2) === 0;
  const count = wide ? BigInt(2) ** BigInt(31 + rng.int(33)) - BigInt(rng.int(2)) : BigInt(2 ** 31 + rng.int(2 ** 31));
  const head = new Uint8Array(wide ? 9 : 5);
  head[0] = (map ? 0xa0 : 0x80) + (wide ? 27 : 26);
  const dv = new DataView(head.buffer);
  if (wide) dv.setBigUint64(1, count < BigInt(2) ** BigInt(64) ? count : BigInt(2) ** BigInt(64) - BigInt(1));
  else dv.setUint32(1, Number(count));
  const out = new Uint8Array(payload.length + head.length - 1);
  out.set(payload.subarray(0, at), 0);
  out.set(head, at);
  out.set(payload.subarray(at + 1), at + head.length);
  return out;
}

export function tnnInput(rng: Rng, seeds: TnnSeed[]): Uint8Array {
  const seed = pick(rng, seeds);
  const op = rng.int(10);
  if (op < 6) {
    const tree = new CborDecoder().decode(seed.payload);
    mutateTree(rng, tree, typedReplacement);
    return container(seed.kind, new CborEncoder().encode(tree).slice());
  }
  if (op < 8) return container(seed.kind, hugeHead(rng, seed.payload));
  if (op < 9) return container(seed.kind, mutateBytes(rng, seed.payload));
  return mutateBytes(rng, container(seed.kind, seed.payload), rng.int(2) ? 0 : 8 + rng.int(12));
}
