// Engines: the code that runs a simulated device's model.
//
// An engine is prepared once per (model, board) in the main thread (code generated, compiled,
// measured) and yields a serialisable `PreparedEngine`; every simulated device (possibly in a
// worker thread) opens its own session on it. A session keeps the model's state between calls,
// like the device keeps it between samples.
//
// Device I/O is what the generated code exchanges with its application: raw integer samples in
// (the sensor's units, `QuantInput` of the quantisation spec), the model's integer output vector
// out, one per step. Nothing in between is shared with the oracle, so a difference anywhere in
// the device code shows as a parity mismatch.
//
// Legend: T steps, F features, O outputs.

import type { QuantModel } from '../../compiler/core/ir/quant-model';
import type { BoardProfile } from '../../targets/boards';
import type { CostSource, EngineName, MemoryUse } from './types';

export interface ChunkResult {
  /** The device's output vector per step, (T, O). */
  out: Int32Array;
  /** Estimated cycles per step on the board, (T), or null when this engine has no cost source. */
  cycles: Float64Array | null;
}

export interface EngineSession {
  /** Feeds T samples of raw integers, (T, F), continuing from the current state. */
  run(raw: Int32Array, T: number): Promise<ChunkResult>;
  /** Clears the model state (what the device does at a window start or after a reset). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Everything a worker needs to open sessions: plain data only (crosses worker_threads). */
export interface PreparedEngine {
  engine: EngineName;
  /** One line for the report: what runs, built how. */
  detail: string;
  memory: MemoryUse;
  costSource: CostSource;
  /** Engine-specific data (paths of built programs, generated source, cost tables...). */
  data: Record<string, unknown>;
  /** Caveats for the report. */
  notes: string[];
}

export interface EngineContext {
  model: QuantModel;
  /** The .q.tnn file the model came from (targets compile from files). */
  modelFile: string;
  board: BoardProfile;
  /** A scratch folder for generated and compiled code, owned by the simulation run. */
  workDir: string;
  /** Raw samples of the stream, (K, F), for engines that measure time per step on real data (default: the input offsets, i.e. real zeros). */
  sampleRaw?: Int32Array;
  /** False when no time estimate is wanted (parity checks only): engines skip their cost measurement. Default true. */
  measureTime?: boolean;
  /** c engine: build with the undefined-behaviour and address sanitizers (a report stops the device code). */
  sanitize?: boolean;
  /** js engine: the kernel (default: native where the board and this machine allow it, else the JS kernel by size). */
  kernel?: 'native' | 'unrolled' | 'loop';
}

export interface EngineProvider {
  name: EngineName;
  summary: string;
  /** Null when the engine can run here, else why not (missing toolchain, target not built in...). */
  unavailable(board: BoardProfile): string | null;
  prepare(ctx: EngineContext): Promise<PreparedEngine>;
  /** Opens a session (in any thread) on a prepared engine; `model` is the same QuantModel. */
  open(prepared: PreparedEngine, model: QuantModel, board: BoardProfile): Promise<EngineSession>;
}
