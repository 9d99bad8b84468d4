// The layer map of tinyrnn's source tree, written once: the import-direction test checks the code
// against it, and the README's layout picture is rendered from it (the test fails when the two
// differ). Floors are listed bottom to top. A file may import files on a lower floor, or files in
// its own part of its own floor; two parts of one floor never import each other (the host stages
// and the code generators stand side by side). No import cycle is allowed anywhere.
//
// A layer kind lives in one folder, compiler/layers/<kind>/, with one file per stage named after
// the stage (ir.ts, reference.ts, float.ts, train.ts, quant.ts, c.ts, espruino.ts, golden.ts), and
// each stage's registry is compiler/layers/<stage>.ts. A kind's file sits on its stage's floor and
// part, so the stage rule holds inside a kind's folder too (its C emitter cannot import its trainer).
// compiler/layers/cell/ holds what the three gated cells (Elman, LSTM, GRU) share, by the same names.

export interface LayerPart {
  /**
   * Path prefixes (a folder ends with '/'; a file is named whole; '*' stands for one folder name).
   * The longest match wins.
   */
  paths: string[];
  name: string;
  what: string;
}
export interface Floor {
  floor: number;
  parts: LayerPart[];
}

/** A stage's files in the kind folders and its registry: compiler/layers/<kind>/<stage>.ts and compiler/layers/<stage>.ts. */
function kindStage(stage: string): string[] {
  return [`compiler/layers/*/${stage}.ts`, `compiler/layers/${stage}.ts`];
}

export const LAYER_MAP: Floor[] = [
  {
    floor: 1,
    parts: [
      {
        paths: ['compiler/core/', ...kindStage('ir'), ...kindStage('reference')],
        name: 'compiler/core',
        what: "the arithmetic spec and fixed-point primitives, the model IR and .tnn format, the reference kernels (the executable definition); each kind's ir.ts and reference.ts",
      },
    ],
  },
  {
    floor: 3,
    parts: [
      {
        paths: ['compiler/'],
        name: 'compiler',
        what: "host stages: data, float inference, training, ONNX import, quantisation, reservoirs; each kind's float.ts, train.ts, quant.ts",
      },
      {
        paths: ['targets/', ...kindStage('c'), ...kindStage('espruino')],
        name: 'targets',
        what: "code generators: C, Espruino JS (and its device runtime), board profiles; each kind's c.ts, espruino.ts",
      },
    ],
  },
  {
    floor: 4,
    parts: [
      {
        paths: ['runtime/', ...kindStage('golden')],
        name: 'runtime',
        what: "tools that run built models: the device simulator, flashing a board, the golden-vector generator; each kind's golden.ts",
      },
    ],
  },
  {
    floor: 5,
    parts: [{ paths: ['bin/', 'index.ts'], name: 'bin, index.ts', what: 'the command line (its commands and compile adapters), the demo, the public API' }],
  },
  { floor: 6, parts: [{ paths: ['bench/'], name: 'bench', what: 'benchmarks (import anything, imported by nothing)' }] },
];

function matches(file: string, prefix: string): boolean {
  if (prefix.includes('*')) {
    const want = prefix.split('/');
    const got = file.split('/');
    return want.length === got.length && want.every((w, i) => w === '*' || w === got[i]);
  }
  return prefix.endsWith('/') ? file.startsWith(prefix) : file === prefix;
}

/** The floor and part of a repository path, or null when the path is outside the map (tests, examples). */
export function placeOf(file: string): { floor: number; part: string } | null {
  let best: { floor: number; part: string; len: number } | null = null;
  for (const f of LAYER_MAP)
    for (const p of f.parts)
      for (const prefix of p.paths) {
        const hit = matches(file, prefix);
        if (hit && (!best || prefix.length > best.len)) best = { floor: f.floor, part: p.name, len: prefix.length };
      }
  return best && { floor: best.floor, part: best.part };
}

/** The picture the README's layout section shows (between its layer-map markers). */
export function renderLayerMap(): string {
  const lines: string[] = ['```', 'imports point down only; parts side by side on one floor never import each other', ''];
  for (const f of [...LAYER_MAP].reverse()) {
    const cells = f.parts.map((p) => `[ ${p.name} ]`).join('   ');
    lines.push(`${f.floor}  ${cells}`);
    for (const p of f.parts) lines.push(`     ${p.name}: ${p.what}`);
    if (f.floor > 1) lines.push('     |');
  }
  lines.push('```');
  return lines.join('\n');
}
