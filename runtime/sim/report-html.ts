// The simulation report as one self-contained HTML file: uPlot (from npm, MIT) and its CSS are
// inlined, the data is embedded as JSON, so the file opens offline, from disk, with no server.
//
// Plots: the input stream with fault marks, predictions over time against the labels, time per
// step against the time until the next sample, memory against the board's limits, and for a fleet
// the per-device figures.

import * as fs from 'node:fs';
import { SimulationReport, DeviceResult } from './types';

let assets: { js: string; css: string } | undefined;
function uplotAssets(): { js: string; css: string } {
  if (!assets) {
    const js = fs.readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
    const css = fs.readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
    assets = { js, css };
  }
  return assets;
}

/** Most points drawn per series; longer streams are decimated by keeping min and max per bucket. */
export const MAX_PLOT_POINTS = 40000;

function round(v: number): number | null {
  if (!Number.isFinite(v)) return null;
  return v === 0 ? 0 : +v.toPrecision(6);
}

/** Indices to draw for a stream of T steps (all of them when short enough). */
function plotIndices(T: number): number[] {
  if (T <= MAX_PLOT_POINTS) return Array.from({ length: T }, (_, i) => i);
  const stride = Math.ceil(T / MAX_PLOT_POINTS);
  const out: number[] = [];
  for (let i = 0; i < T; i += stride) out.push(i);
  return out;
}

interface PlotData {
  device: number;
  source: string;
  t: (number | null)[];
  features: string[];
  input: (number | null)[][];
  prediction: (number | null)[];
  truth: (number | null)[];
  execMs: (number | null)[];
  budgetMs: (number | null)[];
  faultT: (number | null)[];
  /** The model's answer at window ends (null elsewhere), aligned with t. */
  answer: (number | null)[];
  decimated: boolean;
}

function plotData(r: SimulationReport, d: DeviceResult): PlotData | null {
  const tr = d.traces;
  if (!tr) return null;
  const F = r.model.features.length;
  const T = tr.prediction.length;
  const idx = plotIndices(T);
  const period = 1 / r.rateHz;
  return {
    device: d.device,
    source: d.source,
    t: idx.map((i) => round(i * period)),
    features: r.model.features,
    input: r.model.features.map((_, f) => idx.map((i) => round(tr.input[i * F + f]))),
    prediction: idx.map((i) => round(tr.prediction[i])),
    truth: idx.map((i) => round(tr.truth[i])),
    execMs: tr.exec.length ? idx.map((i) => round(tr.exec[i] * 1e3)) : [],
    budgetMs: tr.budget.length ? idx.map((i) => round(tr.budget[i] * 1e3)) : [],
    faultT: Array.from(tr.faultSteps, (s) => round(s * period)),
    answer: answerSeries(idx, tr.answerSteps, tr.prediction),
    decimated: idx.length < T,
  };
}

/** Predictions at the answer steps only (null elsewhere), on the drawn indices (an answer falls on the nearest drawn index). */
function answerSeries(idx: number[], answers: Int32Array, pred: Float64Array): (number | null)[] {
  if (!answers.length) return [];
  const out: (number | null)[] = idx.map(() => null);
  const stride = idx.length > 1 ? idx[1] - idx[0] : 1;
  for (const a of answers) {
    const k = Math.min(idx.length - 1, Math.round(a / stride));
    out[k] = round(pred[a]);
  }
  return out;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function fmtBytes(n: number): string {
  return n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n} B`;
}

function fmtTime(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return 'n/a';
  if (s >= 1) return `${s.toFixed(3)} s`;
  if (s >= 1e-3) return `${(s * 1e3).toFixed(3)} ms`;
  return `${(s * 1e6).toFixed(1)} µs`;
}

function pct(x: number | null): string {
  return x === null ? 'n/a' : `${(x * 100).toFixed(1)} %`;
}

/** Embeds JSON in a <script> element safely. */
function jsonForScript(x: unknown): string {
  return JSON.stringify(x)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function summaryRows(r: SimulationReport): [string, string, string][] {
  const f = r.fleet;
  const d0 = r.devices[0];
  const t = d0?.timing;
  const rows: [string, string, string][] = [];
  const ok = (b: boolean): string => (b ? 'ok' : 'bad');
  rows.push(['Model', `${r.model.name} (${r.model.task}, ${r.model.params} parameters)`, '']);
  rows.push([
    'Board',
    `${r.board.name}: ${r.board.core} at ${r.board.clockMHz} MHz, ${fmtBytes(r.board.ramBytes)} RAM, ${fmtBytes(r.board.flashBytes)} flash`,
    '',
  ]);
  rows.push(['Engine', r.engineDetail, '']);
  rows.push([
    'Stream',
    `${r.data} at ${r.rateHz} Hz (period ${fmtTime(1 / r.rateHz)}), ${f.devices} device${f.devices === 1 ? '' : 's'}, ${f.steps} steps`,
    '',
  ]);
  rows.push([
    'RAM',
    `${fmtBytes(r.memory.ramBytes)} of ${fmtBytes(r.memory.ramLimit)} (${pct(r.memory.ramBytes / r.memory.ramLimit)})`,
    ok(r.memory.ramBytes <= r.memory.ramLimit),
  ]);
  rows.push([
    'Flash',
    `${fmtBytes(r.memory.flashBytes)} of ${fmtBytes(r.memory.flashLimit)} (${pct(r.memory.flashBytes / r.memory.flashLimit)})`,
    ok(r.memory.flashBytes <= r.memory.flashLimit),
  ]);
  rows.push([
    'Same as reference',
    `${f.parityMismatches === 0 ? 'bit for bit' : `${f.parityMismatches} values differ`} (${r.devices.reduce((s, d) => s + d.parity.compared, 0)} values compared)`,
    ok(f.parityMismatches === 0),
  ]);
  if (f.accuracy.rate !== null)
    rows.push([
      'Accuracy',
      `${pct(f.accuracy.rate)} (${f.accuracy.correct} of ${f.accuracy.total})${f.devices > 1 ? `, per device ${pct(f.accuracyMin)} to ${pct(f.accuracyMax)}` : ''}`,
      '',
    ]);
  if (f.error)
    rows.push(['Error', `MAE ${f.error.mae.toPrecision(4)}, RMSE ${f.error.rmse.toPrecision(4)} over ${f.error.n} answers, against the targets`, '']);
  if (t) {
    rows.push([
      'Time per step',
      `mean ${fmtTime(f.stepMean)}, worst ${fmtTime(f.stepMax)} against ${fmtTime(1 / r.rateHz)} per sample (${pct(t.utilization)} busy); highest sustainable rate ${t.maxRateHz === Infinity ? 'n/a' : `${t.maxRateHz.toFixed(1)} Hz`}`,
      '',
    ]);
    rows.push(['Deadline misses', `${f.misses} of ${f.steps} steps${f.devices > 1 ? ` on ${f.devicesWithMisses} devices` : ''}`, ok(f.misses === 0)]);
  } else rows.push(['Time per step', 'no estimate for this engine and board (see notes)', '']);
  if (d0?.energy)
    rows.push([
      'Energy',
      `${d0.energy.perInferenceUj.toPrecision(3)} µJ per inference at ${r.board.activeCurrentmA} mA; inference alone draws ${d0.energy.inferenceCurrentmA.toPrecision(3)} mA on average at this rate`,
      '',
    ]);
  if (r.faults.length) {
    const c = f.faultCounts;
    rows.push([
      'Faults',
      `${r.faults.join(' ')}: ${
        Object.entries(c)
          .filter(([, n]) => n > 0)
          .map(([k, n]) => `${n} ${k}`)
          .join(', ') || 'none occurred'
      }; ${f.changedPredictions} predictions changed; ${f.survived} of ${f.devices} devices kept running`,
      ok(f.survived === f.devices),
    ]);
  }
  return rows;
}

/** Renders the report. */
export function renderHtml(r: SimulationReport): string {
  const { js, css } = uplotAssets();
  const plotted = r.devices.filter((d) => d.traces).slice(0, 1);
  const data = {
    rateHz: r.rateHz,
    labels: r.model.labels,
    task: r.model.task,
    plots: plotted.map((d) => plotData(r, d)).filter((x) => x !== null),
    memory: { ram: r.memory.ramBytes, ramLimit: r.memory.ramLimit, flash: r.memory.flashBytes, flashLimit: r.memory.flashLimit },
    fleet:
      r.devices.length > 1
        ? {
            device: r.devices.map((d) => d.device),
            accuracy: r.devices.map((d) => (d.accuracy.rate === null ? null : round(d.accuracy.rate * 100))),
            misses: r.devices.map((d) => d.timing?.misses ?? 0),
            changed: r.devices.map((d) => d.faults?.changedPredictions ?? 0),
          }
        : null,
  };
  const rows = summaryRows(r)
    .map(([k, v, s]) => `<tr class="${s}"><th>${esc(k)}</th><td>${esc(v)}</td><td class="verdict">${s === 'ok' ? '✔' : s === 'bad' ? '✘' : ''}</td></tr>`)
    .join('\n');
  const events = r.devices[0]?.faults?.events ?? [];
  const faultTable = events.length
    ? `<h2>Faults on device ${r.devices[0].device}</h2><table class="events"><tr><th>step</th><th>fault</th><th>detail</th></tr>${events
        .slice(0, 200)
        .map(
          (e) =>
            `<tr><td>${e.step}</td><td>${esc(e.kind)}</td><td>${e.feature !== undefined ? esc(`${r.model.features[e.feature] ?? e.feature} = ${String(e.value)}`) : e.kind === 'dropout' ? 'sample lost, last value held' : e.kind === 'reset' ? 'device reset: model state cleared' : ''}</td></tr>`,
        )
        .join(
          '',
        )}</table>${r.devices[0].faults?.recovery.length ? `<p>After each reset: ${r.devices[0].faults.recovery.map((x) => `step ${x.reset}: ${x.steps === null ? 'predictions never matched the run without the reset again' : `predictions back to those without the reset after ${x.steps} steps`}`).join('; ')}.</p>` : ''}`
    : '';
  const notes = r.notes.length ? `<h2>Notes</h2><ul>${r.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : '';
  const memParts = r.memory.parts.length
    ? `<table class="events"><tr><th>part</th><th>where</th><th>bytes</th></tr>${r.memory.parts.map((p) => `<tr><td>${esc(p.name)}</td><td>${p.kind}</td><td>${p.bytes}</td></tr>`).join('')}</table><p class="small">${esc(r.memory.source)}</p>`
    : `<p class="small">${esc(r.memory.source)}</p>`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tinyrnn simulation: ${esc(r.model.name)} on ${esc(r.board.name)}</title>
<style>${css}
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0 auto;max-width:1100px;padding:16px 24px;color:#1d2330;background:#fff}
h1{font-size:22px;margin:8px 0 4px}h2{font-size:17px;margin:26px 0 8px;border-bottom:1px solid #e3e6ec;padding-bottom:4px}
table.summary{border-collapse:collapse;width:100%}table.summary th{text-align:left;width:160px;vertical-align:top;padding:4px 8px;color:#4a5263}
table.summary td{padding:4px 8px}tr.bad td{color:#b3261e;font-weight:600}tr.ok .verdict{color:#1b7f3b}tr.bad .verdict{color:#b3261e}
table.events{border-collapse:collapse;font-size:13px}table.events td,table.events th{border:1px solid #e3e6ec;padding:2px 8px;text-align:left}
.small{color:#5b6475;font-size:12px}.plot{margin:8px 0 18px}
</style></head><body>
<h1>${esc(r.model.name)} on ${esc(r.board.name)} <span class="small">(${esc(r.engine)} engine)</span></h1>
<p class="small">${esc(r.tool)}: ${r.engine === 'reference' ? 'the predictions below were computed by the reference kernels (no device code ran).' : 'every prediction below was computed by the device code and compared with the reference kernels.'}</p>
<table class="summary">${rows}</table>
<div id="plots"></div>
${faultTable}
<h2>Memory</h2><div id="memory" class="plot"></div>${memParts}
${notes}
<script>${js}</script>
<script id="sim-data" type="application/json">${jsonForScript(data)}</script>
<script>
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('sim-data').textContent);
  var COLORS = ['#2f6fde', '#e0542e', '#2a9d55', '#9b4fd1', '#d4a017', '#17a2b8', '#c2185b', '#6d4c41'];
  var width = function () { return Math.max(320, Math.min(1060, document.body.clientWidth - 40)); };
  var charts = [];
  function section(parent, title, id, note) {
    var h = document.createElement('h2'); h.textContent = title; parent.appendChild(h);
    if (note) { var p = document.createElement('p'); p.className = 'small'; p.textContent = note; parent.appendChild(p); }
    var div = document.createElement('div'); div.className = 'plot'; div.id = id; parent.appendChild(div);
    return div;
  }
  function faultMarks(times) {
    return function (u) {
      if (!times.length) return;
      var ctx = u.ctx; ctx.save(); ctx.fillStyle = 'rgba(179,38,30,0.22)';
      var top = u.bbox.top, h = u.bbox.height;
      for (var i = 0; i < times.length; i++) {
        var x = u.valToPos(times[i], 'x', true);
        if (x >= u.bbox.left && x <= u.bbox.left + u.bbox.width) ctx.fillRect(x - 1, top, 2, h);
      }
      ctx.restore();
    };
  }
  var root = document.getElementById('plots');
  D.plots.forEach(function (p, k) {
    var suffix = D.plots.length > 1 || D.fleet ? ' (device ' + p.device + ')' : '';
    var dec = p.decimated ? ' Long stream: every n-th step is drawn.' : '';
    var inp = section(root, 'Input stream' + suffix, 'plot-input-' + k, 'What reached the device, sample by sample (' + p.source + '). Red marks: faults and resets.' + dec);
    var series = [{ label: 't (s)' }];
    p.features.forEach(function (f, i) { series.push({ label: f, stroke: COLORS[i % COLORS.length], width: 1, spanGaps: false }); });
    charts.push(new uPlot({ width: width(), height: 240, series: series, scales: { x: { time: false } }, axes: [{ label: 'time (s)' }, {}], hooks: { draw: [faultMarks(p.faultT)] } }, [p.t].concat(p.input), inp));
    var classes = D.task === 'classification';
    var pr = section(root, 'Predictions over time' + suffix, 'plot-pred-' + k, classes ? 'Predicted class per step against the label' + (D.labels ? ' (' + D.labels.map(function (l, i) { return i + ' ' + l; }).join(', ') + ')' : '') : 'Predicted value per step against the target');
    var pSeries = [{ label: 't (s)' }, { label: p.answer.length ? 'output each step' : 'prediction', stroke: p.answer.length ? 'rgba(47,111,222,0.45)' : '#2f6fde', width: 1.5, paths: classes ? uPlot.paths.stepped({ align: 1 }) : undefined }, { label: classes ? 'label' : 'target', stroke: '#2a9d55', width: 1.5, dash: [6, 4], paths: classes ? uPlot.paths.stepped({ align: 1 }) : undefined }];
    var pData = [p.t, p.prediction, p.truth];
    if (p.answer.length) {
      pSeries.push({ label: 'answer (end of recording)', stroke: '#1d2330', width: 0, points: { show: true, size: 9, fill: '#e0542e', stroke: '#1d2330' } });
      pData.push(p.answer);
    }
    charts.push(new uPlot({ width: width(), height: 240, series: pSeries, scales: { x: { time: false }, y: classes && D.labels ? { range: [-0.5, D.labels.length - 0.5] } : {} }, axes: [{ label: 'time (s)' }, classes && D.labels ? { label: 'class', splits: function () { return D.labels.map(function (_, i) { return i; }); }, values: function (u, v) { return v.map(function (i) { return D.labels[i] || ''; }); }, size: 70 } : { label: 'value' }], hooks: { draw: [faultMarks(p.faultT)] } }, pData, pr));
    if (p.execMs.length) {
      var tm = section(root, 'Time per step against the deadline' + suffix, 'plot-time-' + k, 'Estimated execution time on the board per step, and the time until the next sample arrives.');
      // A step far shorter than the period would be a flat line at zero: then the y axis is logarithmic.
      var positive = p.execMs.concat(p.budgetMs).filter(function (v) { return v != null && v > 0; });
      var lo = Math.min.apply(null, positive), hi = Math.max.apply(null, positive);
      var logY = positive.length > 0 && hi / lo > 20;
      var yScale = logY ? { distr: 3, log: 10 } : { range: function (u, a, b) { return [0, Math.max(b, 1e-6) * 1.1]; } };
      charts.push(new uPlot({ width: width(), height: 220, series: [{ label: 't (s)' }, { label: 'step time (ms)', stroke: '#e0542e', width: 2, fill: logY ? undefined : 'rgba(224,84,46,0.12)' }, { label: 'deadline (ms)', stroke: '#1d2330', width: 1, dash: [4, 4] }], scales: { x: { time: false }, y: yScale }, axes: [{ label: 'time (s)' }, { label: logY ? 'ms (log scale)' : 'ms', size: 70 }] }, [p.t, p.execMs, p.budgetMs], tm));
    }
  });
  var m = D.memory;
  var usedPct = [100 * m.ram / m.ramLimit, 100 * m.flash / m.flashLimit];
  var limitLine = function (u) {
    var ctx = u.ctx, y = u.valToPos(100, 'y', true);
    ctx.save(); ctx.strokeStyle = '#b3261e'; ctx.setLineDash([6, 4]); ctx.lineWidth = 2;
    ctx.beginPath(); ctx.moveTo(u.bbox.left, y); ctx.lineTo(u.bbox.left + u.bbox.width, y); ctx.stroke();
    ctx.fillStyle = '#b3261e'; ctx.font = '12px sans-serif'; ctx.fillText('board limit', u.bbox.left + 6, y - 6); ctx.restore();
  };
  charts.push(new uPlot({
    width: width(), height: 220,
    series: [{ label: 'memory' }, { label: 'used (% of the board)', fill: 'rgba(47,111,222,0.75)', stroke: '#2f6fde', paths: uPlot.paths.bars({ size: [0.5] }), value: function (u, v) { return v == null ? '--' : v.toFixed(2) + ' %'; } }],
    scales: { x: { time: false, range: [-0.5, 1.5] }, y: { range: [0, Math.max(110, usedPct[0] * 1.1, usedPct[1] * 1.1)] } },
    axes: [{ values: function (u, v) { return v.map(function (x) { return x === 0 ? 'RAM ' + kb(m.ram) + ' of ' + kb(m.ramLimit) + ' KB' : x === 1 ? 'flash ' + kb(m.flash) + ' of ' + kb(m.flashLimit) + ' KB' : ''; }); }, splits: function () { return [0, 1]; } }, { label: '% of the board' }],
    hooks: { draw: [limitLine] }
  }, [[0, 1], usedPct], document.getElementById('memory')));
  function kb(b) { return Math.round(b / 102.4) / 10; }
  if (D.fleet) {
    var fl = section(root, 'Fleet: per device', 'plot-fleet', 'Accuracy and deadline misses of every simulated device.');
    charts.push(new uPlot({ width: width(), height: 220, series: [{ label: 'device' }, { label: 'accuracy (%)', stroke: '#2a9d55', width: 0, points: { show: true, size: 6, fill: '#2a9d55' } }, { label: 'deadline misses', stroke: '#e0542e', scale: 'n', width: 0, points: { show: true, size: 6, fill: '#e0542e' } }, { label: 'changed by faults', stroke: '#9b4fd1', scale: 'n', width: 0, points: { show: true, size: 5, fill: '#9b4fd1' } }], scales: { x: { time: false }, y: { range: [0, 100] }, n: { range: function (u, lo, hi) { return [0, Math.max(1, hi) * 1.1]; } } }, axes: [{ label: 'device' }, { label: '%' }, { scale: 'n', side: 1, label: 'steps', grid: { show: false } }] }, [D.fleet.device, D.fleet.accuracy, D.fleet.misses, D.fleet.changed], fl));
  }
  window.__tinyrnnCharts = charts.length;
})();
</script>
</body></html>
`;
}
