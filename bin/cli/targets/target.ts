// A code-generation target (targets/<name>/target.ts exports one; targets/index.ts lists them).
// `tinyrnn compile MODEL.q.tnn --target NAME --out DIR ...` parses the common options, then hands
// the target the rest of the option values (each target declares its own options).
import { Io, OptionSpec, Values } from '../command';

export interface CompileResult {
  /** Files written, relative to the output folder. */
  files: string[];
  /** The target's report (memory, cost...), printed as text and included in --json output. */
  report: Record<string, unknown>;
  /** Human-readable report. */
  text: string;
}

export interface Target {
  name: string;
  summary: string;
  /** Options specific to this target (merged into `tinyrnn compile --help`). */
  options: Record<string, OptionSpec>;
  compile(modelFile: string, outDir: string, values: Values, io: Io): Promise<CompileResult> | CompileResult;
}
