// The demo's index.html: one entry per report the demo wrote, linked, with its headline figures.

import * as path from 'node:path';
import { Block } from './types';
import { renderPage } from './page';

export interface DemoPage {
  /** What the page shows, e.g. "Training" or "Simulation on Puck.js". */
  title: string;
  /** The report file (absolute; linked relative to the index). */
  file: string;
  figures: { name: string; value: string }[];
}

export const DEMO_INDEX = 'index.html';

export function renderDemoIndex(pages: DemoPage[], dir: string): string {
  const blocks = pages.flatMap((p, i): Block[] => [
    { kind: 'section', title: `${i + 1}. ${p.title}` },
    { kind: 'links', items: [{ href: path.relative(dir, p.file), text: path.basename(p.file), note: 'open the report' }] },
    { kind: 'table', id: `figures-${i}`, head: ['figure', 'value'], rows: p.figures.map((f) => [f.name, f.value]) },
  ]);
  return renderPage({
    title: 'tinyrnn demo',
    heading: 'tinyrnn demo',
    lead: `${pages.length} reports, one per stage of the pipeline: train, quantise, simulate on the boards.`,
    blocks,
  });
}
