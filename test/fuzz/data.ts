// Data inputs (JSON and CSV): small valid datasets, mutated as trees or as text, plus bulk shapes
// that legitimate data can have (many sequences, many labels) and hostile ones (huge label
// indices, float32 overflow, deep nesting).

import { Rng } from '../../compiler/core/util/rng';
import { EXTREME_NUMBERS, mutateBytes, mutateTree, pick } from './mutate';

export interface DataInput {
  name: string;
  text: string;
}

function smallDoc(rng: Rng): Record<string, unknown> {
  const N = 1 + rng.int(4);
  const F = 1 + rng.int(3);
  const labels = ['a', 'b', 'c'];
  const x = Array.from({ length: N }, () => Array.from({ length: 1 + rng.int(4) }, () => Array.from({ length: F }, () => rng.uniform(-2, 2))));
  const doc: Record<string, unknown> = { x, features: Array.from({ length: F }, (_, i) => `f${i}`) };
  const task = rng.int(3);
  if (task === 0) doc.y = x.map(() => pick(rng, labels));
  else if (task === 1) doc.y = x.map(() => rng.int(3));
  else doc.y = x.map((s) => s.map(() => [rng.uniform(-1, 1)]));
  if (rng.int(2)) doc.labels = labels;
  if (rng.int(2)) doc.sampleRate = 50;
  return doc;
}

/** Shapes whose size is the point: 200,000 labels in one sequence, thousands of distinct names,
 * and a first time step of n features followed by n empty steps (n x n floats, were they allocated). */
const BULK: ((n: number) => Record<string, unknown>)[] = [
  (n) => ({ x: [[[0]]], y: [Array.from({ length: n }, (_, i) => i)] }),
  (n) => ({ x: Array.from({ length: n }, (_, i) => [[i % 7]]), y: Array.from({ length: n }, (_, i) => i % 5) }),
  (n) => ({ x: Array.from({ length: n }, () => [[0]]), y: Array.from({ length: n }, (_, i) => `c${i}`), labels: ['c0'] }),
  (n) => ({ x: [[new Array(n).fill(0), ...new Array(n - 1).fill([])]] }),
  (n) => ({ x: [new Array(n).fill([0])], y: [[new Array(n).fill(0), ...new Array(n - 1).fill([])]] }),
];

function bulkDoc(rng: Rng): Record<string, unknown> {
  if (rng.int(5) === 0) return { x: [[[0]]], y: [pick(rng, [2 ** 31, 2 ** 32, 1e10, 2 ** 53])] };
  return pick(rng, BULK)(pick(rng, [1000, 20000, 200000]));
}

/** Every bulk shape at size n, as JSON text. */
export function jsonBulk(n: number): string[] {
  return BULK.map((b) => JSON.stringify(b(n)));
}

function deepText(rng: Rng): string {
  const d = pick(rng, [1000, 100000]);
  return `{"x":${'['.repeat(d)}${']'.repeat(d)}}`;
}

export function jsonInput(rng: Rng): DataInput {
  // bulk inputs are slow to generate and load: rare enough to keep the run at thousands per second
  const op = rng.int(400);
  if (op === 0) return { name: 'bulk.json', text: JSON.stringify(bulkDoc(rng)) };
  if (op < 10) return { name: 'deep.json', text: deepText(rng) };
  const doc = smallDoc(rng);
  const textual = op < 60;
  if (!textual) mutateTree(rng, doc, () => pick(rng, EXTREME_NUMBERS));
  // JSON has no NaN/Infinity: write them as the literals a hand-edited file might hold
  const text = JSON.stringify(doc, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? `@@${v}@@` : v)).replace(/"@@(.*?)@@"/g, '$1');
  if (!textual) return { name: 'data.json', text };
  return { name: 'data.json', text: Buffer.from(mutateBytes(rng, Buffer.from(text))).toString('utf8') };
}

const CSV_CELLS = ['1e39', '-1e39', 'inf', '-Infinity', 'NaN', '', '0x10', '1e400', '3.4', '4294967296', '-5', '"q""x"', '1,2'];

export function csvInput(rng: Rng): DataInput {
  const F = 1 + rng.int(3);
  const header = ['seq', rng.int(4) ? 'label' : 'target', ...Array.from({ length: F }, (_, i) => `f${i}`)];
  const rows = [header.join(',')];
  const N = rng.int(600) === 0 ? pick(rng, [5000, 50000]) : 1 + rng.int(5);
  for (let n = 0; n < N; n++) {
    const T = 1 + rng.int(3);
    const label = N > 100 ? `c${n}` : pick(rng, ['a', 'b', '0', '1']);
    for (let t = 0; t < T; t++) rows.push([String(n), label, ...Array.from({ length: F }, () => rng.uniform(-2, 2).toFixed(3))].join(','));
  }
  const edits = 1 + rng.int(3);
  for (let k = 0; k < edits; k++) {
    const r = 1 + rng.int(rows.length - 1);
    const cells = rows[r].split(',');
    const op = rng.int(4);
    if (op === 0) cells.splice(rng.int(cells.length), 0, '1');
    else if (op === 1 && cells.length > 1) cells.splice(rng.int(cells.length), 1);
    else cells[rng.int(cells.length)] = pick(rng, CSV_CELLS);
    rows[r] = cells.join(',');
  }
  const text = rows.join(rng.int(2) ? '\n' : '\r\n');
  if (rng.int(5)) return { name: 'data.csv', text };
  return { name: 'data.csv', text: Buffer.from(mutateBytes(rng, Buffer.from(text))).toString('utf8') };
}
