// Output mode 'final': the model's answer is the final states of its last layer after the whole
// sequence (what ONNX calls Y_h and Y_c), not a layer output. A model in output mode 'sequence' or
// 'last' may list final states too: an additional output, read after the sequence beside its main
// output (an ONNX graph with outputs Y and Y_h). This file is the one place that says
// which states a model outputs and where each lies in the output vector:
//   parts in the model's order (e.g. ['h', 'c']), each part one segment per direction (forward,
//   then backward), each segment `hidden` values wide.
// On a device each segment is int16 in its own scale (docs/quantization.md, "Final-state outputs").
import type { FinalStateShape } from './kind-hooks';
import type { LayerShape } from '../../layers/ir';
import { irOf } from '../../layers/ir';

export const FINAL_PARTS = ['h', 'c'] as const;
/** h: the hidden state (Y_h); c: an LSTM's cell state (Y_c). */
export type FinalPart = (typeof FINAL_PARTS)[number];

/** One segment of a final-state output vector: one part of one direction's state. */
export interface FinalSegment {
  part: FinalPart;
  /** Index into the layer's final states (0 forward or only direction, 1 a bidirectional layer's backward half). */
  half: number;
  direction: FinalStateShape['direction'];
  offset: number;
  size: number;
}

/** The final states a layer can output, or undefined when its kind has none. */
export function finalStatesOf(l: LayerShape): FinalStateShape[] | undefined {
  const hook = irOf(l).finalStates as ((s: LayerShape) => FinalStateShape[]) | undefined;
  return hook ? hook(l) : undefined;
}

/** The segments of the output vector for `parts` of the last layer's final states (undefined: the layer has none). */
export function finalSegments(last: LayerShape, parts: readonly FinalPart[]): FinalSegment[] | undefined {
  const states = finalStatesOf(last);
  if (!states) return undefined;
  const out: FinalSegment[] = [];
  let offset = 0;
  for (const part of parts)
    states.forEach((s, half) => {
      out.push({ part, half, direction: s.direction, offset, size: s.hidden });
      offset += s.hidden;
    });
  return out;
}

/** Width of a final-state output vector. */
export function finalOutputSize(segments: readonly FinalSegment[]): number {
  return segments.reduce((n, s) => n + s.size, 0);
}

/** Why `parts` cannot be output from this last layer, or undefined when they can. */
export function finalPartsProblem(last: LayerShape, parts: readonly FinalPart[]): string | undefined {
  const states = finalStatesOf(last);
  if (!states) return `a ${last.kind} layer has no final state to output`;
  if (parts.includes('c') && !states.every((s) => s.cell)) return 'only an LSTM has a cell state (c)';
  return undefined;
}

/**
 * What is wrong with a would-be model's `final` field for its output mode and last layer (an empty
 * list: nothing). Float and quantised models alike; the validators give the problems their codes.
 */
export function finalFieldProblems(
  m: { output?: unknown; final?: unknown },
  last: LayerShape | undefined,
): { path: string; message: string; value: unknown; expected: string }[] {
  // mode 'final' must list its parts; 'sequence' and 'last' may list some (copies read after the sequence)
  if (m.output !== 'final' && m.final === undefined) return [];
  const parts = m.final;
  const ok =
    Array.isArray(parts) && parts.length > 0 && parts.every((p) => (FINAL_PARTS as readonly unknown[]).includes(p)) && new Set(parts).size === parts.length;
  if (!ok)
    return [
      {
        path: 'final',
        message: 'the final states to output are not a list of distinct parts',
        value: parts,
        expected: `a non-empty list of ${FINAL_PARTS.join(', ')}`,
      },
    ];
  const why = last && finalPartsProblem(last, parts as FinalPart[]);
  return why
    ? [{ path: 'final', message: why, value: parts, expected: 'final states of a last cell, reverse or bidirectional layer (c only for an LSTM)' }]
    : [];
}

/**
 * The output vector of output mode 'final' from a run's final states of the last layer, one per
 * direction as `finalStates` orders them: h (hn) and, for an LSTM, c (cn). Float and integer runs alike.
 */
export function assembleFinal<A extends { length: number; [i: number]: number }>(
  segments: readonly FinalSegment[],
  hn: readonly ArrayLike<number>[],
  cn: readonly ArrayLike<number>[],
  out: A,
): A {
  for (const s of segments) {
    const src = (s.part === 'h' ? hn : cn)[s.half];
    for (let j = 0; j < s.size; j++) out[s.offset + j] = src[j];
  }
  return out;
}

/** True when the model has final states beside a per-step or last-step main output (not output mode 'final'). */
export function hasExtraFinal(m: { output: string; final?: readonly FinalPart[] }): boolean {
  return m.output !== 'final' && m.final !== undefined && m.final.length > 0;
}

/** Width of the model's final-state vector (its output in mode 'final', the extra output otherwise); 0 without final parts. */
export function modelFinalSize(m: { final?: readonly FinalPart[]; layers: readonly LayerShape[] }): number {
  const last = m.layers[m.layers.length - 1];
  return last && m.final ? finalOutputSize(finalSegments(last, m.final) ?? []) : 0;
}
