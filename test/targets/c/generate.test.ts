// The generated sources: names and text from the model file carried safely, prefixes checked,
// every layout complete and buildable, no floating point, the compile command end to end.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { QuantModel } from '../../../compiler/core/ir/quant-model';
import { saveQuantModel } from '../../../compiler/core/ir/format';
import { TinyrnnError } from '../../../compiler/core/ir/errors';
import { cString, commentText, derivePrefix, identifierFragments, prefixProblems, validatePrefix } from '../../../targets/emit/names';
import { main } from '../../../bin/cli/main';
import { generateC } from '../../../targets/c/emit';
import { writeGenerated } from '../../../targets/c/target';
import { ARM_MACHINES, buildHost, compileArmObject, runProgram, sanitizerEnv, scratchDir, symbols } from '../../../targets/c/toolchain';
import { armTest, cmakeTest, hostTest } from './gate';
import { loadVectorCases } from './vectors';

const cases = loadVectorCases();
const root = scratchDir('cgen');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function withMeta(q: QuantModel, meta: Partial<QuantModel['meta']>): QuantModel {
  return { ...q, meta: { ...q.meta, ...meta } };
}

const classifier = cases.find((c) => c.name === 'lstm_h4')!.model; // 3 features, 3 classes
const EVIL_NAME = 'evil "model" */ #define X 1\n/* int main(void) { return 1; } ??/ \\';
const EVIL_LABELS = ['say "hi" */ now', 'int\nreturn;', '??/ \\ caf\u00e9'];
const EVIL_FEATURES = ['x */ y', '"quoted"', 'for'];

describe('prefixes', () => {
  test.each([
    ['int'],
    ['return'],
    ['class'],
    ['_x'],
    ['a__b'],
    ['model_'],
    ['1abc'],
    ['with space'],
    ['caf\u00e9'],
    ['strlen_model'],
    ['memory_use'],
    ['E2BIG'],
    ['a'.repeat(25)],
    [''],
  ])('%j is rejected with EMIT001', (p) => {
    let err: unknown;
    try {
      validatePrefix(p);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TinyrnnError);
    const d = (err as TinyrnnError).diagnostics[0];
    expect(d.code).toBe('EMIT001');
    expect(d.path).toBe('--prefix');
    expect(d.value).toBe(p);
  });
  test.each([['gestures'], ['model_v2'], ['Kws'], ['a']])('%j is accepted', (p) => expect(prefixProblems(p)).toEqual([]));
  test('a prefix derived from any model name is valid', () => {
    for (const n of [EVIL_NAME, 'int', 'Gestures (v2)!', '2024 model', '', '\u00fcber-net', 'strcpy']) expect(prefixProblems(derivePrefix(n))).toEqual([]);
    expect(derivePrefix('Gestures (v2)!')).toBe('gestures_v2');
    expect(derivePrefix('int')).toBe('model');
  });
  test('the compile step rejects a bad --prefix before writing anything', () => {
    expect(() => generateC(classifier, { prefix: 'for' })).toThrow(/EMIT001/);
  });
});

describe('escaping', () => {
  test('C string literals carry any text and comments cannot be closed from inside', () => {
    expect(cString('a"b\\c\n?')).toBe('"a\\"b\\\\c\\n\\?"');
    expect(cString('\u00e9')).toBe('"\\303\\251"');
    const c = commentText('x */ y /* z ??/ \n w \\');
    expect(c).not.toMatch(/\*\/|\/\*|\?\?|\n/);
    expect(identifierFragments(['Shake left!', 'shake-left', '', 'int'], 'CLASS')).toEqual(['SHAKE_LEFT', 'SHAKE_LEFT_2', 'CLASS_2', 'INT']);
  });

  hostTest('a model name, labels and features with quotes, */, newlines, trigraphs and C keywords compile and come back byte for byte', async () => {
    const q = withMeta(classifier, { name: EVIL_NAME, labels: EVIL_LABELS, features: EVIL_FEATURES });
    const dir = path.join(root, 'evil');
    const gen = generateC(q, { prefix: 'evil' });
    writeGenerated(dir, gen);
    for (const f of gen.files) expect(f.text).not.toContain('#define X 1\n');
    const drv = path.join(dir, 'drv.c');
    fs.writeFileSync(
      drv,
      [
        '#include <stdio.h>',
        '#include "evil.h"',
        'static void hex(const char *s) { while (*s) printf("%02x", (unsigned)(unsigned char)*s++); printf("\\n"); }',
        'int main(void) {',
        '  int32_t k;',
        '  hex(EVIL_MODEL_NAME);',
        '  for (k = 0; k < EVIL_NUM_CLASSES; k++) hex(evil_class_name(k));',
        '  for (k = 0; k < EVIL_INPUT_SIZE; k++) hex(evil_feature_name(k));',
        '  printf("%d %d %d %d\\n", EVIL_CLASS_SAY_HI_NOW, EVIL_CLASS_INT_RETURN, EVIL_CLASS_CAFE, EVIL_FEATURE_FOR);',
        '  return 0;',
        '}',
        '',
      ].join('\n'),
    );
    const exe = await buildHost({ sources: [drv, path.join(dir, gen.source)], includeDirs: [dir], out: path.join(dir, 'evil.exe'), opt: '-O0' });
    const r = await runProgram(exe, []);
    expect(r.code).toBe(0);
    const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');
    expect(r.stdout.trim().split('\n')).toEqual([hex(EVIL_NAME), ...EVIL_LABELS.map(hex), ...EVIL_FEATURES.map(hex), '0 1 2 2']);
  });
});

describe('layouts', () => {
  const q = classifier;
  test('every generated file carries the banner (version, model, hash, spec, do not edit)', () => {
    for (const layout of ['plain', 'arduino', 'platformio'] as const) {
      const gen = generateC(q, { prefix: 'gest', layout });
      for (const f of gen.files) {
        const t = f.text.slice(0, 600);
        expect(t).toMatch(/tinyrnn \d+\.\d+\.\d+/);
        expect(t).toMatch(/do not edit/i);
        expect(t).toMatch(/spec(ification)? (version )?1/i);
        if (f.path !== `${gen.srcDir}tinyrnn_kernels.h`) expect(t).toContain(gen.view.modelHash);
      }
    }
  });

  test('an unknown layout is refused with EMIT002, naming the layouts', () => {
    expect(() => generateC(q, { layout: 'cmake' as 'plain' })).toThrow(TinyrnnError);
    expect(() => generateC(q, { layout: 'cmake' as 'plain' })).toThrow(
      /EMIT002: layout: unknown C layout \(got "cmake"\), expected plain, arduino, platformio/,
    );
  });

  test('plain: sources, header, Make and CMake snippets, README; arduino: library folder with an example sketch; platformio: library.json', () => {
    const paths = (layout: 'plain' | 'arduino' | 'platformio') =>
      generateC(q, { prefix: 'gest', layout })
        .files.map((f) => f.path)
        .sort();
    expect(paths('plain')).toEqual(['CMakeLists.txt', 'README.md', 'gest.c', 'gest.h', 'gest.mk', 'tinyrnn_kernels.h']);
    expect(paths('arduino')).toEqual([
      'README.md',
      'examples/gest_stream/gest_stream.ino',
      'library.properties',
      'src/gest.c',
      'src/gest.h',
      'src/tinyrnn_kernels.h',
    ]);
    expect(paths('platformio')).toEqual(['README.md', 'examples/gest_stream/main.c', 'library.json', 'src/gest.c', 'src/gest.h', 'src/tinyrnn_kernels.h']);
    const lj = JSON.parse(generateC(q, { prefix: 'gest', layout: 'platformio' }).files.find((f) => f.path === 'library.json')!.text);
    expect(lj).toMatchObject({ name: 'gest', build: { srcDir: 'src' } });
    const props = generateC(q, { prefix: 'gest', layout: 'arduino' }).files.find((f) => f.path === 'library.properties')!.text;
    expect(props).toMatch(/^name=gest$/m);
    expect(props).toMatch(/^includes=gest\.h$/m);
  });

  hostTest('the README example builds with the Make snippet and runs; the platformio example builds', async () => {
    const dir = path.join(root, 'plain');
    const gen = generateC(q, { prefix: 'gest', layout: 'plain' });
    writeGenerated(dir, gen);
    const readme = gen.files.find((f) => f.path === 'README.md')!.text;
    const code = /```c\n([\s\S]*?)```/.exec(readme)![1];
    const app = path.join(root, 'app');
    fs.mkdirSync(app, { recursive: true });
    fs.writeFileSync(path.join(app, 'main.c'), code);
    fs.writeFileSync(
      path.join(app, 'Makefile'),
      `include ${path.join(dir, 'gest.mk')}\nCFLAGS += -std=c99 -Wall -Wextra -Werror -pedantic $(GEST_CFLAGS)\napp: main.c $(GEST_SRCS)\n\t$(CC) $(CFLAGS) -o $@ $^\n`,
    );
    const mk = await runProgram('make', ['-s', '-C', app, 'app']);
    expect(mk.stderr).toBe('');
    expect(mk.code).toBe(0);
    const r = await runProgram(path.join(app, 'app'), []);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^class: .+\n$/);
    const pio = path.join(root, 'pio');
    const pgen = generateC(q, { prefix: 'gest', layout: 'platformio' });
    writeGenerated(pio, pgen);
    const exe = await buildHost({
      sources: [path.join(pio, 'examples/gest_stream/main.c'), path.join(pio, 'src/gest.c')],
      includeDirs: [path.join(pio, 'src')],
      out: path.join(pio, 'ex.exe'),
      opt: '-O2',
    });
    expect((await runProgram(exe, [])).code).toBe(0);
  });

  cmakeTest('the README example builds with the CMake snippet (add_subdirectory + target_link_libraries) under strict warnings, and runs', async () => {
    const dir = path.join(root, 'cmake-lib');
    const gen = generateC(q, { prefix: 'gest', layout: 'plain' });
    writeGenerated(dir, gen);
    const code = /```c\n([\s\S]*?)```/.exec(gen.files.find((f) => f.path === 'README.md')!.text)![1];
    const app = path.join(root, 'cmake-app');
    fs.mkdirSync(app, { recursive: true });
    fs.writeFileSync(path.join(app, 'main.c'), code);
    fs.writeFileSync(
      path.join(app, 'CMakeLists.txt'),
      [
        'cmake_minimum_required(VERSION 3.13)',
        'project(app C)',
        'set(CMAKE_C_FLAGS "${CMAKE_C_FLAGS} -Wall -Wextra -Werror -pedantic")',
        `add_subdirectory(${JSON.stringify(dir)} gest)`,
        'add_executable(app main.c)',
        'target_link_libraries(app PRIVATE gest)',
        '',
      ].join('\n'),
    );
    const build = path.join(root, 'cmake-build');
    const cfg = await runProgram('cmake', ['-S', app, '-B', build]);
    expect([cfg.code, cfg.stderr]).toEqual([0, '']);
    const mk = await runProgram('cmake', ['--build', build]);
    expect([mk.code, mk.stderr]).toEqual([0, '']);
    const r = await runProgram(path.join(build, 'app'), []);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^class: .+\n$/);
  });
});

armTest('no floating point anywhere: the model object for a soft-float Cortex-M0 references no float or double helper', async () => {
  for (const c of cases) {
    const gen = generateC(c.model, { prefix: 'm' });
    for (const f of gen.files.filter((x) => /\.(c|h)$/.test(x.path))) expect(f.text).not.toMatch(/\b(float|double)\b/);
  }
  const dir = path.join(root, 'nofloat');
  const gen = generateC(cases.find((c) => c.name === 'stacked_lstm_gru')!.model, { prefix: 'm' });
  writeGenerated(dir, gen);
  const obj = await compileArmObject({
    machine: ARM_MACHINES.m0,
    sources: [path.join(dir, 'm.c')],
    includeDirs: [dir],
    out: path.join(dir, 'm.o'),
    opt: '-Os',
  });
  const r = await runProgram('arm-none-eabi-nm', ['-u', obj]);
  const undef = r.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/).pop())
    .filter(Boolean) as string[];
  expect(undef.filter((s) => /__aeabi_[fd]|__aeabi_[ilu]2[fd]|__(add|sub|mul|div)[sd]f3/.test(s))).toEqual([]);
  expect(undef.filter((s) => !/^(memset|memcpy|__aeabi_l\w+|__aeabi_mem\w+|__aeabi_uldivmod|__aeabi_ldivmod)$/.test(s))).toEqual([]);
  expect((await symbols(obj)).length).toBeGreaterThan(0);
});

test('tinyrnn compile --target c: files, report as text and as --json', async () => {
  const dir = path.join(root, 'cli');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'model.q.tnn');
  saveQuantModel(file, classifier);
  const out: string[] = [];
  const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t), isTTY: false, cwd: dir };
  expect(await main(['compile', file, '--target', 'c', '--out', 'gen', '--prefix', 'gest', '--json'], io)).toBe(0);
  const j = JSON.parse(out.join('\n'));
  expect(j.target).toBe('c');
  expect(j.files).toContain('gest.h');
  expect(j.report.flash.weights).toBe(generateC(classifier, { prefix: 'gest' }).report.flash.weights);
  expect(j.report.ram.state).toBeGreaterThan(0);
  expect(j.report.macsPerStep).toBe(4 * 4 * (3 + 4) + 3 * 4);
  expect(fs.existsSync(path.join(dir, 'gen', 'gest.c'))).toBe(true);
  out.length = 0;
  expect(await main(['compile', file, '--target', 'c', '--out', 'gen2', '--layout', 'arduino'], io)).toBe(0);
  const text = out.join('\n');
  expect(text).toMatch(/flash: \d+ bytes of data/);
  expect(text).toMatch(/RAM: +\d+ bytes of state per stream/);
  expect(text).toMatch(/multiply-adds per time step/);
  expect(fs.existsSync(path.join(dir, 'gen2', 'library.properties'))).toBe(true);
  out.length = 0;
  expect(await main(['compile', file, '--target', 'c', '--out', 'gen3', '--layout', 'zip'], io)).toBe(2);
});

hostTest('the Arduino example sketch compiles as C++ against the generated library (with a minimal Arduino stand-in) and streams', async () => {
  const dir = path.join(root, 'arduino');
  const gen = generateC(classifier, { prefix: 'gest', layout: 'arduino' });
  writeGenerated(dir, gen);
  const stub = path.join(dir, 'Arduino.h');
  fs.writeFileSync(
    stub,
    [
      '#include <stdint.h>',
      '#include <stdio.h>',
      'static const int A0 = 14;',
      'static inline int analogRead(int pin) { return pin * 100; }',
      'static inline void delay(unsigned long) {}',
      'struct SerialStub { void begin(long) {} void println(const char *s) { printf("%s\\n", s); } void println(long v) { printf("%ld\\n", v); } };',
      'static SerialStub Serial;',
      '',
    ].join('\n'),
  );
  const main = path.join(dir, 'main.cpp');
  fs.writeFileSync(
    main,
    '#include "Arduino.h"\n#include "examples/gest_stream/gest_stream.ino"\nint main() { setup(); for (int i = 0; i < 5; i++) loop(); return 0; }\n',
  );
  const obj = path.join(dir, 'gest.o');
  const c = await runProgram('gcc', [
    '-std=c99',
    '-Wall',
    '-Wextra',
    '-Werror',
    '-pedantic',
    '-O2',
    `-I${path.join(dir, 'src')}`,
    '-c',
    path.join(dir, 'src', 'gest.c'),
    '-o',
    obj,
  ]);
  expect(c.stderr).toBe('');
  const cxx = await runProgram('g++', [
    '-std=c++11',
    '-Wall',
    '-Wextra',
    '-Werror',
    '-O2',
    `-I${dir}`,
    `-I${path.join(dir, 'src')}`,
    main,
    obj,
    '-o',
    path.join(dir, 'sketch'),
  ]);
  expect(cxx.stderr).toBe('');
  const r = await runProgram(path.join(dir, 'sketch'), []);
  expect(r.code).toBe(0);
  const lines = r.stdout.trim().split('\n');
  expect(lines).toHaveLength(5);
  for (const l of lines) expect(classifier.meta.labels).toContain(l);
});

hostTest('several streams at once: interleaved steps on two states equal separate runs, and <prefix>_run equals stepping', async () => {
  const c = cases.find((x) => x.name === 'stacked_lstm_gru')!;
  const [a, b] = c.sequences;
  const T = Math.min(a.raw.length, b.raw.length);
  const F = c.model.inputSize;
  const O = c.model.outputSize;
  const dir = path.join(root, 'streams');
  const gen = generateC(c.model, { prefix: 'm' });
  writeGenerated(dir, gen);
  const drv = path.join(dir, 'streams.c');
  fs.writeFileSync(
    drv,
    [
      '#include <stdio.h>',
      '#include "m.h"',
      `static const int32_t ra[${T * F}] = {${a.raw.slice(0, T).flat().join(', ')}};`,
      `static const int32_t rb[${T * F}] = {${b.raw.slice(0, T).flat().join(', ')}};`,
      `static m_output_t out[${T * O}];`,
      'static m_state_t sa, sb;',
      'int main(void) {',
      '  int32_t t, i;',
      '  m_reset(&sa);',
      '  m_reset(&sb);',
      `  for (t = 0; t < ${T}; t++) {`,
      `    const m_output_t *ya = m_step(&sa, ra + t * ${F});`,
      `    const m_output_t *yb = m_step(&sb, rb + t * ${F});`,
      `    printf("A"); for (i = 0; i < ${O}; i++) printf(" %ld", (long)ya[i]); printf("\\n");`,
      `    printf("B"); for (i = 0; i < ${O}; i++) printf(" %ld", (long)yb[i]); printf("\\n");`,
      '  }',
      `  if (m_run(&sa, rb, ${T}, out, NULL) != M_OK) return 2;`,
      `  for (t = 0; t < ${T}; t++) { printf("R"); for (i = 0; i < ${O}; i++) printf(" %ld", (long)out[t * ${O} + i]); printf("\\n"); }`,
      `  if (m_run(NULL, rb, ${T}, out, NULL) != M_ERR_ARGS || m_run(&sa, rb, 0, out, NULL) != M_ERR_ARGS) return 3;`,
      '  return 0;',
      '}',
      '',
    ].join('\n'),
  );
  const exe = await buildHost({ sources: [drv, path.join(dir, 'm.c')], includeDirs: [dir], out: path.join(dir, 'streams.exe'), opt: '-O2', sanitize: true });
  const r = await runProgram(exe, [], { env: sanitizerEnv() });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const rows = (tag: string) =>
    r.stdout
      .split('\n')
      .filter((l) => l.startsWith(tag + ' '))
      .map((l) => l.slice(2).split(' ').map(Number));
  expect(rows('A')).toEqual(a.outputs.slice(0, T));
  expect(rows('B')).toEqual(b.outputs.slice(0, T));
  expect(rows('R')).toEqual(b.outputs.slice(0, T));
});
