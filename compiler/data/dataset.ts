// The data format every tinyrnn command reads.
//
// JSON: { "x": N x T x F numbers,
//         "y": N labels (class names or indices) | N x T labels (per-step classes) | N x T x K targets,
//         "features": [F names], "labels": [class names], "sampleRate": Hz }   (all but x optional)
// CSV:  one row per time step; a `seq` column (sequence id, rows of a sequence are contiguous),
//       a `label` column (class per sequence, or per step) or `target*` columns (per-step
//       regression), every other column a numeric feature. An optional `t`/`time` column is ignored.
//
// Legend: N sequences, T steps (may differ between sequences), F features, K targets.
// Codes: DATA001 unparsable file  DATA002 wrong structure   DATA003 wrong column count
//        DATA004 not a number     DATA005 NaN/Inf           DATA006 ragged features
//        DATA007 y/x mismatch     DATA008 unknown label     DATA009 empty data
//        DATA010 missing column   DATA011 cannot read file DATA017 bad limit setting

import * as fs from 'node:fs';
import { Diagnostic, DiagnosticCode, TinyrnnError } from '../core/ir/errors';
import { WorkMeter } from '../core/util/work';

export interface Dataset {
  /** Where it came from (file name or builtin:NAME). */
  source: string;
  features: string[]; // (F)
  /** Each sequence is (T, F) row-major; T may differ between sequences. */
  x: Float32Array[];
  /** Class names for classification data. */
  labels?: string[];
  /** Per-sequence class index (N), when each sequence has one class. */
  y?: Int32Array;
  /** Per-step class index, (N)(T), when classes change within a sequence. */
  yStep?: Int32Array[];
  /** Per-step regression targets, (N)(T, K). */
  targets?: Float32Array[];
  /** Names of the K target columns. */
  targetNames?: string[];
  sampleRate?: number;
  /** Why the data are read as classification or regression (compiler/data/task.ts), when a loader guessed. */
  taskEvidence?: string;
}

export function seqLength(d: Dataset, n: number): number {
  return d.x[n].length / d.features.length;
}

export function datasetTask(d: Dataset): 'classification' | 'regression' {
  return d.targets ? 'regression' : 'classification';
}

function dataError(file: string, problems: Diagnostic[]): TinyrnnError {
  return new TinyrnnError(problems, file);
}

function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TinyrnnError(
      {
        code: 'DATA011',
        path: '',
        message: code === 'ENOENT' ? 'no such file' : `cannot read: ${(e as Error).message}`,
        expected: 'a readable JSON or CSV data file',
      },
      file,
    );
  }
}

/** Loads a JSON or CSV data file (by extension; content sniffed when the extension is unknown). */
export function loadDataFile(file: string): Dataset {
  const text = readText(file);
  const lower = file.toLowerCase();
  if (lower.endsWith('.json')) return parseJsonData(text, file);
  if (lower.endsWith('.csv')) return parseCsvData(text, file);
  return text.trimStart().startsWith('{') ? parseJsonData(text, file) : parseCsvData(text, file);
}

/** Parses the JSON data format; errors name the JSON path (and line for syntax errors). */
export function parseJsonData(text: string, file = '<json>', work = new WorkMeter()): Dataset {
  work.add(text.length);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    work.add(text.length); // the syntax error's offset and line
    const offset = pos ? Number(pos[1]) : jsonErrorOffset(text);
    const d: Diagnostic = {
      code: 'DATA001',
      path: '',
      message: `not valid JSON: ${msg.split('\n')[0]}`,
      expected: 'a JSON object { "x": N x T x F numbers, "y": ... }',
    };
    if (offset >= 0) d.line = lineOfOffset(text, offset);
    throw dataError(file, [d]);
  }
  return datasetFromObject(doc, file, dataLimits(), work);
}

/** Offset of the first JSON syntax error, or -1: a scan with an explicit stack (no recursion: nesting is data). */
export function jsonErrorOffset(text: string): number {
  const closers: string[] = []; // the closing bracket of every open array/object
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  };
  /** Reads one scalar ('done'), or opens a container ('open': its first entry comes next), or 'error'. */
  const value = (): 'done' | 'open' | 'error' => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      closers.push(c === '{' ? '}' : ']');
      i++;
      ws();
      if (text[i] !== closers[closers.length - 1]) return c === '[' || key() ? 'open' : 'error';
      closers.pop();
      i++;
      return 'done';
    }
    if (c === '"') return string() ? 'done' : 'error';
    const m = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (m) i += m[0].length;
    return m ? 'done' : 'error';
  };
  const string = (): boolean => {
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) return false;
    i++;
    return true;
  };
  const key = (): boolean => {
    ws();
    if (text[i] !== '"' || !string()) return false;
    ws();
    if (text[i] !== ':') return false;
    i++;
    return true;
  };
  /** After a value: a comma (then the next entry) or closing brackets. */
  const next = (): boolean => {
    for (;;) {
      ws();
      if (!closers.length) return true;
      const close = closers[closers.length - 1];
      if (text[i] === ',') {
        i++;
        return close === '}' ? key() : true;
      }
      if (text[i] !== close) return false;
      closers.pop();
      i++;
    }
  };
  for (;;) {
    const r = value();
    if (r === 'error') return i;
    if (r === 'open') continue;
    if (!next()) return i;
    if (!closers.length) break;
  }
  ws();
  return i < text.length ? i : -1;
}

function finiteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/**
 * Limits a data file must stay within (README, "Data limits"). Class labels given as indices
 * allocate one class per index up to the largest, so the largest index is bounded; legitimate
 * data with more classes raises the limit with the environment variable TINYRNN_DATA_MAX_CLASSES.
 */
export interface DataLimits {
  maxClasses: number;
}

export const DEFAULT_DATA_LIMITS: DataLimits = { maxClasses: 65536 };

export function dataLimits(env: NodeJS.ProcessEnv = process.env): DataLimits {
  const raw = env.TINYRNN_DATA_MAX_CLASSES;
  if (raw === undefined) return DEFAULT_DATA_LIMITS;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new TinyrnnError({
      code: 'DATA017',
      path: 'TINYRNN_DATA_MAX_CLASSES',
      message: 'class limit is not a positive integer',
      value: raw,
      expected: 'an integer >= 1',
    });
  }
  return { maxClasses: n };
}

/** Why a number cannot be a float32 sample (non-finite, or beyond float32's range), or undefined. */
function sampleProblem(v: number): string | undefined {
  if (!Number.isFinite(v)) return 'value is not finite';
  return Number.isFinite(Math.fround(v)) ? undefined : 'value overflows float32 (|v| > 3.4e38)';
}

/** Builds a Dataset from the JSON structure (also used by the programmatic API); `work` counts the elements visited and allocated. */
export function datasetFromObject(doc: unknown, file = '<data>', limits: DataLimits = dataLimits(), work = new WorkMeter()): Dataset {
  const problems: Diagnostic[] = [];
  const add = (code: DiagnosticCode, path: string, message: string, extra: Partial<Diagnostic> = {}): void => {
    if (problems.length < MAX_PROBLEMS) problems.push({ code, path, message, ...extra });
  };
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw dataError(file, [{ code: 'DATA002', path: '', message: 'data is not an object', expected: '{ "x": N x T x F, "y": ... }' }]);
  }
  const o = doc as Record<string, unknown>;
  if (!Array.isArray(o.x)) throw dataError(file, [{ code: 'DATA002', path: 'x', message: 'x is missing or not an array', expected: 'N x T x F numbers' }]);
  if (o.x.length === 0) throw dataError(file, [{ code: 'DATA009', path: 'x', message: 'no sequences', expected: 'at least one sequence' }]);
  let F = -1;
  const xs: Float32Array[] = [];
  o.x.forEach((seq: unknown, n: number) => {
    if (!Array.isArray(seq) || seq.length === 0) {
      add(Array.isArray(seq) ? 'DATA009' : 'DATA002', `x[${n}]`, Array.isArray(seq) ? 'sequence has no time steps' : 'sequence is not an array', {
        expected: 'T x F numbers',
      });
      return;
    }
    const first = seq[0];
    if (F < 0 && Array.isArray(first)) F = first.length;
    work.add(seq.length);
    // Every step is checked before the sequence is allocated: T x F floats only for T x F values read.
    const steps = seq.filter((step: unknown, t: number) => {
      if (!Array.isArray(step)) {
        add('DATA002', `x[${n}][${t}]`, 'time step is not an array of features', { value: step, expected: `${F} numbers` });
        return false;
      }
      if (step.length !== F) {
        add('DATA006', `x[${n}][${t}]`, `time step has ${step.length} features`, {
          expected: `${F} like x[0][0]`,
          hint: 'every time step of every sequence needs the same features',
        });
        return false;
      }
      return true;
    }) as unknown[][];
    if (steps.length < seq.length) return;
    const flat = new Float32Array(seq.length * Math.max(F, 0));
    work.add(flat.length);
    steps.forEach((step, t) => {
      step.forEach((v: unknown, f: number) => {
        if (typeof v !== 'number') add('DATA004', `x[${n}][${t}][${f}]`, 'not a number', { value: v, expected: 'a finite number' });
        else if (sampleProblem(v)) add('DATA005', `x[${n}][${t}][${f}]`, sampleProblem(v) as string, { value: v, expected: 'a finite float32 number' });
        else flat[t * F + f] = v;
      });
    });
    xs.push(flat);
  });
  if (F === 0) add('DATA006', 'x[0][0]', 'time steps have no features', { expected: 'at least one feature' });
  let features: string[] = Array.from({ length: Math.max(F, 0) }, (_, i) => `f${i}`);
  if (o.features !== undefined) {
    if (!Array.isArray(o.features) || o.features.some((s) => typeof s !== 'string'))
      add('DATA002', 'features', 'feature names are not strings', { expected: 'string[]' });
    else if (o.features.length !== F) add('DATA006', 'features', `${o.features.length} feature names`, { expected: `${F} (features per time step)` });
    else features = o.features as string[];
  }
  const ds: Dataset = { source: file, features, x: xs };
  if (o.sampleRate !== undefined) {
    if (!finiteNumber(o.sampleRate) || o.sampleRate <= 0)
      add('DATA002', 'sampleRate', 'sample rate is not a positive number', { value: o.sampleRate, expected: 'Hz > 0' });
    else ds.sampleRate = o.sampleRate;
  }
  let labels: string[] | undefined;
  if (o.labels !== undefined) {
    if (!Array.isArray(o.labels) || o.labels.some((s) => typeof s !== 'string') || o.labels.length === 0)
      add('DATA002', 'labels', 'labels are not a non-empty list of strings', { expected: 'string[]' });
    else labels = o.labels as string[];
  }
  if (problems.length) throw dataError(file, problems);
  if (o.y !== undefined) {
    if (!Array.isArray(o.y))
      throw dataError(file, [
        {
          code: 'DATA002',
          path: 'y',
          message: `y is ${typeof o.y}, not an array`,
          expected: 'y as N labels (one per sequence), N x T labels or numbers (one per step), or N x T x K targets',
        },
      ]);
    const y = o.y as unknown[];
    if (y.length !== xs.length)
      throw dataError(file, [{ code: 'DATA007', path: 'y', message: `${y.length} entries in y`, expected: `${xs.length} (one per sequence in x)` }]);
    const perStep = Array.isArray(y[0]);
    const isTargets = perStep && Array.isArray((y[0] as unknown[])[0]);
    if (
      perStep &&
      !isTargets &&
      (y as unknown[][]).every((ys) => Array.isArray(ys) && ys.some(finiteNumber) && ys.every((v) => typeof v === 'number')) &&
      (y as number[][]).some((ys) => ys.some((v) => !classIndex(v, limits)))
    ) {
      // N x T numbers, some of which cannot be class indices: one regression target per step
      ds.targets = y.map((ys, n) => {
        const T = xs[n].length / F;
        const row = ys as number[];
        work.add(row.length);
        if (row.length !== T) add('DATA007', `y[${n}]`, `has ${row.length} steps`, { expected: `${T} targets, one per step of x[${n}] (y as N x T numbers)` });
        row.forEach((v, t) => {
          if (sampleProblem(v)) add('DATA005', `y[${n}][${t}]`, 'target is not a finite number', { value: v, expected: 'a finite number' });
        });
        return Float32Array.from(row);
      });
      ds.targetNames = ['target0'];
    } else if (isTargets) {
      const K = ((y[0] as unknown[])[0] as unknown[]).length; // the width of y[0][0], an array (isTargets)
      ds.targets = y.map((ys, n) => {
        const T = xs[n].length / F;
        if (!Array.isArray(ys) || ys.length !== T) {
          add('DATA007', `y[${n}]`, `has ${Array.isArray(ys) ? ys.length : 'no'} steps`, { expected: `${T} (the length of x[${n}])` });
          return new Float32Array(0);
        }
        work.add(T);
        // Every row is checked before the T x K targets are allocated.
        const rows = ys.filter((row: unknown, t: number) => {
          const ok = Array.isArray(row) && row.length === K;
          if (!ok) add('DATA006', `y[${n}][${t}]`, 'target row has the wrong width', { expected: `${K} values like y[0][0]` });
          return ok;
        }) as unknown[][];
        if (rows.length < T) return new Float32Array(0);
        const flat = new Float32Array(T * K);
        work.add(flat.length);
        rows.forEach((row, t) => {
          row.forEach((v: unknown, k: number) => {
            if (typeof v !== 'number' || sampleProblem(v))
              add(typeof v === 'number' ? 'DATA005' : 'DATA004', `y[${n}][${t}][${k}]`, 'target is not a finite float32 number', { value: v });
            else flat[t * K + k] = v;
          });
        });
        return flat;
      });
      ds.targetNames = Array.from({ length: K }, (_, i) => `target${i}`);
    } else {
      // class labels: names or indices, per sequence or per step
      const values = perStep ? (y as unknown[][]).flat() : y;
      work.add(values.length);
      const names = labels ?? collectLabelNames(values, file, limits);
      work.add(names.length);
      const index = new Map(names.map((s, i) => [s, i]));
      const toIndex = (v: unknown, path: string): number => {
        if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < names.length) return v;
        if (typeof v === 'string' && index.has(v)) return index.get(v) as number;
        add('DATA008', path, 'unknown label', { value: v, expected: labelExpectation(names, perStep) });
        return 0;
      };
      if (perStep) {
        ds.yStep = y.map((ys, n) => {
          const T = xs[n].length / F;
          work.add(T);
          if (!Array.isArray(ys) || ys.length !== T) {
            add('DATA007', `y[${n}]`, 'per-step labels do not match the sequence length', { expected: `${T} labels` });
            return new Int32Array(0);
          }
          return Int32Array.from(ys, (v, t) => toIndex(v, `y[${n}][${t}]`));
        });
      } else {
        work.add(y.length);
        ds.y = Int32Array.from(y, (v, n) => toIndex(v, `y[${n}]`));
      }
      ds.labels = names;
    }
  } else if (labels) ds.labels = labels;
  if (problems.length) throw dataError(file, problems);
  return ds;
}

/** What a label must be, in words: never an empty list or a bound below 1. */
export function labelExpectation(names: string[], perStep: boolean): string {
  const shape = perStep ? 'y as N x T labels (one per step)' : 'y as N labels (one per sequence)';
  if (names.length === 0)
    return `class names (strings) or class indices (whole numbers >= 0) in ${shape}; for real-valued targets give y as N x T numbers or N x T x K`;
  const shown = names.slice(0, 8).map((s) => JSON.stringify(s));
  const list = shown.join(', ') + (names.length > 8 ? `, ... (${names.length} classes)` : '');
  return `one of ${list} or a class index 0..${names.length - 1}, in ${shape}`;
}

const MAX_PROBLEMS = 20;

/**
 * Class names from the labels of a file that does not list them: indices 0..max when every label
 * is a non-negative integer (the largest bounded by limits.maxClasses), else the distinct strings
 * sorted. One pass, no spread or recursion: 200,000 labels are ordinary data.
 */
function collectLabelNames(values: readonly unknown[], file: string, limits: DataLimits): string[] {
  let max = -1;
  let indices = true;
  for (const v of values) {
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0) max = Math.max(max, v);
    else indices = false;
  }
  if (indices && max >= limits.maxClasses) {
    throw dataError(file, [
      {
        code: 'DATA008',
        path: 'label',
        message: `class index ${max} would make ${max + 1} classes`,
        value: max,
        expected: `indices below ${limits.maxClasses}`,
        hint: 'labels given as indices number the classes from 0; for more classes set TINYRNN_DATA_MAX_CLASSES',
      },
    ]);
  }
  if (indices) return Array.from({ length: max + 1 }, (_, i) => String(i));
  const seen = new Set<string>();
  for (const v of values) if (typeof v === 'string') seen.add(v);
  return [...seen].sort();
}

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (q) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') q = false;
      else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

/** Parses the CSV data format; errors carry the file and 1-based line; `work` counts the characters, cells and elements visited. */
export function parseCsvData(text: string, file = '<csv>', labelNames?: string[], limits: DataLimits = dataLimits(), work = new WorkMeter()): Dataset {
  work.add(text.length);
  const lines = text.split(/\r?\n/);
  let li = 0;
  while (li < lines.length && (lines[li].trim() === '' || lines[li].startsWith('#'))) li++;
  if (li >= lines.length) throw dataError(file, [{ code: 'DATA009', path: '', message: 'file is empty', expected: 'a header row and data rows' }]);
  const header = splitCsvLine(lines[li]);
  const headerLine = li + 1;
  const col = (name: string): number => header.findIndex((h) => h.toLowerCase() === name);
  const seqCol = col('seq');
  if (seqCol < 0) {
    throw dataError(file, [
      {
        code: 'DATA010',
        path: '',
        line: headerLine,
        message: 'no "seq" column',
        expected: `a header like seq,label,ax,ay,az (got ${header.join(',')})`,
        hint: 'the seq column says which sequence each row belongs to',
      },
    ]);
  }
  const labelCol = col('label');
  const targetCols = header.map((h, i) => (/^target/i.test(h) ? i : -1)).filter((i) => i >= 0);
  const ignored = new Set([seqCol, labelCol, col('t'), col('time'), ...targetCols].filter((i) => i >= 0));
  const featCols = header.map((_, i) => i).filter((i) => !ignored.has(i));
  if (featCols.length === 0)
    throw dataError(file, [
      { code: 'DATA010', path: '', line: headerLine, message: 'no feature columns', expected: 'at least one numeric column besides seq/label/target*' },
    ]);
  if (labelCol >= 0 && targetCols.length)
    throw dataError(file, [
      {
        code: 'DATA010',
        path: '',
        line: headerLine,
        message: 'both a label column and target columns',
        expected: 'label (classification) or target* (regression), not both',
      },
    ]);
  const problems: Diagnostic[] = [];
  const add = (d: Diagnostic): void => {
    if (problems.length < MAX_PROBLEMS) problems.push(d);
  };
  interface Acc {
    id: string;
    rows: number[][];
    labels: string[];
    targets: number[][];
    line: number;
  }
  const seqs: Acc[] = [];
  const seen = new Map<string, Acc>();
  let cur: Acc | undefined;
  for (let i = li + 1; i < lines.length; i++) {
    const raw = lines[i];
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    const line = i + 1;
    const cells = splitCsvLine(raw);
    work.add(raw.length + cells.length + featCols.length + targetCols.length);
    if (cells.length !== header.length) {
      add({ code: 'DATA003', path: '', line, message: `row has ${cells.length} columns`, expected: `${header.length} (${header.join(', ')})` });
      continue;
    }
    const id = cells[seqCol];
    if (!cur || cur.id !== id) {
      if (seen.has(id)) {
        add({
          code: 'DATA002',
          path: '',
          line,
          message: `rows of sequence ${JSON.stringify(id)} are not contiguous`,
          expected: `all rows of a sequence together (it started at line ${seen.get(id)?.line})`,
        });
        continue;
      }
      cur = { id, rows: [], labels: [], targets: [], line };
      seen.set(id, cur);
      seqs.push(cur);
    }
    const row: number[] = [];
    for (const c of featCols) {
      const s = cells[c];
      const v = Number(s);
      if (s === '' || (Number.isNaN(v) && !/^nan$/i.test(s)))
        add({ code: 'DATA004', path: header[c], line, message: `not a number: ${JSON.stringify(s)}`, expected: 'a number' });
      else if (sampleProblem(v))
        add({
          code: 'DATA005',
          path: header[c],
          line,
          message: `${sampleProblem(v)}: ${s}`,
          expected: 'a finite number',
          hint: 'fill sensor dropouts before training (e.g. repeat the last sample)',
        });
      row.push(v);
    }
    cur.rows.push(row);
    if (labelCol >= 0) cur.labels.push(cells[labelCol]);
    if (targetCols.length) {
      cur.targets.push(
        targetCols.map((c) => {
          const v = Number(cells[c]);
          if (cells[c] === '' || sampleProblem(v))
            add({
              code: Number.isNaN(v) || cells[c] === '' ? 'DATA004' : 'DATA005',
              path: header[c],
              line,
              message: `target is not a finite number: ${JSON.stringify(cells[c])}`,
              expected: 'a finite number',
            });
          return v;
        }),
      );
    }
  }
  if (problems.length) throw dataError(file, problems);
  if (seqs.length === 0)
    throw dataError(file, [{ code: 'DATA009', path: '', line: headerLine, message: 'no data rows after the header', expected: 'at least one row' }]);
  const F = featCols.length;
  const ds: Dataset = {
    source: file,
    features: featCols.map((c) => header[c]),
    x: seqs.map((s) => Float32Array.from(s.rows.flat())),
  };
  if (targetCols.length) {
    ds.targets = seqs.map((s) => Float32Array.from(s.targets.flat()));
    ds.targetNames = targetCols.map((c) => header[c]);
  }
  work.add(ds.x.reduce((a, x) => a + x.length, 0));
  if (
    labelCol >= 0 &&
    !labelNames &&
    numericTargets(
      seqs.flatMap((s) => s.labels),
      limits,
    )
  ) {
    // a label column of numbers, some of which cannot be class indices: one regression target per step
    ds.targets = seqs.map((s) => Float32Array.from(s.labels, Number));
    ds.targetNames = [header[labelCol]];
  } else if (labelCol >= 0) {
    const all = seqs.flatMap((s) => s.labels);
    work.add(3 * all.length);
    const names =
      labelNames ??
      collectLabelNames(
        all.map((v) => (/^\d+$/.test(v) ? Number(v) : v)),
        file,
        limits,
      );
    const idx = new Map(names.map((n, i) => [n, i]));
    const toIndex = (v: string, line: number): number => {
      const i = idx.get(v);
      if (i === undefined) {
        add({ code: 'DATA008', path: 'label', line, message: `unknown label ${JSON.stringify(v)}`, expected: labelExpectation(names, true) });
        return 0;
      }
      return i;
    };
    const constant = seqs.every((s) => s.labels.every((l) => l === s.labels[0]));
    if (constant) ds.y = Int32Array.from(seqs, (s) => toIndex(s.labels[0], s.line));
    else ds.yStep = seqs.map((s) => Int32Array.from(s.labels, (l, k) => toIndex(l, s.line + k)));
    ds.labels = names;
  }
  if (problems.length) throw dataError(file, problems);
  void F;
  return ds;
}

/** True when v can be a class index: a whole number from 0 to below the class limit. */
function classIndex(v: number, limits: DataLimits): boolean {
  return Number.isInteger(v) && v >= 0 && v < limits.maxClasses;
}

/**
 * True when every label is a number and some cannot be class indices (fractions, negative values,
 * or whole numbers past the class limit, such as a count series): the column holds targets.
 */
function numericTargets(values: string[], limits: DataLimits): boolean {
  return values.every((v) => v !== '' && !sampleProblem(Number(v))) && values.some((v) => !classIndex(Number(v), limits));
}

/** Converts a Dataset sequence to T rows of F numbers (for APIs that want nested arrays). */
export function sequenceRows(d: Dataset, n: number): Float32Array[] {
  const F = d.features.length;
  const x = d.x[n];
  const rows: Float32Array[] = [];
  for (let t = 0; t < x.length / F; t++) rows.push(x.subarray(t * F, (t + 1) * F));
  return rows;
}
