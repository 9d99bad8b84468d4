// The interpreter cost model: x86-equivalent instructions Espruino executes, counted from what a
// program actually does.
//
// Espruino interprets the source text directly, so the work follows what it evaluates. The model
// counts, per time step, the statements, identifiers and operators evaluated, E.convolve's elements
// and offsets, and (boards whose Storage is not memory-mapped) the share of that work in code and on
// weights that stay in Storage, and prices them with coefficients (FITTED) fitted to the instructions
// the real Espruino 2v29 interpreter executes per step of the generated kernels (bench/espruino/
// fit-cost.ts; test/targets/espruino/fit-cost.test.ts checks the fit and the residuals). The native
// helpers' per-element work comes from the shared facts (E.convolve 39,000 + 432 n per call, a
// 64-entry E.mapInPlace 0.18 M). COST's relative node weights (from the facts' loop table) still
// measure the code run from a non-mapped Storage.
//
// Counting is exact, not sampled: `instrument()` rewrites the source so that every straight-line
// region (a statement's own expressions, each branch of ?: && ||, each loop test and update, each
// function entry) increments a counter when it runs; the sandbox's helpers report their element
// counts. Static counts per region times dynamic counts give the total.
import * as acorn from 'acorn';
import { FUNCTION_TYPES, N, children } from './dialect';

/**
 * Relative node weights fitted to the facts' loop table (Puck.js layout, top-level loops): they weigh
 * the code run from a non-mapped Storage (FITTED.unmappedInterpret is per unit of them). The
 * native helpers' per-element costs are the facts' measurements.
 */
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
  /** Creating a closure. */
  closure: 3000,
  /**
   * E.mapInPlace per element: from the facts (a 64-entry LUT activation costs 0.18 M); the generators
   * do not emit it, so it is not refitted.
   */
  mapPerElement: 2450,
  /** E.convolve (and E.sum) per element: from the facts (39,000 + 432 n per call in a loop); the generated kernels' vectors are too short to refit it. */
  convolvePerElement: 432,
} as const;

/**
 * Coefficients fitted by non-negative least squares (relative residuals) to the instructions executed
 * per time step on the real Espruino 2v29 interpreter (Linux builds with Puck.js's and Bangle.js 2's
 * layouts, counted under qemu-i386 with the instruction-count plugin) over the generated kernels of
 * bench/espruino/cost-kernels.ts: `npm run bench:espruino-fit` reproduces these values from the
 * measurements in bench/espruino/cost-measurements.json and prints the residuals on the fitting set,
 * leave-one-model-out and on held-out kernels. In generated kernels (code inside functions, local
 * variables) the work follows the statements, identifiers and operators evaluated; the other node
 * classes, calls and loop iterations add nothing the fit can separate from these (their coefficients
 * came out zero), so they are not priced. The facts' top-level loop table is not what this is
 * calibrated on (test/targets/espruino/cost.test.ts prints the model against it).
 */
export const FITTED = {
  /** Each statement executed. */
  statement: 13433,
  /** Each identifier evaluated (variable lookup). */
  identifier: 2647,
  /** Each binary, logical, unary, update or conditional operator. */
  operator: 908,
  /** Per unit of E.convolve's offset (its second array is walked up to the offset). */
  convolveOffset: 56,
  /**
   * Extra when the code or the weights stay in a Storage that is not memory-mapped (Bangle.js 2: the
   * interpreter reads them from Storage while it runs): per node-weight unit (COST) of code run from a
   * Storage file, per unit of E.convolve offset and per E.convolve element over Storage weights.
   */
  unmappedInterpret: 0.471,
  unmappedConvolveOffset: 198,
  unmappedConvolve: 1945,
} as const;

/** Board time from the cost: a 64 MHz nRF52 runs about 64 M of these instructions per second (facts). */
export function instructionsPerSecond(clockMHz: number): number {
  return clockMHz * 1e6;
}

const FUNCTIONS = FUNCTION_TYPES;
const LOOPS = new Set(['ForStatement', 'WhileStatement', 'DoWhileStatement', 'ForInStatement', 'ForOfStatement']);

/** The weight class of a syntax node (null: priced through its children only). */
function nodeKind(n: N): NodeKind | null {
  switch (n.type) {
    case 'Identifier':
    case 'ThisExpression':
      return 'identifier';
    case 'Literal':
    case 'TemplateLiteral':
      return 'literal';
    case 'MemberExpression':
      return 'member';
    case 'BinaryExpression':
    case 'LogicalExpression':
      return 'binary';
    case 'UnaryExpression':
      return 'unary';
    case 'UpdateExpression':
      return 'update';
    case 'AssignmentExpression':
    case 'VariableDeclarator':
      return n.type === 'VariableDeclarator' && !n.init ? null : 'assign';
    case 'ConditionalExpression':
      return 'conditional';
    case 'CallExpression':
    case 'NewExpression':
    case 'SequenceExpression':
    case 'ChainExpression':
    case 'ParenthesizedExpression':
    case 'TemplateElement':
      return null;
    default:
      return /Statement|Declaration$/.test(n.type) ? null : 'other';
  }
}

export interface Region {
  /** What the region is, for reports. */
  kind: 'statement' | 'branch' | 'test' | 'update' | 'iteration' | 'entry';
  line: number;
  /** Static weight of the nodes evaluated each time the region runs. */
  weight: number;
  /** Characters of its identifiers and literals (the interpreter lexes the source text each time it runs). */
  chars: number;
  /** How many nodes of each weight class it evaluates (NODE_KINDS order). */
  nodes: number[];
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

/** The classes of COST's node, statement, loop and closure weights. */
export type NodeKind = Exclude<keyof typeof COST, 'mapPerElement' | 'convolvePerElement'>;
export const NODE_KINDS = Object.keys(COST).filter((k) => !k.endsWith('PerElement')) as NodeKind[];

interface Measure {
  weight: number;
  calls: number;
  chars: number;
  /** How many of each weight class (NODE_KINDS order). */
  nodes: number[];
}

function nothing(): Measure {
  return { weight: 0, calls: 0, chars: 0, nodes: NODE_KINDS.map(() => 0) };
}

function add(m: Measure, kind: NodeKind): void {
  m.weight += COST[kind];
  m.nodes[NODE_KINDS.indexOf(kind)]++;
}

function merge(into: Measure, m: Measure): void {
  into.weight += m.weight;
  into.calls += m.calls;
  into.chars += m.chars;
  m.nodes.forEach((x, i) => (into.nodes[i] += x));
}

/** Characters of an identifier's name or a literal's source text (0 for other nodes). */
function leafChars(n: N): number {
  if (n.type === 'Identifier') return String(n.name).length;
  if (n.type === 'Literal') return String(n.raw ?? '').length;
  return 0;
}

/** The statement's own expressions (not nested statements, not loop tests/updates), and the parts measure() must not enter. */
function ownExpressions(s: N): { own: N[]; stop: Set<N> } {
  const stop = new Set<N>();
  switch (s.type) {
    case 'IfStatement':
      return { own: [s.test], stop };
    case 'ForStatement':
      stop.add(s.test);
      stop.add(s.update);
      return { own: s.init ? [s.init] : [], stop };
    case 'ForInStatement':
    case 'ForOfStatement':
      return { own: [s.right], stop };
    case 'SwitchStatement':
      return { own: [s.discriminant], stop };
    case 'ReturnStatement':
    case 'ThrowStatement':
      return { own: s.argument ? [s.argument] : [], stop };
    case 'ExpressionStatement':
      return { own: [s.expression], stop };
    case 'VariableDeclaration':
      return { own: [...s.declarations], stop };
    default:
      return { own: [], stop };
  }
}

/** Rewrites one script (instrument()): the regions found and the counter increments to insert. */
class Instrumenter {
  readonly regions: Region[] = [];
  private readonly inserts: { pos: number; text: string; order: number }[] = [];

  constructor(private readonly src: string) {}

  /** The source with every insert in place. */
  output(): string {
    const inserts = [...this.inserts].sort((a, b) => a.pos - b.pos || a.order - b.order);
    let out = '';
    let last = 0;
    for (const ins of inserts) {
      out += this.src.slice(last, ins.pos) + ins.text;
      last = ins.pos;
    }
    return out + this.src.slice(last);
  }

  list(body: N[]): void {
    for (const s of body) this.statement(s, false);
  }

  private at(pos: number, text: string): void {
    this.inserts.push({ pos, text, order: this.inserts.length });
  }

  private region(kind: Region['kind'], n: N, m: Measure): number {
    this.regions.push({ kind, line: n.loc?.start.line ?? 0, weight: m.weight, chars: m.chars, calls: m.calls, nodes: m.nodes });
    return this.regions.length - 1;
  }

  private static inc(id: number): string {
    return `${COUNTER}[${id}]++`;
  }

  /** Weight and call count of an expression subtree, stopping at separately counted parts. */
  private measure(n: N | null | undefined, stop: Set<N>): Measure {
    const m = nothing();
    if (n) this.walk(m, n, stop);
    return m;
  }

  private walk(m: Measure, x: N, stop: Set<N>): void {
    if (stop.has(x)) return;
    if (FUNCTIONS.has(x.type)) return add(m, 'closure');
    if (x.type === 'ConditionalExpression') {
      add(m, 'conditional');
      this.walk(m, x.test, stop);
      this.branch(x.consequent);
      return this.branch(x.alternate);
    }
    if (x.type === 'LogicalExpression') {
      add(m, 'binary');
      this.walk(m, x.left, stop);
      return this.branch(x.right);
    }
    if (x.type === 'CallExpression' || x.type === 'NewExpression') m.calls++;
    if (x.type === 'MemberExpression') {
      add(m, 'member');
      this.walk(m, x.object, stop);
      if (x.computed) this.walk(m, x.property, stop);
      return;
    }
    if (x.type === 'Property') {
      if (x.computed) this.walk(m, x.key, stop);
      this.walk(m, x.value, stop);
      return add(m, 'other');
    }
    const kind = nodeKind(x);
    if (kind) add(m, kind);
    m.chars += leafChars(x);
    for (const c of children(x)) this.walk(m, c, stop);
  }

  /** A conditionally evaluated expression (a branch), or a loop's test or update: counted on its own. */
  private expression(kind: 'branch' | 'test' | 'update', n: N | null | undefined): void {
    if (!n) return;
    const id = this.region(kind, n, this.measure(n, new Set()));
    this.at(n.start, `(${Instrumenter.inc(id)}, `);
    this.at(n.end, ')');
  }

  private branch(n: N): void {
    this.expression('branch', n);
  }

  /** Nested functions inside an expression: instrument their bodies. */
  private functionsIn(n: N | null | undefined): void {
    if (!n) return;
    if (FUNCTIONS.has(n.type)) return this.fn(n);
    for (const c of children(n)) this.functionsIn(c);
  }

  private fn(n: N): void {
    const id = this.region('entry', n, nothing());
    if (n.body.type === 'BlockStatement') {
      this.at(n.body.start + 1, `${Instrumenter.inc(id)};`);
      return this.list(n.body.body);
    }
    // Arrow function with an expression body: the body is a region of its own.
    const m = this.measure(n.body, new Set());
    add(m, 'statement');
    const b = this.region('statement', n.body, m);
    this.at(n.body.start, `(${Instrumenter.inc(id)}, ${Instrumenter.inc(b)}, `);
    this.at(n.body.end, ')');
    this.functionsIn(n.body);
  }

  /** A statement in a statement list (block body, program, case). */
  private statement(s: N, wrap: boolean): void {
    if (s.type === 'BlockStatement') return this.list(s.body);
    if ((s.type === 'ExpressionStatement' && s.directive) || s.type === 'EmptyStatement') return;
    if (s.type === 'FunctionDeclaration') return this.fn(s);
    const { own, stop } = ownExpressions(s);
    const sum = nothing();
    add(sum, 'statement');
    for (const o of own) merge(sum, this.measure(o, stop));
    const id = this.region('statement', s, sum);
    if (wrap) {
      this.at(s.start, `{${Instrumenter.inc(id)};`);
      this.at(s.end, '}');
    } else this.at(s.start, `${Instrumenter.inc(id)};`);
    for (const o of own) this.functionsIn(o);
    this.nested(s);
  }

  /** Nested statements and loop parts. */
  private nested(s: N): void {
    if (LOOPS.has(s.type)) return this.loop(s);
    switch (s.type) {
      case 'IfStatement':
        this.statement(s.consequent, s.consequent.type !== 'BlockStatement');
        if (s.alternate) this.statement(s.alternate, s.alternate.type !== 'BlockStatement');
        break;
      case 'SwitchStatement':
        for (const c of s.cases) {
          if (c.test) this.functionsIn(c.test);
          this.list(c.consequent);
        }
        break;
      case 'TryStatement':
        this.list(s.block.body);
        if (s.handler) this.list(s.handler.body.body);
        if (s.finalizer) this.list(s.finalizer.body);
        break;
      case 'ClassDeclaration':
        for (const m of s.body.body) if (m.value && FUNCTIONS.has(m.value.type)) this.fn(m.value);
        break;
    }
  }

  private loop(s: N): void {
    if (s.type === 'ForStatement' || s.type === 'WhileStatement' || s.type === 'DoWhileStatement') this.expression('test', s.test);
    if (s.type === 'ForStatement') this.expression('update', s.update);
    const iteration = nothing();
    add(iteration, 'loopIteration');
    const it = this.region('iteration', s, iteration);
    if (s.body.type === 'BlockStatement') {
      this.at(s.body.start + 1, `${Instrumenter.inc(it)};`);
      return this.list(s.body.body);
    }
    this.at(s.body.start, `{${Instrumenter.inc(it)};`);
    this.statement(s.body, false);
    this.at(s.body.end, '}');
  }
}

/**
 * Rewrites a script so that running it counts how often each region runs. The result must be run
 * with a global `__tinyrnn_k` (a Float64Array of at least `regions.length`).
 */
export function instrument(source: string): Instrumented {
  const ast = acorn.parse(source, { ecmaVersion: 2020, sourceType: 'script', locations: true }) as unknown as N;
  const ins = new Instrumenter(source);
  ins.list(ast.body);
  return { source: ins.output(), regions: ins.regions, counter: COUNTER };
}

/** Counts the native helpers report while the instrumented code runs. */
export interface HelperCounts {
  convolveCalls: number;
  convolveElements: number;
  /** E.convolve elements whose second array is a view on a Storage file's data. */
  storageConvolveElements: number;
  /** Sum of E.convolve's offsets (its second array is walked up to the offset), and of those over Storage data. */
  convolveOffsets: number;
  storageConvolveOffsets: number;
  mapCalls: number;
  mapElements: number;
  sumElements: number;
  /** Instructions executed by native code called through E.nativeCall (a blob's count, taken as cycles). */
  nativeInstructions: number;
}

export function emptyHelperCounts(): HelperCounts {
  return {
    convolveCalls: 0,
    convolveElements: 0,
    storageConvolveElements: 0,
    convolveOffsets: 0,
    storageConvolveOffsets: 0,
    mapCalls: 0,
    mapElements: 0,
    sumElements: 0,
    nativeInstructions: 0,
  };
}

/** What the cost is a linear function of: counts per step of the things the fitted coefficients price. */
export interface CostFeatures {
  /** Node-weight units (COST) interpreted (all code), and the share of them in code run from a Storage file (priced when not mapped). */
  interpretUnits: number;
  storageUnits: number;
  /** Identifier and literal characters evaluated (all code, and code run from a Storage file); not priced: the fit found no use for them. */
  chars: number;
  storageChars: number;
  /** Nodes of each weight class evaluated (NODE_KINDS order). */
  nodes: number[];
  /** JavaScript function calls (all code), and those of functions defined in a Storage file. */
  jsCalls: number;
  storageJsCalls: number;
  nativeCalls: number;
  /** Elements walked by E.convolve and E.sum, and mapped by E.mapInPlace. */
  convolveElements: number;
  /** E.convolve elements whose second array is a view on a Storage file's data. */
  storageConvolveElements: number;
  /** Sum of E.convolve's offsets, all and over Storage data; E.convolve calls. */
  convolveOffsets: number;
  storageConvolveOffsets: number;
  convolveCalls: number;
  mapElements: number;
}

/** The part of the cost no fitted coefficient prices: the native helpers' per-element work. */
export function fixedCost(f: CostFeatures): number {
  return f.mapElements * COST.mapPerElement + f.convolveElements * COST.convolvePerElement;
}

const nodes = (f: CostFeatures, kinds: NodeKind[]): number => kinds.reduce((n, k) => n + f.nodes[NODE_KINDS.indexOf(k)], 0);

/** The fitted terms of the cost, in FITTED's order; unmapped: the board's Storage is not memory-mapped. */
export function featureTerms(f: CostFeatures, unmapped: boolean, c: Record<keyof typeof FITTED, number> = FITTED): number[] {
  const u = unmapped ? 1 : 0;
  return [
    nodes(f, ['statement']) * c.statement,
    nodes(f, ['identifier']) * c.identifier,
    nodes(f, ['binary', 'unary', 'update', 'conditional']) * c.operator,
    f.convolveOffsets * c.convolveOffset,
    u * f.storageUnits * c.unmappedInterpret,
    u * f.storageConvolveOffsets * c.unmappedConvolveOffset,
    u * f.storageConvolveElements * c.unmappedConvolve,
  ];
}

export interface CostBreakdown {
  /** Total x86-equivalent instructions. */
  total: number;
  /** Interpreting the source: statements, identifiers, operators. */
  interpret: number;
  /** Native helpers' work (E.convolve elements and offsets, E.mapInPlace elements). */
  helperElements: number;
  /** The extra for code and weights in a Storage that is not memory-mapped. */
  unmapped: number;
  /** Native code called through E.nativeCall (native kernels). */
  nativeCode: number;
  /** Counts: JavaScript function calls, native function calls, statements, loop iterations. */
  jsCalls: number;
  nativeCalls: number;
  statements: number;
  loopIterations: number;
  /** What the total is priced from (absent where no JS is counted: native kernels). */
  features?: CostFeatures;
}

/** One instrumented script's regions and counts; storage: its code was loaded from a Storage file. */
export interface CountedScript {
  regions: Region[];
  counts: ArrayLike<number>;
  storage?: boolean;
}

function countFeatures(parts: CountedScript[], helpers: HelperCounts): CostFeatures & { statements: number; loopIterations: number } {
  const f = { interpretUnits: 0, storageUnits: 0, chars: 0, storageChars: 0, jsCalls: 0, storageJsCalls: 0, nativeCalls: 0, statements: 0, loopIterations: 0 };
  const nodes = NODE_KINDS.map(() => 0);
  let calls = 0;
  for (const { regions, counts, storage } of parts) {
    regions.forEach((r, i) => {
      const k = counts[i] ?? 0;
      f.interpretUnits += k * r.weight;
      f.chars += k * r.chars;
      r.nodes.forEach((x, j) => (nodes[j] += k * x));
      if (storage) {
        f.storageUnits += k * r.weight;
        f.storageChars += k * r.chars;
      }
      calls += k * r.calls;
      if (r.kind === 'entry') {
        f.jsCalls += k;
        if (storage) f.storageJsCalls += k;
      }
      if (r.kind === 'statement') f.statements += k;
      if (r.kind === 'iteration') f.loopIterations += k;
    });
  }
  f.nativeCalls = Math.max(0, calls - f.jsCalls);
  return {
    ...f,
    nodes,
    convolveElements: helpers.convolveElements + helpers.sumElements,
    storageConvolveElements: helpers.storageConvolveElements,
    convolveOffsets: helpers.convolveOffsets,
    storageConvolveOffsets: helpers.storageConvolveOffsets,
    convolveCalls: helpers.convolveCalls,
    mapElements: helpers.mapElements,
  };
}

/**
 * Totals the counts of one or more instrumented scripts run in the same context; `storageMapped`
 * false: the scripts loaded from Storage files run from a Storage that is not memory-mapped.
 */
export function tallyCost(parts: CountedScript[], helpers: HelperCounts, storageMapped = true): CostBreakdown {
  const { statements, loopIterations, ...features } = countFeatures(parts, helpers);
  const [statement, identifier, operator, offsets, unmappedCode, unmappedOffsets, unmappedElements] = featureTerms(features, !storageMapped);
  const priced = {
    interpret: statement + identifier + operator,
    helperElements: offsets + fixedCost(features),
    unmapped: unmappedCode + unmappedOffsets + unmappedElements,
    nativeCode: helpers.nativeInstructions,
  };
  return {
    total: priced.interpret + priced.helperElements + priced.unmapped + priced.nativeCode,
    ...priced,
    jsCalls: features.jsCalls,
    nativeCalls: features.nativeCalls,
    statements,
    loopIterations,
    features,
  };
}
