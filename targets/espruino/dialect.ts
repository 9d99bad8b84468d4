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

/**
 * Checks one file. Returns every problem found (empty when the file is fine), each with its
 * 1-based line.
 */
export function dialectProblems(source: string, opts: DialectOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  let ast: N;
  try {
    ast = acorn.parse(source, { ecmaVersion: 2020, sourceType: 'script', locations: true, allowHashBang: false }) as unknown as N;
  } catch (e) {
    const err = e as SyntaxError & { loc?: { line: number; column: number } };
    out.push({
      code: 'ESP100',
      path: '',
      line: err.loc?.line,
      message: `does not parse as ES2020 script: ${err.message.replace(/ \(\d+:\d+\)$/, '')}`,
      hint: 'device code must be plain ES2020 (no modules, no newer syntax)',
    });
    return out;
  }
  const add = (code: DiagnosticCode, n: N, message: string, hint?: string): void => {
    out.push({ code, path: '', line: n.loc?.start.line, message: `${message} (column ${(n.loc?.start.column ?? 0) + 1})`, ...(hint ? { hint } : {}) });
  };

  // Pass 1: scopes and their declarations. Function scopes hold var/param/function names;
  // blocks hold let/const/class/function-in-block names.
  const scopeOf = new Map<N, Scope>();
  const newScope = (node: N, fn: N | null, parent: Scope | null): Scope => {
    const s: Scope = { fn, parent, names: new Map() };
    scopeOf.set(node, s);
    return s;
  };
  const declare = (s: Scope, name: string, kind: 'function' | 'other', pos: number): void => {
    if (!s.names.has(name) || kind === 'function') s.names.set(name, { kind, pos });
  };
  const collect = (n: N, fnScope: Scope, blockScope: Scope): void => {
    switch (n.type) {
      case 'FunctionDeclaration':
        declare(blockScope, n.id.name, 'function', n.start);
        break;
      case 'VariableDeclaration': {
        const target = n.kind === 'var' ? fnScope : blockScope;
        for (const d of n.declarations) for (const name of patternNames(d.id, [])) declare(target, name, 'other', n.start);
        break;
      }
      case 'ClassDeclaration':
        declare(blockScope, n.id.name, 'other', n.start);
        break;
    }
    if (FUNCTION_TYPES.has(n.type)) {
      const s = newScope(n, n, fnScope);
      for (const p of n.params) for (const name of patternNames(p, [])) declare(s, name, 'other', n.start);
      if (n.type === 'FunctionExpression' && n.id) declare(s, n.id.name, 'other', n.start);
      if (n.body.type === 'BlockStatement') {
        scopeOf.set(n.body, s);
        for (const c of n.body.body) collect(c, s, s);
      } else collect(n.body, s, s);
      return;
    }
    if (n.type === 'CatchClause') {
      const s = newScope(n, fnScope.fn, blockScope);
      for (const name of patternNames(n.param, [])) declare(s, name, 'other', n.start);
      collect(n.body, fnScope, s);
      return;
    }
    if (
      n.type === 'BlockStatement' ||
      n.type === 'ForStatement' ||
      n.type === 'ForInStatement' ||
      n.type === 'ForOfStatement' ||
      n.type === 'SwitchStatement'
    ) {
      const s = newScope(n, fnScope.fn, blockScope);
      for (const c of children(n)) collect(c, fnScope, s);
      return;
    }
    for (const c of children(n)) collect(c, fnScope, blockScope);
  };
  const root = newScope(ast, null, null);
  for (const c of ast.body) collect(c, root, root);

  const resolve = (s: Scope | null, name: string): { scope: Scope; kind: 'function' | 'other'; pos: number } | undefined => {
    for (let x = s; x; x = x.parent) {
      const b = x.names.get(name);
      if (b) return { scope: x, ...b };
    }
    return undefined;
  };

  // Pass 2: syntax, built-ins and use-before-declaration. `exec` is the function whose
  // straight-line execution reaches the node (immediately invoked functions run in their caller).
  const visit = (n: N, parent: N | null, scope: Scope, exec: N | null): void => {
    const own = scopeOf.get(n);
    let inner = own ?? scope;
    let innerExec = exec;
    switch (n.type) {
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression': {
        if (n.async) add('ESP107', n, 'async function: Espruino has no async/await', 'use callbacks or Promise.then');
        if (n.generator) add('ESP108', n, 'generator function: Espruino has no generators');
        for (const p of n.params) {
          if (p.type === 'AssignmentPattern')
            add('ESP101', p, 'default parameter: Espruino does not support default parameter values', 'test for undefined in the body');
        }
        const iife = parent && parent.type === 'CallExpression' && parent.callee === n;
        innerExec = iife ? exec : n;
        break;
      }
      case 'AwaitExpression':
        add('ESP107', n, 'await: Espruino has no async/await');
        break;
      case 'YieldExpression':
        add('ESP108', n, 'yield: Espruino has no generators');
        break;
      case 'RestElement':
        add('ESP102', n, 'rest element: Espruino does not support rest parameters or rest patterns', 'use the arguments object or pass an array');
        break;
      case 'SpreadElement':
        add('ESP102', n, 'spread: Espruino does not support spread syntax', 'copy elements in a loop or use apply');
        break;
      case 'ObjectPattern':
      case 'ArrayPattern':
        add('ESP103', n, 'destructuring: Espruino does not support destructuring', 'assign each field on its own line');
        break;
      case 'Property':
      case 'MethodDefinition':
        if (n.computed)
          add(
            'ESP104',
            n.key,
            'computed property key: Espruino does not support [expr] keys in literals or classes',
            'create the object, then assign obj[key] = value',
          );
        break;
      case 'BinaryExpression':
      case 'AssignmentExpression':
        if (n.operator === '**' || n.operator === '**=')
          add(
            'ESP105',
            n,
            `exponent operator ${n.operator}: not supported by Espruino`,
            'use Math.pow (exact only for small integers) or repeated multiplication',
          );
        break;
      case 'ChainExpression':
        add('ESP106', n, 'optional chaining ?.: not supported by Espruino', 'test the object explicitly');
        break;
      case 'LabeledStatement':
        add('ESP109', n, `label ${n.label.name}: Espruino does not support labelled statements`, 'use a flag variable or a function with return');
        break;
      case 'BreakStatement':
      case 'ContinueStatement':
        if (n.label) add('ESP109', n, `labelled ${n.type === 'BreakStatement' ? 'break' : 'continue'}: not supported by Espruino`);
        break;
      case 'Literal':
        if (n.bigint !== undefined) add('ESP112', n, `BigInt literal ${n.raw}: Espruino has no BigInt`);
        else if (typeof n.value === 'number' && opts.integerLiterals) {
          const v = n.value;
          if (!Number.isInteger(v) || Math.abs(v) > 2 ** 53 || /^[0-9]*\.|[eE]-/.test(String(n.raw))) {
            add('ESP114', n, `non-integer numeric literal ${n.raw}: Espruino does not parse decimals exactly`, 'generated code carries integer constants only');
          }
        }
        break;
      case 'ReturnStatement':
        if (n.argument === null && parent && Array.isArray(parent.body)) {
          const list = parent.body as N[];
          const i = list.indexOf(n);
          const next = list[i + 1];
          const text = source.slice(n.start, n.end);
          if (next && next.type === 'ExpressionStatement' && !text.trimEnd().endsWith(';')) {
            add(
              'ESP115',
              n,
              "return followed by a line break: Espruino returns the next line's value, Node returns undefined",
              'put the value on the same line as return, or end the return with ;',
            );
          }
        }
        break;
      case 'MemberExpression': {
        if (!n.computed && n.object.type === 'Identifier' && n.property.type === 'Identifier') {
          const missing = MISSING_MEMBERS[n.object.name];
          if (missing && missing.includes(n.property.name) && !resolve(scope, n.object.name)) {
            add('ESP111', n, `${n.object.name}.${n.property.name} does not exist on Espruino`, hintFor(`${n.object.name}.${n.property.name}`));
          }
        }
        break;
      }
      case 'Identifier': {
        if (!isReference(n, parent)) break;
        const b = resolve(scope, n.name);
        if (!b) {
          if ((MISSING_GLOBALS as readonly string[]).includes(n.name)) add('ESP110', n, `${n.name} does not exist on Espruino`, hintFor(n.name));
        } else if (b.kind === 'function' && n.start < b.pos && b.scope.fn === exec) {
          add(
            'ESP113',
            n,
            `${n.name} is used before its declaration (line ${lineOf(source, b.pos)}): Espruino does not hoist functions`,
            'declare the function above its first use',
          );
        }
        break;
      }
    }
    if (own) inner = own;
    for (const c of children(n)) visit(c, n, inner, innerExec);
  };
  for (const c of ast.body) visit(c, ast, root, null);
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
