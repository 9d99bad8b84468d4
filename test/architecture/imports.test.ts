// The import-direction test: every import of the source tree (static and type imports, export-from,
// require(), dynamic import(), and file paths handed to workers or child processes) points down the
// layer map of ./layer-map.ts or stays inside its own part of a floor, and no import closes a cycle.
// The README's layout picture must be the one rendered from the same map.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LAYER_MAP, placeOf, renderLayerMap } from './layer-map';

const ROOT = path.resolve(__dirname, '..', '..');
const SOURCE_ROOTS = ['index.ts', 'bin', 'compiler', 'runtime', 'targets', 'bench'];
const IGNORED = new Set(['targets/espruino/device/tinyrnn_rt.js']); // built from device/runtime.ts; imports nothing

function walk(rel: string, out: string[]): void {
  const abs = path.join(ROOT, rel);
  if (!fs.existsSync(abs)) return;
  if (fs.statSync(abs).isDirectory()) {
    for (const e of fs.readdirSync(abs).sort()) if (e !== 'node_modules') walk(path.posix.join(rel, e), out);
  } else if (/\.(ts|js)$/.test(rel) && !IGNORED.has(rel)) out.push(rel);
}

export function sourceFiles(): string[] {
  const out: string[] = [];
  for (const r of SOURCE_ROOTS) walk(r, out);
  return out;
}

function resolveFile(p: string): string | null {
  // The launcher (bin/tinyrnn.js) loads the built file: dist/X.js stands for the source X.ts.
  if (p.startsWith('dist/')) p = p.slice(5).replace(/\.js$/, '');
  for (const c of [p, p + '.ts', p + '.js', p + '/index.ts', p + '/index.js'])
    if (fs.existsSync(path.join(ROOT, c)) && fs.statSync(path.join(ROOT, c)).isFile()) return c;
  return null;
}

const MODULE_RE = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]*|\.{1,2})['"]/gm;
const PATH_CALL_RE = /path\.(?:join|resolve)\(\s*(__dirname|packageRoot\(\))\s*,([^)]*)\)/g;
const STRING_RE = /['"]([^'"]+)['"]/g;

/** Every file a source file depends on: module specifiers, and code files named in path.join(__dirname | packageRoot(), ...). */
export function dependencies(file: string): { to: string; how: string }[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const dir = path.posix.dirname(file);
  const out: { to: string; how: string }[] = [];
  for (const m of text.matchAll(MODULE_RE)) {
    const to = resolveFile(path.posix.normalize(path.posix.join(dir, m[1])));
    if (!to) throw new Error(`${file}: import '${m[1]}' does not resolve to a file`);
    out.push({ to, how: `import '${m[1]}'` });
  }
  for (const m of text.matchAll(PATH_CALL_RE)) {
    const base = m[1] === '__dirname' ? dir : '.';
    const literals = [...m[2].matchAll(STRING_RE)].map((s) => s[1]);
    const codeFiles = literals.filter((s) => /\.(ts|js)$/.test(s));
    for (const f of codeFiles) {
      const folders = literals.filter((s) => !/\.(ts|js)$/.test(s));
      const to = resolveFile(path.posix.normalize(path.posix.join(base, ...folders, f)));
      if (to) out.push({ to, how: `file path '${f}'` });
    }
  }
  return out;
}

function findCycles(graph: Map<string, string[]>): string[][] {
  // Tarjan's strongly connected components, iterative (no recursion on the graph).
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  for (const start of graph.keys()) {
    if (idx.has(start)) continue;
    const work: { v: string; i: number }[] = [{ v: start, i: 0 }];
    idx.set(start, index);
    low.set(start, index++);
    stack.push(start);
    onStack.add(start);
    while (work.length) {
      const top = work[work.length - 1];
      const next = graph.get(top.v) ?? [];
      if (top.i < next.length) {
        const w = next[top.i++];
        if (!idx.has(w)) {
          idx.set(w, index);
          low.set(w, index++);
          stack.push(w);
          onStack.add(w);
          work.push({ v: w, i: 0 });
        } else if (onStack.has(w)) low.set(top.v, Math.min(low.get(top.v)!, idx.get(w)!));
        continue;
      }
      work.pop();
      if (work.length) low.set(work[work.length - 1].v, Math.min(low.get(work[work.length - 1].v)!, low.get(top.v)!));
      if (low.get(top.v) === idx.get(top.v)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
        } while (w !== top.v);
        if (comp.length > 1 || (graph.get(top.v) ?? []).includes(top.v)) cycles.push(comp.sort());
      }
    }
  }
  return cycles;
}

describe('import direction', () => {
  const files = sourceFiles();
  const graph = new Map<string, string[]>();
  const edges: { from: string; to: string; how: string }[] = [];
  for (const f of files) {
    const deps = dependencies(f);
    graph.set(
      f,
      deps.map((d) => d.to),
    );
    for (const d of deps) edges.push({ from: f, ...d });
  }

  test('every source file has a place on the layer map', () => {
    expect(files.filter((f) => !placeOf(f))).toEqual([]);
    expect(files.length).toBeGreaterThan(100);
  });

  test('no import points upward or sideways between the parts of a floor', () => {
    const bad: string[] = [];
    for (const e of edges) {
      const a = placeOf(e.from)!;
      const b = placeOf(e.to);
      if (!b) {
        bad.push(`${e.from} -> ${e.to} (${e.how}): the target is outside the layer map`);
        continue;
      }
      if (b.floor > a.floor) bad.push(`${e.from} (floor ${a.floor}) -> ${e.to} (floor ${b.floor}, ${e.how}): points upward`);
      else if (b.floor === a.floor && b.part !== a.part) bad.push(`${e.from} (${a.part}) -> ${e.to} (${b.part}, ${e.how}): crosses parts of floor ${a.floor}`);
    }
    expect(bad).toEqual([]);
  });

  test('no import cycle', () => {
    expect(findCycles(graph)).toEqual([]);
  });

  test('the checker sees require(), dynamic import() and worker paths', () => {
    const fleet = dependencies('runtime/sim/fleet.ts').map((d) => d.to);
    expect(fleet).toContain('runtime/sim/worker.ts');
    expect(
      findCycles(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
          ['d', ['d']],
        ]),
      ),
    ).toHaveLength(2);
    expect(placeOf('compiler/core/ir/model.ts')).toEqual({ floor: 1, part: 'compiler/core' });
    expect(placeOf('compiler/train/net.ts')).toEqual({ floor: 3, part: 'compiler' });
    expect(placeOf('compiler/layers/lstm/ir.ts')).toEqual({ floor: 1, part: 'compiler/core' });
    expect(placeOf('compiler/layers/reference.ts')).toEqual({ floor: 1, part: 'compiler/core' });
    expect(placeOf('compiler/layers/lstm/train.ts')).toEqual({ floor: 3, part: 'compiler' });
    expect(placeOf('compiler/layers/lstm/c.ts')).toEqual({ floor: 3, part: 'targets' });
    expect(placeOf('compiler/layers/espruino.ts')).toEqual({ floor: 3, part: 'targets' });
    expect(placeOf('compiler/layers/lstm/golden.ts')).toEqual({ floor: 4, part: 'runtime' });
    expect(placeOf('compiler/layers/lstm/sub/c.ts')).toEqual({ floor: 3, part: 'compiler' });
  });

  test("the README's layout picture is the layer map", () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const m = /<!-- layer-map:begin -->\n([\s\S]*?)\n<!-- layer-map:end -->/.exec(readme);
    expect(m && m[1]).toBe(renderLayerMap());
    expect(LAYER_MAP.map((f) => f.floor)).toEqual([...LAYER_MAP.map((f) => f.floor)].sort((a, b) => a - b));
  });
});
