// Time on the board: per-step execution time against the sample clock, and energy.
//
// The device runs one model step per sample. Samples arrive at `arrival[t]` (nominal t * period,
// moved by clock jitter). A step starts when its sample has arrived and the previous step has
// finished (samples wait in a FIFO), and takes cycles[t] / clock seconds. Step t misses its
// deadline when it finishes after sample t+1 arrives (for the last step: after one more period):
// with a one-sample buffer, the next sample would be overwritten or lost.
//
// Legend: T steps.

export interface TimingInput {
  /** Cycles (or instructions taken as cycles) per step, (T). */
  cycles: Float64Array;
  /** Arrival time of each sample, seconds, (T). */
  arrival: Float64Array;
  /** Nominal sample period, seconds. */
  period: number;
  clockHz: number;
}

export interface TimingSummary {
  period: number;
  /** Execution time per step, seconds: mean, max, min. */
  stepMean: number;
  stepMax: number;
  stepMin: number;
  /** Mean share of the sample period the core is busy (1 = fully loaded). */
  utilization: number;
  /** Steps that finished after the next sample arrived. */
  misses: number;
  /** Largest time from a sample's arrival to the end of its step, seconds. */
  maxLatency: number;
  /** Most samples waiting in the FIFO at once (0 when every step ends in time). */
  maxBacklog: number;
  /** Highest sample rate the board sustains with this model, Hz (1 / max step time). */
  maxRateHz: number;
}

export interface TimingTrace {
  /** Execution time of each step, seconds, (T). */
  exec: Float64Array;
  /** Time the step ended minus its sample's arrival, seconds, (T). */
  latency: Float64Array;
  /** Time available for the step: next arrival minus this arrival, seconds, (T). */
  budget: Float64Array;
  /** 1 where step t missed its deadline, (T). */
  miss: Uint8Array;
}

export function simulateTiming(inp: TimingInput): { summary: TimingSummary; trace: TimingTrace } {
  const T = inp.cycles.length;
  const exec = new Float64Array(T);
  const latency = new Float64Array(T);
  const budget = new Float64Array(T);
  const miss = new Uint8Array(T);
  let finish = -Infinity;
  let misses = 0;
  let maxLatency = 0;
  let maxBacklog = 0;
  let sum = 0;
  let mx = 0;
  let mn = Infinity;
  const finishes = new Float64Array(T);
  let head = 0; // first step whose finish is still in the future of the current arrival
  for (let t = 0; t < T; t++) {
    const e = inp.cycles[t] / inp.clockHz;
    exec[t] = e;
    sum += e;
    if (e > mx) mx = e;
    if (e < mn) mn = e;
    const a = inp.arrival[t];
    const start = Math.max(a, finish);
    finish = start + e;
    finishes[t] = finish;
    const next = t + 1 < T ? inp.arrival[t + 1] : a + inp.period;
    budget[t] = next - a;
    latency[t] = finish - a;
    if (latency[t] > maxLatency) maxLatency = latency[t];
    if (finish > next) {
      miss[t] = 1;
      misses++;
    }
    // Samples that arrived (up to and including t) whose steps have not finished by arrival t.
    while (head < t && finishes[head] <= a) head++;
    const waiting = t - head;
    if (waiting > maxBacklog) maxBacklog = waiting;
  }
  const mean = T ? sum / T : 0;
  return {
    summary: {
      period: inp.period,
      stepMean: mean,
      stepMax: T ? mx : 0,
      stepMin: T ? mn : 0,
      utilization: inp.period > 0 ? mean / inp.period : 0,
      misses,
      maxLatency,
      maxBacklog,
      maxRateHz: mx > 0 ? 1 / mx : Infinity,
    },
    trace: { exec, latency, budget, miss },
  };
}

export interface EnergyInput {
  activeCurrentmA: number;
  supplyV: number;
  /** Mean execution time per step, seconds. */
  stepSeconds: number;
  period: number;
}

export interface EnergySummary {
  /** Energy of one inference step at the board's active current, microjoules. */
  perInferenceUj: number;
  /** Mean current of the inference work alone at this sample rate, mA (sleep current not included). */
  inferenceCurrentmA: number;
  /** Inference energy per hour at this sample rate, joules. */
  perHourJ: number;
}

export function energy(e: EnergyInput): EnergySummary {
  const perInferenceJ = (e.activeCurrentmA / 1000) * e.supplyV * e.stepSeconds;
  const duty = Math.min(1, e.period > 0 ? e.stepSeconds / e.period : 1);
  return {
    perInferenceUj: perInferenceJ * 1e6,
    inferenceCurrentmA: e.activeCurrentmA * duty,
    perHourJ: e.period > 0 ? (perInferenceJ * 3600) / Math.max(e.period, e.stepSeconds) : 0,
  };
}
