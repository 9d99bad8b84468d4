// A Node sandbox (node:vm context) that behaves like the Espruino interpreter where tinyrnn's
// device code can tell the difference (shared facts, checked against firmware 2v29):
//  - E.convolve (double accumulation; an empty `b` crashes the device: here it throws),
//    E.mapInPlace (with the Int8Array negative-index quirk), E.sum, E.variance, E.toArrayBuffer,
//    E.getSizeOf; atob/btoa on byte strings; Math.round rounding halves away from zero;
//  - require("Storage") with write/read/readArrayBuffer/list/erase/getFree and a flash size;
//    Modules.addCached; require() looking in the module cache, then Storage files;
//  - process.memory() and process.env; print();
//  - the built-ins Espruino lacks are absent (Map, Set, Symbol, Proxy, BigInt, Math.imul, ...;
//    Number.EPSILON/MAX_SAFE_INTEGER/MIN_SAFE_INTEGER are non-configurable in V8 and stay: the
//    dialect check rejects them in device code);
//  - a JsVar memory account: typed arrays, strings from atob, ArrayBuffers and views are charged in
//    blocks of the board's size, and going over the board's variable count throws
//    "Out of Memory!" as the device would.
// Typed-array stores wrap and truncate exactly as in Node (facts: "same as Node").
// Optionally every script is instrumented to count the interpreter cost (cost.ts).
import * as vm from 'node:vm';
import { BoardProfile, EspruinoProfile, espruinoProfile, findBoard } from '../boards';
import { COUNTER, CostBreakdown, HelperCounts, Instrumented, emptyHelperCounts, instrument, tallyCost } from './cost';
import {
  STORAGE_BUFFER_BLOCKS,
  TO_ARRAY_BUFFER_BLOCKS,
  VIEW_BLOCKS,
  codeBlocks,
  ramCodeBlocks,
  stringBlocks,
  storageFileBytes,
  typedArrayBlocks,
} from './memory';

export interface SandboxOptions {
  /** Board profile id or profile (default PUCKJS). */
  board?: string | BoardProfile;
  /** Provide E.convolve/E.mapInPlace/... (default true; false models a host without them). */
  helpers?: boolean;
  /** Count interpreter cost of every script run (default false). */
  countCost?: boolean;
  /** Blocks already in use when the sandbox starts (the firmware's own variables). Default 150. */
  baseBlocks?: number;
  /**
   * Board hardware stand-ins for apps (default true): LED1-3, digitalPulse, and by family
   * Puck (accelOn/accelOff, 'accel' events with raw counts) or Bangle (setPollInterval, buzz,
   * 'accel' events in g) and the Bangle screen `g` (drawing calls recorded). Drive them with
   * `accel(x, y, z)` (in g).
   */
  hardware?: boolean;
  /**
   * Extends the sandbox's E and Storage before any script runs (native/emulate.ts adds
   * E.nativeCall and flat-string addresses this way).
   */
  extend?: (api: SandboxExtension) => void;
}

/** What an extension may change or use: the E object, the Storage module, the context, the cost counts. */
export interface SandboxExtension {
  E: Record<string, unknown>;
  storage: Record<string, unknown>;
  context: vm.Context;
  storageMapped: boolean;
  helpers: HelperCounts;
  blockSize: number;
  charge(blocks: number): void;
}

export interface StorageFile {
  data: Uint8Array;
}

export class OutOfMemory extends Error {
  constructor(
    readonly blocks: number,
    readonly total: number,
  ) {
    super(`Out of Memory! (${blocks} blocks needed, ${total} available)`);
    this.name = 'OutOfMemory';
  }
}

/** Bytes of a JS binary string (char codes 0-255). */
export function bytesToBinaryString(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode.apply(null, Array.prototype.slice.call(b.subarray(i, i + 8192)) as number[]);
  return s;
}

export function binaryStringToBytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 255;
  return b;
}

const TYPED = [
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
] as const;

/** Storage.write's data as bytes: a binary string, an ArrayBuffer or view, or an array of bytes. */
function toBytes(data: unknown): Uint8Array {
  if (typeof data === 'string') return binaryStringToBytes(data);
  if (data instanceof ArrayBuffer || (data as object)?.constructor?.name === 'ArrayBuffer') return new Uint8Array(data as ArrayBuffer).slice();
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  if (Array.isArray(data)) return Uint8Array.from(data as number[]);
  return binaryStringToBytes(String(data));
}

function checkStorageName(name: string): void {
  if (typeof name !== 'string' || name.length === 0 || name.length > 28)
    throw new Error(`Storage: file name must be 1-28 characters, got ${JSON.stringify(name)}`);
}

/** A new file of `total` bytes (erased: 255) with bytes at `at`, replacing any old one; `free`: the Storage bytes free now. */
function writeNewFile(files: Map<string, Uint8Array>, name: string, bytes: Uint8Array, at: number, total: number, free: number): void {
  if (at + bytes.length > total) throw new Error('Storage: data longer than the file size');
  const old = files.get(name);
  const need = storageFileBytes(total) - (old ? storageFileBytes(old.length) : 0);
  if (need > free) throw new Error(`Storage: not enough free space (${free} bytes free, ${need} needed)`);
  const f = new Uint8Array(total).fill(255);
  f.set(bytes, at);
  files.set(name, f);
}

/** Bytes written into an existing file at offset: flash bits can only go from 1 to 0 without an erase. */
function writeAt(files: Map<string, Uint8Array>, name: string, bytes: Uint8Array, offset: number): void {
  const f = files.get(name);
  if (!f) throw new Error(`Storage: ${name} does not exist: write it first with a size`);
  if (offset + bytes.length > f.length) throw new Error(`Storage: write past the end of ${name}`);
  for (let i = 0; i < bytes.length; i++) {
    if ((f[offset + i] & bytes[i]) !== bytes[i]) throw new Error(`Storage: ${name} offset ${offset + i} already written`);
    f[offset + i] = bytes[i];
  }
}

/** Removes what Espruino lacks, and gives Math.round Espruino's rule. */
function removeMissing(ctx: vm.Context): void {
  vm.runInContext(
    `(function(){
        var g = globalThis;
        ['Map','Set','WeakMap','WeakSet','Symbol','Proxy','BigInt','WeakRef','FinalizationRegistry'].forEach(function(n){ delete g[n]; });
        ['imul','trunc','fround','clz32','tanh','log2','hypot','cbrt'].forEach(function(n){ delete Math[n]; });
        ['isInteger','EPSILON','MAX_SAFE_INTEGER','MIN_SAFE_INTEGER'].forEach(function(n){ delete Number[n]; });
        delete Array.from;
        var nativeRound = Math.round;
        Math.round = function(x){ return x < 0 ? -nativeRound(-x) : nativeRound(x); };
      })()`,
    ctx,
  );
}

/** Replaces the typed-array constructors by ones that charge the pool (host: the charging side). */
function trackTypedArrays(
  ctx: vm.Context,
  host: { charge(n: number): void; blockSize: number; typedArrayBlocks: typeof typedArrayBlocks; VIEW_BLOCKS: number },
): void {
  vm.runInContext(
    `(function(host){
        var g = globalThis;
        ${JSON.stringify(TYPED)}.forEach(function(name){
          var Base = g[name];
          var Tracked = function(a, b, c) {
            if (!new.target) throw new TypeError(name + ' constructor requires new');
            var t = a === undefined ? new Base() : b === undefined ? new Base(a) : c === undefined ? new Base(a, b) : new Base(a, b, c);
            if (a instanceof ArrayBuffer || (a && a.constructor && a.constructor.name === 'ArrayBuffer')) host.charge(host.VIEW_BLOCKS);
            else host.charge(host.typedArrayBlocks(t.byteLength, host.blockSize));
            Object.setPrototypeOf(t, Tracked.prototype);
            return t;
          };
          Tracked.prototype = Object.create(Base.prototype, { constructor: { value: Tracked, writable: true, configurable: true } });
          Object.setPrototypeOf(Tracked, Base);
          Object.defineProperty(Tracked, 'name', { value: name });
          Object.defineProperty(Tracked, 'BYTES_PER_ELEMENT', { value: Base.BYTES_PER_ELEMENT });
          delete Tracked.from;
          Object.defineProperty(Tracked, 'from', { value: undefined, enumerable: false });
          g[name] = Tracked;
        });
      })`,
    ctx,
  )(host);
}

function elem(x: unknown, i: number): number {
  if (typeof x === 'string') return x.charCodeAt(i);
  return Number((x as ArrayLike<number>)[i]);
}

function lengthOf(x: unknown): number {
  return typeof x === 'string' ? x.length : Number((x as ArrayLike<number>).length);
}

/** A bit stream's values: |bits| bits per element, MSB first for positive bits, LSB first for negative. */
function unpackBits(from: ArrayLike<number>, n: number, bits: number): number[] {
  const w = Math.abs(bits);
  const src: number[] = [];
  let acc = 0;
  let have = 0;
  let idx = 0;
  while (src.length < n && (idx < from.length || have >= w)) {
    if (have < w) {
      const byte = from[idx++] & 255;
      acc = bits > 0 ? (acc << 8) | byte : acc | (byte << have);
      have += 8;
      continue;
    }
    if (bits > 0) {
      src.push((acc >> (have - w)) & ((1 << w) - 1));
    } else {
      src.push(acc & ((1 << w) - 1));
      acc >>>= w;
    }
    have -= w;
  }
  return src;
}

/** E.mapInPlace's value of source element v: a function's result, a table entry (negative from an Int8Array, or out of range: 0). */
function mapValue(map: unknown, v: number, i: number, signedSource: boolean): number {
  if (typeof map === 'function') return (map as (v: number, i: number) => number)(v, i);
  if (!map || typeof map !== 'object') return 0;
  const lut = map as ArrayLike<number>;
  return signedSource && v < 0 ? 0 : v >= 0 && v < lut.length ? lut[v] : 0;
}

/** Espruino's native array helpers the kernels use, counted into `counts` (inStorage: the buffer is a mapped Storage file). */
function arrayHelpers(counts: HelperCounts, inStorage: (b: ArrayBufferLike) => boolean): Record<string, unknown> {
  return {
    convolve(a: unknown, b: unknown, offset: number): number {
      const la = lengthOf(a);
      const lb = lengthOf(b);
      if (lb === 0) throw new Error('E.convolve: empty second argument (the device crashes: division by zero)');
      const off = Number(offset) | 0;
      if (off < 0) throw new Error('E.convolve: negative offset (undefined on the device)');
      counts.convolveCalls++;
      counts.convolveElements += la;
      if (ArrayBuffer.isView(b) && inStorage(b.buffer)) {
        counts.storageConvolveElements += la;
        counts.storageConvolveOffsets += off;
      }
      counts.convolveOffsets += off;
      let s = 0;
      for (let i = 0; i < la; i++) s += elem(a, i) * elem(b, (i + off) % lb);
      return s;
    },
    mapInPlace(from: ArrayLike<number>, to: { [i: number]: number; length: number }, map: unknown, bits?: number): void {
      const n = to.length;
      counts.mapCalls++;
      const src = bits === undefined || bits === 0 ? (Array.prototype.slice.call(from, 0, n) as number[]) : unpackBits(from, n, bits);
      counts.mapElements += src.length;
      const signedSource = from instanceof Int8Array || (from as object).constructor?.name === 'Int8Array';
      for (let i = 0; i < src.length; i++) to[i] = mapValue(map, src[i], i, signedSource);
    },
    sum(a: ArrayLike<number>): number {
      counts.sumElements += a.length;
      let s = 0;
      for (let i = 0; i < a.length; i++) s += Number(a[i]);
      return s;
    },
    variance(a: ArrayLike<number>, mean: number): number {
      counts.sumElements += a.length;
      let s = 0;
      for (let i = 0; i < a.length; i++) s += (a[i] - mean) * (a[i] - mean);
      return s;
    },
  };
}

export class EspruinoSandbox {
  readonly board: BoardProfile;
  readonly profile: EspruinoProfile;
  readonly context: vm.Context;
  /** Storage files by name. */
  readonly storage = new Map<string, Uint8Array>();
  /** Text printed by print()/console.log, one entry per call. */
  readonly output: string[] = [];
  /** JsVar blocks in use (charged at allocation, never released: an upper bound of live memory). */
  usedBlocks: number;
  /** Highest usedBlocks seen. */
  peakBlocks: number;
  readonly helpers: HelperCounts = emptyHelperCounts();
  /** ArrayBuffers on Storage files' data (readArrayBuffer), for the cost of reading them. */
  private readonly storageBuffers = new WeakSet<ArrayBufferLike>();
  private readonly instrumented: { ins: Instrumented; counts: Float64Array; storage: boolean }[] = [];
  private readonly countCost: boolean;
  private readonly modules = new Map<string, unknown>();
  private readonly extend: SandboxOptions['extend'];

  constructor(opts: SandboxOptions = {}) {
    this.extend = opts.extend;
    this.board = typeof opts.board === 'object' ? opts.board : findBoard(opts.board ?? 'PUCKJS', { espruino: true });
    this.profile = espruinoProfile(this.board);
    this.countCost = !!opts.countCost;
    this.usedBlocks = opts.baseBlocks ?? 150;
    this.peakBlocks = this.usedBlocks;
    this.context = vm.createContext({});
    this.install(opts.helpers !== false);
    if (opts.hardware !== false) this.installHardware();
  }

  /** Accelerometer listeners registered by the app, and what the screen/LEDs were told. */
  readonly hw = { accelHz: 0, pollMs: 0, listeners: [] as ((a: unknown) => void)[], screen: [] as string[], pulses: 0, buzzes: 0 };

  private installHardware(): void {
    const hw = this.hw;
    const family = this.profile.family;
    const units = this.profile.accelerometer?.unitsPerG ?? 1;
    const on = (ev: string, fn: (a: unknown) => void): void => {
      if (ev === 'accel') hw.listeners.push(fn);
    };
    const ctx = this.context as Record<string, unknown>;
    Object.assign(ctx, { LED1: 'LED1', LED2: 'LED2', LED3: 'LED3', digitalPulse: () => void hw.pulses++, digitalWrite: () => undefined, global: ctx });
    if (family === 'puck') {
      ctx.Puck = {
        accelOn: (hz: number) => void (hw.accelHz = hz),
        accelOff: () => void (hw.accelHz = 0),
        on,
        _units: units,
      };
    } else if (family === 'bangle') {
      ctx.Bangle = { on, setPollInterval: (ms: number) => void (hw.pollMs = ms), buzz: () => void hw.buzzes++ };
      const rec =
        (name: string) =>
        (...a: unknown[]) =>
          void hw.screen.push(`${name}(${a.map((x) => JSON.stringify(x)).join(',')})`);
      ctx.g = {
        clear: rec('clear'),
        setFont: rec('setFont'),
        setFontAlign: rec('setFontAlign'),
        drawString: rec('drawString'),
        flip: rec('flip'),
        getWidth: () => 176,
        getHeight: () => 176,
      };
    }
  }

  /** Delivers one accelerometer sample (in g) to the app's listeners, in the family's format. */
  accel(x: number, y: number, z: number): void {
    const units = this.profile.accelerometer?.unitsPerG ?? 1;
    for (const fn of this.hw.listeners) {
      if (this.profile.family === 'puck')
        fn({ acc: { x: Math.round(x * units), y: Math.round(y * units), z: Math.round(z * units) }, gyro: { x: 0, y: 0, z: 0 } });
      else fn({ x, y, z, diff: 0, mag: Math.hypot(x, y, z) });
    }
  }

  private persistentBlocks = -1;

  /**
   * Marks what is allocated now as persistent (the loaded module). `settle()` then frees
   * everything allocated later: the stand-in for Espruino's garbage collector, which reclaims
   * what a finished call left unreferenced. Allocations made while a call runs still count
   * against the pool until it returns, so a call that needs too much at once fails here as on
   * the device.
   */
  markPersistent(): void {
    this.persistentBlocks = this.usedBlocks;
  }

  /** Frees the garbage of finished calls (see markPersistent). */
  settle(): void {
    if (this.persistentBlocks >= 0) this.usedBlocks = this.persistentBlocks;
  }

  /** Charges blocks to the pool; throws OutOfMemory past the board's variable count. */
  charge(blocks: number): void {
    if (this.usedBlocks + blocks > this.profile.variables) throw new OutOfMemory(this.usedBlocks + blocks, this.profile.variables);
    this.usedBlocks += blocks;
    if (this.usedBlocks > this.peakBlocks) this.peakBlocks = this.usedBlocks;
  }

  storageUsedBytes(): number {
    let n = 0;
    for (const d of this.storage.values()) n += storageFileBytes(d.length);
    return n;
  }

  private install(withHelpers: boolean): void {
    const ctx = this.context;
    removeMissing(ctx);
    // Typed arrays charge the memory pool: a new buffer costs its flat string, a view 2 blocks.
    const charge = (n: number): void => this.charge(n);
    trackTypedArrays(ctx, { charge, blockSize: this.profile.blockSize, typedArrayBlocks, VIEW_BLOCKS });
    const E = this.makeE(withHelpers);
    const storage = this.makeStorage();
    this.extend?.({
      E,
      storage: storage as unknown as Record<string, unknown>,
      context: ctx,
      storageMapped: this.profile.storageMapped,
      helpers: this.helpers,
      blockSize: this.profile.blockSize,
      charge,
    });
    const print = (...args: unknown[]): void => {
      this.output.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    };
    Object.assign(ctx, {
      E,
      atob: (s: string): string => this.atob(s),
      btoa: (s: string): string => Buffer.from(String(s), 'latin1').toString('base64'),
      Modules: this.makeModules(),
      require: (name: string): unknown => this.requireModule(name, storage),
      print,
      console: { log: print },
      process: this.makeProcess(),
      setTimeout,
      clearTimeout,
      setInterval,
      clearInterval,
      [COUNTER]: new Float64Array(0),
    });
  }

  /** atob charges the decoded string's blocks. */
  private atob(s: string): string {
    const str = Buffer.from(String(s), 'base64').toString('latin1');
    this.charge(stringBlocks(str.length, this.profile.blockSize));
    return str;
  }

  /** The E object: toArrayBuffer and getSizeOf, and with helpers the native array helpers the kernels use (counted). */
  private makeE(withHelpers: boolean): Record<string, unknown> {
    const bs = this.profile.blockSize;
    const E: Record<string, unknown> = {
      toArrayBuffer: (str: string): ArrayBuffer => {
        this.charge(TO_ARRAY_BUFFER_BLOCKS);
        const bytes = binaryStringToBytes(String(str));
        const Ctx = vm.runInContext('ArrayBuffer', this.context) as ArrayBufferConstructor;
        const buf = new Ctx(bytes.length);
        new Uint8Array(buf).set(bytes);
        return buf;
      },
      getSizeOf(x: unknown): number {
        if (typeof x === 'string') return stringBlocks(x.length, bs);
        if (ArrayBuffer.isView(x)) return typedArrayBlocks(x.byteLength, bs);
        if (Array.isArray(x)) return x.length + 3;
        return 1;
      },
    };
    if (withHelpers)
      Object.assign(
        E,
        arrayHelpers(this.helpers, (b) => this.storageBuffers.has(b)),
      );
    return E;
  }

  private makeModules(): object {
    const modules = this.modules;
    return {
      addCached: (id: string, fnOrSource: unknown): void => {
        // Espruino runs a function's code with `exports` and `module` in scope (the upload tools
        // inline modules this way): evaluate its text as a module body.
        const source = typeof fnOrSource === 'function' ? `(${String(fnOrSource)})();` : String(fnOrSource);
        modules.set(id, this.evalModule(source, id));
      },
      removeCached(id: string): void {
        modules.delete(id);
      },
      getCached(): string[] {
        return [...modules.keys()];
      },
    };
  }

  private requireModule(name: string, storage: object): unknown {
    if (this.modules.has(name)) return this.modules.get(name);
    if (name === 'Storage') return storage;
    const file = this.storage.get(name);
    if (file) {
      const exp = this.evalModule(Buffer.from(file).toString('latin1'), name, true);
      this.modules.set(name, exp);
      return exp;
    }
    throw new Error(`Module ${name} not found`);
  }

  private makeProcess(): object {
    return {
      env: { BOARD: this.profile.board, VERSION: '2v29', FLASH: this.board.flashBytes, RAM: this.board.ramBytes },
      memory: () => ({
        free: this.profile.variables - this.usedBlocks,
        usage: this.usedBlocks,
        total: this.profile.variables,
        history: 0,
        gc: 0,
        gctime: 0,
        blocksize: this.profile.blockSize,
      }),
    };
  }

  private makeStorage(): object {
    const files = this.storage;
    const self = this;
    const capacity = this.profile.storageBytes;
    const free = (): number => capacity - self.storageUsedBytes();
    return {
      write(name: string, data: unknown, offset?: number, size?: number): boolean {
        checkStorageName(name);
        const bytes = toBytes(data);
        // A new file (replacing any old one) unless only an offset is given.
        if (size !== undefined || offset === undefined) writeNewFile(files, name, bytes, offset ?? 0, size ?? bytes.length, free());
        else writeAt(files, name, bytes, offset);
        return true;
      },
      read(name: string, offset?: number, length?: number): string | undefined {
        const f = files.get(name);
        if (!f) return undefined;
        const a = offset ?? 0;
        const b = length === undefined ? f.length : Math.min(f.length, a + length);
        return bytesToBinaryString(f.subarray(a, b));
      },
      readArrayBuffer(name: string): ArrayBuffer | undefined {
        const f = files.get(name);
        if (!f) return undefined;
        self.charge(STORAGE_BUFFER_BLOCKS);
        const Ctx = vm.runInContext('ArrayBuffer', self.context) as ArrayBufferConstructor;
        const buf = new Ctx(f.length);
        new Uint8Array(buf).set(f);
        self.storageBuffers.add(buf);
        return buf;
      },
      readJSON(name: string): unknown {
        const f = files.get(name);
        return f ? JSON.parse(Buffer.from(f).toString('latin1')) : undefined;
      },
      list(re?: RegExp): string[] {
        return [...files.keys()].filter((n) => !re || re.test(n)).sort();
      },
      erase(name: string): void {
        files.delete(name);
      },
      eraseAll(): void {
        files.clear();
      },
      getFree(): number {
        return free();
      },
      getStats(): object {
        return { totalBytes: capacity, freeBytes: free(), fileBytes: self.storageUsedBytes(), fileCount: files.size };
      },
      compact(): void {
        /* nothing to compact in the model */
      },
    };
  }

  /** storage: the code is a Storage file's (it runs from Storage on the device). */
  private prepare(source: string, storage = false): string {
    if (!this.countCost) return source;
    const ins = instrument(source);
    // Each script gets its own counter slice: rename the counter to an offset view.
    const counts = new Float64Array(ins.regions.length);
    this.instrumented.push({ ins, counts, storage });
    const name = `__tinyrnn_k${this.instrumented.length - 1}`;
    (this.context as Record<string, unknown>)[name] = counts;
    return ins.source.split(`${COUNTER}[`).join(`${name}[`);
  }

  /** Runs a script at the top level (like uploading it to the console). */
  run(source: string, filename = 'code.js'): unknown {
    return vm.runInContext(this.prepare(source), this.context, { filename });
  }

  /** Evaluates module text with `exports` and `module`, returning module.exports. */
  evalModule(source: string, filename: string, fromStorage = false): unknown {
    // The module's code: in flash on boards with memory-mapped Storage, else loaded into RAM.
    const functions = (source.match(/\bfunction\b|=>/g) ?? []).length;
    this.charge(fromStorage ? codeBlocks(functions) : ramCodeBlocks(source.length, functions, this.profile.blockSize));
    const wrapped = `(function(exports, module){${source}\n})`;
    const fn = vm.runInContext(this.prepare(wrapped, fromStorage), this.context, { filename }) as (e: object, m: object) => void;
    const module = { exports: {} as unknown };
    fn(module.exports as object, module);
    return module.exports;
  }

  /** require() inside the sandbox. */
  require(name: string): unknown {
    return (this.context.require as (n: string) => unknown)(name);
  }

  /** Resets cost counters (e.g. after loading, to count only steps). */
  resetCost(): void {
    for (const p of this.instrumented) p.counts.fill(0);
    Object.assign(this.helpers, emptyHelperCounts());
  }

  /** The interpreter cost of everything run since the last resetCost(). */
  cost(): CostBreakdown {
    return tallyCost(
      this.instrumented.map((p) => ({ regions: p.ins.regions, counts: p.counts, storage: p.storage })),
      this.helpers,
      this.profile.storageMapped,
    );
  }
}
