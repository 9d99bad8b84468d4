// Echo state networks in the generated C: the reservoir is not stored in flash but regenerated
// from its seed into RAM. The buffers the generated code fills equal the TypeScript generator's
// W8 and Win8 element by element (host gcc with sanitizers, QEMU Cortex-M4), and a stream that is
// stepped without calling reset first (a zero-initialised state) still gets the reference outputs
// (the first step regenerates the reservoir).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { esn_generate } from '../../../compiler/core/spec/reservoir';
import { QElmanLayer } from '../../../compiler/core/ir/quant-model';
import { createQuantState, stepQuant } from '../../../compiler/core/reference';
import { generateC } from '../../../targets/c/emit';
import { formatReport, writeGenerated } from '../../../targets/c/target';
import { ARM_MACHINES, buildArm, buildHost, runProgram, runQemu, sanitizerEnv, scratchDir } from '../../../targets/c/toolchain';
import { armTest, hostTest } from './gate';
import { VectorCase, loadVectorCases } from './vectors';

const root = scratchDir('cesn');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const cases = loadVectorCases().filter((c) => c.model.layers.some((l) => l.kind === 'elman' && l.reservoir));

test('the golden vectors include regenerated reservoirs (standard, leaky, a classifier with 3 features, pooled readouts)', () => {
  expect(cases.map((c) => c.name).sort()).toEqual([
    'esn_gestures_h12',
    'esn_leaky_sines_h16',
    'esn_pool_mean_h12',
    'esn_pool_seg3_abs_h12',
    'esn_regen_sines_h16',
  ]);
});

function reservoirOf(c: VectorCase): QElmanLayer {
  const l = c.model.layers[0];
  if (l.kind !== 'elman' || !l.reservoir) throw new Error('not a reservoir model');
  return l;
}

/** A driver that prints the regenerated buffers, then the outputs of steps taken without reset. */
function writeDumpDriver(c: VectorCase, dir: string): { driver: string; model: string } {
  const gen = generateC(c.model, { prefix: 'm' });
  writeGenerated(dir, gen);
  const l = reservoirOf(c);
  const H = l.hidden;
  const I = l.inputSize;
  const seq = c.sequences[0].raw.slice(0, 5);
  const F = c.model.inputSize;
  const O = c.model.outputSize;
  const lines = [
    '#include <stdio.h>',
    '#include <stdint.h>',
    '#include "m.h"',
    `extern int8_t m_l0_wh[${H * H}];`,
    `extern int8_t m_l0_wx[${H * I}];`,
    `static const int32_t raw[${seq.length}][${F}] = {${seq.map((r) => `{${r.join(', ')}}`).join(', ')}};`,
    'static m_state_t st; /* zero-initialised, never reset */',
    'static void dump(const char *tag, const int8_t *v, int n) {',
    '  int i;',
    '  printf("%s", tag);',
    '  for (i = 0; i < n; i++) printf("%s%d", i ? "," : " ", (int)v[i]);',
    '  printf("\\n");',
    '}',
    'int main(void) {',
    '  int t, k;',
    `  for (t = 0; t < ${seq.length}; t++) {`,
    '    const m_output_t *y = m_step(&st, raw[t]);',
    '    printf("y");',
    `    for (k = 0; k < ${O}; k++) printf(" %d", (int)y[k]);`,
    '    printf("\\n");',
    '  }',
    '  m_reservoir_init(); /* already done by the first step: returns at once */',
    `  dump("wh", m_l0_wh, ${H * H});`,
    `  dump("wx", m_l0_wx, ${H * I});`,
    '  return 0;',
    '}',
  ];
  const driver = path.join(dir, 'dump.c');
  fs.writeFileSync(driver, lines.join('\n') + '\n');
  return { driver, model: path.join(dir, gen.source) };
}

function check(c: VectorCase, out: string): void {
  const l = reservoirOf(c);
  const g = esn_generate({ inputSize: l.inputSize, units: l.hidden, densityQ16: l.reservoir!.densityQ16, seed: l.reservoir!.seed });
  const rows = out.trim().split('\n');
  const get = (tag: string) =>
    rows
      .find((r) => r.startsWith(`${tag} `))!
      .slice(tag.length + 1)
      .split(',')
      .map(Number);
  // element by element: the C buffers, the TypeScript generator, and the int8 model's weights
  expect(get('wh')).toEqual(Array.from(g.w));
  expect(get('wx')).toEqual(Array.from(g.win));
  expect(Array.from(l.wh)).toEqual(Array.from(g.w));
  expect(Array.from(l.wx)).toEqual(Array.from(g.win));
  // steps without reset: the reference from a fresh state
  const st = createQuantState(c.model);
  const ys = rows.filter((r) => r.startsWith('y')).map((r) => r.slice(2).split(' ').map(Number));
  expect(ys.length).toBe(5);
  ys.forEach((y, t) => expect(y).toEqual(Array.from(stepQuant(c.model, st, c.sequences[0].raw[t]))));
}

hostTest(
  'host gcc (strict flags, sanitizers): the regenerated reservoir equals the TypeScript one; step without reset is exact',
  async () => {
    for (const c of cases) {
      const dir = path.join(root, `${c.name}-host`);
      fs.mkdirSync(dir, { recursive: true });
      const { driver, model } = writeDumpDriver(c, dir);
      const exe = await buildHost({ sources: [driver, model], includeDirs: [dir], out: path.join(dir, 'dump.exe'), opt: '-O2', sanitize: true });
      const r = await runProgram(exe, [], { env: sanitizerEnv(), timeoutMs: 60000 });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      check(c, r.stdout);
    }
  },
  120000,
);

armTest(
  'QEMU Cortex-M4: the regenerated reservoir equals the TypeScript one; step without reset is exact',
  async () => {
    for (const c of cases) {
      const dir = path.join(root, `${c.name}-m4`);
      fs.mkdirSync(dir, { recursive: true });
      const { driver, model } = writeDumpDriver(c, dir);
      const m = ARM_MACHINES.m4;
      const elf = await buildArm({ machine: m, sources: [driver, model], includeDirs: [dir], out: path.join(dir, 'dump.elf'), opt: '-O2' });
      const r = await runQemu(elf, m, { timeoutMs: 60000 });
      expect(r.code).toBe(0);
      check(c, r.stdout);
    }
  },
  120000,
);

test('the memory report: flash saved = H*H + H*I, no reservoir in the weights, RAM for the regenerated buffers', () => {
  for (const c of cases) {
    const l = reservoirOf(c);
    const H = l.hidden;
    const I = l.inputSize;
    const gen = generateC(c.model, { prefix: 'm' });
    const r = gen.report;
    expect(r.flash.reservoirSaved).toBe(H * H + H * I);
    expect(r.ram.reservoir).toBe(H * H + H * I + 1);
    expect(gen.arrays.some((a) => a.name === 'm_l0_wh' || a.name === 'm_l0_wx')).toBe(false);
    // the dense readout's weights (the last layer, after a pool layer where there is one) are the only weights stored
    const readout = c.model.layers[c.model.layers.length - 1];
    expect(r.flash.weights).toBe(readout.kind === 'dense' ? readout.w.length : -1);
    const row = r.layers.find((x) => x.part === 'layer 0')!;
    expect(row.weights).toBe(0);
    expect(row.regenerated).toBe(H * H + H * I);
    const text = formatReport(r);
    expect(text).toContain(`reservoir regenerated from its seed: ${H * H + H * I} bytes of weights not stored in flash`);
    expect(text).toContain(`+ ${H * H + H * I + 1} bytes of regenerated reservoir (once per model)`);
    // the source declares the buffers in RAM and no constant array for them
    const src = gen.files.find((f) => f.path === gen.source)!.text;
    expect(src).toContain(`int8_t m_l0_wh[${H * H}];`);
    expect(src).not.toMatch(/const int8_t m_l0_w[hx]\[/);
  }
});
