// The script the real interpreter runs for a batch of built models: for each model it writes the
// build's files into Storage as `tinyrnn flash` does (Storage.write(name, atob(chunk), offset,
// total) in 1024-byte chunks, here read from base64 files in the working folder instead of a serial
// line), prints each file's checksum (the expression flash verifies with), loads the module with
// require(), streams every sequence step by step (outputs and state traces), runs every sequence
// whole when the pool has room for it, and prints process.memory().usage along the way. Inputs are
// Int32 little-endian files in the working folder, read step by step (the script itself must stay
// small: the interpreter holds its text in the JsVar pool).
//
// Output lines, all integers: `@C k name [len,sum,weighted]`, `@M k what usage`,
// `@S k seq t key=v,v,... key=...`, `@R k seq t output=...`, `@W k seq free` (whole run skipped:
// not enough free blocks), `@E k` (model done), `@END`; `@ERR message` when the script failed.
import { checksumExpression } from '../../targets/espruino/checksum';
import { assertEspruinoDialect } from '../../targets/espruino/dialect';
import { minifyJs } from '../../targets/espruino/minify';
import { KERNEL_KIND } from '../../targets/espruino/kinds';
import { INT8_BIAS } from '../../targets/espruino/arith';

/** Bytes per Storage.write, as the `espruino` tools upload (and the base64 characters that hold them). */
export const CHUNK_BYTES = 1024;
const CHUNK_B64 = 4 * Math.ceil(CHUNK_BYTES / 3);

export interface ScriptModel {
  module: string;
  /** Storage name, host file (base64 of CHUNK_BYTES chunks, concatenated), byte length. */
  files: [string, string, number][];
  /** Steps of each sequence; its inputs are in the host file `inputsFile(k, seq)`. */
  steps: number[];
  inputs: number;
  outputs: number;
  streaming: boolean;
}

/** Host file of a sequence's raw inputs (the device code names it with inputs(k, seq), written beside). */
export function inputsFile(k: number, seq: number): string {
  return `c${k}s${seq}.bin`;
}
const INPUTS_DEVICE = 'function inputs(k, si) {\n  return "c" + k + "s" + si + ".bin";\n}\n';

/** The base64 text of a file, chunk by chunk, as the script reads it. */
export function chunkedBase64(bytes: Uint8Array): string {
  let s = '';
  for (let o = 0; o < bytes.length; o += CHUNK_BYTES) s += Buffer.from(bytes.subarray(o, o + CHUNK_BYTES)).toString('base64');
  return s;
}

/** Blocks a whole run needs per step beyond the module and its data (input view and slot, output array and slot: measured 6.9 on Jordan 3-in/3-out). */
const WHOLE_RUN_BLOCKS_PER_STEP = 7;
const WHOLE_RUN_SPARE_BLOCKS = 150;

function checksumFunction(): string {
  const placeholder = 'NAME_PLACEHOLDER';
  return `function sum(n) {\n  return ${checksumExpression(placeholder).replace(JSON.stringify(placeholder), 'n')};\n}`;
}

/** Writes the host file h (chunked base64) into the Storage file n of `total` bytes, as flash does. */
const PUT = `var S = require("Storage");
function put(n, h, total) {
  var f = E.openFile(h, "r"), o = 0;
  while (o < total) {
    S.write(n, atob(f.read(${CHUNK_B64})), o, total);
    o += ${CHUNK_BYTES};
  }
  f.close();
}
`;

/** Device code that writes build files into Storage: put(storageName, hostFile, bytes) for each one. */
export function putFunction(): string {
  return PUT;
}

const BODY = `function ints(v, d) {
  var s = "", i;
  for (i = 0; i < v.length; i++) s += (i ? "," : "") + (v[i] - d);
  return s;
}
function trace(M) {
  var s = "", i, L;
  if (!M.layers) return s;
  for (i = 0; i < M.layers.length; i++) {
    L = M.layers[i];
    if (L.kind === ${KERNEL_KIND.dense} || L.kind === ${KERNEL_KIND.bidirectional} || !L.hb) continue;
    s += " L" + i + (L.kind === ${KERNEL_KIND.pool} || L.kind === ${KERNEL_KIND.lsm} ? ".out=" : ".h=") + ints(L.hb, ${INT8_BIAS});
    if (L.c) s += " L" + i + ".c=" + ints(L.c, 0);
    if (L.h16) s += " L" + i + ".h16=" + ints(L.h16, 0);
  }
  return s;
}
function usage() {
  return process.memory().usage;
}
function stream(M, k, si, T, F) {
  var f = E.openFile(inputs(k, si), "r"), t, a, r, i;
  M.reset();
  for (t = 0; t < T; t++) {
    a = new Int32Array(E.toArrayBuffer(f.read(F * 4)));
    r = [];
    for (i = 0; i < F; i++) r.push(a[i]);
    print("@S " + k + " " + si + " " + t + " output=" + ints(M.step(r), 0) + trace(M));
  }
  f.close();
  if (M.final) print("@F " + k + " " + si + " stream " + ints(M.final(), 0));
}
function whole(M, k, si, T, F, O) {
  var free = process.memory().free, f, all, seq = [], t, res;
  if (free < T * WHOLE_STEP + Math.ceil((T * (4 * F + 2 * O)) / BLOCK) + WHOLE_SPARE) {
    print("@W " + k + " " + si + " " + free);
    return;
  }
  f = E.openFile(inputs(k, si), "r");
  all = new Int32Array(E.toArrayBuffer(f.read(T * F * 4)));
  f.close();
  for (t = 0; t < T; t++) seq.push(all.subarray(t * F, t * F + F));
  res = M.run(seq);
  for (t = 0; t < res.length; t++) print("@R " + k + " " + si + " " + t + " output=" + ints(res[t], 0));
  if (M.final) print("@F " + k + " " + si + " run " + ints(M.final(), 0));
}
function plan(k) {
  var f = E.openFile(planOf(k), "r"), s = f.read(PLAN_MAX);
  f.close();
  return JSON.parse(s);
}
function model(k) {
  var c = plan(k), i, M;
  for (i = 0; i < c.files.length; i++) put(c.files[i][0], c.files[i][1], c.files[i][2]);
  for (i = 0; i < c.files.length; i++) print("@C " + k + " " + c.files[i][0] + " " + JSON.stringify(sum(c.files[i][0])));
  print("@M " + k + " base " + usage());
  M = require(c.module);
  print("@M " + k + " load " + usage());
  print("@K " + k + " " + (M.kernel || "js") + " " + (M.nativeError || "").split(":")[0]);
  if (c.streaming) for (i = 0; i < c.steps.length; i++) stream(M, k, i, c.steps[i], c.inputs);
  print("@M " + k + " step " + usage());
  for (i = 0; i < c.steps.length; i++) whole(M, k, i, c.steps[i], c.inputs, c.outputs);
  print("@M " + k + " run " + usage());
  M = undefined;
  Modules.removeCached(c.module);
  print("@E " + k);
}
try {
  for (var k = 0; k < MODELS; k++) model(k);
  print("@END");
} catch (e) {
  print("@ERR " + e);
}
quit();
`;

/** Longest plan file the script reads. */
const PLAN_MAX = 8192;

/** Host file of a model's plan (its files, sequence lengths, sizes) as JSON (the device code: planOf(k), written beside). */
export function planFile(k: number): string {
  return `c${k}.json`;
}
const PLAN_DEVICE = 'function planOf(k) {\n  return "c" + k + ".json";\n}\n';

/** The plan the script reads for one model (JSON, at most PLAN_MAX characters). */
export function planText(m: ScriptModel): string {
  const text = JSON.stringify({ module: m.module, files: m.files, steps: m.steps, inputs: m.inputs, outputs: m.outputs, streaming: m.streaming });
  if (text.length > PLAN_MAX) throw new Error(`tinyrnn: the real-interpreter plan of ${m.module} has ${text.length} characters, at most ${PLAN_MAX}`);
  return text;
}

/**
 * The script for a batch of `count` models on a board of `blockSize`-byte blocks, minified (its
 * text occupies the pool while it runs) and checked against the dialect the interpreter accepts.
 */
export function batchScript(count: number, blockSize: number): string {
  const body = BODY.replace(/WHOLE_STEP/g, String(WHOLE_RUN_BLOCKS_PER_STEP))
    .replace(/WHOLE_SPARE/g, String(WHOLE_RUN_SPARE_BLOCKS))
    .replace(/PLAN_MAX/g, String(PLAN_MAX))
    .replace(/BLOCK\b/g, String(blockSize));
  const script = minifyJs(`var MODELS = ${count};\n${checksumFunction()}\n${PUT}${INPUTS_DEVICE}${PLAN_DEVICE}${body}`);
  assertEspruinoDialect(script, 'real-interpreter driver', { integerLiterals: true });
  return script;
}
