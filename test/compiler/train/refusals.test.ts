// Training's refusals that the command line cannot reach with valid settings: a loss that is no
// longer finite (TRN003), cross-entropy on a network without a softmax head (TRN002), a checkpoint
// of another network (TRN020) and a checkpoint of another format version (TRN022).
import { datasetFromObject } from '../../../compiler/data/dataset';
import { Trainer } from '../../../compiler/train/trainer';
import { Net } from '../../../compiler/train/net';
import { decodeCheckpoint, encodeCheckpoint } from '../../../compiler/train/checkpoint';
import { decodeContainer, encodeContainer } from '../../../compiler/core/ir/format';
import { TinyrnnError } from '../../../compiler/core/ir/errors';
import { emptyDense } from '../../../compiler/core/ir/model';
import type { FloatModel } from '../../../compiler/core/ir/model';
import { codeOf } from '../../helpers/errors';

const ramp = (scale: number) =>
  datasetFromObject({
    x: Array.from({ length: 12 }, (_, n) => Array.from({ length: 4 }, (_, t) => [n + t])),
    y: Array.from({ length: 12 }, (_, n) => Array.from({ length: 4 }, (_, t) => [(scale * ((n + t) % 5)) / 4])),
  });

describe('training refusals', () => {
  test('TRN003: plain SGD at the largest learning rate on huge targets diverges; training stops there', async () => {
    const t = new Trainer(ramp(3e38), { cell: 'elman', activation: 'relu', hidden: 2, epochs: 5, seed: 1, val: 0, test: 0, optimizer: 'sgd', lr: 10, clip: 0 });
    const e = await t.run().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TinyrnnError);
    expect((e as TinyrnnError).code).toBe('TRN003');
    expect((e as TinyrnnError).diagnostics[0].path).toMatch(/^epoch [1-5]$/);
  });

  test('TRN002: cross-entropy needs a dense softmax head', () => {
    const model: FloatModel = {
      format: 'float',
      meta: { name: 'm', features: ['a'] },
      task: 'regression',
      output: 'sequence',
      inputSize: 1,
      layers: [emptyDense(1, 2)],
    };
    const net = new Net(model, { maxSteps: 1, maxBatch: 1 });
    const stats = { correct: 0, count: 0, absErr: 0, sqErr: 0 };
    expect(codeOf(() => net.loss('ce', 1, 1, true, new Int32Array(1), null, 1, false, stats))).toBe('TRN002');
  });

  test('TRN020: a checkpoint of another network; TRN022: of another checkpoint version', () => {
    const small = new Trainer(ramp(1), { cell: 'elman', hidden: 2, epochs: 1, seed: 1, val: 0, test: 0 });
    const large = new Trainer(ramp(1), { cell: 'elman', hidden: 3, epochs: 1, seed: 1, val: 0, test: 0 });
    expect(codeOf(() => large.restore(small.snapshot()))).toBe('TRN020');
    const { model } = decodeContainer(encodeCheckpoint(small, 'ramp'));
    const ck = (model as { checkpoint: { version: number } }).checkpoint;
    const future = encodeContainer('float', { ...(model as object), checkpoint: { ...ck, version: ck.version + 1 } });
    expect(codeOf(() => decodeCheckpoint(future, 'future.ckpt'))).toBe('TRN022');
  });
});
