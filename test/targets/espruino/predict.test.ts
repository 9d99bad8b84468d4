// predict(seq) of the emitted module answers as the model's task and output mode say: a classifier
// gives { index, label, score } of the last step; a regression model gives every step's outputs
// (output "sequence"; the golden vectors hold no streaming regression model with output "last").
import { findBoard } from '../../../targets/boards';
import { generateModule } from '../../../targets/espruino/generate';
import { loadInNode, vectorCases } from './harness';

describe('predict() by task and output mode', () => {
  const cases = vectorCases();
  const pick = (task: string, output: string) => cases.find((c) => c.model.task === task && c.model.output === output && c.streaming);

  test.each([
    ['regression', 'sequence'],
    ['classification', 'last'],
  ])('%s, output %s', (task, output) => {
    const c = pick(task, output);
    if (!c) throw new Error(`no streaming golden vector is a ${task} model with output ${output}`);
    const mod = loadInNode(generateModule(c.model, { board: findBoard('PUCKJS'), weights: 'inline', moduleName: 'm' }));
    const s = c.vectors.sequences[0];
    const got = mod.predict(s.raw) as unknown;
    const last = s.outputs[s.outputs.length - 1];
    if (task === 'classification') {
      const k = last.indexOf(Math.max(...last));
      expect(got).toMatchObject({ index: k, score: last[k] });
    } else if (output === 'sequence') {
      expect((got as ArrayLike<number>[]).map((v) => Array.from(v))).toEqual(s.outputs);
    } else {
      expect(Array.from(got as ArrayLike<number>)).toEqual(last);
    }
  });
});
