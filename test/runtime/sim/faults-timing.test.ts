// Fault injection and the timing model, on their own (no model needed).
import { applyFaults, formatFault, parseDuration, parseFault, OUT_OF_RANGE_VALUE } from '../../../runtime/sim/faults';
import { energy, simulateTiming } from '../../../runtime/sim/timing';
import { TinyrnnError } from '../../../compiler/core/ir/errors';

function ramp(T: number, F: number): Float32Array {
  return Float32Array.from({ length: T * F }, (_, i) => (i % 97) / 10 + 1);
}

describe('fault specs', () => {
  test('parse every kind', () => {
    expect(parseFault('dropout:0.05')).toEqual({ kind: 'dropout', probability: 0.05 });
    expect(parseFault('nan:0.01')).toEqual({ kind: 'nan', probability: 0.01 });
    expect(parseFault('jitter:2ms')).toEqual({ kind: 'jitter', seconds: 0.002 });
    expect(parseFault('reset:@120')).toEqual({ kind: 'reset', steps: [120], probability: 0 });
    expect(parseFault('reset:@300,@120')).toEqual({ kind: 'reset', steps: [120, 300], probability: 0 });
    expect(parseDuration('x', '500us')).toBeCloseTo(5e-4, 12);
    expect(formatFault(parseFault('jitter:2ms'))).toBe('jitter:2ms');
  });

  test.each(['dropout:2', 'nan:', 'jitter:fast', 'reset:@-1', 'melt:0.1', 'reset:@x'])('bad spec %s is SIM010 naming the value', (spec) => {
    try {
      parseFault(spec);
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(TinyrnnError);
      const d = (e as TinyrnnError).diagnostics[0];
      expect(d.code).toBe('SIM010');
      expect(d.path).toBe('--fault');
      expect(d.value).toBe(spec);
    }
  });
});

describe('applying faults', () => {
  const F = 3;
  const T = 2000;
  const clean = ramp(T, F);

  test('no faults: the stream is delivered unchanged, on time', () => {
    const r = applyFaults(clean, F, 0.04, [], 7);
    expect(r.delivered).toEqual(clean);
    expect(Array.from(r.arrival.slice(0, 3))).toEqual([0, 0.04, 0.08]);
    expect(r.events).toEqual([]);
  });

  test('dropouts hold the last delivered sample; counts match events; reproducible by seed', () => {
    const r = applyFaults(clean, F, 0.04, [parseFault('dropout:0.1')], 7);
    const drops = r.events.filter((e) => e.kind === 'dropout');
    expect(drops.length).toBe(r.counts.dropout);
    expect(drops.length).toBeGreaterThan(120);
    expect(drops.length).toBeLessThan(280);
    for (const e of drops) {
      const t = e.step;
      const want = t === 0 ? new Float32Array(F) : r.delivered.subarray((t - 1) * F, t * F);
      expect(Array.from(r.delivered.subarray(t * F, (t + 1) * F))).toEqual(Array.from(want));
    }
    // every step without a dropout is the clean sample
    const dropped = new Set(drops.map((e) => e.step));
    for (let t = 0; t < T; t++) if (!dropped.has(t)) expect(r.delivered[t * F]).toBe(clean[t * F]);
    expect(applyFaults(clean, F, 0.04, [parseFault('dropout:0.1')], 7).events).toEqual(r.events);
    expect(applyFaults(clean, F, 0.04, [parseFault('dropout:0.1')], 8).events).not.toEqual(r.events);
  });

  test('NaN, infinite and out-of-range values land where the events say', () => {
    const r = applyFaults(clean, F, 0.04, [parseFault('nan:0.02'), parseFault('inf:0.02'), parseFault('range:0.02')], 3);
    expect(r.counts.nan + r.counts.inf + r.counts.range).toBe(r.events.length);
    expect(r.counts.nan).toBeGreaterThan(10);
    for (const e of r.events) {
      const v = r.delivered[e.step * F + (e.feature as number)];
      if (e.kind === 'nan') expect(Number.isNaN(v)).toBe(true);
      if (e.kind === 'inf') expect(Math.abs(v)).toBe(Infinity);
      if (e.kind === 'range') expect(Math.abs(v)).toBe(OUT_OF_RANGE_VALUE);
    }
  });

  test('jitter moves arrivals within the bound and keeps them in order; resets at the given steps', () => {
    const r = applyFaults(clean, F, 0.04, [parseFault('jitter:5ms'), parseFault('reset:@120,@1500'), parseFault('reset:@99999')], 1);
    for (let t = 0; t < T; t++) {
      expect(Math.abs(r.arrival[t] - t * 0.04)).toBeLessThanOrEqual(0.005 + 1e-12);
      if (t) expect(r.arrival[t]).toBeGreaterThanOrEqual(r.arrival[t - 1]);
    }
    expect(r.maxJitter).toBeGreaterThan(0.004);
    expect(r.resets).toEqual([120, 1500]);
    expect(r.counts.reset).toBe(2);
  });
});

describe('timing', () => {
  const arrival = (T: number, p: number) => Float64Array.from({ length: T }, (_, t) => t * p);

  test('a step that fits the period never misses', () => {
    const { summary, trace } = simulateTiming({ cycles: new Float64Array(100).fill(32000), arrival: arrival(100, 0.01), period: 0.01, clockHz: 64e6 });
    expect(summary.misses).toBe(0);
    expect(summary.stepMax).toBeCloseTo(0.0005, 12);
    expect(summary.utilization).toBeCloseTo(0.05, 12);
    expect(summary.maxBacklog).toBe(0);
    expect(summary.maxRateHz).toBeCloseTo(2000, 6);
    expect(trace.budget[5]).toBeCloseTo(0.01, 12);
  });

  test('a step longer than the period misses every deadline and builds a backlog', () => {
    // 1.5 periods per step: every step finishes after the next sample arrives
    const T = 40;
    const { summary } = simulateTiming({ cycles: new Float64Array(T).fill(960000), arrival: arrival(T, 0.01), period: 0.01, clockHz: 64e6 });
    expect(summary.misses).toBe(T);
    expect(summary.maxBacklog).toBeGreaterThan(10);
    expect(summary.maxLatency).toBeGreaterThan(0.2);
  });

  test('an occasional long step misses once, then the device catches up', () => {
    const c = new Float64Array(50).fill(64000);
    c[10] = 64e6 * 0.015;
    const { summary, trace } = simulateTiming({ cycles: c, arrival: arrival(50, 0.01), period: 0.01, clockHz: 64e6 });
    expect(summary.misses).toBe(1);
    expect(trace.miss[10]).toBe(1);
    expect(trace.miss[11]).toBe(0);
  });

  test('energy: I * V * t', () => {
    const e = energy({ activeCurrentmA: 3.7, supplyV: 3, stepSeconds: 0.001, period: 0.04 });
    expect(e.perInferenceUj).toBeCloseTo(11.1, 9);
    expect(e.inferenceCurrentmA).toBeCloseTo(3.7 * 0.025, 12);
    expect(e.perHourJ).toBeCloseTo(11.1e-6 * 25 * 3600, 9);
  });
});
