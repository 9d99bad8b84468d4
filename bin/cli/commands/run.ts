import * as path from 'node:path';
import { Command, emit, flag, requireStr, str } from '../command';
import { loadFloatModel, writeFileAtomic } from '../../../compiler/core/ir/format';
import { FloatModel } from '../../../compiler/core/ir/model';
import { finalSegmentsOf } from './inspect';
import { loadDataFile, sequenceRows } from '../../../compiler/data/dataset';
import { TinyrnnError } from '../../../compiler/core/ir/errors';
import { argmax, runFloat } from '../../../compiler/float/infer';
import { endsInSoftmax, softmaxOf } from '../../../compiler/train/metrics';

/** "h forward: 0.1 0.2  h backward: ...": a final-state output vector by its segments. */
function finalText(m: FloatModel, v: number[]): string {
  return finalSegmentsOf(m)
    .map(
      (s) =>
        `${s.part} ${s.direction}: ${v
          .slice(s.offset, s.offset + s.size)
          .map((x) => x.toFixed(5))
          .join(' ')}`,
    )
    .join('  ');
}

export const runCommand: Command = {
  name: 'run',
  summary: 'run a model on input sequences and print its outputs',
  usage: 'tinyrnn run MODEL.tnn --input IN.json|IN.csv [--out OUT.json] [--json]',
  description: 'The input uses the tinyrnn data format ({"x": N x T x F} or CSV); labels in it are ignored.',
  options: {
    input: { type: 'string', short: 'i', arg: 'FILE', help: 'input data (JSON {"x": N x T x F} or CSV)' },
    out: { type: 'string', short: 'o', arg: 'FILE', help: 'also write the outputs as JSON to FILE' },
    json: { type: 'boolean', help: 'machine-readable output' },
  },
  positionals: [1, 1],
  examples: ['tinyrnn run gestures.tnn --input recording.json', 'tinyrnn run forecast.tnn -i sensor.csv --json'],
  run(values, [file], io) {
    const m = loadFloatModel(path.resolve(io.cwd, file));
    const data = loadDataFile(path.resolve(io.cwd, requireStr(values, 'input', 'FILE (the input data)')));
    if (data.features.length !== m.inputSize) {
      throw new TinyrnnError(
        {
          code: 'DATA006',
          path: 'x',
          message: `sequences have ${data.features.length} features`,
          expected: `${m.inputSize} (${m.meta.features.join(', ')}), what the model was trained on`,
        },
        data.source,
      );
    }
    const once = m.output !== 'sequence'; // one answer per sequence: the last step's, or the final states
    const results = data.x.map((_, n) => {
      const r = runFloat(m, sequenceRows(data, n));
      const outputs = r.output.map((v) => Array.from(v));
      const res: { outputs: number[][] | number[]; final?: number[]; prediction?: string | string[]; probabilities?: number[][] | number[] } = {
        outputs: once ? outputs[0] : outputs,
        // final states beside the output: the vector after the sequence
        ...(r.final ? { final: Array.from(r.final) } : {}),
      };
      if (m.task === 'classification') {
        const names = m.meta.labels ?? [];
        const pick = (v: ArrayLike<number>): string => names[argmax(v)] ?? String(argmax(v));
        res.prediction = once ? pick(r.output[0]) : r.output.map(pick);
        // A head that ends in logits: its class probabilities are a softmax on the host.
        if (!endsInSoftmax(m.layers)) res.probabilities = once ? softmaxOf(r.output[0]) : r.output.map(softmaxOf);
      }
      return res;
    });
    const doc = { model: m.meta.name, output: m.output, ...(m.final ? { final: m.final } : {}), labels: m.meta.labels ?? null, results };
    const outArg = str(values, 'out');
    const out = outArg && path.resolve(io.cwd, outArg);
    if (out) writeFileAtomic(out, JSON.stringify(doc) + '\n');
    emit(
      io,
      flag(values, 'json'),
      doc,
      () =>
        results
          .map((r, n) => {
            const pred =
              r.prediction === undefined ? '' : Array.isArray(r.prediction) ? `  predictions: ${r.prediction.join(' ')}` : `  prediction: ${r.prediction}`;
            const o =
              m.output === 'final'
                ? finalText(m, r.outputs as number[])
                : m.output === 'last'
                  ? (r.outputs as number[]).map((v) => v.toFixed(5)).join(' ')
                  : `${(r.outputs as number[][]).length} steps, last: ${(r.outputs as number[][])
                      .at(-1)
                      ?.map((v) => v.toFixed(5))
                      .join(' ')}`;
            return `sequence ${n}: ${o}${pred}${r.final ? `\n  final states: ${finalText(m, r.final)}` : ''}`;
          })
          .join('\n') + (out ? `\nwrote ${path.relative(io.cwd, out) || out}` : ''),
    );
    return 0;
  },
};
