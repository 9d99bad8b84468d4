// Golden-vector parity for the C target: one C driver per vector case runs every sequence of the
// case (reset, then every step; or one whole-sequence run for bidirectional models and final-state
// outputs, which print one row) and prints
// the outputs and intermediates (and m_final's vector, for final states beside the output); the TypeScript side compares them with vectors.json and names
// the first differing stage, e.g. `lstm_h4/seq0 [host -O0]: step 2 L0.c[3]: got -12, want -11 (2 of 12 differ)`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GoldenSequence, loadVectorCases as loadGolden } from '../../../runtime/vectors/load';
import { QuantModel } from '../../../compiler/core/ir/quant-model';
import { hasExtraFinal } from '../../../compiler/core/ir/final';
import { CGenResult, generateC } from '../../../targets/c/emit';
import { writeGenerated } from '../../../targets/c/target';

export const VECTORS_DIR = path.resolve(__dirname, '..', '..', 'vectors');

export type VectorSequence = GoldenSequence;
export interface VectorCase {
  name: string;
  streaming: boolean;
  model: QuantModel;
  sequences: VectorSequence[];
}

/** The golden vectors (runtime/vectors/load.ts), with the sequences at the top of each case. */
export function loadVectorCases(): VectorCase[] {
  return loadGolden(VECTORS_DIR).map((c) => ({ name: c.name, streaming: c.streaming, model: c.model, sequences: c.vectors.sequences }));
}

/** Map a state-struct field (l0_h, l1f_c, l2_h16, out, l0_y: a Jordan layer's fed-back output) to its trace key. */
function stateKey(field: string, lastLayer: number): string | null {
  if (field === 'out') return `L${lastLayer}.out`;
  const y = /^l(\d+)_y$/.exec(field);
  if (y) return `L${y[1]}.out`;
  const m = /^l(\d+)([fb]?)_(h|c|h16)$/.exec(field);
  if (!m) return null;
  return `L${m[1]}${m[2] === 'f' ? '.fwd' : m[2] === 'b' ? '.bwd' : ''}.${m[3]}`;
}

/**
 * Write the generated model and a driver for one case into dir. With trace, the kernels report
 * every intermediate; without, the driver prints what the API exposes (input stage, state fields,
 * outputs). With avr, the raw inputs stay in flash (PROGMEM) and are copied step by step.
 */
export function writeDriver(c: VectorCase, dir: string, trace: boolean, avr = false): { gen: CGenResult; driver: string } {
  const gen = generateC(c.model, { prefix: 'm' });
  writeGenerated(dir, gen);
  const F = c.model.inputSize;
  const O = c.model.outputSize;
  const lines: string[] = [];
  lines.push('#include <stdio.h>', '#include <stdint.h>', '#include "m.h"', '');
  lines.push('static int32_t cur_t;');
  if (trace) {
    for (const [ty, ct] of [
      ['s8', 'int8_t'],
      ['s16', 'int16_t'],
      ['s32', 'int32_t'],
    ]) {
      lines.push(`void tinyrnn_trace_${ty}(const char *layer, const char *key, int32_t t, const ${ct} *v, int32_t n);`);
      lines.push(`void tinyrnn_trace_${ty}(const char *layer, const char *key, int32_t t, const ${ct} *v, int32_t n) {`);
      lines.push('  int32_t i;');
      lines.push(`  printf("T %s%s%s %ld", layer, layer[0] ? "." : "", key, (long)(t < 0 ? cur_t : t));`);
      lines.push('  for (i = 0; i < n; i++) printf(" %ld", (long)v[i]);');
      lines.push('  printf("\\n");', '}');
    }
  }
  // raw inputs of every sequence, concatenated
  const lens = c.sequences.map((s) => s.raw.length);
  const all = c.sequences.flatMap((s) => s.raw.flat());
  const maxT = Math.max(...lens);
  lines.push(...rawInputs(all, lens, avr ? (c.streaming ? F : maxT * F) : 0));
  lines.push('static m_state_t st;');
  if (!c.streaming) {
    lines.push(`static m_output_t outbuf[${maxT * O}];`, `static int16_t work[M_RUN_WORK_SIZE(${maxT})];`);
  }
  // the print helpers the state fields need (an unused static function is an error under -Werror)
  const printed = !trace && c.streaming ? stateFieldsOf(gen).filter((f) => stateKey(f.name, c.model.layers.length - 1)) : [];
  if (printed.some((f) => f.type === 's8'))
    lines.push(
      'static void print8(const char *key, const int8_t *v, int32_t n) { int32_t i; printf("T %s %ld", key, (long)cur_t); for (i = 0; i < n; i++) printf(" %ld", (long)v[i]); printf("\\n"); }',
    );
  if (!trace && c.streaming)
    lines.push(
      'static void print16(const char *key, const int16_t *v, int32_t n) { int32_t i; printf("T %s %ld", key, (long)cur_t); for (i = 0; i < n; i++) printf(" %ld", (long)v[i]); printf("\\n"); }',
    );
  lines.push('int main(void) {', '  int32_t k, t, o = 0, i;', '  (void)cur_t;');
  lines.push(`  for (k = 0; k < ${lens.length}; k++) {`, '    printf("S %ld\\n", (long)k);');
  if (c.streaming) {
    lines.push('    m_reset(&st);', '    for (t = 0; t < seq_len[k]; t++) {', '      const m_output_t *y;', '      cur_t = t;');
    if (!trace) {
      lines.push(`      { int16_t x16[${F}]; m_quantize_inputs(raw_at(o + t * ${F}, ${F}), x16); print16("x", x16, ${F}); }`);
    }
    lines.push(`      y = m_step(&st, raw_at(o + t * ${F}, ${F}));`);
    if (!trace) {
      const lastLayer = c.model.layers.length - 1;
      for (const f of stateFieldsOf(gen)) {
        const key = stateKey(f.name, lastLayer);
        if (!key) continue;
        lines.push(
          `      ${f.type === 's8' ? 'print8' : 'print16'}(${JSON.stringify(key)}, ${f.type === 's8' ? '(const int8_t *)' : '(const int16_t *)'}st.${f.name}, ${f.count});`,
        );
      }
    }
    lines.push('      printf("O %ld", (long)t);', `      for (i = 0; i < ${O}; i++) printf(" %ld", (long)y[i]);`, '      printf("\\n");', '    }');
  } else {
    lines.push(`    if (m_run(&st, raw_at(o, seq_len[k] * ${F}), seq_len[k], outbuf, work) != M_OK) return 3;`);
    // output mode 'final': one row (the final states) per sequence
    lines.push(
      `    for (t = 0; t < ${c.model.output === 'final' ? '1' : 'seq_len[k]'}; t++) {`,
      '      printf("O %ld", (long)t);',
      `      for (i = 0; i < ${O}; i++) printf(" %ld", (long)outbuf[t * ${O} + i]);`,
      '      printf("\\n");',
      '    }',
    );
  }
  // final states beside the main output: m_final after the steps or the run
  if (hasExtraFinal(c.model))
    lines.push(
      '    { int16_t fin[M_FINAL_SIZE]; m_final(&st, fin); printf("F"); for (i = 0; i < M_FINAL_SIZE; i++) printf(" %ld", (long)fin[i]); printf("\\n"); }',
    );
  lines.push(`    o += seq_len[k] * ${F};`, '  }', '  printf("END\\n");', '  return 0;', '}', '');
  const driver = path.join(dir, 'driver.c');
  fs.writeFileSync(driver, lines.join('\n'));
  return { gen, driver };
}

/**
 * The raw inputs of every sequence, concatenated, and raw_at(offset, n), which returns the n values
 * from offset: in place, or (flashBuffer > 0, for AVR) copied from flash into a RAM buffer of that many values.
 */
function rawInputs(all: number[], lens: number[], flashBuffer: number): string[] {
  const lines = [`static const int32_t seq_len[${lens.length}] = {${lens.join(', ')}};`];
  if (!flashBuffer) {
    lines.push(`static const int32_t raw_all[${all.length}] = {${all.join(', ')}};`);
    lines.push('static const int32_t *raw_at(int32_t off, int32_t n) { (void)n; return raw_all + off; }');
    return lines;
  }
  lines.unshift('#include <avr/pgmspace.h>');
  lines.push(`static const int32_t raw_all[${all.length}] PROGMEM = {${all.join(', ')}};`, `static int32_t raw_buf[${flashBuffer}];`);
  lines.push(
    'static const int32_t *raw_at(int32_t off, int32_t n) { int32_t i; for (i = 0; i < n; i++) raw_buf[i] = (int32_t)pgm_read_dword(&raw_all[off + i]); return raw_buf; }',
  );
  return lines;
}

/** The state struct fields of a generated model (parsed from the header the emitter wrote). */
export function stateFieldsOf(gen: CGenResult): { name: string; type: 's8' | 's16'; count: number }[] {
  const h = gen.files.find((f) => f.path === gen.header)!.text;
  const body = /typedef struct \{\n([\s\S]*?)\} m_state_t;/.exec(h)![1];
  const out: { name: string; type: 's8' | 's16'; count: number }[] = [];
  for (const m of body.matchAll(/(int8_t|int16_t) (\w+)\[(\d+)\];/g)) out.push({ name: m[2], type: m[1] === 'int8_t' ? 's8' : 's16', count: Number(m[3]) });
  return out;
}

export interface ParsedRun {
  /** final: the final-state vector a model with final states beside its main output printed (F line). */
  sequences: { outputs: number[][]; trace: Record<string, number[][]>; final?: number[] }[];
  complete: boolean;
}

export function parseDriverOutput(text: string): ParsedRun {
  const sequences: ParsedRun['sequences'] = [];
  let complete = false;
  for (const line of text.split('\n')) {
    const p = line.trim().split(' ');
    if (p[0] === 'S') sequences.push({ outputs: [], trace: {} });
    else if (p[0] === 'O') sequences[sequences.length - 1].outputs[Number(p[1])] = p.slice(2).map(Number);
    else if (p[0] === 'F') sequences[sequences.length - 1].final = p.slice(1).map(Number);
    else if (p[0] === 'T') {
      const tr = sequences[sequences.length - 1].trace;
      (tr[p[1]] ??= [])[Number(p[2])] = p.slice(3).map(Number);
    } else if (p[0] === 'END') complete = true;
  }
  return { sequences, complete };
}

/**
 * Compare a run with the vectors. Returns one message per differing sequence (empty: exact).
 * `keys`: which trace keys must be present ('all' for trace builds, or the list the API exposes).
 */
export function compareRun(c: VectorCase, run: ParsedRun, label: string, keys: 'all' | string[]): string[] {
  const errors: string[] = [];
  if (!run.complete) errors.push(`${c.name} [${label}]: the driver did not finish`);
  c.sequences.forEach((want, k) => {
    const got = run.sequences[k];
    const where = `${c.name}/seq${k} [${label}]`;
    if (!got) {
      errors.push(`${where}: sequence missing from the output`);
      return;
    }
    // stages in trace order (the first differing key names the stage), then the outputs
    const order = [
      ...Object.keys(want.trace)
        .filter((key) => keys === 'all' || keys.includes(key))
        .map((key) => [key, want.trace[key], got.trace[key]] as const),
      ['output', want.outputs, got.outputs] as const,
      ...(want.final ? [['final', [want.final], got.final && [got.final]] as const] : []),
    ];
    for (const [key, w, g] of order) {
      if (!g) {
        errors.push(`${where}: ${key} not reported`);
        return;
      }
      for (let t = 0; t < w.length; t++) {
        const gw = g[t];
        if (!gw || gw.length !== w[t].length) {
          errors.push(`${where}: step ${t} ${key}: got ${gw ? gw.length : 'no'} values, want ${w[t].length}`);
          return;
        }
        const diff = w[t].map((v, i) => (v === gw[i] ? -1 : i)).filter((i) => i >= 0);
        if (diff.length) {
          const i = diff[0];
          errors.push(`${where}: step ${t} ${key}[${i}]: got ${gw[i]}, want ${w[t][i]} (${diff.length} of ${w[t].length} differ)`);
          return;
        }
      }
    }
  });
  return errors;
}

/** Trace keys the API exposes without tracing (input stage and the state struct), for a streaming case. */
export function apiKeys(c: VectorCase, gen: CGenResult): string[] {
  const last = c.model.layers.length - 1;
  return [
    'x',
    ...stateFieldsOf(gen)
      .map((f) => stateKey(f.name, last))
      .filter((k): k is string => !!k),
  ];
}
