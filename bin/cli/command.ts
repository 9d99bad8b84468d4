// The command-line framework: each command is a module exporting a Command; main.ts lists them.
// Options are parsed strictly (node:util parseArgs): an unknown option or a missing value is a
// usage error with the command's help hint and exit code 2.

import { parseArgs } from 'node:util';
import { TinyrnnError } from '../../compiler/core/ir/errors';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Placeholder shown in help, e.g. "FILE" or "N". */
  arg?: string;
  help: string;
  multiple?: boolean;
}

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** True when stdout is a terminal (progress bars, colours). */
  isTTY: boolean;
  cwd: string;
}

export type Values = Record<string, string | boolean | string[] | undefined>;

export interface Command {
  name: string;
  summary: string;
  /** e.g. "tinyrnn inspect MODEL.tnn [--json]" */
  usage: string;
  description?: string;
  options: Record<string, OptionSpec>;
  /** Number of positionals allowed: [min, max]. */
  positionals: [number, number];
  examples: string[];
  run(values: Values, positionals: string[], io: Io): Promise<number> | number;
}

export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export function commandHelp(c: Command): string {
  const lines = [`tinyrnn ${c.name}: ${c.summary}`, '', `usage: ${c.usage}`];
  if (c.description) lines.push('', c.description);
  const opts = Object.entries(c.options);
  if (opts.length) {
    lines.push('', 'options:');
    const left = opts.map(([name, o]) => `  ${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.arg ?? 'VALUE'}` : ''}`);
    const w = Math.max(...left.map((s) => s.length)) + 2;
    opts.forEach(([, o], i) => lines.push(left[i].padEnd(w) + o.help));
  }
  lines.push(`  ${'-h, --help'.padEnd(Math.max(12, 0))}  show this help`);
  if (c.examples.length) lines.push('', 'examples:', ...c.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}

export function parseCommandArgs(c: Command, argv: string[]): { values: Values; positionals: string[]; help: boolean } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, o] of Object.entries(c.options)) {
    options[name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    const msg = (e as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UsageError(msg, c.name);
  }
  const values = parsed.values as Values;
  if (values.help) return { values, positionals: parsed.positionals, help: true };
  const [min, max] = c.positionals;
  const n = parsed.positionals.length;
  if (n < min) throw new UsageError(`missing argument: usage: ${c.usage}`, c.name);
  if (n > max) throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[max])}: usage: ${c.usage}`, c.name);
  return { values, positionals: parsed.positionals, help: false };
}

// Typed getters for option values with clear errors.

export function str(v: Values, name: string): string | undefined {
  const x = v[name];
  return typeof x === 'string' ? x : undefined;
}

export function requireStr(v: Values, name: string, what: string): string {
  const x = str(v, name);
  if (x === undefined) throw new UsageError(`missing --${name} ${what}`);
  return x;
}

/** A numeric option: `min`/`max` are inclusive bounds, `above` an exclusive lower bound. */
export function num(v: Values, name: string, opts: { int?: boolean; min?: number; above?: number; max?: number } = {}): number | undefined {
  const x = str(v, name);
  if (x === undefined) return undefined;
  const n = Number(x);
  const bad =
    x.trim() === '' ||
    !Number.isFinite(n) ||
    (opts.int && !Number.isInteger(n)) ||
    (opts.min !== undefined && n < opts.min) ||
    (opts.above !== undefined && n <= opts.above) ||
    (opts.max !== undefined && n > opts.max);
  if (bad) {
    const range = `${opts.int ? 'an integer' : 'a number'}${opts.min !== undefined ? ` >= ${opts.min}` : ''}${opts.above !== undefined ? ` > ${opts.above}` : ''}${opts.max !== undefined ? ` <= ${opts.max}` : ''}`;
    throw new UsageError(`--${name} ${JSON.stringify(x)} is not ${range}`);
  }
  return n;
}

export function choice<T extends string>(v: Values, name: string, allowed: readonly T[]): T | undefined {
  const x = str(v, name);
  if (x === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(x)) throw new UsageError(`--${name} ${JSON.stringify(x)} is not one of ${allowed.join(', ')}`);
  return x as T;
}

export function flag(v: Values, name: string): boolean {
  return v[name] === true;
}

/** Prints either JSON (with --json) or text. */
export function emit(io: Io, json: boolean, data: unknown, text: () => string): void {
  if (json) io.out(JSON.stringify(data, null, 2));
  else io.out(text());
}

export function isTinyrnnError(e: unknown): e is TinyrnnError {
  return e instanceof TinyrnnError;
}
