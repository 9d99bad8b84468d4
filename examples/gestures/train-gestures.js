#!/usr/bin/env node
// Gesture recognition from a wrist accelerometer, end to end with the tinyrnn API:
// train an LSTM on the built-in gesture recordings, check it on users it has never seen,
// save it, and run it sample by sample the way a device would.
//
//   npm run build && node examples/gestures/train-gestures.js [--cell gru] [--epochs 30] [--out gestures.tnn]
'use strict';
const path = require('node:path');
const tinyrnn = require(path.join(__dirname, '..', '..', 'dist', 'index.js'));

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : def;
}

async function main() {
  const cell = arg('cell', 'lstm');
  const epochs = Number(arg('epochs', '30'));
  const out = path.resolve(arg('out', 'gestures.tnn'));

  // 1200 two-second recordings at 25 Hz from 100 simulated users
  const data = tinyrnn.loadData('builtin:gestures');
  console.log(`data: ${data.x.length} recordings of ${data.features.join(', ')} at ${data.sampleRate} Hz; classes ${data.labels.join(', ')}`);

  const res = await tinyrnn.train(
    data,
    { cell, hidden: 16, epochs, seed: 1, name: 'gestures' },
    {
      onEpoch: (e) => console.log(`epoch ${e.epoch}: loss ${e.trainLoss.toFixed(4)}, validation accuracy ${(100 * e.valMetric).toFixed(1)}%`),
    },
  );
  console.log(tinyrnn.formatEvalReport(res.test, 'test split'));

  // other users, other recordings: the honest check
  const unseen = tinyrnn.evaluateFloat(res.model, tinyrnn.loadData('builtin:gestures?seed=2&n=600'));
  console.log(tinyrnn.formatEvalReport(unseen, 'unseen users').split('\n')[0]);

  tinyrnn.saveFloatModel(out, res.model);
  console.log(`saved ${out}: ${tinyrnn.paramCount(res.model)} parameters, input normalisation built in`);

  // streaming, one accelerometer sample at a time, as on the device
  const model = tinyrnn.loadFloatModel(out);
  const state = tinyrnn.createFloatState(model);
  const rec = tinyrnn.loadData('builtin:gestures?seed=3&n=6');
  for (let n = 0; n < rec.x.length; n++) {
    tinyrnn.resetFloatState(state);
    let y;
    for (const sample of tinyrnn.sequenceRows(rec, n)) y = tinyrnn.stepFloat(model, state, sample);
    console.log(`recording ${n} (${rec.labels[rec.y[n]]}): predicted ${model.meta.labels[tinyrnn.argmax(y)]} (${(100 * Math.max(...y)).toFixed(0)}%)`);
  }
  console.log(`next: tinyrnn quantize ${path.basename(out)} --calib builtin:gestures`);
}

main().catch((e) => {
  console.error(e.message || e);
  process.exitCode = 1;
});
