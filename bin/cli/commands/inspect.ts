import { poolDetail } from '../../../compiler/layers/pool/ir';
import { lsmDetail } from '../../../compiler/layers/lsm/ir';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, emit, flag } from '../command';
import { loadAnyModel } from '../../../compiler/core/ir/format';
import { loadData } from '../../../compiler/data/load';
import { formatDataSummary, isDataSpec, summarizeData } from '../../../compiler/data/summary';
import { inspectQuant } from './quantize';
import {
  FinalSegment,
  FloatModel,
  Layer,
  OutputMode,
  layerInputSize,
  layerOutputSize,
  layerParamCount,
  modelOutputSize,
  paramCount,
} from '../../../compiler/core/ir/model';
import { finalSegments } from '../../../compiler/core/ir/final';

export interface LayerSummary {
  index: number;
  kind: string;
  detail: string;
  input: number;
  output: number;
  params: number;
  bytes: number;
}

function detail(l: Layer): string {
  switch (l.kind) {
    case 'elman':
      return `hidden ${l.hidden}, ${l.activation}${l.clip ? `, clip ${l.clip}` : ''}${l.leak !== undefined && l.leak !== 1 ? `, leak ${l.leak}` : ''}${l.reservoir ? `, reservoir (seed ${l.reservoir.seed})` : ''}`;
    case 'lstm':
      return `hidden ${l.hidden}${l.peepholes ? ', peepholes' : ''}${l.clip ? `, clip ${l.clip}` : ''}`;
    case 'gru':
      return `hidden ${l.hidden}, reset ${l.resetAfter ? 'after' : 'before'}${l.clip ? `, clip ${l.clip}` : ''}`;
    case 'bidirectional':
      return `${l.forward.kind} x2, hidden ${l.forward.hidden}+${l.backward.hidden}, concat`;
    case 'dense':
      return `units ${l.units}, ${l.activation}`;
    case 'jordan':
      return `hidden ${l.hidden}, output ${l.units} ${l.outActivation} fed back`;
    case 'pool':
      return poolDetail(l);
    case 'lsm':
      return lsmDetail(l);
    case 'reverse':
      return `${l.cell.kind} run backwards in time, ${detail(l.cell)}`;
  }
}

export function summarizeFloatModel(m: FloatModel): { layers: LayerSummary[]; params: number; bytes: number } {
  const layers = m.layers.map((l, index) => {
    const params = layerParamCount(l);
    return { index, kind: l.kind, detail: detail(l), input: layerInputSize(l), output: layerOutputSize(l), params, bytes: params * 4 };
  });
  const params = paramCount(m) + (m.normalization ? 2 * m.inputSize : 0);
  return { layers, params, bytes: params * 4 };
}

const OUTPUT_TEXT: Record<OutputMode, string> = {
  sequence: 'time step',
  last: 'sequence (last step)',
  final: "sequence (the last layer's final states after the whole sequence)",
};

/** The segments of a final-state output (output mode 'final'). */
export function finalSegmentsOf(m: FloatModel): FinalSegment[] {
  return finalSegments(m.layers[m.layers.length - 1], m.final ?? []) ?? [];
}

/** "[0:8] h forward, [8:16] h backward": where each final state lies in the output vector. */
export function describeSegments(segments: readonly FinalSegment[]): string {
  return segments.map((s) => `[${s.offset}:${s.offset + s.size}] ${s.part} ${s.direction}`).join(', ');
}

export function table(rows: string[][]): string {
  const w = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r) =>
      r
        .map((s, c) => (c === 0 || /^[a-z]/i.test(s) ? s.padEnd(w[c]) : s.padStart(w[c])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'show a model (float or int8): layers, shapes, parameter count and bytes; or a data file: shapes and the task it is read as',
  usage: 'tinyrnn inspect MODEL.tnn|DATA.csv|DATA.json|builtin:NAME [--json]',
  options: { json: { type: 'boolean', help: 'machine-readable output' } },
  positionals: [1, 1],
  examples: ['tinyrnn inspect gestures.tnn', 'tinyrnn inspect gestures.tnn --json', 'tinyrnn inspect recordings.csv'],
  run(values, [file], io) {
    if (isDataSpec(file)) {
      const d = summarizeData(loadData(file, io.cwd));
      emit(io, flag(values, 'json'), d, () => formatDataSummary(d));
      return 0;
    }
    const src = path.resolve(io.cwd, file);
    const any = loadAnyModel(src);
    if (any.format === 'quant') {
      const r = inspectQuant(any, file, fs.statSync(src).size);
      emit(io, flag(values, 'json'), r.data, () => r.text);
      return 0;
    }
    const m = any;
    const s = summarizeFloatModel(m);
    const fileBytes = fs.statSync(src).size;
    const data = {
      file,
      format: m.format,
      name: m.meta.name,
      task: m.task,
      output: m.output,
      ...(m.final ? { final: m.final, segments: finalSegmentsOf(m) } : {}),
      inputSize: m.inputSize,
      outputSize: modelOutputSize(m),
      features: m.meta.features,
      labels: m.meta.labels ?? null,
      sampleRate: m.meta.sampleRate ?? null,
      normalization: !!m.normalization,
      layers: s.layers,
      params: s.params,
      paramBytes: s.bytes,
      fileBytes,
      extra: m.meta.extra ?? {},
    };
    emit(io, flag(values, 'json'), data, () => {
      const rows = [['#', 'layer', 'detail', 'in', 'out', 'params', 'bytes']];
      for (const l of s.layers) rows.push([String(l.index), l.kind, l.detail, String(l.input), String(l.output), String(l.params), String(l.bytes)]);
      return [
        `${file}: float model "${m.meta.name}"`,
        `  task ${m.task}, output per ${OUTPUT_TEXT[m.output]}${m.meta.sampleRate ? `, ${m.meta.sampleRate} Hz` : ''}`,
        ...(m.output === 'final' ? [`  output ${modelOutputSize(m)} values: ${describeSegments(finalSegmentsOf(m))}`] : []),
        ...(m.final && m.output !== 'final' ? [`  final states beside the output, after the sequence: ${describeSegments(finalSegmentsOf(m))}`] : []),
        `  input ${m.inputSize} features: ${m.meta.features.join(', ')}${m.normalization ? ' (normalised in the model)' : ''}`,
        ...(m.meta.labels ? [`  classes: ${m.meta.labels.join(', ')}`] : []),
        '',
        table(rows),
        '',
        `  ${s.params} parameters, ${s.bytes} bytes as float32; file ${fileBytes} bytes`,
      ].join('\n');
    });
    return 0;
  },
};
