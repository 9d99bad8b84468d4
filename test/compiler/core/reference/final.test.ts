// Output mode 'final' in the integer reference (docs/quantization.md "Final-state outputs"): the
// answer is one row of int16 copies of the states the last layer holds after the whole sequence,
// segment by segment; checked against the traced states of the same run, and by hand on a
// one-unit Elman relu.
import { goldenCases, renderCase } from '../../../../runtime/vectors/golden';
import { createQuantState, dequantizeOutput, runQuant, runRows, stepQuant, traceCollector } from '../../../../compiler/core/reference';
import { TinyrnnError } from '../../../../compiler/core/ir/errors';
import { QuantModel } from '../../../../compiler/core/ir/quant-model';
import { QElmanLayer } from '../../../../compiler/core/ir/quant-types';

const finalCases = goldenCases()
  .filter((c) => c.name.startsWith('final_'))
  .map((c) => ({ c, q: renderCase(c).quant }));

/** The traced state `key` of layer L at step t (a bidirectional or reverse cell's with its prefix). */
function traced(trace: Record<string, number[][]>, key: string, t: number): number[] {
  const rows = trace[key];
  if (!rows) throw new Error(`no trace ${key}`);
  return rows[t];
}

describe.each(finalCases.map(({ c, q }) => [c.name, c, q] as const))('%s', (_name, c, q) => {
  test('the output row is the traced final states, segment by segment (forward after t = T-1, backward after t = 0)', () => {
    const last = q.layers.length - 1;
    const l = q.layers[last];
    for (const raw of c.sequences(q)) {
      const { obs, trace } = traceCollector();
      const run = runQuant(q, raw, obs);
      expect(run.output).toHaveLength(1);
      expect(runRows(q, run)).toBe(run.output);
      const T = raw.length;
      const y = Array.from(run.output[0]);
      expect(y).toHaveLength(q.outputSize);
      for (const s of q.doc.outputSegments!) {
        const prefix = l.kind === 'bidirectional' ? (s.direction === 'forward' ? 'fwd.' : 'bwd.') : l.kind === 'reverse' ? 'bwd.' : '';
        const t = s.direction === 'forward' ? T - 1 : 0;
        const cell = l.kind === 'bidirectional' ? (s.direction === 'forward' ? l.forward : l.backward) : l.kind === 'reverse' ? l.cell : l;
        const relu = cell.kind === 'elman' && cell.activation === 'relu';
        const key = `L${last}.${prefix}${s.part === 'c' ? 'c' : relu ? 'h' : 'h16'}`;
        expect([key, y.slice(s.offset, s.offset + s.size)]).toEqual([key, traced(trace, key, t)]);
      }
    }
  });

  test('stepQuant refuses it (RUN005): it answers after the whole sequence', () => {
    expect.assertions(3);
    try {
      stepQuant(q, createQuantState(q), c.sequences(q)[0][0]);
    } catch (e) {
      const err = e as TinyrnnError;
      expect(err.code).toBe('RUN005');
      expect(err.message).toMatch(/outputs its final states .* cannot run step by step/);
      expect(err.diagnostics[0].hint).toMatch(/runQuant/);
    }
  });

  test('dequantizeOutput reads each segment in its own scale', () => {
    const y = runQuant(q, c.sequences(q)[0]).output[0];
    const real = dequantizeOutput(q, y);
    for (const s of q.doc.outputSegments!) for (let j = s.offset; j < s.offset + s.size; j++) expect(real[j]).toBe((y[j] - s.zp) * s.scale);
  });
});

test('by hand: a one-unit Elman relu outputs its h8 state sign-extended, in the layer output scale', () => {
  const { q } = finalCases.find(({ c }) => c.name === 'final_elman_relu_h')!;
  const l0 = q.layers[0] as QElmanLayer;
  // one unit, one input: h8 = sat_s8(hZp + max(0, requantize(bx + wx * x16) + requantize(bh + wh * h8)))
  const one: QuantModel = {
    ...q,
    inputSize: 1,
    outputSize: 1,
    meta: { ...q.meta, features: ['x'] },
    input: { rawPerUnit: Int32Array.of(1), offset: Int32Array.of(0), m: Int32Array.of(1), s: Int32Array.of(0) },
    layers: [
      {
        ...l0,
        inputSize: 1,
        hidden: 1,
        wx: Int8Array.of(1),
        wh: Int8Array.of(0),
        bx: Int32Array.of(0),
        bh: Int32Array.of(0),
        mx: Int32Array.of(1),
        sx: Int32Array.of(0),
        mh: Int32Array.of(1),
        sh: Int32Array.of(0),
        clip: 0,
        hZp: -100,
      },
    ],
    doc: { ...q.doc, layers: [{ outScale: 0.5, outZp: -100 }], outputScale: 0.5, outputZp: -100 },
  };
  one.doc.outputSegments = [{ part: 'h', direction: 'forward', offset: 0, size: 1, scale: 0.5, zp: -100 }];
  // x16 = raw (m 1, s 0): the last step decides h8 = -100 + max(0, x); a negative step leaves h8 = hZp
  expect(Array.from(runQuant(one, [[40], [7]]).output[0])).toEqual([-93]);
  expect(Array.from(runQuant(one, [[40], [-5]]).output[0])).toEqual([-100]);
  expect(Array.from(runQuant(one, [[40], [300]]).output[0])).toEqual([127]);
  expect(dequantizeOutput(one, [-93])[0]).toBe(3.5);
});
