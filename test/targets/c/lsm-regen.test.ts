// Liquid state machines in the generated C: the connectivity (synapse targets and weights, input
// weights) is regenerated from the seed once per model into RAM shared by every stream, not into
// each stream's state. The buffers equal the TypeScript generator element by element; a stream
// stepped without reset gets the reference outputs (its first step regenerates); a reset (of this
// stream or another) does not regenerate again: a mark written into the buffers survives it. With
// reservoirInState (the native Espruino blob) the connectivity is in the state, filled by reset.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lsm_generate } from '../../../compiler/layers/lsm/reference';
import { QLsmLayer, spikeBytes } from '../../../compiler/layers/lsm/ir';
import { generateC } from '../../../targets/c/emit';
import { formatReport, writeGenerated } from '../../../targets/c/target';
import { ARM_MACHINES, buildArm, buildHost, runProgram, runQemu, sanitizerEnv, scratchDir } from '../../../targets/c/toolchain';
import { armTest, hostTest } from './gate';
import { VectorCase, loadVectorCases } from './vectors';

const root = scratchDir('clsm');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const cases = loadVectorCases().filter((c) => c.model.layers.some((l) => l.kind === 'lsm'));

test('the golden vectors include liquids (streaming)', () => {
  expect(cases.map((c) => c.name).sort()).toEqual(['lsm_last_n12', 'lsm_pool_seg3_n16']);
  expect(cases.every((c) => c.streaming)).toBe(true);
});

function liquidOf(c: VectorCase): QLsmLayer {
  const l = c.model.layers[0];
  if (l.kind !== 'lsm') throw new Error('not a liquid model');
  return l;
}

const rows = (seq: number[][]) => `{${seq.map((r) => `{${r.join(', ')}}`).join(', ')}}`;

/** Print the output rows of y after each step: `tag v,v,...`. */
const printRow = (tag: string, O: number) => `printf("${tag}"); for (k = 0; k < ${O}; k++) printf(" %d", (int)y[k]); printf("\\n");`;

/**
 * A driver for the once-per-model build: stream a (zero-initialised, never reset) steps the first
 * sequence; the buffers are printed; a mark written into them survives m_reset of stream b and
 * m_reservoir_init; with the mark removed, stream b (reset) steps the sequence again.
 */
function writeGlobalDriver(c: VectorCase, dir: string): { driver: string; model: string } {
  const gen = generateC(c.model, { prefix: 'm' });
  writeGenerated(dir, gen);
  const l = liquidOf(c);
  const NC = l.units * l.fanOut;
  const NI = l.units * l.inputSize;
  const seq = c.sequences[0].raw;
  const lines = [
    '#include <stdio.h>',
    '#include <stdint.h>',
    '#include "m.h"',
    `extern int16_t m_l0_tgt[${NC}];`,
    `extern int8_t m_l0_w[${NC}];`,
    `extern int8_t m_l0_win[${NI}];`,
    'extern uint8_t m_reservoir_ready;',
    `static const int32_t raw[${seq.length}][${c.model.inputSize}] = ${rows(seq)};`,
    'static m_state_t a; /* zero-initialised, never reset */',
    'static m_state_t b;',
    'static void dump(const char *tag, const int16_t *v16, const int8_t *v8, int n) {',
    '  int i;',
    '  printf("%s", tag);',
    '  for (i = 0; i < n; i++) printf("%s%d", i ? "," : " ", v16 ? (int)v16[i] : (int)v8[i]);',
    '  printf("\\n");',
    '}',
    'int main(void) {',
    '  int t, k;',
    '  const m_output_t *y;',
    '  printf("ready %d\\n", (int)m_reservoir_ready);',
    `  for (t = 0; t < ${seq.length}; t++) {`,
    '    y = m_step(&a, raw[t]);',
    `    ${printRow('a', c.model.outputSize)}`,
    '  }',
    '  printf("ready %d\\n", (int)m_reservoir_ready);',
    `  dump("tgt", m_l0_tgt, 0, ${NC});`,
    `  dump("w", 0, m_l0_w, ${NC});`,
    `  dump("win", 0, m_l0_win, ${NI});`,
    '  /* a synapse weight is never 0 and a target never -1: marks that only a regeneration would undo */',
    '  m_l0_w[0] = 0;',
    '  m_l0_tgt[0] = -1;',
    '  m_reset(&b);',
    '  m_reset(&a);',
    '  m_reservoir_init();',
    '  printf("kept %d %d\\n", (int)m_l0_w[0], (int)m_l0_tgt[0]);',
    '  m_l0_w[0] = (int8_t)(' + String(lsm_generate(l).w[0]) + ');',
    '  m_l0_tgt[0] = (int16_t)(' + String(lsm_generate(l).tgt[0]) + ');',
    `  for (t = 0; t < ${seq.length}; t++) {`,
    '    y = m_step(&b, raw[t]);',
    `    ${printRow('b', c.model.outputSize)}`,
    '  }',
    '  printf("state %d\\n", (int)sizeof(m_state_t));',
    '  return 0;',
    '}',
  ];
  const driver = path.join(dir, 'regen.c');
  fs.writeFileSync(driver, lines.join('\n') + '\n');
  return { driver, model: path.join(dir, gen.source) };
}

const tagged = (out: string, tag: string): string[] => out.split('\n').filter((r) => r.startsWith(`${tag} `));
const values = (row: string): number[] =>
  row
    .slice(row.indexOf(' ') + 1)
    .split(/[ ,]/)
    .map(Number);

function checkGlobal(c: VectorCase, out: string): void {
  const l = liquidOf(c);
  const g = lsm_generate(l);
  const want = c.sequences[0].outputs;
  expect(tagged(out, 'ready').map(values)).toEqual([[0], [1]]);
  // element by element: the C buffers and the TypeScript generator
  expect(values(tagged(out, 'tgt')[0])).toEqual(Array.from(g.tgt));
  expect(values(tagged(out, 'w')[0])).toEqual(Array.from(g.w));
  expect(values(tagged(out, 'win')[0])).toEqual(Array.from(g.win));
  // the marks survive two resets and a second init: nothing regenerated
  expect(values(tagged(out, 'kept')[0])).toEqual([0, -1]);
  // a stream never reset (the first step regenerated) and a reset stream: the reference outputs
  expect(tagged(out, 'a').map(values)).toEqual(want);
  expect(tagged(out, 'b').map(values)).toEqual(want);
  // the state is what the report says (the liquid's part: membranes, traces, refractory counters, spike bits)
  expect(values(tagged(out, 'state')[0])).toEqual([generateC(c.model, { prefix: 'm' }).report.ram.state]);
}

async function hostRun(c: VectorCase, dir: string, write: (c: VectorCase, dir: string) => { driver: string; model: string }): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  const { driver, model } = write(c, dir);
  const exe = await buildHost({ sources: [driver, model], includeDirs: [dir], out: path.join(dir, 'regen.exe'), opt: '-O2', sanitize: true });
  const r = await runProgram(exe, [], { env: sanitizerEnv(), timeoutMs: 60000 });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

hostTest(
  'host gcc (strict flags, sanitizers): the connectivity is regenerated once per model, equals the TypeScript one, and a reset does not regenerate it',
  async () => {
    for (const c of cases) checkGlobal(c, await hostRun(c, path.join(root, `${c.name}-host`), writeGlobalDriver));
  },
  120000,
);

armTest(
  'QEMU Cortex-M4: the connectivity is regenerated once per model, equals the TypeScript one, and a reset does not regenerate it',
  async () => {
    for (const c of cases) {
      const dir = path.join(root, `${c.name}-m4`);
      fs.mkdirSync(dir, { recursive: true });
      const { driver, model } = writeGlobalDriver(c, dir);
      const m = ARM_MACHINES.m4;
      const elf = await buildArm({ machine: m, sources: [driver, model], includeDirs: [dir], out: path.join(dir, 'regen.elf'), opt: '-O2' });
      const r = await runQemu(elf, m, { timeoutMs: 60000 });
      expect(r.code).toBe(0);
      checkGlobal(c, r.stdout);
    }
  },
  120000,
);

/** A driver for the in-state build: two streams, each reset (which fills its own connectivity), step the first sequence. */
function writeInStateDriver(c: VectorCase, dir: string): { driver: string; model: string } {
  const gen = generateC(c.model, { prefix: 'm', reservoirInState: true });
  writeGenerated(dir, gen);
  const seq = c.sequences[0].raw;
  const lines = [
    '#include <stdio.h>',
    '#include <stdint.h>',
    '#include "m.h"',
    `static const int32_t raw[${seq.length}][${c.model.inputSize}] = ${rows(seq)};`,
    'static m_state_t a, b;',
    'int main(void) {',
    '  int t, k;',
    '  const m_output_t *y;',
    '  m_reset(&a);',
    '  m_reset(&b);',
    `  for (t = 0; t < ${seq.length}; t++) {`,
    '    y = m_step(&a, raw[t]);',
    `    ${printRow('a', c.model.outputSize)}`,
    '    y = m_step(&b, raw[t]);',
    `    ${printRow('b', c.model.outputSize)}`,
    '  }',
    '  return 0;',
    '}',
  ];
  const driver = path.join(dir, 'regen.c');
  fs.writeFileSync(driver, lines.join('\n') + '\n');
  return { driver, model: path.join(dir, gen.source) };
}

hostTest(
  'host gcc: with reservoirInState the connectivity is in each stream state, filled by reset, and exact',
  async () => {
    for (const c of cases) {
      const out = await hostRun(c, path.join(root, `${c.name}-instate`), writeInStateDriver);
      expect(tagged(out, 'a').map(values)).toEqual(c.sequences[0].outputs);
      expect(tagged(out, 'b').map(values)).toEqual(c.sequences[0].outputs);
    }
  },
  120000,
);

test('the memory report: the connectivity is model-global RAM (with the ready flag), not stream state; with reservoirInState it is state', () => {
  for (const c of cases) {
    const l = liquidOf(c);
    const N = l.units;
    const net = 3 * N * l.fanOut + N * l.inputSize;
    const gen = generateC(c.model, { prefix: 'm' });
    const r = gen.report;
    expect(r.flash.reservoirSaved).toBe(net);
    expect(r.ram.reservoir).toBe(net + 1);
    const row = r.layers.find((x) => x.part === 'layer 0')!;
    expect(row.state).toBe(5 * N + spikeBytes(N));
    expect(row.regenerated).toBe(net);
    const text = formatReport(r);
    expect(text).toContain(`+ ${net + 1} bytes of regenerated reservoir (once per model)`);
    expect(text).toContain(`reservoir regenerated from its seed: ${net} bytes of weights not stored in flash`);
    expect(r.ram.note).toContain('regenerated liquid connectivity and a ready flag, once per model (shared by every stream)');
    const src = gen.files.find((f) => f.path === gen.source)!.text;
    expect(src).toContain(`int16_t m_l0_tgt[${N * l.fanOut}];`);
    expect(src).toContain(`  tinyrnn_lsm_generate(${N}, ${l.fanOut}, ${l.inhibitory}, ${l.inputSize}, ${l.seed}u, m_l0_tgt, m_l0_w, m_l0_win);`);
    const readme = gen.files.find((f) => f.path === 'README.md')!.text;
    expect(readme).toContain(
      `| liquid connectivity regenerated from its seed into RAM, once per model (\`m_reservoir_init\`, called by \`m_reset\` and the first step) | ${net + 1} |`,
    );
    const header = gen.files.find((f) => f.path === gen.header)!.text;
    expect(header).toContain('void m_reservoir_init(void);');
    const inState = generateC(c.model, { prefix: 'm', reservoirInState: true }).report;
    expect(inState.ram.reservoir).toBe(0);
    expect(inState.layers.find((x) => x.part === 'layer 0')!.state).toBe(5 * N + spikeBytes(N) + net);
  }
});
