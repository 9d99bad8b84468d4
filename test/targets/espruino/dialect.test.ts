// The dialect check: a seeded sample of every forbidden construct and built-in, each embedded at a
// random depth (top level, in a function, in a block, in an arrow, in a method) after a random
// number of harmless lines, must be rejected with its code and the exact line; harmless code that
// looks similar must pass.
import { Rng } from '../../../compiler/core/util/rng';
import { TinyrnnError } from '../../../compiler/core/ir/errors';
import { assertEspruinoDialect, dialectProblems } from '../../../targets/espruino/dialect';

// [code, snippet]: each snippet is one line that must be rejected with that code.
const FORBIDDEN: [string, string][] = [
  ['ESP101', 'var f1 = function (a, b = 2) { return a + b; };'],
  ['ESP101', 'var f2 = (a = 1) => a;'],
  ['ESP102', 'var f3 = function (...r) { return r; };'],
  ['ESP102', 'var s1 = [].concat([...arr]);'],
  ['ESP102', 'var s2 = Math.max.apply(null, [1]) + g(...arr);'],
  ['ESP103', 'var { a1, b1 } = obj;'],
  ['ESP103', 'var [c1, d1] = arr;'],
  ['ESP103', 'var f4 = function ({ x }) { return x; };'],
  ['ESP104', 'var o1 = { [key]: 1 };'],
  ['ESP105', 'var p1 = 2 ** 8;'],
  ['ESP105', 'var p2 = 3; p2 **= 2;'],
  ['ESP106', 'var q1 = obj?.x;'],
  ['ESP106', 'var q2 = obj.f?.();'],
  ['ESP107', 'var a2 = async function () { return 1; };'],
  ['ESP107', 'var a3 = async () => 1;'],
  ['ESP108', 'var g1 = function* () { yield 1; };'],
  ['ESP109', 'outer: for (var i1 = 0; i1 < 2; i1++) { continue outer; }'],
  ['ESP110', 'var m1 = new Map();'],
  ['ESP110', 'var m2 = new Set([1]);'],
  ['ESP110', 'var m3 = Symbol("x");'],
  ['ESP110', 'var m4 = new Proxy({}, {});'],
  ['ESP110', 'var m5 = BigInt(3);'],
  ['ESP110', 'var m6 = new WeakMap();'],
  ['ESP111', 'var n1 = Math.imul(3, 4);'],
  ['ESP111', 'var n2 = Math.trunc(-1.5);'],
  ['ESP111', 'var n3 = Math.fround(1);'],
  ['ESP111', 'var n4 = Math.clz32(1);'],
  ['ESP111', 'var n5 = Math.tanh(1);'],
  ['ESP111', 'var n6 = Math.log2(8);'],
  ['ESP111', 'var n7 = Math.hypot(3, 4);'],
  ['ESP111', 'var n8 = Math.cbrt(8);'],
  ['ESP111', 'var n9 = Number.isInteger(3);'],
  ['ESP111', 'var n10 = Number.EPSILON;'],
  ['ESP111', 'var n11 = Number.MAX_SAFE_INTEGER;'],
  ['ESP111', 'var n12 = Array.from(arr);'],
  ['ESP111', 'var n13 = Int8Array.from(arr);'],
  ['ESP111', 'var n14 = Float32Array.from(arr);'],
  ['ESP112', 'var b1 = 10n;'],
  ['ESP114', 'var d1 = 0.5;'],
  ['ESP114', 'var d2 = 1e-3;'],
  ['ESP114', 'var d3 = 2.0;'],
  ['ESP100', 'var k1 = class { x = 1; };'],
];

// Wrappers: [before, after] placed around the snippet line.
const WRAPPERS: [string, string][] = [
  ['', ''],
  ['function w1() {', '}'],
  ['if (flag) {', '}'],
  ['var w2 = () => {', '};'],
  ['var w3 = { m: function () {', '} };'],
  ['for (var w4 = 0; w4 < 1; w4++) {', '}'],
];

const PRELUDE = 'var arr = [1, 2]; var obj = { x: 1, f: function () { return 1; } }; var key = "k"; var flag = true; function g() { return 0; }';

describe('dialect check: forbidden constructs and built-ins', () => {
  const rng = new Rng(2026);
  for (const [code, snippet] of FORBIDDEN) {
    test(`${code}: ${snippet}`, () => {
      for (let trial = 0; trial < 3; trial++) {
        const [before, after] = WRAPPERS[rng.u32() % WRAPPERS.length];
        const filler = rng.u32() % 6;
        const lines = [PRELUDE];
        for (let i = 0; i < filler; i++) lines.push(`var pad${i} = ${i} + 1;`);
        if (before) lines.push(before);
        const line = lines.length + 1;
        lines.push(snippet);
        if (after) lines.push(after);
        const problems = dialectProblems(lines.join('\n'), { integerLiterals: true });
        const hit = problems.filter((p) => p.code === code);
        expect({ snippet, before, hits: hit.map((p) => p.line) }).toEqual({ snippet, before, hits: expect.arrayContaining([line]) });
        // Nothing else is reported: the prelude and wrappers are clean.
        expect(problems.filter((p) => p.line !== line)).toEqual([]);
      }
    });
  }

  test('calls before a function declaration (no hoisting on Espruino)', () => {
    const src = ['var a = later(1);', 'function later(x) { return x; }'].join('\n');
    const p = dialectProblems(src);
    expect(p.map((d) => [d.code, d.line])).toEqual([['ESP113', 1]]);
    // Immediately invoked functions run at once: the same rule applies inside them.
    expect(dialectProblems('(function () { helper(); })();\nfunction helper() {}').map((d) => d.code)).toEqual(['ESP113']);
    expect(dialectProblems('function outer() {\n  inner();\n  function inner() {}\n}').map((d) => [d.code, d.line])).toEqual([['ESP113', 2]]);
  });

  test('return followed by a line break', () => {
    const p = dialectProblems('function f() {\n  return\n  1;\n}');
    expect(p.map((d) => [d.code, d.line])).toEqual([['ESP115', 2]]);
  });

  test('parse errors name the line', () => {
    const p = dialectProblems('var a = 1;\nvar = ;');
    expect(p[0].code).toBe('ESP100');
    expect(p[0].line).toBe(2);
  });

  test('assertEspruinoDialect throws a TinyrnnError naming the file and line', () => {
    try {
      assertEspruinoDialect('var x = 1;\nvar y = new Map();', 'model.js');
      throw new Error('not rejected');
    } catch (e) {
      expect(e).toBeInstanceOf(TinyrnnError);
      expect((e as TinyrnnError).message).toMatch(/^model\.js:2: error ESP110: Map does not exist on Espruino/);
    }
  });
});

describe('dialect check: code Espruino accepts passes', () => {
  test.each([
    ['functions declared before use, called later from inside others', 'function a() { return b(); }\nfunction b() { return 1; }\nvar r = a();'],
    ['local variables named like missing globals', 'function f(Map) { var Set = 1; return Map + Set; }'],
    ['member access and computed element access', 'var a = [1]; var o = { Map: 1 }; var v = a[0] + o.Map + Math.floor(3) + Math.round(2);'],
    [
      'arrow functions, let/const, classes, template literals, for-of, ??',
      'class A extends Object { constructor() { super(); this.x = 1; } get y() { return 2; } static z() { return 3; } }\nconst f = (x) => x * 2; let s = `${f(2)}`; for (const v of [1, 2]) s += v; var n = null ?? 1;',
    ],
    ['integer literals, hex, negative', 'var a = 0x7f, b = -128, c = 32767, d = 1e3;'],
    ['return with ; and a value on the next statement', 'function f() { if (1) return;\n  g(); }\nfunction g() {}'],
    ['typed arrays and their methods', 'var a = new Int8Array(4); a.fill(1); var b = a.subarray(1, 3); var c = new Int16Array(a.buffer, 0, 2); a.set(b);'],
  ])('%s', (_name, src) => {
    expect(dialectProblems(src, { integerLiterals: true })).toEqual([]);
  });
});
