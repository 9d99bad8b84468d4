// Worker threads for the tools (the simulator's fleet, the search's trials): a thread started on a
// script beside the caller, which in tests and development is TypeScript (compiled on the fly with
// @swc/core, a dev dependency; the published package runs dist/*.js), and errors carried back as
// plain data (a TinyrnnError keeps its diagnostics and file across the thread boundary).
import * as fs from 'node:fs';
import { ChildProcess, fork, spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { Diagnostic, TinyrnnError } from '../compiler/core/ir/errors';

const TS_BOOTSTRAP = `
const fs = require('node:fs');
const { workerData } = require('node:worker_threads');
const swc = require('@swc/core');
require.extensions['.ts'] = function (module, filename) {
  const src = fs.readFileSync(filename, 'utf8');
  const out = swc.transformSync(src, { filename, swcrc: false, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } });
  module._compile(out.code, filename);
};
require(workerData.entry);
`;

/** An error as plain data, for postMessage. */
export interface ThreadError {
  message: string;
  name: string;
  diagnostics: Diagnostic[] | null;
  file: string | null;
  stack?: string;
}

export function toThreadError(e: unknown): ThreadError {
  const err = e as Error & { diagnostics?: Diagnostic[]; file?: string };
  return { message: err.message, name: err.name, diagnostics: err.diagnostics ?? null, file: err.file ?? null, stack: err.stack };
}

export function fromThreadError(e: ThreadError, what: string): Error {
  return e.diagnostics ? new TinyrnnError(e.diagnostics, e.file ?? undefined) : new Error(`${what} failed: ${e.message}\n${e.stack ?? ''}`);
}

/**
 * Starts a worker thread on `tsEntry` (a .ts path: in development) or `jsEntry` (the built file
 * beside it), with `data` as its workerData (plus `entry`).
 */
export function startThread(tsEntry: string, jsEntry: string, data: Record<string, unknown>, callerFile: string): Worker {
  const ts = callerFile.endsWith('.ts');
  const entry = ts ? tsEntry : jsEntry;
  if (!ts && !fs.existsSync(entry)) throw new Error(`tinyrnn: worker script missing: ${entry}`);
  return ts ? new Worker(TS_BOOTSTRAP, { eval: true, workerData: { ...data, entry } }) : new Worker(entry, { workerData: { ...data, entry } });
}

const TS_PROCESS_BOOTSTRAP = TS_BOOTSTRAP.replace("const { workerData } = require('node:worker_threads');\n", '').replace(
  'require(workerData.entry);',
  'require(process.env.TINYRNN_WORKER_ENTRY);',
);

/**
 * Starts a child process on `tsEntry` (development) or `jsEntry` (the built file beside it), with an
 * IPC channel (structured-clone serialisation). Processes rather than threads where the work is long
 * and allocates much: each has its own heap and garbage collector.
 */
export function startProcess(tsEntry: string, jsEntry: string, callerFile: string): ChildProcess {
  const opts = { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] as ('ignore' | 'inherit' | 'ipc')[], serialization: 'advanced' as const };
  if (!callerFile.endsWith('.ts')) {
    if (!fs.existsSync(jsEntry)) throw new Error(`tinyrnn: worker script missing: ${jsEntry}`);
    return fork(jsEntry, [], opts);
  }
  return spawn(process.execPath, ['-e', TS_PROCESS_BOOTSTRAP], { ...opts, env: { ...process.env, TINYRNN_WORKER_ENTRY: tsEntry } });
}
