// Every golden vector (test/vectors) through the generated C, on the host (gcc -std=c99 -Wall
// -Wextra -Werror -pedantic, -O0 and -O2, with -fsanitize=undefined,address) and on emulated
// Cortex-M cores (QEMU mps2-an386 Cortex-M4: the DSP/SIMD path; QEMU microbit Cortex-M0: the
// portable path, soft float). Every integer must equal the reference's.
//   host -O0: kernels traced (every intermediate of vectors.json);  host -O2: the API's view
//   (input stage, state struct, outputs) of the untraced build;  m4 -O2: traced;  m0 -Os: API view.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ARM_MACHINES, buildArm, buildHost, runProgram, runQemu, sanitizerEnv, scratchDir } from '../../../targets/c/toolchain';
import { HAVE_ARM, armTest, hostTest } from './gate';
import { VectorCase, apiKeys, compareRun, loadVectorCases, parseDriverOutput, writeDriver } from './vectors';

const cases = loadVectorCases();
const root = scratchDir('cparity');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

type Variant = { label: string; trace: boolean; run: (c: VectorCase, dir: string, driver: string, model: string) => Promise<string> };

async function hostRun(label: string, exe: string): Promise<string> {
  const r = await runProgram(exe, [], { env: sanitizerEnv(), timeoutMs: 120000 });
  if (r.code !== 0) throw new Error(`[${label}] exit ${r.code ?? r.signal}:\n${r.stderr.slice(0, 4000)}`);
  if (r.stderr.trim()) throw new Error(`[${label}] unexpected stderr (sanitizer?):\n${r.stderr.slice(0, 4000)}`);
  return r.stdout;
}

const variants: Variant[] = [
  {
    label: 'host -O0 sanitized, traced',
    trace: true,
    run: async (_c, dir, driver, model) =>
      hostRun(
        'host -O0',
        await buildHost({
          sources: [driver, model],
          includeDirs: [dir],
          out: path.join(dir, 'h0.exe'),
          opt: '-O0',
          sanitize: true,
          defines: ['TINYRNN_TRACE'],
        }),
      ),
  },
  {
    label: 'host -O2 sanitized',
    trace: false,
    run: async (_c, dir, driver, model) =>
      hostRun('host -O2', await buildHost({ sources: [driver, model], includeDirs: [dir], out: path.join(dir, 'h2.exe'), opt: '-O2', sanitize: true })),
  },
];
const armVariants: (Variant & { machine: 'm4' | 'm0' })[] = [
  { label: 'cortex-m4 -O2 (DSP), traced', trace: true, machine: 'm4', run: async () => '' },
  { label: 'cortex-m0 -Os (portable)', trace: false, machine: 'm0', run: async () => '' },
];
for (const v of armVariants) {
  v.run = async (_c, dir, driver, model) => {
    const m = ARM_MACHINES[v.machine];
    const elf = await buildArm({
      machine: m,
      sources: [driver, model],
      includeDirs: [dir],
      out: path.join(dir, `${v.machine}.elf`),
      opt: v.machine === 'm4' ? '-O2' : '-Os',
      defines: v.trace ? ['TINYRNN_TRACE'] : [],
    });
    const r = await runQemu(elf, m, { timeoutMs: 120000 });
    if (r.code !== 0)
      throw new Error(`[${v.label}] exit ${r.code ?? r.signal}${r.timedOut ? ' (timeout)' : ''}:\n${r.stdout.slice(-2000)}${r.stderr.slice(0, 2000)}`);
    return r.stdout;
  };
}

async function check(v: Variant, dirTag: string): Promise<void> {
  // All cases of a variant at once: compiles and runs go in parallel (bounded by the core count).
  const results = await Promise.all(
    cases.map(async (c) => {
      const dir = path.join(root, `${c.name}-${dirTag}`);
      fs.mkdirSync(dir, { recursive: true });
      const { gen, driver } = writeDriver(c, dir, v.trace);
      try {
        const out = await v.run(c, dir, driver, path.join(dir, gen.source));
        const keys = v.trace ? 'all' : c.streaming ? apiKeys(c, gen) : [];
        return compareRun(c, parseDriverOutput(out), v.label, keys);
      } catch (e) {
        return [`${c.name} [${v.label}]: ${(e as Error).message}`];
      }
    }),
  );
  const errors = results.flat();
  if (errors.length) throw new Error(`${errors.length} mismatches or failures:\n${errors.join('\n')}`);
}

test('the golden vectors cover every layer kind and the edge cases', () => {
  const kinds = new Set(
    cases.flatMap((c) =>
      c.model.layers.map((l) =>
        l.kind === 'bidirectional'
          ? `bidirectional ${l.forward.kind}`
          : l.kind === 'reverse'
            ? `reverse ${l.cell.kind}`
            : l.kind === 'dense'
              ? `dense ${l.activation}`
              : l.kind === 'gru'
                ? `gru ${l.resetAfter ? 'after' : 'before'}`
                : l.kind === 'elman'
                  ? `elman ${l.activation}`
                  : l.kind,
      ),
    ),
  );
  for (const c of cases) {
    for (const l of c.model.layers) {
      if (l.kind === 'jordan') kinds.add(`jordan ${l.outType}`);
      if (l.kind === 'elman' && l.leakQ15 !== undefined) kinds.add('elman leaky');
      if (l.kind === 'elman' && l.reservoir) kinds.add('elman reservoir');
    }
  }
  for (const k of [
    'elman tanh',
    'elman relu',
    'lstm',
    'gru after',
    'gru before',
    'bidirectional lstm',
    'bidirectional gru',
    'reverse lstm',
    'reverse gru',
    'reverse elman',
    'dense none',
    'dense relu',
    'dense tanh',
    'dense sigmoid',
    'dense softmax',
    'jordan s8',
    'jordan s16',
    'elman leaky',
    'elman reservoir',
  ])
    expect(kinds).toContain(k);
  expect(cases.length).toBeGreaterThanOrEqual(15);
  // output mode 'final': h16, h8 (Elman relu) and c segments, forward and backward
  const segments = new Set(cases.flatMap((c) => (c.model.doc.outputSegments ?? []).map((s) => `${s.part} ${s.direction}${s.zp !== 0 ? ' h8' : ''}`)));
  for (const s of ['h forward', 'h backward', 'c forward', 'c backward', 'h forward h8']) expect(segments).toContain(s);
  // final states beside a per-step output, streaming and whole-sequence: every sequence has its final vector
  const beside = cases.filter((c) => c.model.output !== 'final' && c.model.final);
  expect(beside.map((c) => c.streaming).sort()).toEqual([false, true]);
  for (const c of beside) for (const q of c.sequences) expect(q.final).toHaveLength(c.model.doc.outputSegments!.reduce((n, s) => n + s.size, 0));
});

test("a final-state vector beside the output is compared too: missing or differing, it names the case and 'final'", () => {
  const c = cases.find((x) => x.name === 'seq_final_lstm_hc')!;
  const exact = { complete: true, sequences: c.sequences.map((q) => ({ outputs: q.outputs.map((r) => r.slice()), trace: {}, final: q.final!.slice() })) };
  expect(compareRun(c, exact, 'host', [])).toEqual([]);
  const bad = JSON.parse(JSON.stringify(exact));
  bad.sequences[1].final[5] += 1;
  delete bad.sequences[0].final;
  expect(compareRun(c, bad, 'host', [])).toEqual([
    'seq_final_lstm_hc/seq0 [host]: final not reported',
    `seq_final_lstm_hc/seq1 [host]: step 0 final[5]: got ${bad.sequences[1].final[5]}, want ${exact.sequences[1].final[5]} (1 of 8 differ)`,
  ]);
});

test('a mismatch names the case, sequence, build, step, stage and index, with the count', () => {
  const c = cases.find((x) => x.name === 'lstm_h4')!;
  const exact = {
    complete: true,
    sequences: c.sequences.map((q) => ({
      outputs: q.outputs.map((r) => r.slice()),
      trace: Object.fromEntries(Object.entries(q.trace).map(([k, v]) => [k, v.map((r) => r.slice())])),
    })),
  };
  expect(compareRun(c, exact, 'host', 'all')).toEqual([]);
  const bad = JSON.parse(JSON.stringify(exact));
  bad.sequences[0].trace['L0.c'][2][3] += 1;
  bad.sequences[0].trace['L0.c'][2][1] -= 1;
  bad.sequences[1].outputs[4][0] += 1;
  const e = compareRun(c, bad, 'host', 'all');
  expect(e[0]).toBe(
    `lstm_h4/seq0 [host]: step 2 L0.c[1]: got ${bad.sequences[0].trace['L0.c'][2][1]}, want ${exact.sequences[0].trace['L0.c'][2][1]} (2 of 4 differ)`,
  );
  expect(e[1]).toMatch(/^lstm_h4\/seq1 \[host\]: step 4 output\[0\]: got -?\d+, want -?\d+ \(1 of 3 differ\)$/);
  const missing = JSON.parse(JSON.stringify(exact));
  delete missing.sequences[0].trace['L0.h16'];
  expect(compareRun(c, missing, 'host', 'all')[0]).toBe('lstm_h4/seq0 [host]: L0.h16 not reported');
  expect(compareRun(c, { ...exact, complete: false }, 'm0', 'all')[0]).toBe('lstm_h4 [m0]: the driver did not finish');
});

for (const v of variants) hostTest(`every golden vector, exact: ${v.label}`, () => check(v, v.label.split(' ')[1]), 300000);
for (const v of armVariants) armTest(`every golden vector, exact: ${v.label} on QEMU ${ARM_MACHINES[v.machine].qemu}`, () => check(v, v.machine), 300000);

if (!HAVE_ARM) console.warn('C parity on emulated Cortex-M was NOT run: the ARM toolchain or QEMU is missing');
