// The end of an import: the chosen output must be per-step or last-step model data computed
// through at least one recurrent node; it becomes a FloatModel with the ONNX provenance in
// meta.extra, its task and labels, and the input normalisation found before the first layer.

import { FloatModel, Layer, Task, isCellLayer, layerInputSize, layerOutputSize } from '../../core/ir/model';
import { endsInSoftmax } from '../../core/ir/kinds';
import { validateFloatModel } from '../../core/ir/validate';
import { ImportContext } from './context';
import { ModelInput } from './input';
import { ImportOptions, ImportResult } from './options';
import { ActValue, Value, describeAxes, describeValue, featureWidth } from './values';

/** The graph name, unless it is an exporter's generic one; then the file name without extension. */
function defaultName(graph: string, source: string | undefined): string {
  if (graph && !/^(torch[-_]jit([-_]export)?|tf2onnx|main_graph|graph|g)$/i.test(graph)) return graph;
  const stem = source ? source.replace(/^.*[\\/]/, '').replace(/\.onnx$/i, '') : '';
  return stem || graph || 'onnx-model';
}

function layerInputSizeOf(l: Layer): number {
  return layerInputSize(l);
}

/** The output value as model data the IR can express, or a coded refusal. */
function checkOutput(cx: ImportContext, outName: string, v: Value): ActValue {
  const where0 = `graph.output ${JSON.stringify(outName)}`;
  if (v.kind !== 'act') {
    cx.fail('ONNX018', where0, `the output is ${describeValue(v)}, which does not depend on the model input`, {
      expected: 'an output computed from the input sequence',
    });
  }
  if (v.mode === 'cell')
    cx.fail('ONNX018', where0, 'the output is an LSTM cell state (Y_c)', {
      expected: 'a hidden state or a layer output',
      hint: 'import another output: --output NAME',
    });
  if (v.mode === 'final-bidir' || v.mode === 'final-reverse') {
    const node = v.mode === 'final-bidir' ? 'a bidirectional node' : 'a reverse node';
    cx.fail('ONNX018', where0, `the output is the final state (Y_h) of ${node}`, {
      expected: 'per-step outputs or their last step',
      hint: 'a reverse direction ends in its state after the first time step; export Y and take its last step instead',
    });
  }
  if (v.layers.length === 0) cx.fail('ONNX018', where0, 'the output is the model input itself', { expected: 'an output computed by at least one layer' });
  const T = v.axes.filter((x) => cx.role(x) === 'T');
  if (v.mode === 'sequence' && T.length !== 1)
    cx.fail('ONNX018', where0, `the output (${describeAxes(v.axes)}) has no time axis`, { expected: 'a time axis, or a last-step selection' });
  const stray = v.axes.filter((x) => x.role === 'x0' || x.role === 'x1');
  if (stray.length) cx.fail('ONNX018', where0, 'no recurrent node tells which input axis is time', { expected: 'at least one LSTM, GRU or RNN node' });
  const width = featureWidth(v);
  const lastLayer = v.layers[v.layers.length - 1];
  if (layerOutputSize(lastLayer) !== width) {
    cx.fail('ONNX013', where0, `the output has ${width} features but the last layer gives ${layerOutputSize(lastLayer)}`);
  }
  if (!v.layers.some((l) => isCellLayer(l) || l.kind === 'bidirectional' || l.kind === 'reverse')) {
    cx.fail('ONNX018', where0, 'the output does not pass through a recurrent node', { expected: 'at least one LSTM, GRU or RNN node' });
  }
  return v;
}

/**
 * The task and class labels: from the options, else classification when the model ends in softmax
 * or labels are given (a head that ends in logits, softmax left to the loss, is a classifier too).
 */
function taskAndLabels(cx: ImportContext, opts: ImportOptions, lastLayer: Layer): { task: Task; labels?: string[] } {
  const isSoftmax = endsInSoftmax([lastLayer]);
  const task: Task = opts.task ?? (isSoftmax || opts.labels ? 'classification' : 'regression');
  const O = layerOutputSize(lastLayer);
  if (opts.labels && (task !== 'classification' || opts.labels.length !== O)) {
    cx.fail('ONNX014', 'labels', task !== 'classification' ? 'labels given for a regression model' : `${opts.labels.length} labels given`, {
      expected: task !== 'classification' ? 'no labels, or --task classification' : `${O} (one per model output)`,
    });
  }
  const labels = task === 'classification' ? (opts.labels ?? Array.from({ length: O }, (_, i) => String(i))) : undefined;
  return { task, labels };
}

interface Provenance {
  input: ModelInput;
  inputLayout: string;
  outName: string;
  outLayout: string;
  origins: string[];
  ignoredOutputs: string[];
}

/** meta.extra: where the model came from (producer, opset, graph, input/output names and layouts). */
function onnxExtra(cx: ImportContext, opts: ImportOptions, p: Provenance, seqLength: number | undefined): Record<string, string> {
  const m = cx.m;
  const extra: Record<string, string> = {
    source: 'onnx',
    'onnx.producer': `${m.producerName} ${m.producerVersion}`.trim(),
    'onnx.opset': String(cx.opset),
    'onnx.irVersion': String(m.irVersion),
    'onnx.graph': m.graph.name,
    'onnx.input': p.input.name,
    'onnx.inputShape': `[${p.input.shape.map((d) => (d === null ? '?' : d)).join(', ')}]`,
    'onnx.inputLayout': p.inputLayout,
    'onnx.output': p.outName,
    'onnx.outputLayout': p.outLayout,
    'onnx.layers': p.origins.join(' | '),
  };
  if (opts.source) extra['onnx.file'] = opts.source;
  if (p.ignoredOutputs.length) extra['onnx.ignoredOutputs'] = p.ignoredOutputs.join(', ');
  if (cx.unrolled.length) extra['onnx.unrolled'] = cx.unrolled.join('; ');
  if (cx.sawStaticSeqLens) extra['onnx.sequenceLength'] = String(seqLength ?? '?');
  if (Object.keys(opts.bind ?? {}).length) extra['onnx.bound'] = Object.keys(opts.bind ?? {}).join(', ');
  for (const [k, val] of Object.entries(m.metadata)) extra[`onnx.meta.${k}`] = val;
  return extra;
}

/** The imported model and the import's report, for the output `outName` whose value is `value`. */
export function finish(
  cx: ImportContext,
  opts: ImportOptions,
  input: ModelInput,
  outName: string,
  value: Value,
  counts: { needed: number; total: number },
): ImportResult {
  const v = checkOutput(cx, outName, value);
  const inAxes = (cx.values.get(input.name) as ActValue).axes;
  const inputLayout = inAxes.map((x) => cx.role(x)).join(',');
  const outLayout = describeAxes(v.axes.map((x) => ({ ...x, role: cx.role(x) })));
  const ignoredOutputs = cx.m.graph.outputs.map((o) => o.name).filter((o) => o !== outName);
  const seqLength = inAxes.find((x) => cx.role(x) === 'T')?.size;
  const extra = onnxExtra(cx, opts, { input, inputLayout, outName, outLayout, origins: v.origins, ignoredOutputs }, seqLength);
  const { task, labels } = taskAndLabels(cx, opts, v.layers[v.layers.length - 1]);
  const F = layerInputSizeOf(v.layers[0]);
  const model: FloatModel = {
    format: 'float',
    meta: {
      name: opts.name ?? defaultName(cx.m.graph.name, opts.source),
      features: Array.from({ length: F }, (_, i) => (F === 1 ? input.name : `${input.name}[${i}]`)),
      ...(labels ? { labels } : {}),
      extra,
    },
    task,
    output: v.mode === 'last' ? 'last' : 'sequence',
    inputSize: F,
    ...(v.norm ? { normalization: { mean: Float32Array.from(v.norm.mean), std: Float32Array.from(v.norm.std) } } : {}),
    layers: v.layers,
  };
  validateFloatModel(model);
  return {
    model,
    input: { name: input.name, layout: inputLayout, shape: input.shape },
    output: { name: outName, layout: outLayout, mode: model.output },
    ignoredOutputs,
    layers: v.layers.map((l, index) => ({ index, kind: l.kind, name: l.name ?? '', node: v.origins[index] })),
    opset: cx.opset,
    producer: extra['onnx.producer'],
    folded: cx.folded,
    unused: counts.total - counts.needed,
  };
}
