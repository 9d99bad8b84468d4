// The straightforward int8 kernel the benchmark compares against: a direct JavaScript port of the
// reference arithmetic (docs/quantization.md) as an engineer would first write it for Espruino:
// one function per primitive (requantize with Math.floor, sat_s8/sat_s16 with ternaries,
// lut_s16 on the 257-entry tables), dot products as plain loops over Int8Array weights, no native
// helpers. It gives the same integers as the reference (checked in
// test/targets/espruino/bench.test.ts), so the comparison is between two correct kernels.
// Supports what the benchmark models use: one LSTM or GRU (reset-after) layer and a dense head.
import { QuantModel } from '../../compiler/core/ir/quant-model';

function arr(type: string, a: ArrayLike<number>): string {
  return `new ${type}([${Array.from(a).join(',')}])`;
}

export function naiveModule(m: QuantModel): string {
  const cell = m.layers[0];
  const head = m.layers[1];
  if (m.layers.length !== 2 || (cell.kind !== 'lstm' && cell.kind !== 'gru') || head.kind !== 'dense')
    throw new Error('naive kernel: one LSTM/GRU layer and a dense head only');
  if (cell.kind === 'gru' && !cell.resetAfter) throw new Error('naive kernel: GRU reset-after only');
  if (m.input.bias) throw new Error('naive kernel: no fractional input offset (input.bias; the benchmark models are quantised from float data)');
  const H = cell.hidden;
  const I = cell.inputSize;
  const G = cell.kind === 'lstm' ? 4 : 3;
  const lines = [
    'var P2 = [];',
    'for (var q = 0; q < 47; q++) P2.push(Math.pow(2, q));',
    'function rshift_round(x, s) { return s === 0 ? x : Math.floor((x + P2[s - 1]) / P2[s]); }',
    'function requantize(acc, m, s) { return rshift_round(acc * m, s); }',
    'function sat_s8(x) { return x < -128 ? -128 : x > 127 ? 127 : x; }',
    'function sat_s16(x) { return x < -32768 ? -32768 : x > 32767 ? 32767 : x; }',
    'function lut_s16(x, t) { var a = x < 0 ? -x : x; if (a > 32767) a = 32767; var k = a >> 7, f = a & 127; return t[k] + rshift_round((t[k + 1] - t[k]) * f, 7); }',
    `var SIG = ${arr('Int16Array', m.tables.sigmoid)};`,
    `var TANH = ${arr('Int16Array', m.tables.tanh)};`,
    'function sigmoid_s16(x) { var y = lut_s16(x, SIG); return x < 0 ? 32768 - y : y; }',
    'function tanh_s16(x) { var y = lut_s16(x, TANH); return x < 0 ? -y : y; }',
    'function clip(v, c) { return c > 0 ? (v > c ? c : v < -c ? -c : v) : v; }',
    'function dot(w, row, n, x) { var s = 0; for (var i = 0; i < n; i++) s += w[row * n + i] * x[i]; return s; }',
    `var IOFF = ${arr('Int32Array', m.input.offset)}, IM = ${arr('Int32Array', m.input.m)}, IS = ${arr('Int32Array', m.input.s)};`,
    `var WX = ${arr('Int8Array', cell.wx)}, WH = ${arr('Int8Array', cell.wh)}, BX = ${arr('Int32Array', cell.bx)}, BH = ${arr('Int32Array', cell.bh)};`,
    `var MX = ${arr('Int32Array', cell.mx)}, SX = ${arr('Int32Array', cell.sx)}, MH = ${arr('Int32Array', cell.mh)}, SH = ${arr('Int32Array', cell.sh)};`,
    `var W = ${arr('Int8Array', head.w)}, B = ${arr('Int32Array', head.b)}, M = ${arr('Int32Array', head.m)}, S = ${arr('Int32Array', head.s)};`,
    `var H = ${H}, I = ${I}, F = ${m.inputSize}, U = ${head.units}, CLIP = ${cell.clip}, HZP = ${cell.hZp}, HM = ${cell.hM}, HS = ${cell.hS};`,
    `var x16 = new Int16Array(F), h16 = new Int16Array(H), h8 = new Int8Array(H), c = new Int16Array(H), pre = new Int32Array(${G} * H), gate = new Int32Array(${G} * H), px = new Int32Array(${G} * H), ph = new Int32Array(${G} * H), out = new Int16Array(U);`,
    'function reset() { h16.fill(0); h8.fill(HZP); c.fill(0); }',
  ];
  if (cell.kind === 'lstm') {
    const cf = cell.cellFrac;
    lines.push(
      `var CF = ${cf};`,
      'function cellStep(x) {',
      '  for (var r = 0; r < 4 * H; r++) {',
      '    pre[r] = clip(sat_s16(requantize(BX[r] + dot(WX, r, I, x), MX[r], SX[r]) + requantize(BH[r] + dot(WH, r, H, h16), MH[r], SH[r])), CLIP);',
      '    gate[r] = r >= 2 * H && r < 3 * H ? tanh_s16(pre[r]) : sigmoid_s16(pre[r]);',
      '  }',
      '  for (var j = 0; j < H; j++) {',
      '    c[j] = sat_s16(rshift_round(gate[H + j] * c[j], 15) + rshift_round(gate[j] * gate[2 * H + j], 30 - CF));',
      '    var cq = CF >= 12 ? rshift_round(c[j], CF - 12) : sat_s16(c[j] * P2[12 - CF]);',
      '    h16[j] = rshift_round(gate[3 * H + j] * tanh_s16(cq), 15);',
      '    h8[j] = sat_s8(HZP + requantize(h16[j], HM, HS));',
      '  }',
      '}',
    );
  } else {
    lines.push(
      'function cellStep(x) {',
      '  for (var r = 0; r < 3 * H; r++) {',
      '    px[r] = requantize(BX[r] + dot(WX, r, I, x), MX[r], SX[r]);',
      '    ph[r] = requantize(BH[r] + dot(WH, r, H, h16), MH[r], SH[r]);',
      '  }',
      '  for (var k = 0; k < 2 * H; k++) gate[k] = sigmoid_s16(clip(sat_s16(px[k] + ph[k]), CLIP));',
      '  for (var j = 0; j < H; j++) {',
      '    var n = tanh_s16(clip(sat_s16(px[2 * H + j] + rshift_round(gate[j] * ph[2 * H + j], 15)), CLIP));',
      '    var z = gate[H + j];',
      '    h16[j] = rshift_round(z * h16[j] + (32768 - z) * n, 15);',
      '    h8[j] = sat_s8(HZP + requantize(h16[j], HM, HS));',
      '  }',
      '}',
    );
  }
  lines.push(
    'function step(raw) {',
    '  for (var f = 0; f < F; f++) x16[f] = sat_s16(requantize(raw[f] - IOFF[f], IM[f], IS[f]));',
    '  cellStep(x16);',
    '  for (var u = 0; u < U; u++) out[u] = sat_s16(requantize(B[u] + dot(W, u, H, h8), M[u], S[u]));',
    '  return out;',
    '}',
    'reset();',
    'exports.step = step;',
    'exports.reset = reset;',
  );
  return lines.join('\n') + '\n';
}
