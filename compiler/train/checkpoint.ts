// Training checkpoints. A checkpoint is a .tnn float-model file (the current weights, so
// `tinyrnn inspect` and `tinyrnn eval` read it) with one extra field, `checkpoint`, holding
// everything an exact resume needs: the settings, the data source, the float64 parameters,
// the optimiser moments and step, both random generators, the epoch plan and position, the
// best-so-far parameters and the history. Written atomically (temporary file, then rename).
//
// Codes: TRN021 not a checkpoint  TRN022 unsupported checkpoint version

import { decodeContainer, encodeContainer, readFileBytes, writeFileAtomic } from '../core/ir/format';
import { TinyrnnError } from '../core/ir/errors';
import { validateFloatModel } from '../core/ir/validate';
import { TrainConfig } from './config';
import { EpochRecord, StopReason, TrainState, Trainer } from './trainer';

export const CHECKPOINT_VERSION = 1;

export interface Checkpoint {
  version: number;
  /** The --data argument (file or builtin:NAME) the run was started with. */
  data: string;
  config: TrainConfig;
  state: TrainState;
}

interface StoredState extends Omit<TrainState, 'bestLoss' | 'best'> {
  bestLoss: number | null;
  best: Float64Array | null;
}

export function encodeCheckpoint(trainer: Trainer, data: string): Uint8Array {
  const s = trainer.snapshot();
  const stored: StoredState = { ...s, bestLoss: Number.isFinite(s.bestLoss) ? s.bestLoss : null };
  const model = trainer.currentModel();
  return encodeContainer('float', { ...model, checkpoint: { version: CHECKPOINT_VERSION, data, config: trainer.config, state: stored } });
}

export function saveCheckpoint(file: string, trainer: Trainer, data: string): void {
  writeFileAtomic(file, encodeCheckpoint(trainer, data));
}

function notCheckpoint(file: string, message: string): TinyrnnError {
  return new TinyrnnError(
    { code: 'TRN021', path: 'checkpoint', message, hint: 'give the .ckpt file written during training (tinyrnn train writes OUT.ckpt)' },
    file,
  );
}

export function decodeCheckpoint(bytes: Uint8Array, file = '<checkpoint>'): Checkpoint {
  let raw: unknown;
  try {
    const { kind, model } = decodeContainer(bytes);
    if (kind !== 'float') throw notCheckpoint(file, 'this is a quantised model, not a training checkpoint');
    validateFloatModel(model);
    raw = model;
  } catch (e) {
    if (e instanceof TinyrnnError && !e.file) throw e.inFile(file);
    throw e;
  }
  const ck = (raw as { checkpoint?: unknown }).checkpoint as Record<string, unknown> | undefined;
  if (!ck || typeof ck !== 'object') throw notCheckpoint(file, 'this model file holds no training state');
  if (ck.version !== CHECKPOINT_VERSION) {
    throw new TinyrnnError(
      { code: 'TRN022', path: 'checkpoint.version', message: `checkpoint version ${String(ck.version)}`, expected: `${CHECKPOINT_VERSION}` },
      file,
    );
  }
  const st = ck.state as StoredState;
  const f64 = (v: unknown, name: string): Float64Array => {
    if (!(v instanceof Float64Array)) throw notCheckpoint(file, `state.${name} is missing or damaged`);
    return v;
  };
  const state: TrainState = {
    ...st,
    order: st.order instanceof Int32Array ? st.order : new Int32Array(0),
    bounds: st.bounds instanceof Int32Array ? st.bounds : new Int32Array(1),
    planned: st.planned === true,
    running: f64(st.running, 'running'),
    P: f64(st.P, 'P'),
    m: f64(st.m, 'm'),
    v: st.v instanceof Float64Array ? st.v : new Float64Array(0),
    best: st.best instanceof Float64Array ? st.best : null,
    bestLoss: typeof st.bestLoss === 'number' ? st.bestLoss : Infinity,
    history: (st.history ?? []) as EpochRecord[],
    stopped: (st.stopped ?? null) as StopReason | null,
    dataCrc: typeof st.dataCrc === 'number' ? st.dataCrc : -1,
  };
  return { version: ck.version as number, data: String(ck.data), config: ck.config as TrainConfig, state };
}

export function loadCheckpoint(file: string): Checkpoint {
  return decodeCheckpoint(readFileBytes(file), file);
}
