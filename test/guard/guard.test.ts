// The refactoring guard: a SHA-256 of every file the code generators write for every golden
// vector, in every layout and build configuration (C: plain, arduino, platformio; Espruino:
// Puck.js and Bangle.js 2, loop and unrolled kernels, inline and Storage weights, plain and
// minified), compared with the committed snapshot. A change to generated code shows up here as
// the exact case, configuration and file that moved. After a deliberate change, regenerate with
//   TINYRNN_UPDATE_GUARD=1 npx jest test/guard
// and commit the snapshot on its own, with the golden vectors still exact on every backend.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadQuantModel } from '../../compiler/core/ir/format';
import { C_LAYOUTS, generateC } from '../../targets/c/emit';
import { buildEspruino } from '../../targets/espruino/target';

const VECTORS = path.resolve(__dirname, '..', 'vectors');
const SNAPSHOT = path.join(__dirname, 'snapshot.json');

const sha = (b: Uint8Array | string): string => crypto.createHash('sha256').update(b).digest('hex').slice(0, 24);

function caseEntries(name: string): [string, string][] {
  const m = loadQuantModel(path.join(VECTORS, name, 'model.q.tnn'));
  const out: [string, string][] = [];
  for (const layout of C_LAYOUTS) {
    const gen = generateC(m, { prefix: 'm', layout });
    for (const f of gen.files) out.push([`${name}/c-${layout}/${f.path}`, sha(f.text)]);
  }
  for (const board of ['PUCKJS', 'BANGLEJS2'])
    for (const kernel of ['loop', 'unrolled'] as const)
      for (const weights of ['inline', 'storage'] as const)
        for (const minify of [false, true]) {
          const cfg = `${name}/esp-${board}-${kernel}-${weights}${minify ? '-min' : ''}`;
          try {
            const b = buildEspruino(m, { board, kernel, weights, minify, name: 'm' });
            for (const f of b.files) out.push([`${cfg}/${f.local}`, sha(f.bytes)]);
          } catch (e) {
            const code = (e as { code?: string }).code ?? 'error';
            out.push([`${cfg}/refused`, `${code}: ${sha((e as Error).message)}`]);
          }
        }
  return out;
}

describe('generated-code guard', () => {
  const index = JSON.parse(fs.readFileSync(path.join(VECTORS, 'index.json'), 'utf8')) as { name: string }[];
  const current: Record<string, string> = {};
  for (const c of index) for (const [k, v] of caseEntries(c.name)) current[k] = v;

  if (process.env.TINYRNN_UPDATE_GUARD === '1') {
    fs.writeFileSync(SNAPSHOT, JSON.stringify(current, null, 1) + '\n');
  }
  const snapshot = JSON.parse(fs.readFileSync(SNAPSHOT, 'utf8')) as Record<string, string>;

  test('covers every golden vector in every configuration', () => {
    for (const c of index) expect(Object.keys(snapshot).some((k) => k.startsWith(`${c.name}/esp-BANGLEJS2-unrolled-storage-min/`))).toBe(true);
    expect(Object.keys(current).length).toBeGreaterThan(index.length * 19);
  });

  test.each(index.map((c) => c.name))('%s: every generated file is byte-identical to the snapshot', (name) => {
    const pick = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).filter(([k]) => k.startsWith(name + '/')));
    expect(pick(current)).toEqual(pick(snapshot));
  });
});
