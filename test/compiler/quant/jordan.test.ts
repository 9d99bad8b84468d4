// The quantised Jordan layer: quantiser, validator codes and bounds, reference kernels (streaming
// against whole-sequence, reset, agreement with float), the accuracy report, and the CLI
// (quantize, compile for C and Espruino) on a .tnn built here with random weights.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FloatModel, JordanLayer, JordanOutActivation, Layer, emptyCell, emptyDense, emptyJordan } from '../../../compiler/core/ir/model';
import { QJordanLayer, QuantModel, quantBoundProblems, quantModelProblems } from '../../../compiler/core/ir/quant-model';
import { decodeQuantModel, encodeQuantModel, loadQuantModel, saveFloatModel } from '../../../compiler/core/ir/format';
import { quantizeModel } from '../../../compiler/quant/quantize';
import { compareQuant } from '../../../compiler/quant/report';
import { runFloat } from '../../../compiler/float/infer';
import { createQuantState, dequantizeOutput, rawSequence, resetQuantState, runQuant, stepQuant, traceCollector } from '../../../compiler/core/reference';
import { Rng } from '../../../compiler/core/util/rng';
import { Dataset } from '../../../compiler/data/dataset';
import { main } from '../../../bin/cli/main';
import { Io } from '../../../bin/cli/command';
import { INT32_MAX } from '../../../compiler/core/spec/spec';

function fill(rng: Rng, a: Float32Array, s: number): void {
  for (let i = 0; i < a.length; i++) a[i] = rng.normal() * s;
}

/** F=2 inputs; layers: an optional LSTM, a Jordan layer, an optional dense head. */
function model(seed: number, out: JordanOutActivation, opts: { head?: 'softmax' | 'none'; lstmFirst?: boolean; wy?: number } = {}): FloatModel {
  const rng = new Rng(seed);
  const layers: Layer[] = [];
  let width = 2;
  if (opts.lstmFirst) {
    const c = emptyCell('lstm', 2, 3);
    for (const a of [c.wx, c.wh, c.bx, c.bh]) fill(rng, a, 0.5);
    layers.push(c);
    width = 3;
  }
  const j: JordanLayer = emptyJordan(width, 5, 3, out);
  fill(rng, j.wx, 0.6);
  fill(rng, j.wy, opts.wy ?? 0.4);
  fill(rng, j.bx, 0.2);
  fill(rng, j.wo, 0.6);
  fill(rng, j.bo, 0.2);
  layers.push(j);
  if (opts.head) {
    const d = emptyDense(3, 2, opts.head);
    fill(rng, d.w, 0.6);
    fill(rng, d.b, 0.2);
    layers.push(d);
  }
  const cls = opts.head === 'softmax';
  return {
    format: 'float',
    meta: { name: 'jordan', features: ['a', 'b'], ...(cls ? { labels: ['x', 'y'] } : {}) },
    task: cls ? 'classification' : 'regression',
    output: cls ? 'last' : 'sequence',
    inputSize: 2,
    layers,
  };
}

function walks(seed: number, n: number, T: number): number[][][] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const v = [rng.normal(), rng.normal()];
    return Array.from({ length: T }, () => v.map((x, f) => (v[f] = 0.8 * x + 0.5 * rng.normal())));
  });
}

const calib = walks(5, 20, 50);
const test_ = walks(6, 4, 80);

describe('quantised Jordan layer', () => {
  test('quantises: s16 output fed back when last, s8 with a zero point before a head; valid, round-trips', () => {
    const last = quantizeModel(model(1, 'none'), calib);
    const lj = last.layers[0] as QJordanLayer;
    expect([lj.kind, lj.outType, lj.outZp, last.outputType]).toEqual(['jordan', 's16', 0, 's16']);
    // headroom 1: the calibrated tanh range is asymmetric, so the fed-back y has a zero point to fold
    const head = quantizeModel(model(2, 'tanh', { head: 'softmax' }), calib, { headroom: 1 });
    const hj = head.layers[0] as QJordanLayer;
    expect(hj.outZp).not.toBe(0);
    expect([hj.outType, head.outputType]).toEqual(['s8', 's16']);
    expect(hj.oM).toBeGreaterThan(0);
    // by folds the feedback zero point: -sum_u wy[r, u] * outZp (the float layer has no feedback bias)
    for (let r = 0; r < hj.hidden; r++) {
      let s = 0;
      for (let u = 0; u < hj.units; u++) s += hj.wy[r * hj.units + u] * hj.outZp;
      expect(hj.by[r]).toBe(-s);
    }
    expect(quantModelProblems(head)).toEqual([]);
    expect(decodeQuantModel(encodeQuantModel(head))).toEqual(head);
  });

  test('reference: streaming equals whole-sequence runs, reset restores y = outZp, the feedback matters', () => {
    for (const m of [model(3, 'none'), model(4, 'sigmoid', { head: 'none', lstmFirst: true }), model(5, 'relu', { head: 'softmax' })]) {
      const q = quantizeModel(m, calib);
      const st = createQuantState(q);
      for (const seq of test_) {
        const raw = rawSequence(q, new Float64Array(seq.flat()));
        resetQuantState(q, st);
        const steps = raw.map((r) => Array.from(stepQuant(q, st, r)));
        expect(runQuant(q, raw).steps.map((o) => Array.from(o))).toEqual(steps);
      }
      const ji = q.layers.findIndex((l) => l.kind === 'jordan');
      const jl = q.layers[ji] as QJordanLayer;
      resetQuantState(q, st);
      expect(Array.from((st.layers[ji] as { y: Int32Array }).y)).toEqual(new Array(jl.units).fill(jl.outZp));
      // without feedback weights the outputs differ after the first step, not at it
      const raw = rawSequence(q, new Float64Array(test_[0].flat()));
      const noFb: QuantModel = {
        ...q,
        layers: q.layers.map((l) => (l.kind === 'jordan' ? { ...l, wy: new Int8Array(l.wy.length), by: new Int32Array(l.hidden) } : l)),
      };
      const a = runQuant(q, raw).steps;
      const b = runQuant(noFb, raw).steps;
      expect(Array.from(b[0])).toEqual(Array.from(a[0]));
      expect(b.some((o, t) => Array.from(o).join() !== Array.from(a[t]).join())).toBe(true);
      // trace keys of the layer
      const { obs, trace } = traceCollector();
      runQuant(q, raw.slice(0, 3), obs);
      for (const k of ['pre', 'h16', 'ypre', 'out']) expect(trace[`L${ji}.${k}`]).toHaveLength(3);
    }
  });

  test('int8 agrees with float: max error as a share of the output range', () => {
    const rows: string[] = [];
    for (const [name, m] of [
      ['jordan none, last (int16 fed back)', model(7, 'none')],
      ['jordan tanh -> softmax head', model(8, 'tanh', { head: 'softmax' })],
      ['lstm -> jordan sigmoid -> linear head', model(9, 'sigmoid', { head: 'none', lstmFirst: true })],
    ] as const) {
      const q = quantizeModel(m, calib);
      let err = 0;
      let lo = Infinity;
      let hi = -Infinity;
      for (const seq of test_) {
        const raw = rawSequence(q, new Float64Array(seq.flat()));
        const x = raw.map((r) => r.map((v, f) => v / q.input.rawPerUnit[f]));
        const fl = runFloat(m, x).steps;
        const qs = runQuant(q, raw).steps;
        // real outputs (class probabilities after the host softmax for the classifier)
        qs.forEach((o, t) => {
          dequantizeOutput(q, o).forEach((v, k) => {
            err = Math.max(err, Math.abs(v - fl[t][k]));
            lo = Math.min(lo, fl[t][k]);
            hi = Math.max(hi, fl[t][k]);
          });
        });
      }
      const pct = (100 * err) / (hi - lo);
      rows.push(`${name}: max |int8 - float| ${err.toFixed(5)} = ${pct.toFixed(2)}% of the output range`);
      expect(pct).toBeLessThan(2);
    }
    process.stdout.write(rows.join('\n') + '\n');
  });

  test('accuracy report: per-layer errors for the Jordan tensors', () => {
    const m = model(10, 'tanh', { head: 'none' });
    const q = quantizeModel(m, calib);
    const data: Dataset = {
      source: 'walks',
      features: ['a', 'b'],
      x: test_.map((s) => Float32Array.from(s.flat())),
      targets: test_.map((s) => Float32Array.from(s.flatMap(() => [0, 0]))),
      targetNames: ['y0', 'y1'],
    };
    const r = compareQuant(m, q, data);
    expect(r.output.maxAbs).toBeLessThan(0.05);
    const names = r.tensors.map((t) => t.name);
    for (const k of ['pre', 'h16', 'ypre', 'out']) expect(names).toContain(`L0 jordan ${k}`);
  });

  test('validator codes: shapes, ranges, int16 output only when last, unknown activation, bounds', () => {
    const q = quantizeModel(model(11, 'tanh', { head: 'none' }), calib);
    const bad = (f: (j: Record<string, unknown>) => void, isLast = false): string[] => {
      const c = structuredClone(q);
      if (isLast) c.layers.pop();
      f(c.layers[0] as unknown as Record<string, unknown>);
      if (isLast) {
        c.outputSize = (c.layers[0] as QJordanLayer).units;
      }
      return quantModelProblems(c).map((d) => `${d.code} ${d.path}`);
    };
    expect(bad((j) => (j.wy = new Int8Array(3)))).toContain('TNN206 layers[0].wy');
    expect(bad((j) => (j.wo = new Int16Array(15)))).toContain('TNN205 layers[0].wo');
    expect(bad((j) => delete j.my)).toContain('TNN201 layers[0].my');
    expect(bad((j) => ((j.sy as Int32Array)[1] = 47))).toContain('TNN207 layers[0].sy[1]');
    expect(bad((j) => (j.outActivation = 'softmax'))).toContain('TNN204 layers[0].outActivation');
    expect(bad((j) => (j.outType = 's16'))).toContain('TNN204 layers[0].outType');
    expect(bad((j) => (j.outZp = 5), true)).toEqual(['TNN204 outputType']);
    expect(bad((j) => (j.units = 4))).toContain('TNN206 layers[0].wy');
    expect(bad((j) => ((j.by as Int32Array)[2] = INT32_MAX))).toContain('TNN213 layers[0].wy[2]');
    expect(bad((j) => ((j.bo as Int32Array)[0] = INT32_MAX))).toContain('TNN213 layers[0].wo[0]');
  });

  test('bounds: the fed-back vector counts as int16 (32768) when the output is int16, int8 (128) otherwise', () => {
    const q = quantizeModel(model(12, 'none'), calib);
    const j = q.layers[0] as QJordanLayer;
    let sum = 0;
    for (let u = 0; u < j.units; u++) sum += Math.abs(j.wy[u]);
    // row 0's feedback accumulator: fits with int8 feedback, not with int16
    j.by[0] = INT32_MAX - 128 * sum;
    j.my[0] = 0;
    expect(quantBoundProblems(q).map((d) => d.path)).toEqual(['layers[0].wy[0]']);
    j.outType = 's8';
    expect(quantBoundProblems(q).filter((d) => d.path.startsWith('layers[0].wy'))).toEqual([]);
  });

  test('the quantiser names non-finite Jordan weights (QNT001)', () => {
    const m = model(13, 'none');
    (m.layers[0] as JordanLayer).wy[4] = NaN;
    expect(() => quantizeModel(m, calib)).toThrow(/QNT001[\s\S]*layers\[0\]\.wy\[4\]/);
  });

  test('problems in the output projection name the Jordan fields (mo, not the dense m)', () => {
    // a tanh output maps the accumulator straight to Q3.12: a huge projection weight needs a
    // multiplier far beyond 32767 (QNT004), found by the dense-layer code the projection reuses
    const m = model(13, 'tanh');
    (m.layers[0] as JordanLayer).wo[0] = 1e9;
    let err: unknown;
    try {
      quantizeModel(m, calib);
    } catch (e) {
      err = e;
    }
    const d = (err as { diagnostics: { code: string; path: string }[] }).diagnostics;
    expect(d.length).toBeGreaterThan(0);
    expect(d.every((x) => /^layers\[0\]\.(wo|bo|mo|so)\b/.test(x.path))).toBe(true);
    expect(d.map((x) => [x.code, x.path])).toContainEqual(['QNT004', 'layers[0].mo[0]']);
  });
});

describe('CLI on a Jordan model', () => {
  let dir: string;
  const io = (): { io: Io; out: () => string; err: () => string } => {
    let out = '';
    let err = '';
    return { io: { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n'), isTTY: false, cwd: dir }, out: () => out, err: () => err };
  };
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-jordan-'));
    saveFloatModel(path.join(dir, 'j.tnn'), model(20, 'tanh', { head: 'softmax' }));
    const x = walks(21, 30, 40);
    const y = x.map((s) => (s.reduce((a, r) => a + r[0], 0) > 0 ? 'y' : 'x'));
    fs.writeFileSync(path.join(dir, 'data.json'), JSON.stringify({ x, y, features: ['a', 'b'], labels: ['x', 'y'] }));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('quantize, then compile for C and Espruino', async () => {
    const q1 = io();
    expect(await main(['quantize', 'j.tnn', '--calib', 'data.json'], q1.io)).toBe(0);
    expect(q1.out()).toMatch(/jordan/);
    expect(q1.out()).toMatch(/predictions identical \d+ of 30/);
    expect(loadQuantModel(path.join(dir, 'j.q.tnn')).layers.map((l) => l.kind)).toEqual(['jordan', 'dense']);
    const c = io();
    expect(await main(['compile', 'j.q.tnn', '--target', 'c', '--out', 'c', '--json'], c.io)).toBe(0);
    const rep = JSON.parse(c.out());
    expect(rep.report.layers.find((r: { part: string }) => r.part === 'layer 0').title).toBe('jordan 2->5->3 tanh');
    expect(fs.readFileSync(path.join(dir, 'c', `${rep.report.prefix}.c`), 'utf8')).toMatch(/tinyrnn_jordan\(/);
    const e = io();
    expect(await main(['compile', 'j.q.tnn', '--target', 'espruino', '--kernel', 'unrolled', '--out', 'js', '--json'], e.io)).toBe(0);
    const js = fs.readdirSync(path.join(dir, 'js')).filter((f) => f.endsWith('.js'));
    expect(js.length).toBeGreaterThan(0);
    expect(js.map((f) => fs.readFileSync(path.join(dir, 'js', f), 'utf8')).join('\n')).toMatch(/kind: 7/);
  });
});
