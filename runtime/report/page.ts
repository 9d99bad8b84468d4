// One report page as one self-contained HTML file: uPlot (from npm, MIT) and its CSS inlined, the
// plot data embedded as JSON, so the file opens from disk with no network. Every string of the
// description is escaped here, once; nothing else writes HTML.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Block, HeatMap, PlotSpec, ReportPage, SummaryRow } from './types';
import { CLIENT_SCRIPT } from './client';
import { writeFileAtomic } from '../../compiler/core/ir/format';

let assets: { js: string; css: string } | undefined;
function uplotAssets(): { js: string; css: string } {
  if (!assets) {
    const js = fs.readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
    const css = fs.readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
    assets = { js, css };
  }
  return assets;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML element content and quoted attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** JSON safe inside a <script> element (no "</script>", no line separators). */
export function jsonForScript(x: unknown): string {
  return JSON.stringify(x)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A relative link: every path segment percent-encoded (no scheme can be smuggled in). */
export function relativeHref(p: string): string {
  return p.split(/[\\/]/).map(encodeURIComponent).join('/');
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0 auto;max-width:1100px;padding:16px 24px;color:#1d2330;background:#fff}
h1{font-size:22px;margin:8px 0 4px}h2{font-size:17px;margin:26px 0 8px;border-bottom:1px solid #e3e6ec;padding-bottom:4px}
p.lead{font-size:15px;margin:6px 0 12px}
table.summary{border-collapse:collapse;width:100%}table.summary th{text-align:left;width:180px;vertical-align:top;padding:4px 8px;color:#4a5263}
table.summary td{padding:4px 8px}tr.bad td{color:#b3261e;font-weight:600}tr.ok .verdict{color:#1b7f3b}tr.bad .verdict{color:#b3261e}
table.data{border-collapse:collapse;font-size:13px}table.data td,table.data th{border:1px solid #c9ced8;padding:2px 8px;text-align:left}
table.data td.num{text-align:right;font-variant-numeric:tabular-nums}
table.heat{border-collapse:collapse;font-size:13px}table.heat td,table.heat th{border:1px solid #c9ced8;padding:4px 8px}
table.heat td{text-align:right;min-width:40px;font-variant-numeric:tabular-nums}table.heat th{text-align:left;font-weight:600}
table.heat td.diag{outline:2px solid #1d2330;outline-offset:-2px}
.small{color:#5b6475;font-size:12px}.plot{margin:8px 0 18px}
.cols{display:flex;gap:32px;flex-wrap:wrap;align-items:flex-start}.cols>div{flex:1 1 420px;min-width:0}
@media print{body{max-width:none}h2{break-after:avoid}.plot,table{break-inside:avoid}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
`;

function summary(rows: SummaryRow[]): string {
  const mark = (v: string | undefined): string => (v === 'ok' ? '✔' : v === 'bad' ? '✘' : '');
  const tr = (r: SummaryRow): string =>
    `<tr class="${r.verdict ?? ''}"><th>${esc(r.key)}</th><td>${esc(r.value)}</td><td class="verdict">${mark(r.verdict)}</td></tr>`;
  return `<table class="summary">${rows.map(tr).join('\n')}</table>`;
}

function cell(v: string | number): string {
  return typeof v === 'number' ? `<td class="num">${esc(String(v))}</td>` : `<td>${esc(v)}</td>`;
}

function table(id: string | undefined, head: string[], rows: (string | number)[][]): string {
  const idAttr = id ? ` id="${esc(id)}"` : '';
  return `<table class="data"${idAttr}><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>${rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('')}</table>`;
}

/** A heat map as a table of shaded cells with the numbers in them (shade: share of the row). */
function heatmap(m: HeatMap): string {
  const rows = m.values.map((row, i) => {
    const sum = row.reduce((s, v) => s + v, 0);
    const cells = row.map((v, j) => {
      const a = sum > 0 ? v / sum : 0;
      const style = `background:rgba(47,111,222,${a.toFixed(3)});color:${a > 0.55 ? '#fff' : '#1d2330'}`;
      return `<td class="${i === j ? 'diag' : ''}" style="${style}" data-value="${v}">${v}</td>`;
    });
    return `<tr><th>${esc(m.rowLabels[i] ?? '')}</th>${cells.join('')}</tr>`;
  });
  const head = `<tr><th>${esc(m.corner)}</th>${m.colLabels.map((l) => `<th>${esc(l)}</th>`).join('')}</tr>`;
  return `<table class="heat" id="${esc(m.id)}">${head}${rows.join('')}</table>`;
}

function block(b: Block): string {
  switch (b.kind) {
    case 'summary':
      return summary(b.rows);
    case 'section':
      return `<h2>${esc(b.title)}</h2>${b.note ? `<p class="small">${esc(b.note)}</p>` : ''}`;
    case 'text':
      return `<p${b.small ? ' class="small"' : ''}>${esc(b.text)}</p>`;
    case 'table':
      return table(b.id, b.head, b.rows);
    case 'heatmap':
      return heatmap(b.map);
    case 'plot':
      return `<div class="plot" id="${esc(b.plot.id)}"></div>`;
    case 'links':
      return `<ul>${b.items.map((l) => `<li><a href="${esc(relativeHref(l.href))}">${esc(l.text)}</a>${l.note ? ` <span class="small">${esc(l.note)}</span>` : ''}</li>`).join('')}</ul>`;
    case 'list':
      return `<ul>${b.items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`;
    case 'columns':
      return `<div class="cols">${b.columns.map((c) => `<div>${c.map(block).join('\n')}</div>`).join('')}</div>`;
  }
}

/** Renders a report description to HTML. */
export function renderPage(p: ReportPage): string {
  const { js, css } = uplotAssets();
  const plots: PlotSpec[] = p.blocks.flatMap((b) => (b.kind === 'plot' ? [b.plot] : []));
  const tag = p.tag ? ` <span class="small">${esc(p.tag)}</span>` : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(p.title)}</title>
<style>${css}${STYLE}</style></head><body>
<h1>${esc(p.heading)}${tag}</h1>
${p.lead ? `<p class="lead">${esc(p.lead)}</p>` : ''}
${p.blocks.map(block).join('\n')}
<script>${js}</script>
<script id="report-data" type="application/json">${jsonForScript({ plots })}</script>
<script>${CLIENT_SCRIPT}</script>
</body></html>
`;
}

/** Writes a rendered report (atomically: a reader never sees half a file). */
export function writeReport(file: string, html: string): void {
  writeFileAtomic(file, html);
}

/** `--report FILE` of a command: writes the page (FILE relative to cwd) and returns the line saying so. */
export function writeReportOption(cwd: string, file: string, html: string): string {
  const abs = path.resolve(cwd, file);
  writeReport(abs, html);
  return `wrote ${path.relative(cwd, abs) || abs} (report: open it in a browser)`;
}
