// The reference engine: the TypeScript reference kernels (compiler/core/reference) run the stream
// themselves. It is the oracle every other engine is compared with, and a quick way to see a
// model's predictions on a stream; it has no device code, so no time estimate, and its memory
// figures are the model's floor (memory.ts).

import { QuantModel } from '../../../compiler/core/ir/quant-model';
import { BoardProfile } from '../../../targets/boards';
import { createQuantState, resetQuantState, stepQuant } from '../../../compiler/core/reference';
import { EngineProvider, EngineSession, PreparedEngine } from '../engine';
import { modelMemoryFloor } from '../memory';

class ReferenceSession implements EngineSession {
  private readonly state;
  constructor(private readonly model: QuantModel) {
    this.state = createQuantState(model);
  }
  async run(raw: Int32Array, T: number) {
    const F = this.model.inputSize;
    const O = this.model.outputSize;
    const out = new Int32Array(T * O);
    for (let t = 0; t < T; t++) out.set(stepQuant(this.model, this.state, raw.subarray(t * F, (t + 1) * F)), t * O);
    return { out, cycles: null };
  }
  async reset() {
    resetQuantState(this.model, this.state);
  }
  async close() {}
}

export const referenceEngine: EngineProvider = {
  name: 'reference',
  summary: 'the TypeScript reference kernels (the oracle; no device code, no time estimate)',
  unavailable: () => null,
  async prepare(ctx): Promise<PreparedEngine> {
    return {
      engine: 'reference',
      detail: 'reference kernels (compiler/core/reference), in Node',
      memory: modelMemoryFloor(ctx.model, ctx.board),
      costSource: 'none',
      data: {},
      notes: ['the reference engine runs the oracle itself: use --engine js, c or qemu to run device code'],
    };
  },
  async open(_p: PreparedEngine, model: QuantModel, _b: BoardProfile) {
    return new ReferenceSession(model);
  },
};
