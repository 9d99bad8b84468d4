// Diagnostics: every error tinyrnn reports has a code, a place (file, JSON path or line),
// what was found, what was expected, and a hint when one is known.
//
//   model.tnn: error TNN210: layers[0].wh has 96 values, expected 4*H*H = 64 (H = 4)
//     hint: ...

import type { DiagnosticCode } from './codes';

export type { DiagnosticCode } from './codes';

export interface Diagnostic {
  /** Stable code from the one table of codes (./codes.ts), e.g. "TNN210" or "DATA003". Tests assert on it. */
  code: DiagnosticCode;
  /** JSON path inside the model/data ("layers[0].wh") or "" for the whole thing. */
  path: string;
  /** What is wrong, in words. */
  message: string;
  /** The offending value, printable. */
  value?: unknown;
  /** What was expected. */
  expected?: string;
  hint?: string;
  /** 1-based line for text inputs (CSV, JSON data). */
  line?: number;
}

function printable(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? v.slice(0, 57) + '...' : v);
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as { length: number }).length})`;
  if (Array.isArray(v)) return `array(${v.length})`;
  try {
    const s = JSON.stringify(v);
    return s.length > 60 ? s.slice(0, 57) + '...' : s;
  } catch {
    return String(v);
  }
}

export function formatDiagnostic(d: Diagnostic, file?: string): string {
  let where = file ?? '';
  if (d.line !== undefined) where += `:${d.line}`;
  const head = where ? `${where}: ` : '';
  let text = `${head}error ${d.code}: ${d.path ? d.path + ': ' : ''}${d.message}`;
  if (d.value !== undefined && !d.message.includes('got ')) text += ` (got ${printable(d.value)})`;
  if (d.expected) text += `, expected ${d.expected}`;
  if (d.hint) text += `\n  hint: ${d.hint}`;
  return text;
}

/** The one error type tinyrnn throws for bad input. It carries every problem found. */
export class TinyrnnError extends Error {
  readonly diagnostics: Diagnostic[];
  readonly file?: string;
  constructor(diagnostics: Diagnostic | Diagnostic[], file?: string) {
    const list = Array.isArray(diagnostics) ? diagnostics : [diagnostics];
    super(list.map((d) => formatDiagnostic(d, file)).join('\n'));
    this.name = 'TinyrnnError';
    this.diagnostics = list;
    this.file = file;
  }
  /** The first diagnostic's code (most tests need only that). */
  get code(): string {
    return this.diagnostics[0]?.code ?? 'TNN000';
  }
  /** A copy that names the file the problems came from. */
  inFile(file: string): TinyrnnError {
    return new TinyrnnError(this.diagnostics, file);
  }
}

export function fail(code: DiagnosticCode, path: string, message: string, extra: Partial<Diagnostic> = {}): never {
  throw new TinyrnnError({ code, path, message, ...extra });
}

/**
 * True when v is a typed array of the named kind, from this realm or another (worker threads,
 * vm contexts and jest's sandbox each have their own Float32Array constructor).
 */
export function isTypedArray<T extends ArrayBufferView = ArrayBufferView & ArrayLike<number>>(v: unknown, name: string): v is T {
  return ArrayBuffer.isView(v) && Object.prototype.toString.call(v) === `[object ${name}]`;
}

/** Collects diagnostics so a validator can report every problem at once (model and file checks). */
export class DiagnosticList {
  readonly problems: Diagnostic[] = [];
  add(code: DiagnosticCode, path: string, message: string, value?: unknown, expected?: string, hint?: string): void {
    const d: Diagnostic = { code, path, message };
    if (value !== undefined) d.value = value;
    if (expected !== undefined) d.expected = expected;
    if (hint !== undefined) d.hint = hint;
    this.problems.push(d);
  }
}

/** A plain object (not an array or typed array): what a decoded model's records are. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/** "a.b" path of a field inside a model ("b" at the root). */
export const joinPath = (path: string, key: string): string => (path ? `${path}.${key}` : key);

/** The exhaustiveness check of a switch on a kind: unreachable when every case is handled. */
export function assertNever(x: never): never {
  throw new Error(`unhandled case: ${JSON.stringify((x as { kind?: unknown })?.kind ?? x)}`);
}
