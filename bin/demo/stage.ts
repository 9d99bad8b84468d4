// What a demo stage is: the types every stage file and the stage list share (a leaf, so no cycle).
import { Io } from '../cli/command';
import { FloatModel } from '../../compiler/core/ir/model';
import { DemoPage } from '../../runtime/report/demo-index';

export interface DemoContext {
  dir: string;
  io: Io;
  /** Files the demo wrote, by role (model, quantised, c, espruino, report...). */
  files: Record<string, string>;
  model?: FloatModel;
  /** The reports written so far, with their headline figures, for the demo's index.html. */
  pages?: DemoPage[];
}

/** Records a report the stage wrote, for the index. */
export function addPage(ctx: DemoContext, page: DemoPage): void {
  (ctx.pages ??= []).push(page);
}

export interface DemoStage {
  title: string;
  run(ctx: DemoContext): Promise<void> | void;
}
