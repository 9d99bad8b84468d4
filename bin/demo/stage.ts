// What a demo stage is: the types every stage file and the stage list share (a leaf, so no cycle).
import { Io } from '../cli/command';
import { FloatModel } from '../../compiler/core/ir/model';

export interface DemoContext {
  dir: string;
  io: Io;
  /** Files the demo wrote, by role (model, quantised, c, espruino, report...). */
  files: Record<string, string>;
  model?: FloatModel;
}

export interface DemoStage {
  title: string;
  run(ctx: DemoContext): Promise<void> | void;
}
