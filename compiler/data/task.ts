// The task of a data set: classification or regression, guessed from its labels or targets with
// the evidence said in words, and overridable (train --task). A count series whose per-step
// targets happen to be whole numbers is the case to get right: integer values are class indices
// only when they are few and dense (0..K, most of them used); otherwise they are counts.
//
// Legend: N sequences, T steps, K classes (labels 0..K-1) or targets per step.
// Codes: DATA016 the data cannot be read as the requested task.

import { Diagnostic, TinyrnnError } from '../core/ir/errors';
import { Dataset, dataLimits } from './dataset';

export const TASKS = ['classification', 'regression'] as const;
export type Task = (typeof TASKS)[number];

export interface TaskGuess {
  task: Task;
  /** Why, in words, with the override: "targets are integers 0..3 with 4 distinct values: classification; use --task regression to override". */
  evidence: string;
}

/** More distinct integer values than this are counts, not classes. */
export const MAX_GUESSED_CLASSES = 20;

const other = (t: Task): Task => (t === 'classification' ? 'regression' : 'classification');
const verdict = (task: Task, why: string): TaskGuess => ({ task, evidence: `${why}: ${task}; use --task ${other(task)} to override` });

/** True when the class names are the integers 0..K-1 themselves (labels given as numbers). */
export function integerLabels(d: Dataset): boolean {
  return !!d.labels && d.labels.every((s, i) => s === String(i));
}

function labelValues(d: Dataset): Int32Array[] {
  return d.y ? [d.y] : (d.yStep ?? []);
}

function distinctCount(arrays: ArrayLike<number>[]): number {
  const seen = new Set<number>();
  for (const a of arrays) for (let i = 0; i < a.length; i++) seen.add(a[i]);
  return seen.size;
}

/** The integer values of single-column targets (N)(T), or undefined when any is not a whole number >= 0. */
function wholeTargets(d: Dataset): Float32Array[] | undefined {
  if (!d.targets || d.targetNames?.length !== 1) return undefined;
  return d.targets.every((tg) => tg.every((v) => Number.isInteger(v) && v >= 0)) ? d.targets : undefined;
}

/** Integer values read as classes or counts: few and dense values are classes. */
function guessIntegers(values: ArrayLike<number>[], perStep: boolean): TaskGuess {
  let max = 0;
  for (const a of values) for (let i = 0; i < a.length; i++) max = Math.max(max, a[i]);
  const distinct = distinctCount(values);
  const where = perStep ? 'per-step targets' : 'targets';
  const facts = `${where} are integers 0..${max} with ${distinct} distinct values`;
  if (distinct > MAX_GUESSED_CLASSES) return verdict('regression', `${facts} (more than ${MAX_GUESSED_CLASSES}: counts, not classes)`);
  if (2 * distinct < max + 1) return verdict('regression', `${facts} (fewer than half of 0..${max} used: counts, not class indices)`);
  return verdict('classification', `${facts}${perStep ? ' (if they are counts or levels, not classes, say so)' : ''}`);
}

/** The task a data set's labels or targets point to, and why. */
export function guessTask(d: Dataset): TaskGuess {
  if (d.targets) {
    const whole = wholeTargets(d);
    if (whole) return guessIntegers(whole, true);
    return verdict('regression', `targets are real numbers (${d.targetNames?.length ?? 0} per step)`);
  }
  if (!d.labels) return verdict('classification', 'the data have no labels or targets');
  if (integerLabels(d)) return guessIntegers(labelValues(d), !d.y);
  const names = d.labels.slice(0, 5).join(', ') + (d.labels.length > 5 ? ', ...' : '');
  return verdict('classification', `labels are ${d.labels.length} names (${names})`);
}

function cannot(d: Dataset, task: Task, message: string, expected: string): TinyrnnError {
  const diag: Diagnostic = { code: 'DATA016', path: 'y', message, expected, hint: `--task ${task} needs ${expected}` };
  return new TinyrnnError(diag, d.source);
}

function asRegression(d: Dataset): Dataset {
  if (d.targets) return d;
  if (!d.labels) throw cannot(d, 'regression', 'the data have no labels or targets', 'numeric labels or targets');
  if (!integerLabels(d)) throw cannot(d, 'regression', `labels are names (${d.labels.slice(0, 3).join(', ')})`, 'numeric labels or targets');
  const out: Dataset = { ...d, targetNames: ['target0'] };
  out.targets = d.y ? d.x.map((x, n) => new Float32Array(x.length / d.features.length).fill(d.y![n])) : d.yStep!.map((ys) => Float32Array.from(ys));
  delete out.y;
  delete out.yStep;
  delete out.labels;
  return out;
}

function asClassification(d: Dataset): Dataset {
  if (!d.targets) return d;
  const whole = wholeTargets(d);
  if (!whole) throw cannot(d, 'classification', `targets are ${d.targetNames?.length ?? 0} real numbers per step`, 'one whole-number target >= 0 per step');
  let max = 0;
  for (const tg of whole) for (const v of tg) max = Math.max(max, v);
  const { maxClasses } = dataLimits();
  if (max >= maxClasses)
    throw cannot(
      d,
      'classification',
      `the largest target ${max} would make ${max + 1} classes`,
      `class indices below ${maxClasses} (TINYRNN_DATA_MAX_CLASSES raises the limit)`,
    );
  const out: Dataset = { ...d, yStep: whole.map((tg) => Int32Array.from(tg)), labels: Array.from({ length: max + 1 }, (_, i) => String(i)) };
  delete out.targets;
  delete out.targetNames;
  return out;
}

/** The data read as `task` (the guess when not given), with the guess or the override in words. */
export function withTask(d: Dataset, task?: Task): { data: Dataset; guess: TaskGuess } {
  const guessed = guessTask(d);
  const guess = task === undefined || task === guessed.task ? guessed : { task, evidence: `--task ${task} (the data alone suggest ${guessed.evidence})` };
  const data = guess.task === 'regression' ? asRegression(d) : asClassification(d);
  return { data: { ...data, taskEvidence: guess.evidence }, guess };
}
