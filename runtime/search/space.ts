// The search space of `tinyrnn search`: the values each trial setting may take, the default space,
// a space file (JSON, or YAML when the file ends in .yaml/.yml), and the seeded trial list.
//
// The trial list is a function of (space, seed, count) only: the search is random search over
// the space without repeats, so the list, and with it the result, does not depend on how many
// workers run the trials nor in which order they finish.
import * as fs from 'node:fs';
import { TinyrnnError } from '../../compiler/core/ir/errors';
import { Rng } from '../../compiler/core/util/rng';
import { parseReadout } from '../../compiler/esn/esn';

export const SEARCH_CELLS = ['lstm', 'gru', 'elman', 'jordan', 'esn'] as const;
export type SearchCell = (typeof SEARCH_CELLS)[number];

/** The values each setting may take; a trial draws one of each. */
export interface SearchSpace {
  cell: SearchCell[];
  /** Hidden units per layer (the reservoir's units for esn). */
  hidden: number[];
  layers: number[];
  /** Dense head before the output layer: unit counts ([] = none). */
  dense: number[][];
  lr: number[];
  epochs: number[];
  /** Early stopping: epochs without validation improvement (0 = off). */
  patience: number[];
  /** Window length and stride in steps for long recordings (0 = whole sequences). */
  window: number[];
  stride: number[];
  /** Calibration percentile of the quantiser (100 = min/max). */
  percentile: number[];
  /** Echo state network leak rate (esn trials only). */
  leak: number[];
  /** Echo state network readout features (esn trials only): last, mean, segN, segN+abs. */
  readout: string[];
}

export const DEFAULT_SPACE: SearchSpace = {
  cell: ['lstm', 'gru', 'elman', 'jordan', 'esn'],
  hidden: [8, 12, 16, 24, 32],
  layers: [1, 2],
  dense: [[], [16]],
  lr: [0.005, 0.01, 0.02],
  epochs: [30],
  patience: [8],
  window: [0],
  stride: [0],
  percentile: [100, 99.99],
  leak: [0.1, 0.3, 1],
  readout: ['last'],
};

/** One trial: the settings drawn for it. */
export interface Trial {
  index: number;
  cell: SearchCell;
  hidden: number;
  layers: number;
  dense: number[];
  lr: number;
  epochs: number;
  patience: number;
  window: number;
  stride: number;
  percentile: number;
  /** esn only */
  leak?: number;
  readout?: string;
  /** A baseline trial (--baseline): reported beside the result, never chosen. */
  baseline?: true;
}

const FIELDS = Object.keys(DEFAULT_SPACE) as (keyof SearchSpace)[];

function spaceError(file: string, path: string, message: string, value: unknown, expected: string): TinyrnnError {
  return new TinyrnnError({ code: 'SRCH001', path, message, value, expected, hint: 'see the default space in the README (tinyrnn search --help)' }, file);
}

function checkNumbers(file: string, key: keyof SearchSpace, v: unknown, ok: (x: number) => boolean, expected: string): number[] {
  if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== 'number' || !ok(x))) throw spaceError(file, key, `bad ${key} values`, v, expected);
  return v as number[];
}

const POS_INT = (lo: number, hi: number) => (x: number) => Number.isInteger(x) && x >= lo && x <= hi;

/** Checks a space read from a file; missing settings take the default. */
export function checkSpace(raw: unknown, file = '<space>'): SearchSpace {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw spaceError(file, '', 'a space is an object', raw, `an object with keys among ${FIELDS.join(', ')}`);
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!FIELDS.includes(k as keyof SearchSpace)) throw spaceError(file, k, `unknown setting ${JSON.stringify(k)}`, k, `one of ${FIELDS.join(', ')}`);
  const s: SearchSpace = { ...DEFAULT_SPACE };
  const has = (k: keyof SearchSpace) => o[k] !== undefined;
  if (has('cell')) {
    const c = o.cell;
    if (!Array.isArray(c) || c.length === 0 || c.some((x) => !(SEARCH_CELLS as readonly unknown[]).includes(x)))
      throw spaceError(file, 'cell', 'bad cell values', c, `a non-empty list of ${SEARCH_CELLS.join(', ')}`);
    s.cell = c as SearchCell[];
  }
  if (has('hidden')) s.hidden = checkNumbers(file, 'hidden', o.hidden, POS_INT(1, 4096), 'integers in 1..4096');
  if (has('layers')) s.layers = checkNumbers(file, 'layers', o.layers, POS_INT(1, 16), 'integers in 1..16');
  if (has('dense')) {
    const d = o.dense;
    if (!Array.isArray(d) || d.length === 0 || d.some((h) => !Array.isArray(h) || h.some((u) => !POS_INT(1, 4096)(u as number))))
      throw spaceError(file, 'dense', 'bad dense values', d, 'a list of unit-count lists, e.g. [[], [16]]');
    s.dense = d as number[][];
  }
  if (has('lr')) s.lr = checkNumbers(file, 'lr', o.lr, (x) => x > 0 && x <= 10, 'numbers in (0, 10]');
  if (has('epochs')) s.epochs = checkNumbers(file, 'epochs', o.epochs, POS_INT(1, 100000), 'integers in 1..100000');
  if (has('patience')) s.patience = checkNumbers(file, 'patience', o.patience, POS_INT(0, 100000), 'integers in 0..100000');
  if (has('window')) s.window = checkNumbers(file, 'window', o.window, POS_INT(0, 1 << 24), 'integers >= 0');
  if (has('stride')) s.stride = checkNumbers(file, 'stride', o.stride, POS_INT(0, 1 << 24), 'integers >= 0');
  if (has('percentile')) s.percentile = checkNumbers(file, 'percentile', o.percentile, (x) => x > 50 && x <= 100, 'numbers in (50, 100]');
  if (has('leak')) s.leak = checkNumbers(file, 'leak', o.leak, (x) => x > 0 && x <= 1, 'numbers in (0, 1]');
  if (has('readout')) {
    const r = o.readout;
    if (!Array.isArray(r) || r.length === 0 || r.some((x) => typeof x !== 'string' || !parseReadout(x)))
      throw spaceError(file, 'readout', 'bad readout values', r, 'a non-empty list of last, mean, segN or segN+abs');
    s.readout = r as string[];
  }
  return s;
}

/** Reads a space file: JSON, or YAML (.yaml, .yml; the yaml package is loaded only then). */
export function loadSpace(file: string): SearchSpace {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new TinyrnnError({ code: 'SRCH001', path: '', message: `cannot read the space file: ${(e as Error).message}` }, file);
  }
  let raw: unknown;
  try {
    raw = /\.ya?ml$/i.test(file) ? (require('yaml') as { parse(t: string): unknown }).parse(text) : JSON.parse(text);
  } catch (e) {
    throw new TinyrnnError({ code: 'SRCH001', path: '', message: `the space file does not parse: ${(e as Error).message}` }, file);
  }
  return checkSpace(raw, file);
}

/** A trial's identity: two trials with the same key train the same model. */
export function trialKey(t: Omit<Trial, 'index'>): string {
  return JSON.stringify([
    t.cell,
    t.hidden,
    t.layers,
    t.dense,
    t.lr,
    t.epochs,
    t.patience,
    t.window,
    t.stride,
    t.percentile,
    t.leak ?? null,
    t.readout ?? null,
    !!t.baseline,
  ]);
}

/**
 * Settings only an echo state network has, drawn from a stream of the trial's own (seed and
 * index), so that adding such a setting to the space leaves every other trial of the list as it was.
 */
function esnExtras(space: SearchSpace, seed: number, index: number): { readout: string } {
  const own = new Rng((seed + 0x9e3779b9 * (index + 1)) >>> 0);
  return { readout: space.readout[own.int(space.readout.length)] };
}

function draw(space: SearchSpace, rng: Rng, index: number, seed: number): Trial {
  const pick = <T>(a: T[]): T => a[rng.int(a.length)];
  const cell = pick(space.cell);
  const hidden = pick(space.hidden);
  const layers = pick(space.layers);
  const dense = pick(space.dense);
  const lr = pick(space.lr);
  const epochs = pick(space.epochs);
  const patience = pick(space.patience);
  const window = pick(space.window);
  const stride = pick(space.stride);
  const percentile = pick(space.percentile);
  const leak = pick(space.leak);
  if (cell === 'esn')
    return { index, cell, hidden, layers: 1, dense: [], lr: 0, epochs: 0, patience: 0, window, stride, percentile, leak, ...esnExtras(space, seed, index) };
  return { index, cell, hidden, layers, dense, lr, epochs, patience, window, stride, percentile };
}

/** The first `count` distinct trials of the seeded random search (fewer when the space has fewer). */
export function trialList(space: SearchSpace, seed: number, count: number): Trial[] {
  const rng = new Rng(seed);
  const seen = new Set<string>();
  const out: Trial[] = [];
  // A space smaller than `count` runs out of new draws: stop after many draws in a row repeat.
  for (let misses = 0; out.length < count && misses < 2000;) {
    const t = draw(space, rng, out.length, seed);
    const k = trialKey(t);
    if (seen.has(k)) misses++;
    else {
      seen.add(k);
      out.push(t);
      misses = 0;
    }
  }
  return out;
}

/**
 * The baseline of --baseline: LSTM and GRU with 8 and 16 hidden units and every other setting at
 * `tinyrnn train`'s defaults (one layer, no dense head, lr 0.01, 30 epochs, no early stopping;
 * quantised with min/max calibration), numbered after the search's own trials.
 */
export function baselineTrials(first: number): Trial[] {
  const cells: SearchCell[] = ['lstm', 'gru'];
  return cells.flatMap((cell, c) =>
    [8, 16].map((hidden, h) => ({
      index: first + 2 * c + h,
      cell,
      hidden,
      layers: 1,
      dense: [],
      lr: 0.01,
      epochs: 30,
      patience: 0,
      window: 0,
      stride: 0,
      percentile: 100,
      baseline: true as const,
    })),
  );
}
