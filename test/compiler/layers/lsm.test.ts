// The liquid state machine kind (compiler/layers/lsm): the integer reference against its
// definition (bounds, event-driven propagation equal to dense propagation, refractory period,
// reset), the float layer equal to the reference, the training node equal to float inference,
// the regenerated connectivity, its refusals (TNN118, QNT011, LSM001, LSM002), its Espruino build,
// and a small fit whose readout reads the integer liquid.
import { FloatModel } from '../../../compiler/core/ir/model';
import { validateFloatModel } from '../../../compiler/core/ir/validate';
import { LsmLayer, QLsmLayer, ir, lsmReport, lsmStepCost } from '../../../compiler/layers/lsm/ir';
import { liquidNet, liquidStep, lsm_generate, newLiquidState, reference, spiked, synapticInput } from '../../../compiler/layers/lsm/reference';
import { floatLiquidInput, lsmFloat } from '../../../compiler/layers/lsm/float';
import { LsmNode } from '../../../compiler/layers/lsm/train';
import { buildLiquid, lsmFloatModel, searchLsm, DEFAULT_LSM_OPTIONS } from '../../../compiler/layers/lsm/fit';
import { parseReadout } from '../../../compiler/esn/esn';
import { quantizeModel } from '../../../compiler/quant/quantize';
import { buildEspruino } from '../../../targets/espruino/target';
import { generateC } from '../../../targets/c/emit';
import { gesturesDataset } from '../../../compiler/data/builtin/gestures';
import { sinesDataset } from '../../../compiler/data/builtin/sines';
import { evaluateFloat } from '../../../compiler/train/metrics';
import { subset, splitIndices } from '../../../compiler/data/prep';
import { Rng } from '../../../compiler/core/util/rng';
import { codeOf } from '../../helpers/errors';

const liquid = (o: Partial<LsmLayer> = {}): LsmLayer => ({
  ...buildLiquid(3, { ...DEFAULT_LSM_OPTIONS, units: 24, fanOut: 5, inputScaling: 6, synScaling: 0.6, tauMem: 4, tauTrace: 4 }),
  ...o,
});

/** The quantised twin whose x16 input is already Q3.12 (xm / 2^xs = 1). */
const qOf = (l: LsmLayer): QLsmLayer => ({ ...l, xm: new Int32Array(l.inputSize).fill(16384), xs: new Int32Array(l.inputSize).fill(14) });

function randomInputs(rng: Rng, T: number, I: number, amp: number): number[][] {
  return Array.from({ length: T }, () => Array.from({ length: I }, () => Math.round((rng.next() * 2 - 1) * amp)));
}

test('the generator is the spec stream: targets in range, inhibitory neurons negative, and pinned first values', () => {
  const g = lsm_generate({ units: 10, fanOut: 3, inhibitory: 2, inputSize: 2, seed: 7 });
  expect(Math.max(...g.tgt)).toBeLessThan(10);
  for (let k = 0; k < 10; k++) for (let c = 0; c < 3; c++) expect(Math.sign(g.w[k * 3 + c])).toBe(k >= 8 ? -1 : 1);
  for (const w of g.w) expect(Math.abs(w)).toBeGreaterThanOrEqual(1);
  for (const w of g.win) expect(Math.abs(w)).toBeLessThanOrEqual(127);
  // pinned (computed independently from the spec's formulas): a change of the generator changes every liquid on every device
  expect([Array.from(g.tgt.slice(0, 6)), Array.from(g.w.slice(0, 6)), Array.from(g.win.slice(0, 4))]).toEqual([
    [0, 1, 9, 0, 6, 9],
    [52, 36, 25, 113, 52, 18],
    [-17, -105, -19, 84],
  ]);
  expect(lsm_generate({ units: 10, fanOut: 3, inhibitory: 2, inputSize: 2, seed: 8 }).tgt).not.toEqual(g.tgt);
});

test('event-driven propagation equals dense propagation through the full synapse matrix', () => {
  const l = liquid();
  const N = l.units;
  const net = liquidNet(l);
  const dense = new Int32Array(N * N); // (source, target)
  for (let k = 0; k < N; k++) for (let c = 0; c < l.fanOut; c++) dense[k * N + net.tgt[k * l.fanOut + c]] += net.w[k * l.fanOut + c];
  const rng = new Rng(3);
  for (let trial = 0; trial < 50; trial++) {
    const spikes = new Uint8Array(Math.ceil(N / 8));
    for (let k = 0; k < N; k++) if (rng.next() < (trial % 5) / 4) spikes[k >> 3] |= 1 << (k & 7);
    const want = new Int32Array(N);
    for (let j = 0; j < N; j++) for (let k = 0; k < N; k++) want[j] += (spiked(spikes, k) ? 1 : 0) * dense[k * N + j];
    expect(synapticInput(l, net, spikes)).toEqual(want);
  }
  // and a whole run with the dense sums gives the same liquid
  const xs = randomInputs(new Rng(5), 60, 3, 9000);
  const a = newLiquidState(l);
  const b = newLiquidState(l);
  let fired = 0;
  for (const x of xs) {
    const acc = new Int32Array(N);
    for (let j = 0; j < N; j++) for (let k = 0; k < N; k++) if (spiked(b.spikes, k)) acc[j] += dense[k * N + j];
    expect(liquidStep(l, x, b, acc)).toEqual(liquidStep(l, x, a));
    for (let k = 0; k < N; k++) if (spiked(a.spikes, k)) fired++;
  }
  expect(fired).toBeGreaterThan(20);
  expect(a).toEqual(b);
});

test('membranes, traces and outputs stay in their types at the extremes', () => {
  for (const o of [{}, { leakQ16: 0 }, { leakQ16: 65536, decayQ16: 1, traceInc: 32767, refractory: 0 }, { inhibitory: 24, synM: 32767, synS: 0 }]) {
    const l = liquid(o);
    const st = newLiquidState(l);
    const seen = { v: [Infinity, -Infinity], tr: [Infinity, -Infinity], y: [Infinity, -Infinity], traceOut: true };
    const see = (r: number[], v: number) => ((r[0] = Math.min(r[0], v)), (r[1] = Math.max(r[1], v)));
    for (const x of [...randomInputs(new Rng(9), 80, 3, 32768), ...Array.from({ length: 20 }, () => [32767, -32768, 32767])]) {
      const y = liquidStep(l, x, st);
      for (let j = 0; j < l.units; j++) {
        see(seen.v, st.v[j]);
        see(seen.tr, st.tr[j]);
        see(seen.y, y[j]);
        seen.traceOut &&= y[j] === (st.tr[j] >> 7) - 128;
      }
    }
    expect(seen.v[0]).toBeGreaterThanOrEqual(-32768);
    expect(seen.v[1]).toBeLessThan(l.threshold);
    expect(seen.tr[0]).toBeGreaterThanOrEqual(0);
    expect(seen.tr[1]).toBeLessThanOrEqual(32767);
    expect(seen.y[0]).toBeGreaterThanOrEqual(-128);
    expect(seen.y[1]).toBeLessThanOrEqual(127);
    expect(seen.traceOut).toBe(true);
  }
  // the static bounds of section 6 hold for the largest liquid the validator allows per input
  const problems: string[] = [];
  ir.bounds(qOf(liquid()), 'layers[0]', 32768, (p, what, v, lim) => v > lim && problems.push(`${p} ${what}`));
  expect(problems).toEqual([]);
  ir.bounds(qOf(liquid({ inM: 32767, inS: 0 })), 'layers[0]', 32768, (p, what, v, lim) => v > lim && problems.push(`${p} ${what}`));
  expect(problems).toEqual(['layers[0] membrane update']);
});

test('a neuron that spikes is reset and stays at 0 for the refractory period', () => {
  const l = liquid({ units: 1, fanOut: 1, inhibitory: 0, refractory: 3, leakQ16: 0, threshold: 100, inM: 1, inS: 0, synM: 0, synS: 0 });
  const net = liquidNet(l);
  const x = [Math.ceil(150 / Math.max(1, Math.abs(net.win[0]))) * Math.sign(net.win[0] || 1), 0, 0];
  const st = newLiquidState(l);
  const fired: boolean[] = [];
  for (let t = 0; t < 9; t++) {
    liquidStep(l, x, st);
    fired.push(spiked(st.spikes, 0));
    if (fired[t]) expect(st.v[0]).toBe(0);
  }
  expect(fired).toEqual([true, false, false, false, true, false, false, false, true]);
});

test('reset puts every state back, and stepping after reset repeats a fresh run', () => {
  const q = qOf(liquid());
  const xs = randomInputs(new Rng(11), 30, 3, 20000);
  const fresh = reference.run(q, {} as never, xs, () => undefined).seq;
  const st = reference.newState(q);
  xs.forEach((x) => reference.step(q, {} as never, x, st, undefined, ''));
  reference.reset(q, st);
  expect(st).toEqual(reference.newState(q));
  expect(xs.map((x) => Array.from(reference.step(q, {} as never, x, st, undefined, '')))).toEqual(fresh.map((y) => Array.from(y)));
});

test('the float layer and the training node run the integer liquid bit for bit', () => {
  const l = liquid();
  const q = qOf(l);
  const rng = new Rng(13);
  const xs = Array.from({ length: 40 }, () => Array.from({ length: 3 }, () => (rng.next() * 2 - 1) * 3));
  const ints = reference.run(
    q,
    {} as never,
    xs.map((x) => floatLiquidInput(x, 3)),
    () => undefined,
  ).seq;
  const floats = lsmFloat.run(
    l,
    xs.map((x) => Float64Array.from(x)),
    () => undefined,
  ).seq;
  expect(floats.map((y) => Array.from(y, (v) => v * 256 - 128))).toEqual(ints.map((y) => Array.from(y)));
  const node = new LsmNode(l, { path: 'layers[0]', offset: () => 0, maxSteps: 40, maxBatch: 1, output: false, task: 'classification', lastOnly: false });
  node.forward(new Float64Array(0), Float64Array.from(xs.flat()), 40, 1, false);
  expect(Array.from(node.out)).toEqual(floats.flatMap((y) => Array.from(y)));
});

test('the validator checks the liquid integers (TNN118)', () => {
  const model = (l: LsmLayer): FloatModel => ({
    format: 'float',
    meta: { name: 'l', features: ['a', 'b', 'c'] },
    task: 'regression',
    output: 'sequence',
    inputSize: 3,
    layers: [l],
  });
  expect(() => validateFloatModel(model(liquid()))).not.toThrow();
  expect(codeOf(() => validateFloatModel(model(liquid({ leakQ16: 70000 }))))).toBe('TNN118');
  expect(codeOf(() => validateFloatModel(model(liquid({ inhibitory: 25 }))))).toBe('TNN118');
});

const gestures = gesturesDataset({ n: 120, length: 20, users: 10, seed: 6, noise: 1 });
const calib = gestures.x.slice(0, 10).map((x) => Array.from({ length: x.length / 3 }, (_, t) => Array.from(x.subarray(t * 3, t * 3 + 3))));

test('a small liquid classifier: the grid is scored on validation, train and evaluation agree, and the readout quantises', () => {
  const split = { val: 0.25, test: 0.25 };
  const fit = searchLsm(gestures, { units: 16, fanOut: 4, seed: 2 }, split, 1, {
    tauMem: [4],
    tauTrace: [4, 8],
    inputScaling: [4],
    readout: [parseReadout('seg3')!],
    ridge: [1e-2, 1],
  });
  expect(fit.grid).toHaveLength(2);
  expect(fit.rate).toBeGreaterThan(0);
  const m = lsmFloatModel(fit, gestures, 'lsm16');
  expect(m.layers.map((l) => l.kind)).toEqual(['lsm', 'pool', 'dense']);
  const s = splitIndices(gestures, split, 1);
  const chosen = fit.grid.find((g) => g.tauTrace === fit.options.tauTrace)!;
  expect(evaluateFloat(m, subset(gestures, s.val)).classification!.accuracy).toBeCloseTo(chosen.accuracy, 12);
  const q = quantizeModel(m, calib);
  expect(q.layers[0]).toMatchObject({ kind: 'lsm', seed: m.layers[0].kind === 'lsm' ? m.layers[0].seed : -1 });
  expect(q.layers[1]).toMatchObject({ kind: 'pool', zp: -128 });
  // both targets run it (golden vectors exact: test/targets/c/parity.test.ts, test/targets/espruino/parity.test.ts)
  expect(generateC(q).files.some((f) => f.text.includes('tinyrnn_lsm(&'))).toBe(true);
  for (const kernel of ['loop', 'unrolled'] as const) {
    const module = buildEspruino(q, { board: 'PUCKJS', kernel }).files.find((f) => f.kind === 'module')!;
    const src = Buffer.from(module.bytes).toString('latin1');
    expect(src).toContain('function lsm_generate(L)');
    expect(src).toContain(kernel === 'loop' ? 'return lsm(L, v);' : 'l0.fn = f_l0;');
  }
});

test('refusals: a liquid after another layer or last (QNT011), bad options (LSM001), per-step targets (LSM002)', () => {
  const fit = searchLsm(
    gestures,
    { units: 8, fanOut: 2, seed: 1, tauMem: 4, tauTrace: 4, inputScaling: 2, readout: parseReadout('mean') },
    { val: 0.25, test: 0 },
    1,
  );
  const m = lsmFloatModel(fit, gestures, 'l');
  const last: FloatModel = { ...m, layers: [m.layers[0]] };
  expect(codeOf(() => quantizeModel(last, calib))).toBe('QNT011');
  expect(codeOf(() => buildLiquid(3, { ...DEFAULT_LSM_OPTIONS, tauMem: 0.5 }))).toBe('LSM001');
  expect(codeOf(() => buildLiquid(3, { ...DEFAULT_LSM_OPTIONS, inhibitory: 1 }))).toBe('LSM001');
  expect(codeOf(() => searchLsm(sinesDataset({ n: 8, length: 20, seed: 1, noise: 0.05 }), { units: 8 }, { val: 0.25, test: 0 }))).toBe('LSM002');
});

test('the cost per step depends on the firing rate; the MAC count (what compile reports) is the worst case', () => {
  const l = qOf(liquid());
  expect(lsmStepCost(l, 0)).toBe(24 * 3);
  expect(lsmStepCost(l, 0.25)).toBe(24 * 3 + 30);
  expect(ir.macs(l)).toBe(lsmStepCost(l, 1));
  expect(ir.macs(l)).toBe(24 * 3 + 24 * 5);
  const lines = lsmReport(l, 0.25).join('\n');
  expect(lines).toContain('spike bits 3 B');
  expect(lines).toContain('synapses 360 B');
  expect(lines).toContain('102 multiply-adds at the measured firing rate 25.0%');
  expect(lines).toContain('worst case 192');
  // the RAM floor: membranes, traces, refractory counters, spike bits (per stream) and the connectivity (once per model)
  expect(ir.stateBytes(l)).toBe(5 * 24 + 3 + 360 + 24 * 3);
  expect(lines).toContain('regenerated once per model (RAM shared by every stream): synapses 360 B');
});
