// The liquid kernels (loop and unrolled, compiler/layers/lsm/espruino*.ts) at the edges of the
// spec's ranges, which no golden vector reaches: leak and trace decay at 65536 and at their
// smallest, shifts 0 and 46, multipliers 32767, threshold 1 (every neuron fires) and 32767,
// refractory 0 and 127, trace increment 32767, inputs that saturate the Q3.12 input, membranes
// at -32768 and 32767, traces at 32767, every spike bit set. The module's liquid state is set,
// one step runs, and its traces, membranes, refractory counters and spike bits must equal the
// reference's from the same state and input. The golden vectors cover ordinary streams
// (parity.test.ts). The module keeps v, tr in one Int16Array h16 and the refractory counters and
// spike bits in one Uint8Array c (compiler/layers/lsm/espruino.ts).
import { vectorCases, loadInNode, loadInSandbox, DeviceModel } from './harness';
import { generateModule } from '../../../targets/espruino/generate';
import { findBoard } from '../../../targets/boards';
import { QuantModel } from '../../../compiler/core/ir/quant-model';
import { QLsmLayer, spikeBytes } from '../../../compiler/layers/lsm/ir';
import { QLsmState, liquidInput, liquidStep, newLiquidState } from '../../../compiler/layers/lsm/reference';
import { quantizeInput } from '../../../compiler/core/reference';
import { INT8_BIAS } from '../../../targets/espruino/arith';
import { KERNEL_KIND } from '../../../targets/espruino/kinds';
import { Rng } from '../../../compiler/core/util/rng';

const board = findBoard('PUCKJS', { espruino: true });

interface LsmObject {
  kind: number;
  h16: Int16Array;
  c: Uint8Array;
  hb: Uint8Array;
}

/** Liquid parameters at the ends of their ranges (each set within the section 6 bounds). */
const EDGES: Partial<QLsmLayer>[] = [
  { leakQ16: 65536, decayQ16: 65536, threshold: 1, refractory: 0, traceInc: 32767, inM: 32767, inS: 10, synM: 32767, synS: 8 },
  { leakQ16: 0, decayQ16: 1, threshold: 32767, refractory: 127, traceInc: 1, inM: 1, inS: 0, synM: 1, synS: 0 },
  { leakQ16: 1, decayQ16: 65535, threshold: 2, refractory: 1, traceInc: 32767, inM: 32767, inS: 46, synM: 32767, synS: 46 },
  { leakQ16: 32768, decayQ16: 32768, threshold: 100, refractory: 3, traceInc: 5000, inM: 20000, inS: 15, synM: 30000, synS: 9 },
];

/** A state with the extremes and random values: membranes, traces, refractory counters, spike bits (all set when full). */
function edgeState(l: QLsmLayer, rng: Rng, full: boolean): QLsmState {
  const st = newLiquidState(l);
  const pick = (k: number, ends: number[], lo: number, hi: number) => (k < ends.length ? ends[k] : lo + rng.int(hi - lo + 1));
  for (let j = 0; j < l.units; j++) {
    st.v[j] = pick(j, [-32768, 32767, l.threshold - 1, -1], -32768, 32767);
    st.tr[j] = pick(j, [32767, 0, 1, 32767], 0, 32767);
    st.refr[j] = j % 3 === 0 ? 0 : pick(j, [l.refractory], 0, l.refractory);
  }
  for (let k = 0; k < st.spikes.length; k++) st.spikes[k] = full ? 255 : rng.int(256);
  // bits past N stay clear, as the kernels write them
  if (l.units % 8) st.spikes[st.spikes.length - 1] &= (1 << (l.units % 8)) - 1;
  return st;
}

function setModuleState(L: LsmObject, st: QLsmState): void {
  L.h16.set(st.v, 0);
  L.h16.set(st.tr, st.v.length);
  L.c.set(st.refr, 0);
  L.c.set(st.spikes, st.refr.length);
}

/** Steps the module from edge states on raw rows (and the same rows scaled to saturate the input); compares with the reference. */
function checkEdges(model: DeviceModel, m: QuantModel, raw: number[][]): string[] {
  const fails: string[] = [];
  const l = m.layers[0] as QLsmLayer;
  const L = model.layers[0] as unknown as LsmObject;
  const rng = new Rng(l.seed + 7);
  const rows = [raw[0], raw[1], raw[0].map((r) => r * 4096), raw[1].map((r) => -r * 4096)];
  rows.forEach((row, ri) => {
    const st = edgeState(l, rng, ri % 2 === 0);
    model.reset();
    setModuleState(L, st);
    model.step(row);
    const want = Array.from(liquidStep(l, liquidInput(l, quantizeInput(m, row)), st));
    const tag = `row ${ri}`;
    const got = Array.from(L.hb, (v) => v - INT8_BIAS);
    if (got.join() !== want.join()) fails.push(`${tag}: traces ${got}, want ${want}`);
    const state = [...st.v, ...st.tr, ...st.refr, ...st.spikes];
    if ([...L.h16, ...L.c].join() !== state.join()) fails.push(`${tag}: the state differs from the reference's`);
  });
  return fails;
}

describe.each(['loop', 'unrolled'] as const)('liquid kernel (%s) at the edges of the spec', (kernel) => {
  for (const c of vectorCases().filter((v) => v.model.layers[0].kind === 'lsm')) {
    test(`${c.name}: in Node and in the sandbox`, () => {
      const raw = c.vectors.sequences[0].raw;
      EDGES.forEach((edge, e) => {
        const l = { ...(c.model.layers[0] as QLsmLayer), ...edge };
        const m: QuantModel = { ...c.model, layers: [l, ...c.model.layers.slice(1)] };
        const gen = generateModule(m, { board, weights: 'inline', moduleName: 'm', kernel });
        expect(gen.kernel).toBe(kernel);
        const node = loadInNode(gen);
        expect(node.layers[0].kind).toBe(KERNEL_KIND.lsm);
        expect((node.layers[0] as unknown as LsmObject).c.length).toBe(l.units + spikeBytes(l.units));
        expect({ edge: e, fails: checkEdges(node, m, raw) }).toEqual({ edge: e, fails: [] });
        expect({ edge: e, fails: checkEdges(loadInSandbox(gen).model, m, raw) }).toEqual({ edge: e, fails: [] });
      });
    });
  }
});
