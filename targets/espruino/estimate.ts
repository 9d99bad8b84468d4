// Memory estimate for an Espruino board, before anything is flashed: JsVar blocks (RAM) from the
// board's block size and variable count, and Storage bytes. The block model is memory.ts (fitted
// to measurements); the estimate is checked against the sandbox's allocation account in the
// tests (test/targets/espruino/estimate.test.ts).
import * as acorn from 'acorn';
import { BoardProfile, espruinoProfile } from '../boards';
import { GeneratedModule, WeightsMode } from './generate';
import {
  VIEW_BLOCKS,
  TO_ARRAY_BUFFER_BLOCKS,
  codeBlocks,
  plainArrayBlocks,
  STORAGE_BUFFER_BLOCKS,
  storageFileBytes,
  stringBlocks,
  typedArrayBlocks,
} from './memory';
import { Diagnostic, TinyrnnError } from '../../compiler/core/ir/errors';

/** Share of the pool a model may take: the rest is the interpreter's and the app's working room. */
export const MAX_POOL_SHARE = 0.9;
/** Blocks the firmware itself uses after boot (measured order of magnitude on nRF52 boards). */
export const FIRMWARE_BLOCKS = 150;

export interface MemoryItem {
  what: string;
  blocks: number;
}

export interface MemoryEstimate {
  board: string;
  blockSize: number;
  variables: number;
  /** Blocks in use once the app runs (steady state), itemised. */
  items: MemoryItem[];
  steadyBlocks: number;
  /** Highest use while loading (the base64 text and its decoded copy coexist for inline weights). */
  peakBlocks: number;
  steadyBytes: number;
  /** Blocks the model may use (MAX_POOL_SHARE of the pool) and what is left after the peak. */
  budgetBlocks: number;
  headroomBlocks: number;
  headroomPercent: number;
  storage: { files: { name: string; bytes: number }[]; bytes: number; capacity: number; headroomBytes: number };
  fits: boolean;
  /**
   * Echo state network reservoirs regenerated at load from their seed: bytes of int8 weights not
   * stored in the weights (inline or Storage), and the same bytes as Int8Arrays in RAM.
   */
  reservoir?: { savedBytes: number; ramBytes: number };
}

export interface CodeFile {
  name: string;
  text: string;
}

/** Functions (and arrow functions) in a source text: each costs the interpreter a few blocks. */
export function countFunctions(src: string): number {
  let n = 0;
  try {
    for (const t of acorn.tokenizer(src, { ecmaVersion: 2020 })) if (t.type.label === 'function' || t.type.label === '=>') n++;
  } catch {
    n = (src.match(/function\b|=>/g) ?? []).length;
  }
  return n;
}

/** The code text whose functions the estimate counts: the base64 literal of inline weights is counted with the weights. */
export function codeText(text: string, weights: WeightsMode): string {
  return weights === 'inline' ? text.replace(/atob\("[^"]*"\)/g, 'atob("")') : text;
}

export function estimateMemory(
  board: BoardProfile,
  gen: GeneratedModule,
  weights: WeightsMode,
  code: CodeFile[],
  labels: string[],
  features: string[],
  dataFiles: { name: string; bytes: number }[] = [],
): MemoryEstimate {
  const p = espruinoProfile(board);
  const bs = p.blockSize;
  const items: MemoryItem[] = [];
  items.push({ what: 'firmware after boot', blocks: FIRMWARE_BLOCKS });
  let transient = 0;
  for (const b of gen.blobs) {
    if (weights === 'inline') {
      items.push({
        what: `weights ${b.id} (${b.bytes.length} B decoded from base64 in RAM)`,
        blocks: stringBlocks(b.bytes.length, bs) + TO_ARRAY_BUFFER_BLOCKS,
      });
      transient = Math.max(transient, stringBlocks(Math.ceil(b.bytes.length / 3) * 4, bs));
    } else {
      items.push({
        what: `weights ${b.id} (${b.bytes.length} B in Storage${p.storageMapped ? ', mapped: stays in flash' : ', read from Storage on demand'})`,
        blocks: STORAGE_BUFFER_BLOCKS,
      });
    }
  }
  items.push({ what: `${gen.views} typed-array views on the weights`, blocks: gen.views * VIEW_BLOCKS });
  const state = gen.view.ramArrays.reduce((s, a) => s + typedArrayBlocks(a.bytes, bs), 0);
  const stateBytes = gen.view.ramArrays.reduce((s, a) => s + a.bytes, 0);
  items.push({
    what: `state and scratch arrays (${gen.view.ramArrays.length}, ${stateBytes} B)`,
    blocks: state + typedArrayBlocks(gen.view.F, bs) + typedArrayBlocks(gen.view.O * 2, bs),
  });
  const rsv = gen.view.reservoirs;
  const rsvBytes = rsv.reduce((n, r) => n + r.bytes, 0);
  if (rsv.length) {
    items.push({
      what: `reservoir weights regenerated at load (${rsv.length * 2} Int8Arrays, ${rsvBytes} B not stored in the weights)`,
      blocks: rsv.reduce((n, r) => n + typedArrayBlocks(r.H * r.H, bs) + typedArrayBlocks(r.H * r.I, bs), 0),
    });
  }
  const fields = gen.view.layers.reduce((s, l) => s + l.fields.length + (l.fwd ? l.fwd.fields.length + (l.bwd?.fields.length ?? 0) : 0), 0);
  items.push({ what: `layer descriptors (${gen.view.layers.length} objects, ${fields} fields)`, blocks: 2 * fields + 3 * gen.view.layers.length });
  const strings = [...labels, ...features];
  items.push({
    what: 'labels and feature names',
    blocks: plainArrayBlocks(labels.length) + plainArrayBlocks(features.length) + strings.reduce((s, x) => s + stringBlocks(x.length, bs), 0),
  });
  for (const c of code) {
    const text = codeText(c.text, weights);
    items.push({
      what: `code ${c.name} (${c.text.length} chars${p.storageMapped ? ', in flash' : ', read from Storage as it runs'})`,
      blocks: codeBlocks(countFunctions(text)),
    });
  }
  const files: { name: string; bytes: number }[] = code.map((c) => ({ name: c.name, bytes: Buffer.byteLength(c.text, 'latin1') }));
  if (weights === 'storage') for (const b of gen.blobs) files.push({ name: b.storageName, bytes: b.bytes.length });
  // Files that only take Storage (the Bangle.js launcher entry).
  files.push(...dataFiles);
  return { ...summarizeEstimate(board, items, transient, files), ...(rsv.length ? { reservoir: { savedBytes: rsvBytes, ramBytes: rsvBytes } } : {}) };
}

/** The totals, budget, headroom and Storage of an estimate from its RAM items, the load-time extra and its Storage files. */
export function summarizeEstimate(board: BoardProfile, items: MemoryItem[], transient: number, files: { name: string; bytes: number }[]): MemoryEstimate {
  const p = espruinoProfile(board);
  const steadyBlocks = items.reduce((s, i) => s + i.blocks, 0);
  const peakBlocks = steadyBlocks + transient;
  const budgetBlocks = Math.floor(p.variables * MAX_POOL_SHARE);
  const storageBytes = files.reduce((s, f) => s + storageFileBytes(f.bytes), 0);
  return {
    board: board.id,
    blockSize: p.blockSize,
    variables: p.variables,
    items,
    steadyBlocks,
    peakBlocks,
    steadyBytes: steadyBlocks * p.blockSize,
    budgetBlocks,
    headroomBlocks: p.variables - peakBlocks,
    headroomPercent: Math.round((1000 * (p.variables - peakBlocks)) / p.variables) / 10,
    storage: { files, bytes: storageBytes, capacity: p.storageBytes, headroomBytes: p.storageBytes - storageBytes },
    fits: peakBlocks <= budgetBlocks && storageBytes <= p.storageBytes,
  };
}

export function formatEstimate(e: MemoryEstimate, boardName: string): string {
  const lines = [`memory on ${boardName} (${e.variables} blocks of ${e.blockSize} B):`];
  for (const i of e.items) lines.push(`  ${String(i.blocks).padStart(6)}  ${i.what}`);
  lines.push(`  ${String(e.steadyBlocks).padStart(6)}  total running (${e.steadyBytes} B), peak while loading ${e.peakBlocks}`);
  lines.push(
    `  headroom ${e.headroomBlocks} blocks (${e.headroomPercent}%); a model may take ${e.budgetBlocks} (${Math.round(MAX_POOL_SHARE * 100)}% of the pool)`,
  );
  if (e.reservoir)
    lines.push(
      `reservoir regenerated from its seed at load: ${e.reservoir.savedBytes} B of int8 weights not stored, ${e.reservoir.ramBytes} B of Int8Arrays in RAM`,
    );
  lines.push(`storage: ${e.storage.bytes} B in ${e.storage.files.length} files of ${e.storage.capacity} B (${e.storage.headroomBytes} B left)`);
  return lines.join('\n');
}

/** Refuses a model that does not fit, with the numbers. */
export function assertFits(e: MemoryEstimate, boardName: string): void {
  const problems: Diagnostic[] = [];
  if (e.peakBlocks > e.budgetBlocks) {
    problems.push({
      code: 'ESP301',
      path: '--board',
      message: `the model needs about ${e.peakBlocks} memory blocks on ${boardName} (peak), more than the ${e.budgetBlocks} it may use (${Math.round(MAX_POOL_SHARE * 100)}% of ${e.variables})`,
      value: e.peakBlocks,
      expected: `at most ${e.budgetBlocks} blocks`,
      hint: 'use --weights storage on a board with memory-mapped flash, a smaller hidden size, or a board with more RAM (e.g. BANGLEJS2)',
    });
  }
  if (e.storage.bytes > e.storage.capacity) {
    problems.push({
      code: 'ESP302',
      path: '--board',
      message: `the files need ${e.storage.bytes} bytes of Storage on ${boardName}, which has ${e.storage.capacity}`,
      value: e.storage.bytes,
      expected: `at most ${e.storage.capacity} bytes`,
      hint: 'use --weights inline and --minify, or a smaller model',
    });
  }
  if (problems.length) throw new TinyrnnError(problems);
}
