// Output mode 'final' in the C target: the header says the model answers with one row of int16
// final states and lists every segment with its scale; <prefix>_run copies the states the last
// layer holds in segment order (h16, an Elman relu's h8, the LSTM c) and writes nothing beyond
// that row. Final states beside a per-step output: <prefix>_final copies the same states from the
// stream state, documented in the header. Bit-exactness on every core is the golden vectors'
// (parity.test.ts, avr.test.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateC } from '../../../targets/c/emit';
import { formatReport, writeGenerated } from '../../../targets/c/target';
import { buildHost, runProgram, sanitizerEnv, scratchDir } from '../../../targets/c/toolchain';
import { hostTest } from './gate';
import { loadVectorCases } from './vectors';

const cases = loadVectorCases();
const byName = (name: string) => cases.find((c) => c.name === name)!;
const root = scratchDir('cfinal');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const fileOf = (gen: ReturnType<typeof generateC>, p: string) => gen.files.find((f) => f.path === p)!.text;

describe('the header of a final-state model', () => {
  const gen = generateC(byName('final_bidir_lstm_hc').model, { prefix: 'm' });
  const h = fileOf(gen, 'm.h');
  test('says the answer is one row of final states, whole sequences only', () => {
    expect(h).toContain('output mode "final" (the answer is the final states after the\n * whole sequence: one row).');
    expect(h).toContain('#define M_STREAMING 0');
    expect(h).toContain('#define M_FINAL_OUTPUT 1');
    expect(h).toContain('This model has a bidirectional layer and a final-state output: it cannot stream.');
    expect(h).toContain('m_run(&st, raw, T, out, work);            // raw: (T, M_INPUT_SIZE), out: (1, M_OUTPUT_SIZE)');
    expect(h).toContain('receives one row of M_OUTPUT_SIZE values, the final states (segments listed at the top).');
    expect(h).not.toMatch(/m_step\(/);
    expect(h).toContain('typedef int16_t m_output_t;');
  });
  test('the memory report says why it runs whole sequences only', () => {
    expect(formatReport(gen.report).split('\n')[0]).toMatch(/, whole sequences only \(a bidirectional layer and a final-state output\)$/);
    const fwd = generateC(byName('final_lstm_ch').model, { prefix: 'm' });
    expect(formatReport(fwd.report).split('\n')[0]).toMatch(/, whole sequences only \(a final-state output\)$/);
  });
  test('lists every segment with its state and scale', () => {
    const segs = byName('final_bidir_lstm_hc').model.doc.outputSegments!;
    expect(h).toContain(`[0..2] h forward: h16 (Q0.15), real = (y - 0) * ${segs[0].scale}`);
    expect(h).toContain(`[3..5] h backward: h16 (Q0.15), real = (y - 0) * ${segs[1].scale}`);
    expect(h).toContain(`[6..8] c forward: the LSTM cell c, real = (y - 0) * ${segs[2].scale}`);
    expect(h).toContain(`[9..11] c backward: the LSTM cell c, real = (y - 0) * ${segs[3].scale}`);
  });
  test('an Elman relu segment is its h8, in its zero point and scale', () => {
    const q = byName('final_elman_relu_h').model;
    const s = q.doc.outputSegments![0];
    const g = generateC(q, { prefix: 'm' });
    expect(fileOf(g, 'm.h')).toContain(`[0..3] h forward: the int8 output h8, sign-extended, real = (y - ${s.zp}) * ${s.scale}`);
    expect(fileOf(g, 'm.c')).toContain('for (t = 0; t < 4; t++) out[t] = s->l0_h[t]; /* h forward */');
  });
});

test('the run copies the final states in segment order, after the last layer ran into the work buffer', () => {
  const c = fileOf(generateC(byName('final_bidir_lstm_hc').model, { prefix: 'm' }), 'm.c');
  const copies = c.split('\n').filter((l) => /^ {2}for \(t = 0; t < 3; t\+\+\) out\[/.test(l));
  expect(copies).toEqual([
    '  for (t = 0; t < 3; t++) out[t] = s->l0f_h16[t]; /* h forward */',
    '  for (t = 0; t < 3; t++) out[3 + t] = s->l0b_h16[t]; /* h backward */',
    '  for (t = 0; t < 3; t++) out[6 + t] = s->l0f_c[t]; /* c forward */',
    '  for (t = 0; t < 3; t++) out[9 + t] = s->l0b_c[t]; /* c backward */',
  ]);
  expect(c).toContain('memcpy(nxt + t * 6, s->l0f_h, 3);');
  expect(c).not.toMatch(/memcpy\(out/);
  const rev = fileOf(generateC(byName('final_reverse_gru_h').model, { prefix: 'm' }), 'm.c');
  expect(rev).toContain('for (t = 0; t < 4; t++) out[t] = s->l1b_h16[t]; /* h backward */');
});

hostTest('m_run writes exactly one row: the final states, nothing after them (forward LSTM, c then h)', async () => {
  const vc = byName('final_lstm_ch');
  const dir = path.join(root, 'row');
  fs.mkdirSync(dir, { recursive: true });
  const gen = generateC(vc.model, { prefix: 'm' });
  writeGenerated(dir, gen);
  const s = vc.sequences[0];
  const drv = path.join(dir, 'drv.c');
  fs.writeFileSync(
    drv,
    [
      '#include <stdio.h>',
      '#include "m.h"',
      `static const int32_t raw[] = {${s.raw.flat().join(', ')}};`,
      'static m_state_t st;',
      `static m_output_t out[2 * M_OUTPUT_SIZE];`,
      `static int16_t work[M_RUN_WORK_SIZE(${s.raw.length})];`,
      'int main(void) {',
      '  int i;',
      '  for (i = 0; i < 2 * M_OUTPUT_SIZE; i++) out[i] = 12345;',
      `  if (m_run(&st, raw, ${s.raw.length}, out, work) != M_OK) return 2;`,
      '  for (i = 0; i < 2 * M_OUTPUT_SIZE; i++) printf("%d ", out[i]);',
      '  return 0;',
      '}',
      '',
    ].join('\n'),
  );
  const exe = await buildHost({ sources: [drv, path.join(dir, gen.source)], includeDirs: [dir], out: path.join(dir, 'row.exe'), opt: '-O2', sanitize: true });
  const r = await runProgram(exe, [], { env: sanitizerEnv(), timeoutMs: 60000 });
  expect([r.code, r.stderr]).toEqual([0, '']);
  const got = r.stdout.trim().split(' ').map(Number);
  expect(got.slice(0, 8)).toEqual(s.outputs[0]);
  expect(got.slice(8)).toEqual(new Array(8).fill(12345));
});

describe('final states beside a per-step output: <prefix>_final', () => {
  const lstm = byName('seq_final_lstm_hc').model;
  const gen = generateC(lstm, { prefix: 'm' });
  const h = fileOf(gen, 'm.h');
  const c = fileOf(gen, 'm.c');
  test('the header keeps the per-step output, and documents m_final with every segment and its scale', () => {
    const segs = lstm.doc.outputSegments!;
    expect(h).toContain('#define M_STREAMING 1');
    expect(h).not.toContain('M_FINAL_OUTPUT');
    expect(h).toContain(`#define M_OUTPUT_SIZE ${lstm.outputSize}`);
    expect(h).toContain('#define M_FINAL_SIZE 8');
    expect(h).toContain(`real value = (y - ${lstm.doc.outputZp}) * ${lstm.doc.outputScale}`);
    expect(h).toContain(`[0..3] h forward: h16 (Q0.15), real = (y - 0) * ${segs[0].scale}`);
    expect(h).toContain(`[4..7] c forward: the LSTM cell c, real = (y - 0) * ${segs[1].scale}`);
    expect(h).toContain('void m_final(const m_state_t *s, int16_t *out);');
    expect(h).toContain('call after m_run, or after m_step for every step of a sequence from m_reset.');
  });
  test('m_final copies the states in segment order; the run copies nothing into its output', () => {
    expect(c.split('\n').filter((l) => /^ {2}for \(j = 0;/.test(l))).toEqual([
      '  for (j = 0; j < 4; j++) out[j] = (int16_t)s->l0_h16[j]; /* h forward */',
      '  for (j = 0; j < 4; j++) out[4 + j] = (int16_t)s->l0_c[j]; /* c forward */',
    ]);
    const bidir = fileOf(generateC(byName('seq_final_bidir_gru_h').model, { prefix: 'm' }), 'm.c');
    expect(bidir.split('\n').filter((l) => /^ {2}for \(j = 0;/.test(l))).toEqual([
      '  for (j = 0; j < 3; j++) out[j] = (int16_t)s->l0f_h16[j]; /* h forward */',
      '  for (j = 0; j < 3; j++) out[3 + j] = (int16_t)s->l0b_h16[j]; /* h backward */',
    ]);
    expect(bidir).toContain('memcpy(out + t * 6, s->l0f_h, 3);');
    expect(bidir).not.toMatch(/out\[\w+ \+ t\] = s->/);
  });
  test('a model without final states has no m_final', () => {
    const plain = generateC(byName('lstm_h4').model, { prefix: 'm' });
    expect(fileOf(plain, 'm.h')).not.toMatch(/m_final|M_FINAL_SIZE/);
  });
});

hostTest(
  'the README example of a model with final states beside its output calls m_final, builds warning-free and runs (streaming and whole-sequence)',
  async () => {
    for (const name of ['seq_final_lstm_hc', 'seq_final_bidir_gru_h']) {
      const dir = path.join(root, `readme-${name}`);
      fs.mkdirSync(dir, { recursive: true });
      const gen = generateC(byName(name).model, { prefix: 'm' });
      writeGenerated(dir, gen);
      const code = /```c\n([\s\S]*?)```/.exec(fileOf(gen, 'README.md'))![1];
      expect(code).toContain('m_final(&stream, fin);');
      fs.writeFileSync(path.join(dir, 'main.c'), code);
      const exe = await buildHost({
        sources: [path.join(dir, 'main.c'), path.join(dir, gen.source)],
        includeDirs: [dir],
        out: path.join(dir, 'r.exe'),
        opt: '-O2',
        sanitize: true,
      });
      const r = await runProgram(exe, [], { env: sanitizerEnv(), timeoutMs: 60000 });
      expect([r.code, r.stderr]).toEqual([0, '']);
      expect(r.stdout).toMatch(/^output\[0\]: -?\d+\nfinal\[0\]: -?\d+\n$/);
    }
  },
);
