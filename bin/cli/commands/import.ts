import * as path from 'node:path';
import { Command, UsageError, Values, choice, emit, flag, requireStr, str } from '../command';
import { readFileBytes, saveFloatModel } from '../../../compiler/core/ir/format';
import { TASKS } from '../../../compiler/core/ir/model';
import { TinyrnnError } from '../../../compiler/core/ir/errors';
import { OnnxTensor, decodeOnnx, decodeOnnxTensor } from '../../../compiler/import/onnx/codec';
import { ImportResult, importOnnxModel } from '../../../compiler/import/onnx/import';
import { summarizeFloatModel, table } from './inspect';

function parseBinds(values: Record<string, unknown>, cwd: string): Record<string, OnnxTensor> {
  const raw = values.bind;
  const list = Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
  const out: Record<string, OnnxTensor> = {};
  for (const b of list) {
    const eq = b.indexOf('=');
    if (eq <= 0 || eq === b.length - 1) throw new UsageError(`--bind ${JSON.stringify(b)} is not NAME=FILE.pb`);
    const name = b.slice(0, eq);
    const file = path.resolve(cwd, b.slice(eq + 1));
    try {
      out[name] = decodeOnnxTensor(readFileBytes(file), `bind ${name}`);
    } catch (e) {
      throw e instanceof TinyrnnError ? e.inFile(file) : e;
    }
  }
  return out;
}

/** --output NAME or NAME,NAME,... (the final states of one node). */
function outputOption(values: Values): { output?: string[] } {
  const raw = str(values, 'output');
  if (raw === undefined) return {};
  const names = raw.split(',').map((n) => n.trim());
  if (names.some((n) => n === '')) throw new UsageError(`--output ${JSON.stringify(raw)} has an empty name`);
  return { output: names };
}

/** "final states h (forward, backward), c (...)" etc.: what the model outputs, for the report. */
function describeOutputMode(res: ImportResult): string {
  const beside = res.output.final ? ` and final states ${res.output.final.join(', ')} after the whole sequence` : '';
  if (res.output.mode === 'sequence') return `every time step${beside}`;
  if (res.output.mode === 'last') return `last time step${beside}`;
  return `final states ${(res.output.final ?? []).join(', ')} after the whole sequence`;
}

/** One graph output's line: "[0:8] h = "Y_h" (F1,B,F8)", "output [0:8] = "Y" (...)", "final [0:8] h = ...". */
function describeSlice(mode: string, sl: ImportResult['output']['slices'][number]): string {
  const where = mode === 'final' ? '' : sl.part ? 'final ' : 'output ';
  return `${where}[${sl.offset}:${sl.offset + sl.size}]${sl.part ? ` ${sl.part}` : ''} = ${JSON.stringify(sl.name)} (${sl.layout})`;
}

export const importCommand: Command = {
  name: 'import',
  summary: 'import a recurrent model from ONNX (PyTorch, Keras via tf2onnx) into a .tnn float model',
  usage:
    'tinyrnn import MODEL.onnx -o MODEL.tnn [--output NAME[,NAME]] [--bind NAME=T.pb ...] [--name NAME] [--task classification|regression] [--labels A,B,...] [--json]',
  description: [
    'Maps LSTM, GRU and RNN nodes (forward, reverse or bidirectional, layout 0 or 1, stacked), the dense head',
    "(Gemm, MatMul + Add, Relu/Sigmoid/Tanh/Softmax) and the exporters' shape plumbing (folded away)",
    'onto tinyrnn layers, keeping ONNX names in the model metadata. Anything it cannot map exactly is',
    'refused with the node, its op type and attribute, and what is supported.',
    'The first graph output is the model output unless --output names another; per-step outputs give',
    'a sequence model, a last-step Gather/Slice or the final state Y_h of a forward node a last-step model.',
    'The final states Y_h and Y_c of the last recurrent node (any direction; also reshaped) give a model',
    'that outputs them after the whole sequence (output mode final): --output Y_h,Y_c imports several, in',
    'that order, and with no --output a graph whose outputs are all final states of one node imports them all.',
    "A graph whose outputs are a node's Y and its final states ([Y, Y_h, Y_c], ONNX node tests, a bare nn.LSTM)",
    'imports them all with no --output (or --output Y,Y_h,Y_c): the per-step output Y is the model output, the',
    'final states an additional output read after the sequence.',
  ].join('\n'),
  options: {
    out: { type: 'string', short: 'o', arg: 'FILE', help: 'the .tnn float model to write' },
    output: {
      type: 'string',
      arg: 'NAME[,NAME]',
      help: "graph output to import, the final states Y_h,Y_c of one node, or Y,Y_h,Y_c (default: the first, or all when they are one node's final states or its Y and final states)",
    },
    bind: { type: 'string', arg: 'NAME=FILE.pb', multiple: true, help: 'bind a graph input to a constant (an ONNX TensorProto file)' },
    name: { type: 'string', arg: 'NAME', help: 'model name (default: the graph name)' },
    task: { type: 'string', arg: 'TASK', help: 'classification or regression (default: classification if the model ends in softmax or --labels is given)' },
    labels: { type: 'string', arg: 'A,B,...', help: 'class labels of a classifier, one per output (implies --task classification; default: 0, 1, ...)' },
    json: { type: 'boolean', help: 'machine-readable report' },
  },
  positionals: [1, 1],
  examples: ['tinyrnn import lstm.onnx -o lstm.tnn', 'tinyrnn import keras_gru.onnx -o gru.tnn --output dense_1 --labels idle,walk,run --json'],
  run(values, [file], io) {
    const src = path.resolve(io.cwd, file);
    const outArg = requireStr(values, 'out', 'FILE (the .tnn model to write)');
    const out = path.resolve(io.cwd, outArg);
    const task = choice(values, 'task', TASKS);
    const bind = parseBinds(values, io.cwd);
    let res;
    try {
      const onnx = decodeOnnx(readFileBytes(src));
      const labels = str(values, 'labels')
        ?.split(',')
        .map((l) => l.trim());
      if (labels?.some((l) => l === '')) throw new UsageError(`--labels ${JSON.stringify(str(values, 'labels'))} has an empty label`);
      res = importOnnxModel(onnx, {
        source: path.basename(file),
        bind,
        ...(task ? { task } : {}),
        ...(labels ? { labels } : {}),
        ...outputOption(values),
        ...(str(values, 'name') ? { name: str(values, 'name') } : {}),
      });
    } catch (e) {
      throw e instanceof TinyrnnError && !e.file ? e.inFile(file) : e;
    }
    saveFloatModel(out, res.model);
    const m = res.model;
    const s = summarizeFloatModel(m);
    const data = {
      file,
      out: outArg,
      name: m.meta.name,
      producer: res.producer,
      opset: res.opset,
      input: res.input,
      output: res.output,
      ignoredOutputs: res.ignoredOutputs,
      ...(res.ignoredHint ? { ignoredHint: res.ignoredHint } : {}),
      task: m.task,
      labels: m.meta.labels ?? null,
      inputSize: m.inputSize,
      layers: s.layers.map((l, i) => ({ ...l, name: res.layers[i].name, node: res.layers[i].node })),
      params: s.params,
      paramBytes: s.bytes,
      foldedNodes: res.folded,
      unusedNodes: res.unused,
    };
    emit(io, flag(values, 'json'), data, () => {
      const rows = [['#', 'layer', 'detail', 'in', 'out', 'params']];
      s.layers.forEach((l) => rows.push([String(l.index), l.kind, l.detail, String(l.input), String(l.output), String(l.params)]));
      const tableLines = table(rows)
        .split('\n')
        .map((line, i) => `${line}  ${i === 0 ? 'from ONNX node' : res.layers[i - 1].node}`);
      return [
        `${file}: ${res.producer || 'unknown producer'}, opset ${res.opset}`,
        `  input ${JSON.stringify(res.input.name)} (${res.input.layout}), ${m.inputSize} features`,
        ...(res.output.slices.length === 1
          ? [`  output ${JSON.stringify(res.output.name)} (${res.output.layout}): ${describeOutputMode(res)}, task ${m.task}`]
          : [`  outputs: ${describeOutputMode(res)}, task ${m.task}`]),
        ...(res.output.slices.length > 1 || m.output === 'final' ? res.output.slices.map((sl) => `    ${describeSlice(m.output, sl)}`) : []),
        ...(res.ignoredOutputs.length ? [`  not imported: graph outputs ${res.ignoredOutputs.join(', ')}`] : []),
        ...(res.ignoredHint ? [`    (${res.ignoredHint})`] : []),
        `  ${res.folded} shape/constant nodes folded${res.unused ? `, ${res.unused} nodes not needed for this output` : ''}`,
        '',
        ...tableLines,
        '',
        `  ${s.params} parameters, ${s.bytes} bytes as float32`,
        `wrote ${data.out}`,
      ].join('\n');
    });
    return 0;
  },
};
