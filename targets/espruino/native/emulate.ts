// E.nativeCall in the Espruino sandbox, for `simulate --engine js` with the native kernel and for
// tests of the native module's JavaScript. Node cannot run the blob's Thumb code, so the call is
// emulated: the blob's header names the model (its hash), and the reference kernels (the executable
// definition the blob is checked against, bit for bit, on QEMU and on the real interpreter) compute
// the step on the state and I/O memory the module passed by address. Each call charges the blob's
// instructions per step (counted on QEMU) to the sandbox's cost, beside the interpreter cost of the
// module's own statements. The final states beside the output (op 5) are the reference run's over the
// raw inputs since the last reset or run: a stream's steps from reset are that run.
//
// Memory model: E.toFlatString returns a String object with an address and a backing ArrayBuffer
// (E.toArrayBuffer of it aliases that buffer, as on the device); Storage.read of a file on a board
// whose Storage is memory-mapped returns a String object whose address is the file's; any other
// string has no address (0), as on the device.
import * as vm from 'node:vm';
import { QuantModel } from '../../../compiler/core/ir/quant-model';
import { QuantState, createQuantState, resetQuantState, runQuant, runRows, stepQuant } from '../../../compiler/core/reference';
import { SandboxExtension } from '../sandbox';
import { flatBlocks } from '../memory';
import { hasExtraFinal } from '../../../compiler/core/ir/final';
import { NATIVE_HEADER_BYTES, readHeader } from './header';

interface Region {
  base: number;
  bytes: Uint8Array;
}

export interface NativeEmulation {
  /** Models the emulated blobs may hold (matched by hash). */
  models: { hash: string; model: QuantModel }[];
  /** Instructions charged per step (and per step of a run). */
  instructionsPerStep: number;
}

/** A sandbox extension that gives E.nativeCall, E.getAddressOf and E.toFlatString their device behaviour. */
export function nativeEmulation(opts: NativeEmulation): (api: SandboxExtension) => void {
  return (api) => new Emulator(api, opts).install();
}

class Emulator {
  private next = 0x20000000;
  private readonly regions: Region[] = [];
  private readonly byObject = new WeakMap<object, Region>();
  private readonly stored = new Map<string, Region>();
  private readonly states = new Map<number, QuantState>();
  /** Per state address, the raw inputs of the sequence since the last reset or run (op 5 reads its final states). */
  private readonly sequences = new Map<number, Int32Array[]>();

  constructor(
    private readonly api: SandboxExtension,
    private readonly opts: NativeEmulation,
  ) {}

  install(): void {
    const E = this.api.E;
    const toArrayBuffer = E.toArrayBuffer as (s: unknown) => ArrayBuffer;
    E.toFlatString = (x: unknown) => this.flat(x);
    E.getAddressOf = (x: unknown) => this.addressOf(x);
    E.toArrayBuffer = (s: unknown) => {
      const r = typeof s === 'object' && s !== null ? this.byObject.get(s) : undefined;
      return r ? (r.bytes.buffer as ArrayBuffer) : toArrayBuffer(s);
    };
    E.nativeCall = (addr: number, sig: string) => this.nativeCall(addr, sig);
    const read = this.api.storage.read as (name: string, offset?: number, length?: number) => string | undefined;
    this.api.storage.read = (name: string, offset?: number, length?: number) => {
      const s = read(name, offset, length);
      if (s === undefined || !this.api.storageMapped || offset !== undefined) return s;
      return this.storedString(name, s);
    };
  }

  private region(bytes: Uint8Array): Region {
    const r = { base: this.next, bytes };
    this.next += (bytes.length + 15) & ~7;
    this.regions.push(r);
    return r;
  }

  private flat(x: unknown): object {
    const Ctx = vm.runInContext('ArrayBuffer', this.api.context) as ArrayBufferConstructor;
    const src =
      typeof x === 'string' || x instanceof String ? Buffer.from(String(x), 'latin1') : Buffer.from(new Uint8Array((x as ArrayBufferView).buffer ?? x));
    this.api.charge(flatBlocks(src.length, this.api.blockSize));
    const buf = new Uint8Array(new Ctx(src.length));
    buf.set(src);
    const s = new String(src.toString('latin1'));
    this.byObject.set(s, this.region(buf));
    return s;
  }

  private storedString(name: string, s: string): object {
    let r = this.stored.get(name);
    if (!r) this.stored.set(name, (r = this.region(new Uint8Array(Buffer.from(s, 'latin1')))));
    const str = new String(s);
    this.byObject.set(str, r);
    return str;
  }

  private addressOf(x: unknown): number {
    if (typeof x !== 'object' || x === null) return 0;
    const direct = this.byObject.get(x);
    if (direct) return direct.base;
    const v = x as ArrayBufferView;
    const r = v.buffer && this.regions.find((g) => g.bytes.buffer === v.buffer);
    return r ? r.base + v.byteOffset : 0;
  }

  private at(addr: number): { r: Region; off: number } {
    const r = this.regions.find((g) => addr >= g.base && addr < g.base + g.bytes.length);
    if (!r) throw new Error(`native emulation: address ${addr} is in no allocated buffer (the device would crash)`);
    return { r, off: addr - r.base };
  }

  private nativeCall(addr: number, sig: string): (a: number, b: number) => number {
    if (sig !== 'int(int,int)') throw new Error(`native emulation: signature ${sig} is not the kernel's int(int,int)`);
    const { r, off } = this.at(addr);
    const h = readHeader(r.bytes);
    if (!h || off !== NATIVE_HEADER_BYTES + (h.core === 'i386' ? 0 : 1))
      throw new Error(`native emulation: ${addr} is not the entry of a tinyrnn blob (the device would jump into data)`);
    const found = this.opts.models.find((x) => x.hash === h.modelHash);
    if (!found) throw new Error(`native emulation: no model with hash ${h.modelHash} was given to the sandbox`);
    return (sa, ia) => this.call(found.model, h.stateBytes, sa, ia);
  }

  private words(addr: number): Int32Array {
    const { r, off } = this.at(addr);
    if (off % 4 !== 0 || (r.base + off) % 4 !== 0) throw new Error(`native emulation: address ${addr} is not 4-aligned`);
    return new Int32Array(r.bytes.buffer, r.bytes.byteOffset + off, (r.bytes.length - off) >> 2);
  }

  private call(m: QuantModel, stateBytes: number, sa: number, ia: number): number {
    const io = this.words(ia);
    this.words(sa);
    const F = m.inputSize;
    const O = m.outputSize;
    switch (io[0]) {
      case 0:
        if (this.states.has(sa)) resetQuantState(m, this.states.get(sa)!);
        else this.states.set(sa, createQuantState(m));
        this.sequences.set(sa, []);
        return 0;
      case 1: {
        const st = this.states.get(sa) ?? createQuantState(m);
        this.states.set(sa, st);
        this.sequenceOf(sa).push(io.slice(1, 1 + F));
        io.set(stepQuant(m, st, io.subarray(1, 1 + F)), 1 + F);
        this.api.helpers.nativeInstructions += this.opts.instructionsPerStep;
        return 0;
      }
      case 2: {
        const T = io[1];
        const raw = Array.from({ length: T }, (_, t) => io.slice(2 + t * F, 2 + (t + 1) * F));
        this.sequences.set(sa, raw);
        runRows(m, runQuant(m, raw)).forEach((y, t) => io.set(y, 2 + T * F + t * O));
        this.api.helpers.nativeInstructions += T * this.opts.instructionsPerStep;
        return 0;
      }
      case 3:
        return 0;
      case 4:
        return stateBytes;
      case 5:
        return hasExtraFinal(m) ? this.final(m, sa, io) : -1;
      default:
        return -1;
    }
  }

  private sequenceOf(sa: number): Int32Array[] {
    const seq = this.sequences.get(sa) ?? [];
    this.sequences.set(sa, seq);
    return seq;
  }

  private final(m: QuantModel, sa: number, io: Int32Array): number {
    const seq = this.sequenceOf(sa);
    if (!seq.length) throw new Error('native emulation: final() before any step or run (the emulation reads the final states of a sequence)');
    const fin = runQuant(m, seq).final!;
    io.set(fin, 1);
    return fin.length;
  }
}
