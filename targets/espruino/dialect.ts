// The Espruino dialect check: every JavaScript file that goes to a device is parsed with a real
// parser (acorn, ES2020, script mode) and rejected, with file and line, when it uses syntax or
// built-ins the Espruino interpreter lacks (shared facts: "Language the interpreter accepts"),
// relies on function hoisting, puts `return` and its value on different lines (Espruino returns
// the next line's value, Node returns undefined), or (in generated code) carries a non-integer
// numeric literal (Espruino's decimal parsing is not correctly rounded).
//
// Codes: ESP100 parse error, ESP101 default parameter, ESP102 rest/spread, ESP103 destructuring,
// ESP104 computed key, ESP105 `**`, ESP106 optional chaining, ESP107 async/await,
// ESP108 generator, ESP109 label, ESP110 missing global (Map, Set, ...), ESP111 missing member
// (Math.imul, Array.from, ...), ESP112 BigInt literal, ESP113 call before declaration (no
// hoisting), ESP114 non-integer literal, ESP115 `return` followed by a newline. Syntax newer than ES2020
// (class fields, `#private`, ...) is a parse error, ESP100.
import * as acorn from 'acorn';
import { Diagnostic, DiagnosticCode, TinyrnnError } from '../../compiler/core/ir/errors';

/** Globals the interpreter does not have (the facts list, plus their weak relatives). */
export const MISSING_GLOBALS = ['Map', 'Set', 'WeakMap', 'WeakSet', 'Symbol', 'Proxy', 'BigInt'] as const;

const TYPED_ARRAYS = ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array'];

/** Object.member pairs the interpreter does not have. */
export const MISSING_MEMBERS: Record<string, readonly string[]> = {
  Math: ['imul', 'trunc', 'fround', 'clz32', 'tanh', 'log2', 'hypot', 'cbrt'],
  Number: ['isInteger', 'EPSILON', 'MAX_SAFE_INTEGER', 'MIN_SAFE_INTEGER'],
  Array: ['from'],
  ...Object.fromEntries(TYPED_ARRAYS.map((t) => [t, ['from']])),
};

export interface DialectOptions {
  /** Reject non-integer numeric literals (all generated code: integer constants are exact on Espruino). */
  integerLiterals?: boolean;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
/** An acorn node with its fields reachable by name (shared with the cost model). */
export type N = acorn.Node & Record<string, any>;

interface Scope {
  /** The function node whose body this scope belongs to (null for the program). */
  fn: N | null;
  parent: Scope | null;
  names: Map<string, { kind: 'function' | 'other'; pos: number }>;
}

export function isNode(x: unknown): x is N {
  return typeof x === 'object' && x !== null && typeof (x as N).type === 'string';
}

/** The direct child nodes of n, in source order of its fields. */
export function children(n: N): N[] {
  const out: N[] = [];
  for (const k of Object.keys(n)) {
    if (k === 'loc' || k === 'range') continue;
    const v = n[k];
    if (Array.isArray(v)) for (const c of v) isNode(c) && out.push(c);
    else if (isNode(v)) out.push(v);
  }
  return out;
}

export const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

/** Names bound by a pattern (parameters and declarations). */
function patternNames(p: N | null | undefined, out: string[]): string[] {
  if (!p) return out;
  switch (p.type) {
    case 'Identifier':
      out.push(p.name);
      break;
    case 'AssignmentPattern':
      patternNames(p.left, out);
      break;
    case 'RestElement':
      patternNames(p.argument, out);
      break;
    case 'ArrayPattern':
      for (const e of p.elements) patternNames(e, out);
      break;
    case 'ObjectPattern':
      for (const pr of p.properties) patternNames(pr.type === 'RestElement' ? pr : pr.value, out);
      break;
  }
  return out;
}

/** The context of one file's check: its text, options, and the list problems go to. */
interface Check {
  source: string;
  opts: DialectOptions;
  add(code: string, n: N, message: string, hint?: string): void;
}

function parseScript(source: string): N | Diagnostic {
  try {
    return acorn.parse(source, { ecmaVersion: 2020, sourceType: 'script', locations: true, allowHashBang: false }) as unknown as N;
  } catch (e) {
    const err = e as SyntaxError & { loc?: { line: number; column: number } };
    return {
      code: 'ESP100',
      path: '',
      line: err.loc?.line,
      message: `does not parse as ES2020 script: ${err.message.replace(/ \(\d+:\d+\)$/, '')}`,
      hint: 'device code must be plain ES2020 (no modules, no newer syntax)',
    };
  }
}

/**
 * Pass 1: scopes and their declarations. Function scopes hold var/param/function names; blocks
 * hold let/const/class/function-in-block names.
 */
class Scopes {
  readonly of = new Map<N, Scope>();
  readonly root: Scope;

  constructor(ast: N) {
    this.root = this.open(ast, null, null);
    for (const c of ast.body) this.collect(c, this.root, this.root);
  }

  /** The binding of name seen from scope s, if any. */
  resolve(s: Scope | null, name: string): { scope: Scope; kind: 'function' | 'other'; pos: number } | undefined {
    for (let x = s; x; x = x.parent) {
      const b = x.names.get(name);
      if (b) return { scope: x, ...b };
    }
    return undefined;
  }

  private open(node: N, fn: N | null, parent: Scope | null): Scope {
    const s: Scope = { fn, parent, names: new Map() };
    this.of.set(node, s);
    return s;
  }

  private static declare(s: Scope, name: string, kind: 'function' | 'other', pos: number): void {
    if (!s.names.has(name) || kind === 'function') s.names.set(name, { kind, pos });
  }

  private collect(n: N, fnScope: Scope, blockScope: Scope): void {
    Scopes.declarations(n, fnScope, blockScope);
    if (FUNCTION_TYPES.has(n.type)) return this.collectFunction(n, fnScope);
    if (n.type === 'CatchClause') {
      const s = this.open(n, fnScope.fn, blockScope);
      for (const name of patternNames(n.param, [])) Scopes.declare(s, name, 'other', n.start);
      return this.collect(n.body, fnScope, s);
    }
    const inner = BLOCK_TYPES.has(n.type) ? this.open(n, fnScope.fn, blockScope) : blockScope;
    for (const c of children(n)) this.collect(c, fnScope, inner);
  }

  private static declarations(n: N, fnScope: Scope, blockScope: Scope): void {
    if (n.type === 'FunctionDeclaration') Scopes.declare(blockScope, n.id.name, 'function', n.start);
    if (n.type === 'ClassDeclaration') Scopes.declare(blockScope, n.id.name, 'other', n.start);
    if (n.type === 'VariableDeclaration') {
      const target = n.kind === 'var' ? fnScope : blockScope;
      for (const d of n.declarations) for (const name of patternNames(d.id, [])) Scopes.declare(target, name, 'other', n.start);
    }
  }

  private collectFunction(n: N, fnScope: Scope): void {
    const s = this.open(n, n, fnScope);
    for (const p of n.params) for (const name of patternNames(p, [])) Scopes.declare(s, name, 'other', n.start);
    if (n.type === 'FunctionExpression' && n.id) Scopes.declare(s, n.id.name, 'other', n.start);
    if (n.body.type !== 'BlockStatement') return this.collect(n.body, s, s);
    this.of.set(n.body, s);
    for (const c of n.body.body) this.collect(c, s, s);
  }
}

const BLOCK_TYPES = new Set(['BlockStatement', 'ForStatement', 'ForInStatement', 'ForOfStatement', 'SwitchStatement']);

function functionSyntax(n: N, c: Check): void {
  if (n.async) c.add('ESP107', n, 'async function: Espruino has no async/await', 'use callbacks or Promise.then');
  if (n.generator) c.add('ESP108', n, 'generator function: Espruino has no generators');
  for (const p of n.params) {
    if (p.type === 'AssignmentPattern')
      c.add('ESP101', p, 'default parameter: Espruino does not support default parameter values', 'test for undefined in the body');
  }
}

function literalSyntax(n: N, c: Check): void {
  if (n.bigint !== undefined) c.add('ESP112', n, `BigInt literal ${n.raw}: Espruino has no BigInt`);
  else if (typeof n.value === 'number' && c.opts.integerLiterals) {
    const v = n.value;
    if (!Number.isInteger(v) || Math.abs(v) > 2 ** 53 || /^[0-9]*\.|[eE]-/.test(String(n.raw))) {
      c.add('ESP114', n, `non-integer numeric literal ${n.raw}: Espruino does not parse decimals exactly`, 'generated code carries integer constants only');
    }
  }
}

function returnSyntax(n: N, parent: N | null, c: Check): void {
  if (n.argument !== null || !parent || !Array.isArray(parent.body)) return;
  const list = parent.body as N[];
  const next = list[list.indexOf(n) + 1];
  if (next && next.type === 'ExpressionStatement' && !c.source.slice(n.start, n.end).trimEnd().endsWith(';')) {
    c.add(
      'ESP115',
      n,
      "return followed by a line break: Espruino returns the next line's value, Node returns undefined",
      'put the value on the same line as return, or end the return with ;',
    );
  }
}

/** The syntax Espruino lacks, per node type (checks that need no scope). */
const SYNTAX: Record<string, (n: N, parent: N | null, c: Check) => void> = {
  FunctionDeclaration: (n, _p, c) => functionSyntax(n, c),
  FunctionExpression: (n, _p, c) => functionSyntax(n, c),
  ArrowFunctionExpression: (n, _p, c) => functionSyntax(n, c),
  AwaitExpression: (n, _p, c) => c.add('ESP107', n, 'await: Espruino has no async/await'),
  YieldExpression: (n, _p, c) => c.add('ESP108', n, 'yield: Espruino has no generators'),
  RestElement: (n, _p, c) =>
    c.add('ESP102', n, 'rest element: Espruino does not support rest parameters or rest patterns', 'use the arguments object or pass an array'),
  SpreadElement: (n, _p, c) => c.add('ESP102', n, 'spread: Espruino does not support spread syntax', 'copy elements in a loop or use apply'),
  ObjectPattern: (n, _p, c) => c.add('ESP103', n, 'destructuring: Espruino does not support destructuring', 'assign each field on its own line'),
  ArrayPattern: (n, _p, c) => c.add('ESP103', n, 'destructuring: Espruino does not support destructuring', 'assign each field on its own line'),
  Property: (n, _p, c) => computedKey(n, c),
  MethodDefinition: (n, _p, c) => computedKey(n, c),
  BinaryExpression: (n, _p, c) => exponent(n, c),
  AssignmentExpression: (n, _p, c) => exponent(n, c),
  ChainExpression: (n, _p, c) => c.add('ESP106', n, 'optional chaining ?.: not supported by Espruino', 'test the object explicitly'),
  LabeledStatement: (n, _p, c) =>
    c.add('ESP109', n, `label ${n.label.name}: Espruino does not support labelled statements`, 'use a flag variable or a function with return'),
  BreakStatement: (n, _p, c) => labelledJump(n, c),
  ContinueStatement: (n, _p, c) => labelledJump(n, c),
  Literal: (n, _p, c) => literalSyntax(n, c),
  ReturnStatement: (n, p, c) => returnSyntax(n, p, c),
};

function computedKey(n: N, c: Check): void {
  if (n.computed)
    c.add(
      'ESP104',
      n.key,
      'computed property key: Espruino does not support [expr] keys in literals or classes',
      'create the object, then assign obj[key] = value',
    );
}

function exponent(n: N, c: Check): void {
  if (n.operator === '**' || n.operator === '**=')
    c.add('ESP105', n, `exponent operator ${n.operator}: not supported by Espruino`, 'use Math.pow (exact only for small integers) or repeated multiplication');
}

function labelledJump(n: N, c: Check): void {
  if (n.label) c.add('ESP109', n, `labelled ${n.type === 'BreakStatement' ? 'break' : 'continue'}: not supported by Espruino`);
}

/** Missing members and globals, and functions used before their declaration (`exec`: the function whose straight-line run reaches n). */
function scopeProblems(n: N, parent: N | null, scope: Scope, exec: N | null, scopes: Scopes, c: Check): void {
  if (n.type === 'MemberExpression' && !n.computed && n.object.type === 'Identifier' && n.property.type === 'Identifier') {
    const missing = MISSING_MEMBERS[n.object.name];
    if (missing && missing.includes(n.property.name) && !scopes.resolve(scope, n.object.name)) {
      c.add('ESP111', n, `${n.object.name}.${n.property.name} does not exist on Espruino`, hintFor(`${n.object.name}.${n.property.name}`));
    }
  }
  if (n.type !== 'Identifier' || !isReference(n, parent)) return;
  const b = scopes.resolve(scope, n.name);
  if (!b) {
    if ((MISSING_GLOBALS as readonly string[]).includes(n.name)) c.add('ESP110', n, `${n.name} does not exist on Espruino`, hintFor(n.name));
  } else if (b.kind === 'function' && n.start < b.pos && b.scope.fn === exec) {
    c.add(
      'ESP113',
      n,
      `${n.name} is used before its declaration (line ${lineOf(c.source, b.pos)}): Espruino does not hoist functions`,
      'declare the function above its first use',
    );
  }
}

/** Pass 2: every node's checks, then its children (immediately invoked functions run in their caller's `exec`). */
function visit(n: N, parent: N | null, scope: Scope, exec: N | null, scopes: Scopes, c: Check): void {
  SYNTAX[n.type]?.(n, parent, c);
  scopeProblems(n, parent, scope, exec, scopes, c);
  const iife = parent !== null && parent.type === 'CallExpression' && parent.callee === n;
  const innerExec = FUNCTION_TYPES.has(n.type) && !iife ? n : exec;
  const inner = scopes.of.get(n) ?? scope;
  for (const ch of children(n)) visit(ch, n, inner, innerExec, scopes, c);
}

/**
 * Checks one file. Returns every problem found (empty when the file is fine), each with its
 * 1-based line.
 */
export function dialectProblems(source: string, opts: DialectOptions = {}): Diagnostic[] {
  const ast = parseScript(source);
  if (!isNode(ast)) return [ast];
  const out: Diagnostic[] = [];
  const add = (code: DiagnosticCode, n: N, message: string, hint?: string): void => {
    out.push({ code, path: '', line: n.loc?.start.line, message: `${message} (column ${(n.loc?.start.column ?? 0) + 1})`, ...(hint ? { hint } : {}) });
  };
  const scopes = new Scopes(ast);
  for (const ch of ast.body) visit(ch, ast, scopes.root, null, scopes, { source, opts, add });
  out.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return out;
}

function lineOf(source: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos; i++) if (source.charCodeAt(i) === 10) line++;
  return line;
}

/** True when an Identifier node reads a variable (not a property name, label or declaration). */
function isReference(n: N, parent: N | null): boolean {
  if (!parent) return true;
  switch (parent.type) {
    case 'MemberExpression':
      return parent.object === n || parent.computed;
    case 'Property':
      return parent.value === n || (parent.computed && parent.key === n);
    case 'MethodDefinition':
    case 'PropertyDefinition':
      return parent.computed && parent.key === n;
    case 'LabeledStatement':
    case 'BreakStatement':
    case 'ContinueStatement':
      return false;
    case 'FunctionDeclaration':
    case 'FunctionExpression':
    case 'ArrowFunctionExpression':
      return parent.body === n;
    case 'VariableDeclarator':
      return parent.init === n;
    case 'ClassDeclaration':
    case 'ClassExpression':
      return parent.superClass === n;
    case 'CatchClause':
      return false;
    default:
      return true;
  }
}

function hintFor(what: string): string | undefined {
  const hints: Record<string, string> = {
    Map: 'use a plain object keyed by strings',
    Set: 'use a plain object of flags',
    'Math.trunc': 'use x | 0 for int32 values, or Math.floor/Math.ceil by sign',
    'Math.imul': 'multiply as doubles: products below 2^53 are exact',
    'Math.tanh': 'use a lookup table (generated code does)',
    'Math.clz32': 'count with a loop or a table',
    'Array.from': 'allocate with new Array(n) and fill in a loop',
    'Number.isInteger': 'compare x === Math.floor(x)',
  };
  return hints[what];
}

/** Throws a TinyrnnError naming the file and every offending line when the code is not Espruino's dialect. */
export function assertEspruinoDialect(source: string, file: string, opts: DialectOptions = {}): void {
  const problems = dialectProblems(source, opts);
  if (problems.length) throw new TinyrnnError(problems, file);
}
