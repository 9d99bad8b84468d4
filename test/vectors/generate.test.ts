// The golden vectors are committed; this test regenerates them in memory and requires the
// committed files to be byte-identical (and nothing stale to lie around), so a change in the
// arithmetic or the quantiser cannot slip through without `npm run vectors`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderAll } from '../../runtime/vectors/golden';
import { decodeQuantModel } from '../../compiler/core/ir/format';
import { QUANT_SPEC_VERSION } from '../../compiler/core/spec/spec';

const DIR = __dirname;
const all = renderAll();

function listFiles(dir: string, base = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = base ? `${base}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(path.join(dir, e.name), rel));
    else out.push(rel);
  }
  return out;
}

test('regenerating gives the committed bytes, file by file', () => {
  const stale: string[] = [];
  for (const [rel, bytes] of all) {
    const file = path.join(DIR, rel);
    if (!fs.existsSync(file)) {
      stale.push(`${rel}: missing`);
      continue;
    }
    const have = fs.readFileSync(file);
    if (Buffer.compare(have, Buffer.from(bytes)) !== 0) stale.push(`${rel}: differs (${have.length} bytes committed, ${bytes.length} generated)`);
  }
  if (stale.length) throw new Error(`golden vectors are out of date (run npm run vectors and review the diff):\n${stale.join('\n')}`);
});

test('rendering twice gives identical bytes (the generator is deterministic)', () => {
  const again = renderAll();
  expect([...again.keys()]).toEqual([...all.keys()]);
  for (const [rel, b] of again) expect(Buffer.compare(Buffer.from(b), Buffer.from(all.get(rel) as Uint8Array))).toBe(0);
});

test('no stray files: everything under test/vectors is generated (or this README, or a test)', () => {
  const extra = listFiles(DIR).filter((f) => !all.has(f) && f !== 'README.md' && !f.endsWith('.test.ts'));
  expect(extra).toEqual([]);
});

test('the vectors cover every layer kind and variant, stay small, and agree with their models', () => {
  let total = 0;
  for (const b of all.values()) total += b.length;
  console.log(`golden vectors: ${all.size} files, ${total} bytes`);
  expect(total).toBeLessThan(3 * 1024 * 1024);
  const kinds = new Set<string>();
  const index = JSON.parse(new TextDecoder().decode(all.get('index.json')));
  let longest = 0;
  for (const { name } of index) {
    const q = decodeQuantModel(all.get(`${name}/model.q.tnn`) as Uint8Array);
    const json = JSON.parse(new TextDecoder().decode(all.get(`${name}/model.json`)));
    const v = JSON.parse(new TextDecoder().decode(all.get(`${name}/vectors.json`)));
    expect(v.specVersion).toBe(QUANT_SPEC_VERSION);
    expect(json.specVersion).toBe(QUANT_SPEC_VERSION);
    // model.json is the same model as model.q.tnn
    expect(json.layers.length).toBe(q.layers.length);
    expect(json.input.m).toEqual(Array.from(q.input.m));
    for (const s of v.sequences) {
      longest = Math.max(longest, s.raw.length);
      // one row per step, or one row of final states (output mode 'final')
      expect(s.outputs.length).toBe(q.output === 'final' ? 1 : s.raw.length);
      for (const o of s.outputs) expect(o.length).toBe(q.outputSize);
    }
    for (const l of q.layers) {
      const cells = l.kind === 'bidirectional' ? [l.forward, l.backward] : l.kind === 'reverse' ? [l.cell] : [l];
      if (l.kind === 'bidirectional') kinds.add(`bidirectional-${l.forward.kind}`);
      if (l.kind === 'reverse') kinds.add(`reverse-${l.cell.kind}`);
      for (const c of cells) {
        if (c.kind === 'elman') kinds.add(`elman-${c.activation}${c.clip ? '-clip' : ''}`);
        else if (c.kind === 'gru') kinds.add(`gru-${c.resetAfter ? 'after' : 'before'}`);
        else if (c.kind === 'lstm') kinds.add(`lstm${c.clip ? '-clip' : ''}`);
        else if (c.kind === 'jordan') kinds.add(`jordan-${c.outActivation}-${c.outType}${l === q.layers[0] ? '-first' : ''}`);
        else if (c.kind === 'pool') kinds.add(`pool-${c.segments}`);
        else if (c.kind === 'lsm') kinds.add('lsm');
        else kinds.add(`dense-${c.activation}-${c.outType}`);
      }
    }
    if (q.layers.filter((l) => l.kind !== 'dense').length > 1) kinds.add('stacked');
    for (const seg of q.doc.outputSegments ?? []) kinds.add(`final-${seg.part}-${seg.direction}`);
  }
  for (const k of ['elman-tanh', 'elman-relu', 'elman-relu-clip', 'lstm', 'lstm-clip', 'gru-after', 'gru-before', 'bidirectional-lstm', 'bidirectional-gru', 'reverse-lstm', 'reverse-gru', 'reverse-elman', 'stacked',
    'final-h-forward', 'final-h-backward', 'final-c-forward', 'final-c-backward',
    'jordan-none-s16-first', 'jordan-tanh-s8-first', 'jordan-relu-s8-first', 'jordan-sigmoid-s8',
    'dense-none-s16', 'dense-relu-s16', 'dense-tanh-s16', 'dense-sigmoid-s16', 'dense-softmax-s16', 'dense-relu-s8', 'dense-tanh-s8', 'dense-sigmoid-s8']) {
    expect(kinds).toContain(k);
  }
  expect(longest).toBeGreaterThanOrEqual(1000);
});
