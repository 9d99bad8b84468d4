// The simulator's data: what one simulated device produces and what a fleet adds up to.
//
// Legend: T steps of a stream, F features, O model outputs, N devices.
// Everything here is plain data (numbers, strings, typed arrays) so it crosses worker threads
// by structured clone and prints as JSON.

import type { SaturationRow } from '../../compiler/quant/saturation';
import type { FaultEvent, FaultKind } from './faults';
import type { EnergySummary, TimingSummary } from './timing';

export const ENGINE_NAMES = ['reference', 'js', 'c', 'qemu'] as const;
/**
 * reference: the TypeScript reference kernels themselves (the oracle; no device code)
 * js:        the emitted Espruino module in the Espruino-semantics sandbox (JsVar accounting, cost model)
 * c:         the emitted C compiled for the host, driven as a subprocess over stdin/stdout
 * qemu:      the emitted C cross-compiled for the board's core, run under QEMU
 */
export type EngineName = (typeof ENGINE_NAMES)[number];

/** Memory the device code needs on the board, against the board's limits. */
export interface MemoryUse {
  ramBytes: number;
  flashBytes: number;
  ramLimit: number;
  flashLimit: number;
  /** Where the numbers come from (e.g. "C static arrays (arm-none-eabi-size)", "JsVar blocks x 13 B"). */
  source: string;
  /** Named parts, for the report (weights, state, scratch, code...). */
  parts: { name: string; kind: 'ram' | 'flash'; bytes: number }[];
}

/** Where a step's time estimate comes from. */
export type CostSource = 'qemu-instructions' | 'simavr-cycles' | 'espruino-cost-model' | 'none';

/** Parity of the device code against the reference kernels on the same delivered samples. */
export interface Parity {
  /** Output values compared (T x O). */
  compared: number;
  /** Values that differ (must be 0). */
  mismatches: number;
  /** The first difference, named like the parity tests do. */
  first?: { step: number; index: number; got: number; want: number };
}

export interface Accuracy {
  correct: number;
  total: number;
  /** correct / total, or null when there are no labels. */
  rate: number | null;
}

/** Error of a regression model's answers against the data's targets, in real units. */
export interface RegressionError {
  /** Values compared (answers x targets). */
  n: number;
  mae: number;
  rmse: number;
}

export interface FaultSummary {
  specs: string[];
  counts: Record<FaultKind, number>;
  /** The first events (capped for the report; counts has the totals). */
  events: FaultEvent[];
  eventsTruncated: boolean;
  /** Steps whose prediction differs from the fault-free run of the same stream. */
  changedPredictions: number;
  /** Accuracy of the fault-free run, for comparison. */
  cleanAccuracy: Accuracy;
  /** Largest clock jitter that occurred, seconds. */
  maxJitter: number;
  /** Steps the device needed after each reset until its prediction matched what it predicts on the same samples without the reset (null: not within the stream or before the next reset). */
  recovery: { reset: number; steps: number | null }[];
  /** True when the device code ran every step to the end (it kept running). */
  survived: boolean;
}

/** Per-step traces kept for the HTML report (only for the devices whose plots are drawn). */
export interface StreamTraces {
  /** Delivered samples, (T, F). */
  input: Float32Array;
  /** Prediction per step: class index, or the first output dequantised for regression, (T). */
  prediction: Float64Array;
  /** Truth per step: class index or target, NaN when unknown, (T). */
  truth: Float64Array;
  /** Estimated execution time per step, seconds, (T) (empty without a cost source). */
  exec: Float64Array;
  /** Time available per step (until the next sample), seconds, (T). */
  budget: Float64Array;
  /** Steps at which the sample was faulty or the device reset. */
  faultSteps: Int32Array;
  /** Steps whose output is the model's answer (window ends for whole-recording classifiers; empty: every step). */
  answerSteps: Int32Array;
}

export interface DeviceResult {
  device: number;
  /** What the device was fed (recordings or generator seed). */
  source: string;
  steps: number;
  /** Windows (recordings) played back to back; the device's model state is reset between them when the model classifies whole sequences. */
  windows: number;
  engine: EngineName;
  parity: Parity;
  accuracy: Accuracy;
  /** Regression models with targets in the data: error of the answers. */
  error?: RegressionError;
  /** Class counts of the predictions (classification), by label. */
  predicted?: Record<string, number>;
  timing: TimingSummary | null;
  costSource: CostSource;
  /** Cost per step in cycles (mean), when known. */
  cyclesPerStep: number | null;
  energy: EnergySummary | null;
  faults: FaultSummary | null;
  traces?: StreamTraces;
}

export interface BoardSummary {
  id: string;
  name: string;
  core: string;
  clockMHz: number;
  ramBytes: number;
  flashBytes: number;
  fpu: boolean;
  dsp: boolean;
  activeCurrentmA: number | null;
  currentSource: string | null;
}

export interface FleetSummary {
  devices: number;
  steps: number;
  accuracy: Accuracy;
  /** Regression: error over every device's answers (null without targets). */
  error: RegressionError | null;
  parityMismatches: number;
  /** Devices whose output differed from the reference at least once. */
  devicesWithMismatches: number;
  misses: number;
  devicesWithMisses: number;
  /** Worst step time over the fleet, seconds. */
  stepMax: number | null;
  /** Mean step time over the fleet, seconds. */
  stepMean: number | null;
  faultCounts: Record<FaultKind, number>;
  changedPredictions: number;
  survived: number;
  /** Mean and worst per-device accuracy. */
  accuracyMin: number | null;
  accuracyMax: number | null;
  workers: number;
}

export interface SimulationReport {
  tool: string;
  model: { file: string; name: string; task: string; output: string; features: string[]; labels: string[] | null; params: number };
  board: BoardSummary;
  engine: EngineName;
  engineDetail: string;
  rateHz: number;
  data: string;
  memory: MemoryUse;
  fits: boolean;
  faults: string[];
  devices: DeviceResult[];
  fleet: FleetSummary;
  /** Notes the user must read (e.g. no emulator for this core, so no time estimate). */
  notes: string[];
  /** Output and state tensors at their integer limit on device 0's recordings (reference kernels, no faults). */
  saturation: SaturationRow[];
}
