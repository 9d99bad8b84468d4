// The pool kernels (loop and unrolled, compiler/layers/pool/espruino*.ts) at the edges of the spec's
// bounds, which no golden vector reaches: segments reaching 2^22 steps and full ones, sums at
// -128 * 2^22, 127 * 2^22 and 255 * 2^22 (the largest the spec allows), means exactly half-way
// (rounded away from zero), the step counter at and past its stop at 2^22. The module's pool state
// is set, one step runs, and the pool's means and state must equal the reference's from the same
// state and input. The sums are chosen so that they hit those values after the step's input is
// added (a state a stream need not reach; the arithmetic is defined on it all the same). The golden
// vectors cover ordinary streams (parity.test.ts). The module keeps sums, counts and t in one
// Int32Array c (compiler/layers/pool/espruino.ts).
import { vectorCases, loadInNode, loadInSandbox, DeviceModel } from './harness';
import { generateModule } from '../../../targets/espruino/generate';
import { findBoard } from '../../../targets/boards';
import { QPoolLayer, poolSegment } from '../../../compiler/layers/pool/ir';
import { QPoolState, reference } from '../../../compiler/layers/pool/reference';
import { INT8_BIAS } from '../../../targets/espruino/arith';
import { KERNEL_KIND } from '../../../targets/espruino/kinds';

const MAX = 1 << 22;
const board = findBoard('PUCKJS', { espruino: true });

interface PoolObject {
  kind: number;
  c: Int32Array;
  hb: Uint8Array;
}

/** Sums of one unit after the step (n steps then): the extremes, zero, and half-way means (n even). */
function targets(n: number, i: number): [number, number] {
  const pick = i % 5;
  const mean = [-128 * n, 127 * n, 0, n / 2, (-3 * n) / 2][pick];
  const abs = [255 * n, 0, n / 2, (5 * n) / 2, 255 * n - 1][pick];
  return [Math.round(mean), Math.round(abs)];
}

/** The state before a step at t whose input x goes to segment s holding n steps; sums hit targets() after x is added. */
function edgeState(l: QPoolLayer, t: number, n: number, x: number[]): QPoolState {
  const st = reference.newState(l);
  const I = l.inputSize;
  const A = l.abs ? 2 : 1;
  const s = poolSegment(t, l.segments, l.window);
  st.t = t;
  for (let k = 0; k < l.segments; k++) {
    st.count[k] = k === s ? n : MAX - k;
    for (let i = 0; i < I; i++) {
      const [mean, abs] = targets(k === s ? n + 1 : st.count[k], i + k);
      st.sum[k * A * I + i] = mean - (k === s ? x[i] : 0);
      if (l.abs) st.sum[(k * A + 1) * I + i] = abs - (k === s ? Math.abs(x[i] - l.zp) : 0);
    }
  }
  return st;
}

function setModuleState(L: PoolObject, l: QPoolLayer, st: QPoolState): void {
  L.c.set(st.sum, 0);
  L.c.set(st.count, st.sum.length);
  L.c[st.sum.length + l.segments] = st.t;
}

/** The pool's input at the second step of raw (the first layer's output then). */
function poolInput(model: DeviceModel, raw: number[][]): number[] {
  model.reset();
  model.step(raw[0]);
  model.step(raw[1]);
  return Array.from((model.layers[0] as { hb: Uint8Array }).hb, (v) => v - INT8_BIAS);
}

/** Steps the module from each edge state and compares the pool's means and state with the reference. */
function checkEdges(model: DeviceModel, l: QPoolLayer, raw: number[][]): string[] {
  const fails: string[] = [];
  const L = model.layers[1] as unknown as PoolObject;
  const x = poolInput(model, raw);
  const cases = [
    [0, MAX - 1],
    [0, 1],
    [l.window - 1, MAX - 2],
    [MAX - 1, MAX - 1],
    [MAX, 9],
    [MAX, MAX],
  ];
  for (const [t, n] of cases) {
    const tag = `t ${t}, ${n} steps in the segment`;
    model.reset();
    model.step(raw[0]);
    const st = edgeState(l, t, n, x);
    setModuleState(L, l, st);
    model.step(raw[1]);
    const want = Array.from(reference.step(l, {} as never, x, st, undefined, 'L1'));
    // The module rewrites only the segment it added to (the others hold what it wrote before the
    // state was set); a full segment takes nothing, which the state comparison checks.
    const s = poolSegment(t, l.segments, l.window);
    const AI = want.length / l.segments;
    const got = Array.from(L.hb, (v) => v - INT8_BIAS).slice(s * AI, (s + 1) * AI);
    if (n < MAX && got.join() !== want.slice(s * AI, (s + 1) * AI).join()) fails.push(`${tag}: means ${got}, want ${want.slice(s * AI, (s + 1) * AI)}`);
    if (Array.from(L.c).join() !== [...st.sum, ...st.count, st.t].join()) fails.push(`${tag}: the state differs from the reference's`);
  }
  return fails;
}

describe.each(['loop', 'unrolled'] as const)('pool kernel (%s) at the bounds of the spec', (kernel) => {
  for (const c of vectorCases().filter((v) => v.model.layers.some((x) => x.kind === 'pool'))) {
    const l = c.model.layers[1] as QPoolLayer;
    const gen = generateModule(c.model, { board, weights: 'inline', moduleName: 'm', kernel });
    test(`${c.name}: in Node and in the sandbox`, () => {
      expect(gen.kernel).toBe(kernel);
      const raw = c.vectors.sequences[0].raw;
      const node = loadInNode(gen);
      expect((node.layers[1] as unknown as PoolObject).kind).toBe(KERNEL_KIND.pool);
      expect(checkEdges(node, l, raw)).toEqual([]);
      expect(checkEdges(loadInSandbox(gen).model, l, raw)).toEqual([]);
    });
  }
});
