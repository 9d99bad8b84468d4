// The Espruino sandbox gives Node Espruino's semantics where device code can tell: native helpers
// (E.convolve double accumulation and its empty-b crash, E.mapInPlace with the Int8Array
// negative-index quirk and bit streams, E.sum, E.variance, E.toArrayBuffer), atob/btoa on byte
// strings, Math.round's ties away from zero, missing built-ins, typed-array wrap/truncation,
// Storage (write with offset and size, flash bits, names, free space), Modules.addCached and
// require(), process.memory(), and the JsVar pool with "Out of Memory!".
import { EspruinoSandbox, OutOfMemory } from '../../../targets/espruino/sandbox';
import { typedArrayBlocks, plainArrayBlocks, VIEW_BLOCKS } from '../../../targets/espruino/memory';

describe('Espruino sandbox semantics', () => {
  const sb = new EspruinoSandbox({ board: 'PUCKJS' });
  const run = (code: string): unknown => sb.run(code);

  test('E.convolve: sum a[i] * b[(i + offset) mod b.length] in doubles; empty b crashes', () => {
    expect(run('E.convolve(new Int8Array([1,2,3]), new Int8Array([10,20,30,40]), 2)')).toBe(1 * 30 + 2 * 40 + 3 * 10);
    expect(run('E.convolve(new Int16Array([32767, -32768]), new Int16Array([32767, 32767]), 0)')).toBe(32767 * 32767 - 32768 * 32767);
    expect(run('E.convolve([1,2], "AB", 0)')).toBe(65 + 2 * 66);
    expect(() => run('E.convolve(new Int8Array(3), new Int8Array(0), 0)')).toThrow(/empty/);
  });

  test('E.mapInPlace: table lookups, the Int8Array negative-index quirk, functions, bit streams', () => {
    expect(run('var o = new Uint8Array(3); E.mapInPlace(new Uint8Array([0,1,2]), o, [5,6,7]); [].slice.call(o)')).toEqual([5, 6, 7]);
    // An Int8Array source with negative values reads 0 from the table; through a Uint8Array view it works.
    expect(
      run(
        'var s = new Int8Array([-1, 1]); var t = new Uint8Array(256); t[255] = 9; t[1] = 4; var o2 = new Uint8Array(2); E.mapInPlace(s, o2, t); [].slice.call(o2)',
      ),
    ).toEqual([0, 4]);
    expect(run('var o3 = new Uint8Array(2); E.mapInPlace(new Uint8Array(s.buffer), o3, t); [].slice.call(o3)')).toEqual([9, 4]);
    expect(run('var o4 = new Int16Array(2); E.mapInPlace(new Int16Array([3,-4]), o4, function (v) { return v * 2; }); [].slice.call(o4)')).toEqual([6, -8]);
    expect(
      run('var o5 = new Uint8Array(4); E.mapInPlace(new Uint8Array([0x12, 0x34]), o5, [0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15], 4); [].slice.call(o5)'),
    ).toEqual([1, 2, 3, 4]);
    expect(
      run('var o6 = new Uint8Array(4); E.mapInPlace(new Uint8Array([0x12, 0x34]), o6, [0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15], -4); [].slice.call(o6)'),
    ).toEqual([2, 1, 4, 3]);
  });

  test('E.sum, E.variance (sum of squared deviations), E.toArrayBuffer, atob/btoa on bytes', () => {
    expect(run('E.sum(new Int8Array([-1, 2, 100]))')).toBe(101);
    expect(run('E.variance([1, 2, 3], 2)')).toBe(2);
    expect(run('var ab = E.toArrayBuffer(atob("AP+A")); [].slice.call(new Uint8Array(ab))')).toEqual([0, 255, 128]);
    expect(run('btoa(String.fromCharCode(0, 255, 128))')).toBe('AP+A');
  });

  test('numbers: Math.round ties away from zero, typed arrays wrap and truncate as in Node', () => {
    expect(run('[Math.round(-2.5), Math.round(2.5), Math.round(-0.4), Math.round(1.5)]')).toEqual([-3, 3, -0, 2]);
    expect(run('var w = new Int8Array(3); w[0] = 200; w[1] = 1.7; w[2] = NaN; [].slice.call(w)')).toEqual([-56, 1, 0]);
    expect(run('var cl = new Uint8ClampedArray(2); cl[0] = 300; cl[1] = -5; [].slice.call(cl)')).toEqual([255, 0]);
  });

  test('built-ins Espruino lacks are absent', () => {
    for (const x of ['Map', 'Set', 'Symbol', 'Proxy', 'BigInt', 'WeakMap']) expect(run(`typeof ${x}`)).toBe('undefined');
    for (const x of ['imul', 'trunc', 'fround', 'clz32', 'tanh', 'log2', 'hypot', 'cbrt']) expect(run(`typeof Math.${x}`)).toBe('undefined');
    // (Number.EPSILON and MAX_SAFE_INTEGER are non-configurable in V8: only the dialect check catches them.)
    expect(run('[typeof Number.isInteger, typeof Array.from, typeof Int8Array.from]')).toEqual(['undefined', 'undefined', 'undefined']);
  });

  test('Storage: write with offset and total size, read, readArrayBuffer, list, erase, names, free space', () => {
    const s = new EspruinoSandbox({ board: 'PUCKJS' });
    const r = (c: string): unknown => s.run(c);
    const free0 = r('require("Storage").getFree()') as number;
    expect(free0).toBe(40960);
    r('var S = require("Storage"); S.write("f", "Hello", 0, 11); S.write("f", " World", 5);');
    expect(r('S.read("f")')).toBe('Hello World');
    expect(r('S.read("f", 6, 5)')).toBe('World');
    expect(r('[].slice.call(new Uint8Array(S.readArrayBuffer("f"), 0, 2))')).toEqual([72, 101]);
    expect(() => r('S.write("f", "x", 0)')).toThrow(/already written/);
    expect(() => r('S.write("this-name-is-longer-than-28-chars", "x")')).toThrow(/1-28 characters/);
    expect(r('S.list()')).toEqual(['f']);
    expect(r('S.getFree()')).toBe(free0 - (32 + 12));
    expect(() => r('S.write("big", "x", 0, 50000)')).toThrow(/not enough free space/);
    r('S.erase("f")');
    expect(r('S.read("f")')).toBeUndefined();
  });

  test('modules: Modules.addCached (function or source), require from Storage, unknown modules', () => {
    const s = new EspruinoSandbox();
    s.run('Modules.addCached("m1", function () { exports.x = 41; }); Modules.addCached("m2", "exports.y = 1;");');
    expect(s.run('require("m1").x + require("m2").y')).toBe(42);
    s.storage.set('m3', Buffer.from('module.exports = { z: 7 };', 'latin1'));
    expect(s.run('require("m3").z')).toBe(7);
    expect(() => s.run('require("nope")')).toThrow(/Module nope not found/);
  });

  test('memory: blocks per typed array, view and plain array; process.memory(); Out of Memory at the board size', () => {
    const s = new EspruinoSandbox({ board: 'PUCKJS', baseBlocks: 0 });
    s.run('var a = new Int8Array(64);');
    expect(s.usedBlocks).toBe(typedArrayBlocks(64, 13));
    expect(typedArrayBlocks(64, 13)).toBe(8); // measured on the device
    expect(typedArrayBlocks(10240, 13)).toBe(801); // measured on the device
    expect(plainArrayBlocks(64)).toBe(67); // measured on the device
    s.run('var v = new Int8Array(a.buffer, 8, 8);');
    expect(s.usedBlocks).toBe(8 + VIEW_BLOCKS);
    expect(s.run('process.memory()')).toMatchObject({ total: 2630, usage: 10, free: 2620, blocksize: 13 });
    expect(() => s.run('var big = new Int8Array(40000);')).toThrow(OutOfMemory);
    expect(new EspruinoSandbox({ board: 'BANGLEJS2' }).run('process.memory().blocksize')).toBe(14);
  });
});
