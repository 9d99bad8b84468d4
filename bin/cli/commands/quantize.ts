// `tinyrnn quantize`: float model + calibration data -> int8 model (.q.tnn), following the
// integer spec in docs/quantization.md. Prints what the device will hold (bytes per layer),
// how raw inputs are fed, and how closely int8 follows float on the calibration data.
import { poolDetail } from '../../../compiler/layers/pool/ir';
import { lsmDetail } from '../../../compiler/layers/lsm/ir';
import * as path from 'node:path';
import { Command, emit, flag, num, requireStr, str } from '../command';
import { loadFloatModel, saveQuantModel } from '../../../compiler/core/ir/format';
import { TinyrnnError } from '../../../compiler/core/ir/errors';
import { QLayer, QuantModel, qLayerBytes, qLayerInputSize, qLayerOutputSize } from '../../../compiler/core/ir/quant-model';
import { outputPerText } from '../../../compiler/core/ir/model';
import { loadData } from '../../../compiler/data/load';
import { DEFAULT_HEADROOM, MAX_HEADROOM, quantizeModel } from '../../../compiler/quant/quantize';
import { formatSaturation, saturationWarnings } from '../../../compiler/quant/saturation';
import { datasetSequences } from '../../../compiler/quant/calibrate';
import { describeInputChoice } from '../../../compiler/quant/input';
import { compareQuant } from '../../../compiler/quant/report';
import { QUANT_SPEC_VERSION } from '../../../compiler/core/spec/spec';
import { renderQuantReport, worstSentence } from '../../../runtime/report/quant';
import { writeReportOption } from '../../../runtime/report/page';

function layerDetail(l: QLayer): string {
  switch (l.kind) {
    case 'elman':
      return `hidden ${l.hidden}, ${l.activation}${l.clip ? ', clip' : ''}${l.leakQ15 !== undefined ? `, leak ${l.leakQ15}/32768` : ''}${l.reservoir ? `, reservoir regenerated (seed ${l.reservoir.seed})` : ''}`;
    case 'lstm':
      return `hidden ${l.hidden}, cell Q${15 - l.cellFrac}.${l.cellFrac}${l.clip ? ', clip' : ''}`;
    case 'gru':
      return `hidden ${l.hidden}, reset ${l.resetAfter ? 'after' : 'before'}${l.clip ? ', clip' : ''}`;
    case 'bidirectional':
      return `${l.forward.kind} x2, hidden ${l.forward.hidden}+${l.backward.hidden}`;
    case 'dense':
      return `units ${l.units}, ${l.activation}${l.activation === 'softmax' ? ' (on the host)' : ''}, ${l.outType === 's16' ? 'int16' : 'int8'} out`;
    case 'jordan':
      return `hidden ${l.hidden}, units ${l.units} fed back, ${l.outActivation}, ${l.outType === 's16' ? 'int16' : 'int8'} out`;
    case 'pool':
      return poolDetail(l);
    case 'lsm':
      return lsmDetail(l);
    case 'reverse':
      return `${l.cell.kind} run backwards in time, ${layerDetail(l.cell)}`;
  }
}

/** ", offset K" (with its fraction when the model keeps one: offset - bias / m), or nothing for 0. */
function offsetNote(q: QuantModel, f: number): string {
  const b = q.input.bias?.[f] ?? 0;
  const off = b && q.input.m[f] ? (q.input.offset[f] - b / q.input.m[f]).toFixed(4) : String(q.input.offset[f]);
  return q.input.offset[f] || b ? `, offset ${off}` : '';
}

/** Per-layer summary of a quantised model (shared with inspect). */
export function summarizeQuantModel(q: QuantModel): {
  layers: { index: number; kind: string; detail: string; input: number; output: number; bytes: number }[];
  bytes: number;
  tableBytes: number;
  inputBytes: number;
} {
  const layers = q.layers.map((l, index) => ({
    index,
    kind: l.kind,
    detail: layerDetail(l),
    input: qLayerInputSize(l),
    output: qLayerOutputSize(l),
    bytes: qLayerBytes(l),
  }));
  const tableBytes = 2 * (q.tables.sigmoid.length + q.tables.tanh.length);
  const inputBytes = 4 * (q.input.bias ? 4 : 3) * q.inputSize;
  return { layers, bytes: layers.reduce((s, l) => s + l.bytes, 0) + tableBytes + inputBytes, tableBytes, inputBytes };
}

/**
 * How to read the device's output integers: one scale and zero point, or for final states (output
 * mode 'final') each segment's, e.g. "int16 final states: [0..3] h forward real = (y - 0) * 3.05176e-5, ...";
 * final states beside the output: the output's scale, then the final vector's segments.
 */
export function deviceOutputText(q: QuantModel, sep: string): string {
  const type = q.outputType === 's16' ? 'int16' : 'int8';
  const real = (zp: number, scale: number) => `real = (y - ${zp}) * ${scale.toPrecision(6)}`;
  const segs = q.doc.outputSegments;
  const finals = (list: NonNullable<typeof segs>) =>
    list.map((g) => `[${g.offset}..${g.offset + g.size - 1}] ${g.part} ${g.direction} ${real(g.zp, g.scale)}`).join('; ');
  const main = `${type}${sep}${real(q.doc.outputZp, q.doc.outputScale)}`;
  if (!segs) return main;
  // final states beside the main output: a second vector, int16, after the sequence
  return q.output === 'final' ? `${type} final states: ${finals(segs)}` : `${main}; beside it int16 final states: ${finals(segs)}`;
}

function table(rows: string[][]): string {
  const w = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r) =>
      r
        .map((x, c) => (c === 0 || /^[a-z]/i.test(x) ? x.padEnd(w[c]) : x.padStart(w[c])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `tinyrnn inspect` of an int8 model: data for --json and the text. */
export function inspectQuant(q: QuantModel, file: string, fileBytes: number): { data: object; text: string } {
  const s = summarizeQuantModel(q);
  const data = {
    file,
    format: q.format,
    specVersion: q.specVersion,
    name: q.meta.name,
    task: q.task,
    output: q.output,
    inputSize: q.inputSize,
    outputSize: q.outputSize,
    features: q.meta.features,
    labels: q.meta.labels ?? null,
    sampleRate: q.meta.sampleRate ?? null,
    layers: s.layers,
    bytes: s.bytes,
    input: q.meta.features.map((name, f) => ({ name, rawPerUnit: q.input.rawPerUnit[f], offset: q.input.offset[f], bias: q.input.bias?.[f] ?? 0 })),
    outputType: q.outputType,
    outputScale: q.doc.outputScale,
    outputZp: q.doc.outputZp,
    ...(q.doc.outputSegments ? { outputSegments: q.doc.outputSegments } : {}),
    calibration: q.doc.calibration,
    fileBytes,
  };
  const rows = [['#', 'layer', 'detail', 'in', 'out', 'bytes']];
  for (const l of s.layers) rows.push([String(l.index), l.kind, l.detail, String(l.input), String(l.output), String(l.bytes)]);
  const text = [
    `${file}: int8 model "${q.meta.name}" (quantisation spec v${q.specVersion})`,
    `  task ${q.task}, output per ${outputPerText(q.output)}${q.meta.sampleRate ? `, ${q.meta.sampleRate} Hz` : ''}`,
    `  input ${q.inputSize} raw integer features: ${q.meta.features.map((n, f) => `${n} (x${q.input.rawPerUnit[f]}${offsetNote(q, f)})`).join(', ')}`,
    ...(q.meta.labels ? [`  classes: ${q.meta.labels.join(', ')}`] : []),
    `  calibrated by ${q.doc.calibration}`,
    '',
    table(rows),
    '',
    `  ${s.bytes} bytes of integer parameters (including ${s.tableBytes} bytes of activation tables); file ${fileBytes} bytes`,
    `  output ${deviceOutputText(q, ': ')}`,
  ].join('\n');
  return { data, text };
}

export const quantizeCommand: Command = {
  name: 'quantize',
  summary: 'quantise a float model to int8 with calibration data (integer-only inference)',
  usage: 'tinyrnn quantize MODEL.tnn --calib FILE|builtin:NAME [-o MODEL.q.tnn] [--percentile P] [--headroom H] [--raw-per-unit K] [--json]',
  description: [
    'Runs the float model over the calibration data, records the range of every tensor, and writes a',
    `model that holds only integers (spec version ${QUANT_SPEC_VERSION}, docs/quantization.md). The device is fed raw`,
    'integers: round(x * rawPerUnit) per feature (printed below); normalisation is folded in.',
  ].join('\n'),
  options: {
    calib: { type: 'string', short: 'c', arg: 'FILE|builtin:NAME', help: 'calibration data (typically the training data)' },
    output: { type: 'string', short: 'o', arg: 'FILE', help: 'the quantised model (default: MODEL.q.tnn)' },
    percentile: { type: 'string', arg: 'P', help: 'use the P-th/(100-P)-th percentiles instead of min/max (e.g. 99.99)' },
    headroom: {
      type: 'string',
      arg: 'H',
      help: `output and state ranges cover H times their calibrated range, so values past the calibration data are followed, not clipped (default ${DEFAULT_HEADROOM}; 1: no margin)`,
    },
    'raw-per-unit': { type: 'string', arg: 'K', help: 'raw integer units per model unit for every feature (default: 1 for integer data, else a power of two)' },
    json: { type: 'boolean', help: 'machine-readable summary' },
    report: {
      type: 'string',
      arg: 'FILE.html',
      help: 'write a self-contained HTML report: error per layer and gate, error over time, values at their limit, int8 weights (traces 100 calibration sequences)',
    },
  },
  positionals: [1, 1],
  examples: [
    'tinyrnn quantize gestures.tnn --calib builtin:gestures -o gestures.q.tnn',
    'tinyrnn quantize gestures.tnn --calib builtin:gestures --report quant.html',
    'tinyrnn quantize sensor.tnn --calib recordings.csv --percentile 99.99 --raw-per-unit 1 --json',
  ],
  run(values, [file], io) {
    const src = path.resolve(io.cwd, file);
    const out = path.resolve(io.cwd, str(values, 'output') ?? file.replace(/(\.tnn)?$/i, '.q.tnn'));
    const model = loadFloatModel(src);
    const calibSpec = requireStr(values, 'calib', 'FILE|builtin:NAME (calibration data)');
    const data = loadData(calibSpec, io.cwd);
    const percentile = num(values, 'percentile', { min: 50, max: 100 });
    const rawPerUnit = num(values, 'raw-per-unit', { int: true, min: 1 });
    const headroom = num(values, 'headroom', { min: 1, max: MAX_HEADROOM });
    let q: QuantModel;
    const sequences = datasetSequences(data, model.inputSize);
    try {
      q = quantizeModel(model, sequences, {
        source: data.source,
        ...(percentile !== undefined ? { percentile } : {}),
        ...(rawPerUnit !== undefined ? { rawPerUnit } : {}),
        ...(headroom !== undefined ? { headroom } : {}),
      });
    } catch (e) {
      // name the model the problems are in (calibration-data problems already name their data)
      if (e instanceof TinyrnnError && !e.file) throw e.inFile(file);
      throw e;
    }
    saveQuantModel(out, q);
    const s = summarizeQuantModel(q);
    const report = str(values, 'report');
    // the per-tensor analysis runs for the report; text, --json and the page print this one result
    const cmp = compareQuant(model, q, data, report ? {} : { traceSequences: 0 });
    const inputStage = describeInputChoice(q, sequences, rawPerUnit !== undefined);
    const result = {
      model: file,
      output: path.relative(io.cwd, out) || out,
      specVersion: q.specVersion,
      calibration: q.doc.calibration,
      layers: s.layers,
      bytes: s.bytes,
      input: q.meta.features.map((name, f) => ({
        name,
        rawPerUnit: q.input.rawPerUnit[f],
        offset: q.input.offset[f],
        bias: q.input.bias?.[f] ?? 0,
        scale: q.doc.inputScale[f],
      })),
      inputStage,
      outputType: q.outputType,
      outputScale: q.doc.outputScale,
      outputZp: q.doc.outputZp,
      ...(q.doc.outputSegments ? { outputSegments: q.doc.outputSegments } : {}),
      ...(q.doc.outputSegments ? { outputSegments: q.doc.outputSegments } : {}),
      onCalibration: {
        agreement: cmp.agreement ?? null,
        outputMaxAbsError: cmp.output.maxAbs,
        outputMeanAbsError: cmp.output.meanAbs,
        float: cmp.float.classification?.accuracy ?? cmp.float.regression?.rmse ?? null,
        int8: cmp.int8.classification?.accuracy ?? cmp.int8.regression?.rmse ?? null,
      },
      comparison: cmp,
    };
    const wrote = report ? writeReportOption(io.cwd, report, renderQuantReport(result, q)) : '';
    if (flag(values, 'json')) for (const w of saturationWarnings(cmp.saturation)) io.err(w);
    emit(io, flag(values, 'json'), result, () => {
      const rows = [['#', 'layer', 'detail', 'in', 'out', 'bytes']];
      for (const l of s.layers) rows.push([String(l.index), l.kind, l.detail, String(l.input), String(l.output), String(l.bytes)]);
      const metric = cmp.float.classification
        ? `accuracy float ${(100 * cmp.float.classification.accuracy).toFixed(1)}%, int8 ${(100 * (cmp.int8.classification?.accuracy ?? 0)).toFixed(1)}%; predictions identical ${cmp.agreement?.identical} of ${cmp.agreement?.predictions}`
        : cmp.float.regression
          ? `RMSE float ${cmp.float.regression.rmse.toPrecision(4)}, int8 ${cmp.int8.regression?.rmse.toPrecision(4)}`
          : model.output === 'final'
            ? 'final states, no task metric'
            : `no ${model.task === 'classification' ? 'class labels' : 'regression targets'} in the calibration data, no task metric`;
      return [
        `${result.output}: int8 model "${q.meta.name}" (spec v${q.specVersion}), calibrated by ${q.doc.calibration}`,
        '',
        table(rows),
        '',
        `  ${s.bytes} bytes of integer parameters (including ${s.tableBytes} bytes of sigmoid/tanh tables)`,
        `  device input: raw integers r = round(x * rawPerUnit): ${result.input.map((i) => `${i.name} x${i.rawPerUnit}`).join(', ')}`,
        `  input stage: ${inputStage.text}`,
        `  device output: ${deviceOutputText(q, ', ')}${q.layers[q.layers.length - 1].kind === 'dense' && (q.layers[q.layers.length - 1] as { activation: string }).activation === 'softmax' ? ' (logits: argmax is the class)' : ''}`,
        `  on the calibration data: ${metric}; output max |error| ${cmp.output.maxAbs.toPrecision(3)}`,
        formatSaturation(cmp.saturation),
        ...(report ? [`  ${worstSentence(cmp)}`, `  ${wrote}`] : []),
        `  full report: tinyrnn eval ${path.relative(io.cwd, out) || out} --data DATA --compare ${file}`,
      ].join('\n');
    });
    return 0;
  },
};
