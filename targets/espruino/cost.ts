// The interpreter cost model: x86-equivalent instructions Espruino executes, counted from what a
// program actually does.
//
// The shared facts give, per loop iteration, the instructions an Espruino 2v29 build with Puck.js's
// memory layout executes for a handful of loop bodies (empty loop 12,000; `s += a[i]` 23,000;
// `c[i] = (a[i]*b[i]+16384)>>15` 41,000; a Math.floor requantisation 62,000; a two-ternary clamp
// 48,000; a table lookup 32,000; a one-line function call 38,500; E.convolve 39,000 + 432 n).
// Espruino interprets the source text directly, so the work is proportional to the syntax nodes it
// evaluates. The weights below are fitted to that table (test/targets/espruino/cost.test.ts checks
// every row) and used as: cost = sum over evaluated nodes of their weight + per-statement,
// per-iteration and per-call overheads + the native helpers' per-element work.
//
// Counting is exact, not sampled: `instrument()` rewrites the source so that every straight-line
// region (a statement's own expressions, each branch of ?: && ||, each loop test and update, each
// function entry) increments a counter when it runs; the sandbox's helpers report their element
// counts. Static weights times dynamic counts give the total.
import * as acorn from 'acorn';
import { FUNCTION_TYPES, N, children } from './dialect';

/** Fitted weights, x86-equivalent instructions. */
export const COST = {
  /** Each statement executed (dispatch, semicolon). */
  statement: 500,
  /** Each loop iteration beyond its test and update expressions. */
  loopIteration: 4000,
  identifier: 1500,
  literal: 750,
  /** a[i] or a.b (plus its object and computed property nodes). */
  member: 3000,
  binary: 2000,
  unary: 1000,
  update: 1500,
  assign: 3000,
  conditional: 1000,
  /** Everything else (this, object/array literals per node, ...). */
  other: 1500,
  /** A call of a JavaScript function (argument binding, scope creation, return). */
  callJs: 7500,
  /** A call of a native function (Math.floor, typed-array methods, E.*), its own work included. */
  callNative: 13750,
  /** Creating a closure. */
  closure: 3000,
  /** E.convolve per element of its first argument. */
  convolvePerElement: 432,
  /** E.mapInPlace per element. */
  mapPerElement: 2450,
  /** E.sum per element (same memory walk as E.convolve without the multiply: counted as one). */
  sumPerElement: 432,
} as const;

/** Board time from the cost: a 64 MHz nRF52 runs about 64 M of these instructions per second (facts). */
export function instructionsPerSecond(clockMHz: number): number {
  return clockMHz * 1e6;
}

const FUNCTIONS = FUNCTION_TYPES;
const LOOPS = new Set(['ForStatement', 'WhileStatement', 'DoWhileStatement', 'ForInStatement', 'ForOfStatement']);

function nodeWeight(n: N): number {
  switch (n.type) {
    case 'Identifier':
    case 'ThisExpression':
      return COST.identifier;
    case 'Literal':
    case 'TemplateLiteral':
      return COST.literal;
    case 'MemberExpression':
      return COST.member;
    case 'BinaryExpression':
    case 'LogicalExpression':
      return COST.binary;
    case 'UnaryExpression':
      return COST.unary;
    case 'UpdateExpression':
      return COST.update;
    case 'AssignmentExpression':
    case 'VariableDeclarator':
      return n.type === 'VariableDeclarator' && !n.init ? 0 : COST.assign;
    case 'ConditionalExpression':
      return COST.conditional;
    case 'CallExpression':
    case 'NewExpression':
    case 'SequenceExpression':
    case 'ChainExpression':
    case 'ParenthesizedExpression':
    case 'TemplateElement':
      return 0;
    default:
      return /Statement|Declaration$/.test(n.type) ? 0 : COST.other;
  }
}

export interface Region {
  /** What the region is, for reports. */
  kind: 'statement' | 'branch' | 'test' | 'update' | 'iteration' | 'entry';
  line: number;
  /** Static weight of the nodes evaluated each time the region runs. */
  weight: number;
  /** Calls (and `new`) evaluated each time the region runs. */
  calls: number;
}

export interface Instrumented {
  source: string;
  regions: Region[];
  /** Name of the global counter array the instrumented code increments. */
  counter: string;
}

export const COUNTER = '__tinyrnn_k';

/**
 * Rewrites a script so that running it counts how often each region runs. The result must be run
 * with a global `__tinyrnn_k` (a Float64Array of at least `regions.length`).
 */
export function instrument(source: string): Instrumented {
  const ast = acorn.parse(source, { ecmaVersion: 2020, sourceType: 'script', locations: true }) as unknown as N;
  const regions: Region[] = [];
  const inserts: { pos: number; text: string; order: number }[] = [];
  let order = 0;
  const at = (pos: number, text: string): void => {
    inserts.push({ pos, text, order: order++ });
  };
  const region = (kind: Region['kind'], n: N, weight: number, calls: number): number => {
    regions.push({ kind, line: n.loc?.start.line ?? 0, weight, calls });
    return regions.length - 1;
  };
  const inc = (id: number): string => `${COUNTER}[${id}]++`;

  /** Weight and call count of an expression subtree, stopping at separately counted parts. */
  const measure = (n: N | null | undefined, stop: Set<N>): { weight: number; calls: number } => {
    let weight = 0;
    let calls = 0;
    const walk = (x: N): void => {
      if (stop.has(x)) return;
      if (FUNCTIONS.has(x.type)) {
        weight += COST.closure;
        return;
      }
      if (x.type === 'ConditionalExpression') {
        weight += COST.conditional;
        walk(x.test);
        branch(x.consequent);
        branch(x.alternate);
        return;
      }
      if (x.type === 'LogicalExpression') {
        weight += COST.binary;
        walk(x.left);
        branch(x.right);
        return;
      }
      if (x.type === 'CallExpression' || x.type === 'NewExpression') calls++;
      if (x.type === 'MemberExpression') {
        weight += COST.member;
        walk(x.object);
        if (x.computed) walk(x.property);
        return;
      }
      if (x.type === 'Property') {
        if (x.computed) walk(x.key);
        walk(x.value);
        weight += COST.other;
        return;
      }
      weight += nodeWeight(x);
      for (const c of children(x)) walk(c);
    };
    if (n) walk(n);
    return { weight, calls };
  };

  /** A conditionally evaluated expression: counted on its own. */
  const branch = (n: N): void => {
    const m = measure(n, new Set());
    const id = region('branch', n, m.weight, m.calls);
    at(n.start, `(${inc(id)}, `);
    at(n.end, ')');
  };

  const expression = (kind: 'test' | 'update', n: N | null | undefined): void => {
    if (!n) return;
    const m = measure(n, new Set());
    const id = region(kind, n, m.weight, m.calls);
    at(n.start, `(${inc(id)}, `);
    at(n.end, ')');
  };

  /** Nested functions inside an expression: instrument their bodies. */
  const functionsIn = (n: N | null | undefined): void => {
    if (!n) return;
    if (FUNCTIONS.has(n.type)) {
      fn(n);
      return;
    }
    for (const c of children(n)) functionsIn(c);
  };

  const fn = (n: N): void => {
    const id = region('entry', n, 0, 0);
    if (n.body.type === 'BlockStatement') {
      at(n.body.start + 1, `${inc(id)};`);
      list(n.body.body);
    } else {
      // Arrow function with an expression body: the body is a region of its own.
      const m = measure(n.body, new Set());
      const b = region('statement', n.body, m.weight + COST.statement, m.calls);
      at(n.body.start, `(${inc(id)}, ${inc(b)}, `);
      at(n.body.end, ')');
      functionsIn(n.body);
    }
  };

  /** A statement in a statement list (block body, program, case). */
  const statement = (s: N, wrap: boolean): void => {
    if (s.type === 'BlockStatement') {
      list(s.body);
      return;
    }
    if (s.type === 'ExpressionStatement' && s.directive) return;
    if (s.type === 'FunctionDeclaration') {
      fn(s);
      return;
    }
    if (s.type === 'EmptyStatement') return;
    // The statement's own expressions (not nested statements, not loop tests/updates).
    const stop = new Set<N>();
    const own: N[] = [];
    switch (s.type) {
      case 'IfStatement':
        own.push(s.test);
        break;
      case 'ForStatement':
        if (s.init) own.push(s.init);
        stop.add(s.test);
        stop.add(s.update);
        break;
      case 'WhileStatement':
      case 'DoWhileStatement':
        break;
      case 'ForInStatement':
      case 'ForOfStatement':
        own.push(s.right);
        break;
      case 'SwitchStatement':
        own.push(s.discriminant);
        break;
      case 'ReturnStatement':
      case 'ThrowStatement':
        if (s.argument) own.push(s.argument);
        break;
      case 'ExpressionStatement':
        own.push(s.expression);
        break;
      case 'VariableDeclaration':
        own.push(...s.declarations);
        break;
      case 'TryStatement':
      case 'BreakStatement':
      case 'ContinueStatement':
      case 'ClassDeclaration':
        break;
      default:
        break;
    }
    let weight = COST.statement;
    let calls = 0;
    for (const o of own) {
      const m = measure(o, stop);
      weight += m.weight;
      calls += m.calls;
    }
    const id = region('statement', s, weight, calls);
    if (wrap) {
      at(s.start, `{${inc(id)};`);
      at(s.end, '}');
    } else at(s.start, `${inc(id)};`);
    for (const o of own) functionsIn(o);
    // Nested statements and loop parts.
    switch (s.type) {
      case 'IfStatement':
        statement(s.consequent, s.consequent.type !== 'BlockStatement');
        if (s.alternate) statement(s.alternate, s.alternate.type !== 'BlockStatement');
        break;
      case 'ForStatement':
      case 'WhileStatement':
      case 'DoWhileStatement':
      case 'ForInStatement':
      case 'ForOfStatement': {
        if (s.type === 'ForStatement' || s.type === 'WhileStatement' || s.type === 'DoWhileStatement') expression('test', s.test);
        if (s.type === 'ForStatement') expression('update', s.update);
        const it = region('iteration', s, COST.loopIteration, 0);
        if (s.body.type === 'BlockStatement') {
          at(s.body.start + 1, `${inc(it)};`);
          list(s.body.body);
        } else {
          at(s.body.start, `{${inc(it)};`);
          statement(s.body, false);
          at(s.body.end, '}');
        }
        break;
      }
      case 'SwitchStatement':
        for (const c of s.cases) {
          if (c.test) functionsIn(c.test);
          list(c.consequent);
        }
        break;
      case 'TryStatement':
        list(s.block.body);
        if (s.handler) list(s.handler.body.body);
        if (s.finalizer) list(s.finalizer.body);
        break;
      case 'ClassDeclaration':
        for (const m of s.body.body) if (m.value && FUNCTIONS.has(m.value.type)) fn(m.value);
        break;
    }
    if (LOOPS.has(s.type) || s.type === 'IfStatement') return;
  };

  const list = (body: N[]): void => {
    for (const s of body) statement(s, false);
  };
  list(ast.body);

  inserts.sort((a, b) => a.pos - b.pos || a.order - b.order);
  let out = '';
  let last = 0;
  for (const ins of inserts) {
    out += source.slice(last, ins.pos) + ins.text;
    last = ins.pos;
  }
  out += source.slice(last);
  return { source: out, regions, counter: COUNTER };
}

/** Counts the native helpers report while the instrumented code runs. */
export interface HelperCounts {
  convolveCalls: number;
  convolveElements: number;
  mapCalls: number;
  mapElements: number;
  sumElements: number;
  /** Instructions executed by native code called through E.nativeCall (a blob's count, taken as cycles). */
  nativeInstructions: number;
}

export function emptyHelperCounts(): HelperCounts {
  return { convolveCalls: 0, convolveElements: 0, mapCalls: 0, mapElements: 0, sumElements: 0, nativeInstructions: 0 };
}

export interface CostBreakdown {
  /** Total x86-equivalent instructions. */
  total: number;
  /** Interpreting the source: statements, expressions, loops. */
  interpret: number;
  jsCalls: number;
  nativeCalls: number;
  /** Native helpers' per-element work. */
  helperElements: number;
  /** Native code called through E.nativeCall (native kernels). */
  nativeCode: number;
  statements: number;
  loopIterations: number;
}

/** Totals the counts of one or more instrumented scripts run in the same context. */
export function tallyCost(parts: { regions: Region[]; counts: ArrayLike<number> }[], helpers: HelperCounts): CostBreakdown {
  let interpret = 0;
  let calls = 0;
  let entries = 0;
  let statements = 0;
  let loopIterations = 0;
  for (const { regions, counts } of parts) {
    regions.forEach((r, i) => {
      const k = counts[i] ?? 0;
      interpret += k * r.weight;
      calls += k * r.calls;
      if (r.kind === 'entry') entries += k;
      if (r.kind === 'statement') statements += k;
      if (r.kind === 'iteration') loopIterations += k;
    });
  }
  const native = Math.max(0, calls - entries);
  const jsCalls = entries * COST.callJs;
  const nativeCalls = native * COST.callNative;
  const helperElements =
    helpers.convolveElements * COST.convolvePerElement + helpers.mapElements * COST.mapPerElement + helpers.sumElements * COST.sumPerElement;
  const nativeCode = helpers.nativeInstructions;
  return {
    total: interpret + jsCalls + nativeCalls + helperElements + nativeCode,
    interpret,
    jsCalls,
    nativeCalls,
    helperElements,
    nativeCode,
    statements,
    loopIterations,
  };
}
