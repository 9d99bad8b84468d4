// Test helpers: load generated Espruino modules in plain Node and in the Espruino sandbox, and
// compare them with the golden vectors, reporting like
// `lstm_h4/seq0 (node): step 2 L0.h[3]: got -12, want -11 (2 of 12 differ)`.
import * as path from 'node:path';
import * as vm from 'node:vm';
import { VectorCase, loadVectorCases } from '../../../runtime/vectors/load';
import { EspruinoSandbox, SandboxOptions, bytesToBinaryString } from '../../../targets/espruino/sandbox';
import { GeneratedModule } from '../../../targets/espruino/generate';
import { diffRow } from '../../../runtime/espruino-real/golden';
import { KERNEL_KIND } from '../../../targets/espruino/kinds';
import { INT8_BIAS } from '../../../targets/espruino/arith';

export const VECTORS = path.resolve(__dirname, '..', '..', 'vectors');

export type { VectorCase };

export function vectorCases(): VectorCase[] {
  return loadVectorCases(VECTORS);
}

/** The module's exports as the tests use them. */
export interface DeviceModel {
  reset(): void;
  step(raw: ArrayLike<number>): ArrayLike<number>;
  run(seq: ArrayLike<ArrayLike<number>>): ArrayLike<number>[];
  predict(seq: ArrayLike<ArrayLike<number>>): unknown;
  classify(out: ArrayLike<number>): { index: number; label: string; score: number };
  toRaw(x: ArrayLike<number>): ArrayLike<number>;
  labels: string[];
  /** Final states beside the output (models with a `final` field outside output mode 'final'): after step() x T or run(). */
  final?: () => Int16Array;
  layers: { kind: number; hb?: Uint8Array; c?: Int16Array; h16?: Int16Array; f?: unknown; b?: unknown }[];
}

/** Loads a module in plain Node (its own vm context with Node's globals, no E). */
export function loadInNode(gen: GeneratedModule): DeviceModel {
  const ctx = vm.createContext({ atob, console });
  const fn = vm.runInContext(`(function(exports, module){${gen.source}\n})`, ctx, { filename: `${gen.moduleName}.js` }) as (e: object, m: object) => void;
  const module = { exports: {} as object };
  fn(module.exports, module);
  return module.exports as unknown as DeviceModel;
}

/** Loads a module in the Espruino sandbox: Storage files for the weights, the module as a Storage file, require(). */
export function loadInSandbox(gen: GeneratedModule, opts: SandboxOptions = {}): { sb: EspruinoSandbox; model: DeviceModel } {
  const sb = new EspruinoSandbox(opts);
  for (const b of gen.blobs) sb.storage.set(b.storageName, b.bytes.slice());
  sb.storage.set(gen.moduleName, Buffer.from(gen.source, 'latin1'));
  const model = sb.require(gen.moduleName) as DeviceModel;
  sb.markPersistent();
  return { sb, model };
}

export function binary(b: Uint8Array): string {
  return bytesToBinaryString(b);
}

export { diffRow };

/**
 * Runs every sequence of a case step by step (streaming cases) or whole (bidirectional), checking
 * outputs and the state traces (h, c, h16) the module exposes, and final() after the steps and the
 * run when the case has final states beside its output. Returns the failures.
 */
export function checkCase(c: VectorCase, model: DeviceModel, where: string, settle: () => void = () => undefined): string[] {
  const fails: string[] = [];
  c.vectors.sequences.forEach((s, si) => {
    const tag = `${c.name}/seq${si} (${where})`;
    if (c.streaming) {
      model.reset();
      for (let t = 0; t < s.raw.length; t++) {
        const out = Array.from(model.step(s.raw[t]));
        settle();
        // State traces first: they name the stage that broke.
        model.layers.forEach((L, li) => {
          if (L.kind === KERNEL_KIND.dense || L.kind === KERNEL_KIND.bidirectional || !L.hb) return;
          const h = Array.from(L.hb, (v) => v - INT8_BIAS);
          // a pool layer's hb holds its means, a liquid's its int8 traces: the reference traces them as out
          const key = `L${li}.${L.kind === KERNEL_KIND.pool || L.kind === KERNEL_KIND.lsm ? 'out' : 'h'}`;
          const want = s.trace[key]?.[t];
          const d = want && diffRow(`step ${t} ${key}`, h, want);
          if (d) fails.push(`${tag}: ${d}`);
          if (L.c && s.trace[`L${li}.c`]) {
            const dc = diffRow(`step ${t} L${li}.c`, Array.from(L.c), s.trace[`L${li}.c`][t]);
            if (dc) fails.push(`${tag}: ${dc}`);
          }
          // a liquid's membranes are the first half of its h16: the reference traces them as v
          const v = L.kind === KERNEL_KIND.lsm && L.h16 && s.trace[`L${li}.v`];
          const dv = v && diffRow(`step ${t} L${li}.v`, Array.from(L.h16!.subarray(0, L.hb!.length)), v[t]);
          if (dv) fails.push(`${tag}: ${dv}`);
          if (L.h16 && s.trace[`L${li}.h16`]) {
            const dh = diffRow(`step ${t} L${li}.h16`, Array.from(L.h16), s.trace[`L${li}.h16`][t]);
            if (dh) fails.push(`${tag}: ${dh}`);
          }
        });
        const d = diffRow(`step ${t} output`, out, s.outputs[t]);
        if (d) fails.push(`${tag}: ${d}`);
        if (fails.length > 5) return;
      }
      checkFinal(model, s.final, `${tag}: after step x ${s.raw.length}`, fails);
    }
    // The whole-sequence path gives the same outputs (and is the only path for bidirectional models).
    const all = model.run(s.raw);
    settle();
    // one row per step, or one row of final states (output mode 'final')
    if (all.length !== s.outputs.length) fails.push(`${tag}: run gave ${all.length} rows, want ${s.outputs.length}`);
    for (let t = 0; t < Math.min(all.length, s.outputs.length); t++) {
      const d = diffRow(`run step ${t} output`, Array.from(all[t]), s.outputs[t]);
      if (d) {
        fails.push(`${tag}: ${d}`);
        break;
      }
    }
    checkFinal(model, s.final, `${tag}: after run`, fails);
  });
  return fails;
}

/** The module's final() against the sequence's final vector (when it has one: final states beside the output). */
function checkFinal(model: DeviceModel, want: number[] | undefined, where: string, fails: string[]): void {
  if (!want) return;
  if (!model.final) return void fails.push(`${where}: the module has no final()`);
  const d = diffRow('final', Array.from(model.final()), want);
  if (d) fails.push(`${where}: ${d}`);
}
