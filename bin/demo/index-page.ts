// The demo's last word: index.html in its output folder, linking every report the stages wrote.
import * as path from 'node:path';
import { DemoContext } from './stage';
import { DEMO_INDEX, renderDemoIndex } from '../../runtime/report/demo-index';
import { writeReport } from '../../runtime/report/page';

/** Writes DIR/index.html from the pages the stages recorded; returns its path. */
export function writeDemoIndex(ctx: DemoContext): string {
  const index = path.join(ctx.dir, DEMO_INDEX);
  writeReport(index, renderDemoIndex(ctx.pages ?? [], ctx.dir));
  ctx.files.index = index;
  return index;
}
