// The data a report is made of: a page is a list of blocks (summary rows, headings, text, tables,
// heat maps, plots). A report module describes its data in these terms; runtime/report/page.ts
// turns the description into one self-contained HTML file. Every string here is plain text:
// the page escapes it (model names, labels, feature and file names are never trusted).

export type Verdict = 'ok' | 'bad' | '';

export interface SummaryRow {
  key: string;
  value: string;
  verdict?: Verdict;
}

export interface Series {
  label: string;
  values: (number | null)[];
  color?: string;
  dash?: boolean;
  /** Drawn as steps (class indices). */
  stepped?: boolean;
  /** Drawn as points only. */
  points?: boolean;
  /** Drawn as bars (x is a category index). */
  bars?: boolean;
  /** Filled below the line. */
  fill?: boolean;
  /** On the right-hand axis. */
  right?: boolean;
  /** Drawn lighter (context behind the main series). */
  faint?: boolean;
}

export interface PlotSpec {
  /** Element id of the plot (unique on the page). */
  id: string;
  x: (number | null)[];
  xLabel: string;
  yLabel: string;
  series: Series[];
  height?: number;
  /** Logarithmic y axis when the positive values span more than a factor of 20. */
  logY?: 'auto';
  /** y from 0 (not below), to 10 % above the largest value. */
  yFromZero?: boolean;
  yRange?: [number, number];
  /** Names of the integer y values (class indices). */
  yCategories?: string[];
  /** Names of the integer x values (bars). */
  xCategories?: string[];
  /** x ticks on whole numbers only (epochs, steps). */
  xInteger?: boolean;
  /** Vertical marks at these x values (faults, the epoch kept). */
  marks?: number[];
  markColor?: string;
  /** A horizontal line (a limit), labelled. */
  hline?: { value: number; label: string };
  rightLabel?: string;
}

export interface HeatMap {
  id: string;
  /** Text of the top-left cell, e.g. "true \\ predicted". */
  corner: string;
  rowLabels: string[];
  colLabels: string[];
  values: number[][];
}

export type Block =
  | { kind: 'summary'; rows: SummaryRow[] }
  | { kind: 'section'; title: string; note?: string }
  | { kind: 'text'; text: string; small?: boolean }
  | { kind: 'table'; id?: string; head: string[]; rows: (string | number)[][] }
  | { kind: 'heatmap'; map: HeatMap }
  | { kind: 'plot'; plot: PlotSpec }
  | { kind: 'links'; items: { href: string; text: string; note?: string }[] }
  | { kind: 'list'; items: string[] }
  /** Blocks side by side (each inner list is one column). */
  | { kind: 'columns'; columns: Block[][] };

export interface ReportPage {
  /** The <title>. */
  title: string;
  /** The <h1>. */
  heading: string;
  /** Small text beside the heading. */
  tag?: string;
  /** One sentence under the heading (the headline). */
  lead?: string;
  blocks: Block[];
}
