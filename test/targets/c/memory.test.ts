// The memory report equals what the compiler allocates: every constant array, the layer
// descriptors, the name strings, the state and scratch structs are checked against the symbol
// sizes of the compiled object (arm-none-eabi-nm -S), for every golden-vector model, on the
// Cortex-M4 and the Cortex-M0. Code size comes from the same object (.text).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateC } from '../../../targets/c/emit';
import { addCodeSizes, formatReport, writeGenerated } from '../../../targets/c/target';
import { ARM_MACHINES, compileArmObject, scratchDir, symbols } from '../../../targets/c/toolchain';
import { armTest } from './gate';
import { loadVectorCases } from './vectors';

const cases = loadVectorCases();
const root = scratchDir('cmem');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

test('the report adds up: per-layer rows, totals, MACs', () => {
  for (const c of cases) {
    const gen = generateC(c.model, { prefix: 'm' });
    const { report } = gen;
    const f = report.flash;
    expect(f.data).toBe(f.weights + f.biases + f.requant + f.tables + f.input);
    expect(f.data).toBe(gen.arrays.reduce((s, a) => s + a.bytes, 0));
    expect(report.layers.reduce((s, r) => s + r.weights, 0)).toBe(f.weights);
    expect(report.macsPerStep).toBe(report.layers.reduce((s, r) => s + r.macs, 0));
    expect(report.ram.total).toBe(report.ram.state + report.ram.scratch + report.ram.reservoir);
    // weights: one int8 per parameter of every weight matrix, except the regenerated reservoirs
    // (echo state networks), whose H*H + H*I int8 weights live in RAM instead of flash
    const w = c.model.layers.reduce(
      (s, l) =>
        s +
        (l.kind === 'dense'
          ? l.w.length
          : l.kind === 'jordan'
            ? l.wx.length + l.wy.length + l.wo.length
            : l.kind === 'pool' || l.kind === 'lsm'
              ? 0
              : l.kind === 'bidirectional'
                ? l.forward.wx.length + l.forward.wh.length + l.backward.wx.length + l.backward.wh.length
                : l.kind === 'reverse'
                  ? l.cell.wx.length + l.cell.wh.length
                  : l.wx.length + l.wh.length),
      0,
    );
    const saved = c.model.layers.reduce((s, l) => s + (l.kind === 'elman' && l.reservoir ? l.hidden * l.hidden + l.hidden * l.inputSize : 0), 0);
    // a liquid's connectivity: int16 target and int8 weight per synapse (N*C), int8 input weights (N*I), never stored
    const connectivity = c.model.layers.reduce((s, l) => s + (l.kind === 'lsm' ? 3 * l.units * l.fanOut + l.units * l.inputSize : 0), 0);
    expect(f.reservoirSaved).toBe(saved + connectivity);
    expect(f.weights).toBe(w - saved);
    // once per model (with the ready flag), not in the stream state
    expect(report.ram.reservoir).toBe(saved + connectivity ? saved + connectivity + 1 : 0);
    // a liquid's multiply-adds are its worst case (every neuron firing): the input currents N*I and N*C synapse additions
    const liquid = c.model.layers.reduce((s, l) => s + (l.kind === 'lsm' ? l.units * (l.inputSize + l.fanOut) : 0), 0);
    expect(report.macsPerStep).toBe(w + liquid);
  }
});

for (const key of ['m4', 'm0'] as const) {
  armTest(
    `every model: data symbol sizes from arm-none-eabi-nm -S equal the report (${ARM_MACHINES[key].cpu})`,
    async () => {
      const errors: string[] = [];
      await Promise.all(
        cases.map(async (c) => {
          const dir = path.join(root, `${c.name}-${key}`);
          fs.mkdirSync(dir, { recursive: true });
          const gen = generateC(c.model, { prefix: 'm' });
          writeGenerated(dir, gen);
          const probe = path.join(dir, 'probe.c');
          fs.writeFileSync(
            probe,
            '#include "m.c"\nextern m_state_t probe_state;\nm_state_t probe_state;\nextern m_scratch_t probe_scratch;\nm_scratch_t probe_scratch;\n',
          );
          const obj = await compileArmObject({ machine: ARM_MACHINES[key], sources: [probe], includeDirs: [dir], out: path.join(dir, 'probe.o'), opt: '-O2' });
          const syms = await symbols(obj);
          const size = (name: string) => syms.find((s) => s.name === name)?.size;
          const r = gen.report;
          for (const a of gen.arrays) if (size(a.name) !== a.bytes) errors.push(`${c.name}: ${a.name}: nm ${size(a.name)}, report ${a.bytes}`);
          if (size('probe_state') !== r.ram.state) errors.push(`${c.name}: state: nm ${size('probe_state')}, report ${r.ram.state}`);
          if (size('probe_scratch') !== r.ram.scratch) errors.push(`${c.name}: scratch: nm ${size('probe_scratch')}, report ${r.ram.scratch}`);
          // everything else in read-only data: descriptors and names
          const arrays = new Set(gen.arrays.map((a) => a.name));
          const other = syms.filter((s) => /^[rR]$/.test(s.type) && !arrays.has(s.name));
          const names = other.filter((s) => /_(feature|class)_name\d+$/.test(s.name)).reduce((n, s) => n + s.size, 0);
          const desc = other.filter((s) => !/_(feature|class)_name\d+$/.test(s.name)).reduce((n, s) => n + s.size, 0);
          if (names !== r.flash.names) errors.push(`${c.name}: names: nm ${names}, report ${r.flash.names}`);
          if (desc !== r.flash.descriptors)
            errors.push(`${c.name}: descriptors: nm ${desc} (${other.map((s) => s.name).join(' ')}), report ${r.flash.descriptors}`);
          // no writable data in the model (state lives in the caller's struct) except the regenerated
          // reservoirs: an echo state network's W (H*H) and Win (H*I) buffers, a liquid's synapse
          // targets (int16, N*C), synapse weights (N*C) and input weights (N*I), and a ready flag
          const reservoirRam = new Map<string, number>();
          c.model.layers.forEach((l, i) => {
            if (l.kind === 'elman' && l.reservoir) {
              reservoirRam.set(`m_l${i}_wh`, l.hidden * l.hidden);
              reservoirRam.set(`m_l${i}_wx`, l.hidden * l.inputSize);
            }
            if (l.kind === 'lsm') {
              reservoirRam.set(`m_l${i}_tgt`, 2 * l.units * l.fanOut);
              reservoirRam.set(`m_l${i}_w`, l.units * l.fanOut);
              reservoirRam.set(`m_l${i}_win`, l.units * l.inputSize);
            }
          });
          if (reservoirRam.size) reservoirRam.set('m_reservoir_ready', 1);
          const rw = syms.filter((s) => /^[dDbB]$/.test(s.type) && !s.name.startsWith('probe_'));
          for (const s of rw) if (reservoirRam.get(s.name) !== s.size) errors.push(`${c.name}: writable data in the model: ${s.name} (${s.size} bytes)`);
          for (const [name, bytes] of reservoirRam)
            if (size(name) !== bytes) errors.push(`${c.name}: reservoir buffer ${name}: nm ${size(name)}, expected ${bytes}`);
          if (rw.reduce((n, s) => n + s.size, 0) !== r.ram.reservoir)
            errors.push(`${c.name}: reservoir RAM: nm ${rw.reduce((n, s) => n + s.size, 0)}, report ${r.ram.reservoir}`);
          // nothing of the recurrent reservoir's size (H*H) in read-only data: it is not stored
          for (const [name, bytes] of reservoirRam)
            if (name.endsWith('_wh') && syms.some((s) => /^[rR]$/.test(s.type) && s.size === bytes))
              errors.push(`${c.name}: a read-only symbol has the size of ${name} (${bytes} bytes)`);
        }),
      );
      expect(errors).toEqual([]);
    },
    180000,
  );
}

armTest('kernel code size is measured from the object and printed in the report', async () => {
  const c = cases.find((x) => x.name === 'lstm_h4')!;
  const dir = path.join(root, 'codesize');
  const gen = generateC(c.model, { prefix: 'm' });
  writeGenerated(dir, gen);
  await addCodeSizes(gen.report, gen, dir);
  const m4 = gen.report.flash.code['cortex-m4 -O2'];
  const m0 = gen.report.flash.code['cortex-m0 -Os'];
  expect(m4!.bytes).toBeGreaterThan(200);
  expect(m0!.bytes).toBeGreaterThan(200);
  expect(gen.report.flash.total['cortex-m4 -O2']).toBe(m4!.bytes + gen.report.flash.data + gen.report.flash.descriptors + gen.report.flash.names);
  const text = formatReport(gen.report);
  expect(text).toContain(`code ${m4!.bytes} bytes (cortex-m4 -O2)`);
  expect(text).toContain(`${gen.report.ram.state} bytes of state per stream`);
});
