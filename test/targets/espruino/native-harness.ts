// Test helpers for native Espruino blobs: the golden-vector cases, a C harness that loads blobs at
// several addresses and calls them as E.nativeCall does, and the comparison of what it prints with
// the vectors, reporting like `lstm_h4 @ram4 step seq 1 t 3: got [..], want [..]`.
import * as path from 'node:path';
import { loadVectorCases } from '../../../runtime/vectors/load';
import { emptyCell, emptyDense } from '../../../compiler/core/ir/model';
import { QuantModel } from '../../../compiler/core/ir/quant-model';
import { rawSequence, runQuant } from '../../../compiler/core/reference';
import { Rng } from '../../../compiler/core/util/rng';
import { gesturesDataset } from '../../../compiler/data/builtin/gestures';
import { fitEsn } from '../../../compiler/esn/esn';
import { esnFloatModel } from '../../../compiler/esn/model';
import { quantizeModel } from '../../../compiler/quant/quantize';
import { NativeBlob } from '../../../targets/espruino/native/build';
import { readHeader } from '../../../targets/espruino/native/header';
import { nativeFinalSize } from '../../../targets/espruino/native/module';

const VECTORS = path.resolve(__dirname, '..', '..', 'vectors');

export interface NativeCase {
  name: string;
  streaming: boolean;
  model: QuantModel;
  /** final: the final states beside the output after the sequence (a model that has them). */
  sequences: { raw: number[][]; outputs: number[][]; final?: number[] }[];
}

export function nativeVectorCases(): NativeCase[] {
  return loadVectorCases(VECTORS).map((c) => ({ name: c.name, streaming: c.streaming, model: c.model, sequences: c.vectors.sequences }));
}

/**
 * A regenerated reservoir before a bidirectional GRU (whole sequences only), which no golden vector
 * has: the reservoir in the state on the whole-sequence path. The reference gives the outputs.
 */
export function esnBidirCase(): NativeCase {
  const data = gesturesDataset({ n: 40, length: 16, users: 4, seed: 5, noise: 1 });
  const fit = fitEsn(data, { units: 12, spectralRadius: 0.9, inputScaling: 0.5, sparsity: 0.7, leak: 0.75, seed: 13 }, { val: 0.2, test: 0 }, 1);
  const fm = esnFloatModel(fit, data, 'esn_bidir');
  const rng = new Rng(3);
  const gru = () => {
    const c = emptyCell('gru', 12, 3, { resetAfter: true });
    for (const a of [c.wx, c.wh, c.bx, c.bh]) for (let i = 0; i < a.length; i++) a[i] = rng.normal() * 0.5;
    return c;
  };
  const head = emptyDense(6, data.labels!.length, 'softmax');
  for (const a of [head.w, head.b]) for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  fm.layers = [fm.layers[0], { kind: 'bidirectional', forward: gru(), backward: gru() }, head];
  const F = data.features.length;
  const seq = (i: number): number[][] => Array.from({ length: data.x[i].length / F }, (_, t) => Array.from(data.x[i].subarray(t * F, (t + 1) * F)));
  const model = quantizeModel(
    fm,
    Array.from({ length: 30 }, (_, i) => seq(i)),
  );
  const l0 = model.layers[0];
  if (l0.kind !== 'elman' || !l0.reservoir) throw new Error('esn_bidir: the quantised reservoir is not regenerated from its seed');
  const sequences = [30, 31, 32].map((i) => {
    const raw = rawSequence(model, new Float64Array(seq(i).flat()));
    return { raw, outputs: runQuant(model, raw).steps.map((o) => Array.from(o)) };
  });
  return { name: 'esn_bidir', streaming: false, model, sequences };
}

const cArray = (type: string, name: string, values: ArrayLike<number>, align = 4): string =>
  `static const ${type} ${name}[${Math.max(1, values.length)}] __attribute__((aligned(${align}))) = {${values.length ? Array.from(values).join(',') : '0'}};`;

/** Words of the I/O block a whole-sequence run of T steps needs, with room for the run's work area. */
function ioWords(c: NativeCase): number {
  const T = Math.max(...c.sequences.map((s) => s.raw.length));
  return Math.max(2 + T * (c.model.inputSize + 2 * c.model.outputSize) + T * 64 + 256, 1 + nativeFinalSize(c.model));
}

/** A C program (Cortex-M under QEMU with semihosting) that runs every case's blob at three addresses and prints the outputs. */
export function nativeHarness(cases: NativeCase[], blobs: NativeBlob[], _kind: 'qemu'): string {
  const lines = ['#include <stdint.h>', '#include <stdio.h>', '#include <string.h>', '', 'typedef int32_t (*entry_t)(int32_t, int32_t);'];
  const maxBlob = Math.max(...blobs.map((b) => b.bytes.length));
  const maxIo = Math.max(...cases.map(ioWords));
  const stateWords = Math.max(...blobs.map((b) => Math.ceil(stateBytesOf(b) / 4)));
  cases.forEach((c, i) => {
    lines.push(cArray('uint8_t', `blob${i}`, blobs[i].bytes, 8));
    lines.push(
      cArray(
        'int32_t',
        `raw${i}`,
        c.sequences.flatMap((s) => s.raw.flat()),
      ),
    );
    lines.push(
      cArray(
        'int32_t',
        `len${i}`,
        c.sequences.map((s) => s.raw.length),
      ),
    );
  });
  lines.push(
    'typedef struct { const char *name; const uint8_t *blob; uint32_t len; const int32_t *raw; const int32_t *lens; int32_t nseq; int32_t F; int32_t O; int32_t FS; } ncase_t;',
    `static const ncase_t cases[${cases.length}] = {`,
    ...cases.map(
      (c, i) =>
        `  {"${c.name}", blob${i}, ${blobs[i].bytes.length}u, raw${i}, len${i}, ${c.sequences.length}, ${c.model.inputSize}, ${c.model.outputSize}, ${nativeFinalSize(c.model)}},`,
    ),
    '};',
    `static uint8_t ram[${maxBlob + 16}] __attribute__((aligned(8)));`,
    // the largest state, then 16 guard bytes
    `static int32_t state[${stateWords + 4}];`,
    `static int32_t io[${maxIo}];`,
    NATIVE_HARNESS_BODY(maxIo),
  );
  return lines.join('\n') + '\n';
}

const NATIVE_HARNESS_BODY = (maxIo: number): string => `
static uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24); }

static void print_row(const ncase_t *c, const char *where, const char *mode, int32_t seq, int32_t t, const int32_t *y, int32_t n) {
  int32_t k;
  printf("%s %s %s %ld %ld", c->name, where, mode, (long)seq, (long)t);
  for (k = 0; k < n; k++) printf(" %ld", (long)y[k]);
  printf("\\n");
}

/* Op 5 after a sequence: the final states beside the output (a model without them must refuse, -1). */
static int print_final(const ncase_t *c, entry_t f, const char *where, const char *mode, int32_t seq, int32_t st, int32_t w) {
  io[0] = 5;
  if (f(st, w) != (c->FS ? c->FS : -1)) return 1;
  if (c->FS) print_row(c, where, mode, seq, 0, io + 1, c->FS);
  return 0;
}

static int run_at(const ncase_t *c, const uint8_t *base, const char *where) {
  entry_t f = (entry_t)((uintptr_t)base + le32(base + 8) + 1u);
  const int32_t st = (int32_t)(uintptr_t)state, w = (int32_t)(uintptr_t)io;
  const int streaming = base[36] == 1;
  /* 16 guard bytes right after the state the header declares: the blob must not write them */
  uint8_t *guard = (uint8_t *)state + le32(base + 24);
  int32_t seq, t, off = 0, k;
  memset(guard, 0x5a, 16);
  io[0] = 4;
  printf("%s %s Z %ld\\n", c->name, where, (long)f(st, w));
  for (seq = 0; seq < c->nseq; seq++) {
    const int32_t T = c->lens[seq];
    const int32_t *raw = c->raw + off * c->F;
    if (streaming) {
      io[0] = 0;
      if (f(st, w) != 0) return 1;
      for (t = 0; t < T; t++) {
        io[0] = 1;
        memcpy(io + 1, raw + t * c->F, sizeof(int32_t) * (size_t)c->F);
        if (f(st, w) != 0) return 2;
        print_row(c, where, "S", seq, t, io + 1 + c->F, c->O);
      }
      if (print_final(c, f, where, "FS", seq, st, w)) return 6;
    }
    io[0] = 3;
    io[1] = T;
    if (2 + T * (c->F + c->O) + f(st, w) / 4 + 1 > ${maxIo}) return 3;
    io[0] = 2;
    io[1] = T;
    memcpy(io + 2, raw, sizeof(int32_t) * (size_t)(T * c->F));
    if (f(st, w) != 0) return 4;
    for (t = 0; t < T; t++) print_row(c, where, "R", seq, t, io + 2 + T * c->F + t * c->O, c->O);
    if (print_final(c, f, where, "FR", seq, st, w)) return 7;
    off += T;
  }
  for (k = 0; k < 16; k++)
    if (guard[k] != 0x5a) return 5;
  return 0;
}

int main(void) {
  uint32_t i;
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const ncase_t *c = &cases[i];
    int r = run_at(c, c->blob, "flash");
    if (!r) { memcpy(ram, c->blob, c->len); r = run_at(c, ram, "ram8"); }
    if (!r) { memcpy(ram + 4, c->blob, c->len); r = run_at(c, ram + 4, "ram4"); }
    if (r) { printf("%s: harness error %d\\n", c->name, r); return 1; }
  }
  return 0;
}
`;

/** The state size a blob's header declares (what the JS module allocates). */
export function stateBytesOf(b: NativeBlob): number {
  const h = readHeader(b.bytes);
  if (!h) throw new Error(`native blob (${b.core}) without a valid header`);
  return h.stateBytes;
}

export type NativeRows = Map<string, number[]>;

/**
 * Rows keyed "case where mode seq t" (mode S: step, R: run; FS, FR: the final states after the
 * sequence's steps, after its run, t 0; "case where Z" holds the state size).
 */
export function parseNativeOutput(text: string): NativeRows {
  const rows: NativeRows = new Map();
  for (const line of text.split('\n')) {
    const p = line.trim().split(/\s+/);
    if (p.length < 3) continue;
    if (p[2] === 'Z') rows.set(`${p[0]} ${p[1]} Z`, [Number(p[3])]);
    else if (['S', 'R', 'FS', 'FR'].includes(p[2])) rows.set(p.slice(0, 5).join(' '), p.slice(5).map(Number));
  }
  return rows;
}

/**
 * Every case, address, sequence and step equals the vectors (streaming cases step by step too), so
 * do the final states beside the output after each sequence (after its steps and after its run),
 * and the state size the blob's code reports (op 4, the Z row) equals the one its header declares.
 */
export function expectNativeOutputs(cases: NativeCase[], blobs: NativeBlob[], rows: NativeRows, wheres: string[]): void {
  const bad: string[] = [];
  let checked = 0;
  const check = (key: string, want: number[], what: string): void => {
    const got = rows.get(key);
    checked++;
    if (!got || got.join(',') !== want.join(',')) bad.push(`${what}: got [${got ?? 'nothing'}], want [${want}]`);
  };
  cases.forEach((c, i) => wheres.forEach((where) => check(`${c.name} ${where} Z`, [stateBytesOf(blobs[i])], `${c.name} @${where} state bytes`)));
  for (const c of cases)
    for (const where of wheres) {
      const modes = c.streaming ? ['S', 'R'] : ['R'];
      c.sequences.forEach((s, seq) => {
        for (const mode of modes) {
          const what = `${c.name} @${where} ${mode === 'S' ? 'step' : 'run'} seq ${seq}`;
          s.outputs.forEach((want, t) => check(`${c.name} ${where} ${mode} ${seq} ${t}`, want, `${what} t ${t}`));
          if (s.final) check(`${c.name} ${where} F${mode} ${seq} 0`, s.final, `${what} final states`);
        }
      });
    }
  if (bad.length) throw new Error(`${bad.length} of ${checked} outputs differ; first:\n${bad.slice(0, 8).join('\n')}`);
  expect(checked).toBeGreaterThan(cases.length);
}
