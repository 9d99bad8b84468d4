// The script every report runs in the browser: it draws the page's plot descriptions with uPlot
// and leaves, for the checks, window.__tinyrnnCharts (how many charts were drawn) and
// window.__tinyrnnPlots (per plot: each series' label, point count, smallest and largest value,
// read from the data the charts were given). Plain ES5 text: it is inlined, not compiled.

export const CLIENT_SCRIPT = `(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('report-data').textContent);
  var COLORS = ['#2f6fde', '#e0542e', '#2a9d55', '#9b4fd1', '#d4a017', '#17a2b8', '#c2185b', '#6d4c41'];
  var DASHES = [null, [6, 4], [2, 3], [10, 3, 2, 3]];
  var width = function () { return Math.max(320, Math.min(1060, document.body.clientWidth - 40)); };
  var charts = [], plots = [];
  function finite(v) { return v !== null && v !== undefined && isFinite(v); }
  function stats(values) {
    var n = 0, lo = null, hi = null;
    for (var i = 0; i < values.length; i++) {
      var v = values[i];
      if (!finite(v)) continue;
      n++;
      if (lo === null || v < lo) lo = v;
      if (hi === null || v > hi) hi = v;
    }
    return { n: n, min: lo, max: hi };
  }
  function marks(xs, color) {
    return function (u) {
      var ctx = u.ctx; ctx.save(); ctx.fillStyle = color;
      for (var i = 0; i < xs.length; i++) {
        var x = u.valToPos(xs[i], 'x', true);
        if (x >= u.bbox.left && x <= u.bbox.left + u.bbox.width) ctx.fillRect(x - 1, u.bbox.top, 2, u.bbox.height);
      }
      ctx.restore();
    };
  }
  function hline(h) {
    return function (u) {
      var ctx = u.ctx, y = u.valToPos(h.value, 'y', true);
      ctx.save(); ctx.strokeStyle = '#b3261e'; ctx.setLineDash([6, 4]); ctx.lineWidth = 2;
      ctx.beginPath(); ctx.moveTo(u.bbox.left, y); ctx.lineTo(u.bbox.left + u.bbox.width, y); ctx.stroke();
      ctx.fillStyle = '#b3261e'; ctx.font = '12px sans-serif'; ctx.fillText(h.label, u.bbox.left + 6, y - 6); ctx.restore();
    };
  }
  function categories(names) {
    return {
      splits: function () { return names.map(function (_, i) { return i; }); },
      values: function (u, v) { return v.map(function (i) { return names[i] === undefined ? '' : names[i]; }); }
    };
  }
  function seriesOpts(s, i) {
    var c = s.color || COLORS[i % COLORS.length];
    var o = { label: s.label, stroke: c, width: s.points ? 0 : s.faint ? 1 : 1.5, scale: s.right ? 'r' : 'y', spanGaps: false };
    var dash = s.dash ? [6, 4] : DASHES[Math.floor(i / COLORS.length) % DASHES.length];
    if (dash) o.dash = dash;
    if (s.faint) o.alpha = 0.5;
    if (s.stepped) o.paths = uPlot.paths.stepped({ align: 1 });
    if (s.bars) { o.paths = uPlot.paths.bars({ size: [0.6] }); o.fill = c; o.width = 1; }
    if (s.fill) o.fill = c + '22';
    if (s.points) o.points = { show: true, size: 8, fill: c, stroke: '#1d2330' };
    return o;
  }
  function yScale(p) {
    if (p.yRange) return { range: p.yRange };
    if (p.yCategories) return { range: [-0.5, p.yCategories.length - 0.5] };
    var positive = [];
    p.series.forEach(function (s) { if (!s.right) s.values.forEach(function (v) { if (finite(v) && v > 0) positive.push(v); }); });
    if (p.logY === 'auto' && positive.length) {
      var lo = Math.min.apply(null, positive), hi = Math.max.apply(null, positive);
      if (hi / lo > 20) return { distr: 3, log: 10, log10: true };
    }
    if (p.yFromZero || p.hline) {
      var top = Math.max.apply(null, positive.concat([p.hline ? p.hline.value * 1.1 : 1e-6]));
      return { range: [0, top * 1.1] };
    }
    return {};
  }
  function build(p) {
    var el = document.getElementById(p.id);
    var y = yScale(p);
    var scales = { x: { time: false }, y: y };
    if (p.xCategories) scales.x.range = [-0.5, p.xCategories.length - 0.5];
    var axes = [{ label: p.xLabel }, { label: y.log10 ? p.yLabel + ' (log scale)' : p.yLabel, size: 70 }];
    if (p.xInteger) axes[0].incrs = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];
    if (p.xCategories) { var xc = categories(p.xCategories); axes[0].splits = xc.splits; axes[0].values = xc.values; if (p.xCategories.length > 6) { axes[0].rotate = -35; axes[0].size = 110; } }
    if (p.yCategories) { var yc = categories(p.yCategories); axes[1].splits = yc.splits; axes[1].values = yc.values; axes[1].size = 90; }
    var right = p.series.some(function (s) { return s.right; });
    if (right) { scales.r = { range: function (u, lo, hi) { return [0, Math.max(1, hi) * 1.1]; } }; axes.push({ scale: 'r', side: 1, label: p.rightLabel || '', grid: { show: false }, size: 70 }); }
    var draw = [];
    if (p.marks && p.marks.length) draw.push(marks(p.marks, p.markColor || 'rgba(179,38,30,0.25)'));
    if (p.hline) draw.push(hline(p.hline));
    var opts = { width: width(), height: p.height || 240, series: [{ label: p.xLabel }].concat(p.series.map(seriesOpts)), scales: scales, axes: axes, hooks: { draw: draw } };
    charts.push(new uPlot(opts, [p.x].concat(p.series.map(function (s) { return s.values; })), el));
    plots.push({ id: p.id, x: stats(p.x), series: p.series.map(function (s) { var st = stats(s.values); return { label: s.label, n: st.n, min: st.min, max: st.max }; }) });
  }
  D.plots.forEach(build);
  window.__tinyrnnPlots = plots;
  window.__tinyrnnCharts = charts.length;
})();`;
