// The end of an import: the chosen output must be per-step or last-step model data computed
// through at least one recurrent node, or the final states (Y_h, Y_c; several graph outputs only
// as the final states of one node) of the last one (output mode 'final'), or both: Y with the final
// states of the node that computes it beside it (a `final` field in mode 'sequence' or 'last'); it becomes a FloatModel
// with the ONNX provenance in meta.extra (which graph output fills which slice of the output), its
// task and labels, and the input normalisation found before the first layer.

import { FinalPart, FloatModel, Layer, OutputMode, Task, isCellLayer, layerInputSize, layerOutputSize } from '../../core/ir/model';
import { endsInSoftmax } from '../../core/ir/kinds';
import { validateFloatModel } from '../../core/ir/validate';
import { ImportContext } from './context';
import { ModelInput } from './input';
import { IgnoredOutputs, ImportOptions, ImportResult, OutputSlice } from './options';
import { ActValue, FinalState, STATE_ONLY_MODES, Value, describeAxes, describeValue, featureWidth } from './values';

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
  if (v.kind === 'stack') {
    cx.fail('ONNX018', where0, `the output is ${describeValue(v)} (PyTorch's h_n or c_n of stacked layers)`, {
      expected: "one layer's output or final states",
      hint: "import the last layer's state (h_n[-1] in PyTorch), Y_h/Y_c of the last node, or the per-step output",
    });
  }
  if (v.kind !== 'act') {
    cx.fail('ONNX018', where0, `the output is ${describeValue(v)}, which does not depend on the model input`, {
      expected: 'an output computed from the input sequence',
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

/** One chosen graph output and its value. */
export interface ChosenOutput {
  name: string;
  value: Value;
}

/** The model's output: the value whose layers make the model, its mode, and each graph output's slice of the output vector. */
interface OutputPlan {
  v: ActValue;
  mode: OutputMode;
  final?: FinalPart[];
  slices: OutputSlice[];
}

/** Several graph outputs: each a final state of the same node, each part once, in the order given. */
function checkStates(cx: ImportContext, outs: { name: string; v: ActValue }[]): FinalPart[] {
  const first = outs[0];
  const parts: FinalPart[] = [];
  for (const { name, v } of outs) {
    const where0 = `graph.output ${JSON.stringify(name)}`;
    if (!v.state) {
      cx.fail(
        'ONNX018',
        where0,
        `the output is ${v.mode === 'sequence' ? 'per-step model data' : 'model data'}, not a final state (Y_h or Y_c) of a recurrent node`,
        {
          expected: 'several outputs only as the final states of one recurrent node (Y_h and Y_c), with at most one per-step output (its Y)',
          hint: `import one output (--output ${name}), or only the final states`,
        },
      );
    }
    if (v.state.node !== first.v.state?.node)
      cx.fail('ONNX018', where0, `the output is a final state of ${v.state.node}, but ${JSON.stringify(first.name)} is one of ${first.v.state?.node}`, {
        expected: 'the final states of one recurrent node',
      });
    if (parts.includes(v.state.part))
      cx.fail('ONNX014', where0, `the output is ${v.state.part === 'h' ? 'Y_h' : 'Y_c'} of ${v.state.node} a second time`, {
        expected: 'each final state once',
      });
    parts.push(v.state.part);
  }
  return parts;
}

/** One graph output's slice of the output vector (of the final-state vector for a final state beside a main output). */
function cutSlice(cx: ImportContext, name: string, offset: number, v: ActValue, part?: FinalPart): OutputSlice {
  return { name, layout: describeAxes(v.axes.map((x) => ({ ...x, role: cx.role(x) }))), offset, size: featureWidth(v), ...(part ? { part } : {}) };
}

/** Final-state slices laid end to end in the order given. */
function stateSlices(cx: ImportContext, outs: { name: string; v: ActValue }[], parts: FinalPart[]): OutputSlice[] {
  let offset = 0;
  return outs.map((o, k) => {
    const s = cutSlice(cx, o.name, offset, o.v, parts[k]);
    offset += s.size;
    return s;
  });
}

/** A per-step or last-step output with final states beside it: the states must be of the node that makes its last layer. */
function planMainWithStates(cx: ImportContext, main: { name: string; v: ActValue }, states: { name: string; v: ActValue }[]): OutputPlan {
  const final = checkStates(cx, states);
  const lastOf = (v: ActValue) => v.layers[v.layers.length - 1];
  if (lastOf(states[0].v) !== lastOf(main.v) || states[0].v.layers.length !== main.v.layers.length)
    cx.fail(
      'ONNX018',
      `graph.output ${JSON.stringify(states[0].name)}`,
      `the output is a final state of ${states[0].v.state?.node}, which is not the last layer of ${JSON.stringify(main.name)}`,
      {
        expected: 'final states beside a per-step output only of the node that computes that output last',
        hint: `import one output (--output ${main.name}), or only the final states`,
      },
    );
  const mode: OutputMode = main.v.mode === 'last' ? 'last' : 'sequence';
  return { v: main.v, mode, final, slices: [cutSlice(cx, main.name, 0, main.v), ...stateSlices(cx, states, final)] };
}

/** What the chosen outputs become: a step mode (one output, or Y with final states beside it), or output mode 'final' (final states). */
function planOutput(cx: ImportContext, outs: ChosenOutput[]): OutputPlan {
  const checked = outs.map((o) => ({ name: o.name, v: checkOutput(cx, o.name, o.value) }));
  const [{ name, v }] = checked;
  if (checked.length === 1 && !STATE_ONLY_MODES.includes(v.mode))
    return { v, mode: v.mode === 'last' ? 'last' : 'sequence', slices: [cutSlice(cx, name, 0, v)] };
  const mains = checked.filter((o) => !o.v.state);
  if (checked.length > 1 && mains.length === 1)
    return planMainWithStates(
      cx,
      mains[0],
      checked.filter((o) => o !== mains[0]),
    );
  const final = checked.length === 1 ? [(v.state as FinalState).part] : checkStates(cx, checked);
  return { v, mode: 'final', final, slices: stateSlices(cx, checked, final) };
}

/**
 * The task and class labels: from the options, else classification when the model ends in softmax
 * or labels are given (a head that ends in logits, softmax left to the loss, is a classifier too).
 * Final states are no class scores: such a model is a regression model.
 */
function taskAndLabels(cx: ImportContext, opts: ImportOptions, lastLayer: Layer, plan: OutputPlan): { task: Task; labels?: string[] } {
  if (plan.mode === 'final') {
    if (opts.task === 'classification' || opts.labels)
      cx.fail('ONNX014', opts.labels ? 'labels' : 'task', 'a classifier whose output is final states (Y_h/Y_c)', {
        expected: 'task regression: final states are no class scores',
        hint: 'import a head on Y for a classifier',
      });
    return { task: 'regression' };
  }
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
  plan: OutputPlan;
  ignored: IgnoredOutputs;
}

/**
 * "Y_h[0:8], Y_c[8:16]": which graph output fills which slice of the model's output vector; beside
 * a main output, "Y[0:16]; final Y_h[0:8], Y_c[8:16]" (the final states' slices of the final vector).
 */
export function describeSlices(slices: readonly OutputSlice[], mode: OutputMode = 'final'): string {
  const list = (ss: readonly OutputSlice[]) => ss.map((s) => `${s.name}[${s.offset}:${s.offset + s.size}]`).join(', ');
  return mode === 'final' || slices.length < 2 ? list(slices) : `${list(slices.slice(0, 1))}; final ${list(slices.slice(1))}`;
}

/** meta.extra: where the model came from (producer, opset, graph, input/output names and layouts). */
function onnxExtra(cx: ImportContext, opts: ImportOptions, p: Provenance, seqLength: number | undefined): Record<string, string> {
  const m = cx.m;
  const { slices } = p.plan;
  const extra: Record<string, string> = {
    source: 'onnx',
    'onnx.producer': `${m.producerName} ${m.producerVersion}`.trim(),
    'onnx.opset': String(cx.opset),
    'onnx.irVersion': String(m.irVersion),
    'onnx.graph': m.graph.name,
    'onnx.input': p.input.name,
    'onnx.inputShape': `[${p.input.shape.map((d) => (d === null ? '?' : d)).join(', ')}]`,
    'onnx.inputLayout': p.inputLayout,
    'onnx.output': slices.map((s) => s.name).join(', '),
    'onnx.outputLayout': slices.map((s) => s.layout).join('; '),
    'onnx.layers': p.plan.v.origins.join(' | '),
  };
  if (slices.length > 1 || p.plan.mode === 'final') extra['onnx.outputs'] = describeSlices(slices, p.plan.mode);
  if (opts.source) extra['onnx.file'] = opts.source;
  if (p.ignored.names.length) extra['onnx.ignoredOutputs'] = p.ignored.names.join(', ');
  if (cx.unrolled.length) extra['onnx.unrolled'] = cx.unrolled.join('; ');
  if (cx.sawStaticSeqLens) extra['onnx.sequenceLength'] = String(seqLength ?? '?');
  if (Object.keys(opts.bind ?? {}).length) extra['onnx.bound'] = Object.keys(opts.bind ?? {}).join(', ');
  for (const [k, val] of Object.entries(m.metadata)) extra[`onnx.meta.${k}`] = val;
  return extra;
}

/** The imported model and the import's report, for the chosen graph outputs and their values. */
export function finish(
  cx: ImportContext,
  opts: ImportOptions,
  input: ModelInput,
  outs: ChosenOutput[],
  ignored: IgnoredOutputs,
  counts: { needed: number; total: number },
): ImportResult {
  const plan = planOutput(cx, outs);
  const { v } = plan;
  const inAxes = (cx.values.get(input.name) as ActValue).axes;
  const inputLayout = inAxes.map((x) => cx.role(x)).join(',');
  const seqLength = inAxes.find((x) => cx.role(x) === 'T')?.size;
  const extra = onnxExtra(cx, opts, { input, inputLayout, plan, ignored }, seqLength);
  const last = v.layers[v.layers.length - 1];
  const { task, labels } = taskAndLabels(cx, opts, last, plan);
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
    output: plan.mode,
    ...(plan.final ? { final: plan.final } : {}),
    inputSize: F,
    ...(v.norm ? { normalization: { mean: Float32Array.from(v.norm.mean), std: Float32Array.from(v.norm.std) } } : {}),
    layers: v.layers,
  };
  validateFloatModel(model);
  return {
    model,
    input: { name: input.name, layout: inputLayout, shape: input.shape },
    output: {
      name: extra['onnx.output'],
      layout: extra['onnx.outputLayout'],
      mode: model.output,
      ...(plan.final ? { final: plan.final } : {}),
      slices: plan.slices,
    },
    ignoredOutputs: ignored.names,
    ...(ignored.hint ? { ignoredHint: ignored.hint } : {}),
    layers: v.layers.map((l, index) => ({ index, kind: l.kind, name: l.name ?? '', node: v.origins[index] })),
    opset: cx.opset,
    producer: extra['onnx.producer'],
    folded: cx.folded,
    unused: counts.total - counts.needed,
  };
}
