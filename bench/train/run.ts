// Training benchmark: the same architecture, data and hyperparameters trained with tinyrnn and
// with TensorFlow.js (pure-JS CPU backend and wasm backend), for hidden sizes 16 and 64.
// Prints samples per second, tinyrnn's speed ratio to each peer, and final test accuracies.
// Speeds are computed from the CPU time the process spent training (process.cpuUsage, all
// threads), which stays meaningful on a shared machine; wall-clock seconds are printed beside.
//
//   npm run build && node dist/bench/train/run.js [--cell lstm|gru] [--sizes 16,64] [--epochs 15] [--n 256] [--skip-cpu]
//
// Data: builtin:gestures (256 training sequences of 50 steps x 3 features, 6 classes) and a
// separate test set (builtin:gestures?seed=2). Inputs are normalised once with the training
// statistics and given to both trainers. Hyperparameters: Adam lr 0.01, batch 32, shuffled,
// no gradient clipping (tfjs has none), Glorot input / orthogonal recurrent initialisation.
import { loadData } from '../../compiler/data/load';
import { normalizationStats } from '../../compiler/data/prep';
import { Dataset } from '../../compiler/data/dataset';
import { Trainer } from '../../compiler/train/trainer';
import { evaluateFloat } from '../../compiler/train/metrics';
import { PeerJob, PeerResult, peerRequire, trainTfjs } from './peers';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : def;
}

function flat(d: Dataset, mean: Float32Array, std: Float32Array): Float32Array {
  const F = d.features.length;
  const out = new Float32Array(d.x.reduce((s, x) => s + x.length, 0));
  let o = 0;
  for (const x of d.x) for (let i = 0; i < x.length; i++) out[o++] = (x[i] - mean[i % F]) / std[i % F];
  return out;
}

async function main(): Promise<void> {
  const cells = arg('cell', 'lstm').split(',') as ('lstm' | 'gru')[];
  const sizes = arg('sizes', '16,64').split(',').map(Number);
  const epochs = Number(arg('epochs', '15'));
  const n = Number(arg('n', '256'));
  const skipCpu = process.argv.includes('--skip-cpu');
  const log = (s: string): void => {
    process.stdout.write(s + '\n');
  };
  const req = peerRequire(log);
  const train = loadData(`builtin:gestures?n=${n}&seed=1`);
  const test = loadData('builtin:gestures?n=600&seed=2');
  const T = train.x[0].length / 3;
  const { mean, std } = normalizationStats(train);
  // tinyrnn trains on raw data with the same statistics stored in the model
  const samples = n * epochs;
  log(`job: ${n} sequences x ${T} steps x 3 features, 6 classes, ${epochs} epochs, batch 32, Adam lr 0.01; test ${test.x.length} sequences`);
  log(`node ${process.version}, ${require('node:os').cpus()[0]?.model ?? 'cpu'} (${require('node:os').cpus().length} cores)`);
  const rows: string[][] = [['cell', 'H', 'trainer', 'wall s', 'cpu s', 'samples/s (cpu)', 'tinyrnn speed-up', 'test acc']];
  for (const cell of cells) {
    for (const H of sizes) {
      // tfjs's GRU is the original reset-before variant: train the same one
      const tr = new Trainer(train, { cell, hidden: H, resetAfter: cell !== 'gru', epochs, batchSize: 32, lr: 0.01, clip: 0, val: 0, test: 0, seed: 1 });
      tr.net.model.normalization = { mean, std };
      const t0 = process.hrtime.bigint();
      const c0 = process.cpuUsage();
      const res = await tr.run();
      const cu = process.cpuUsage(c0);
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      const ts = (cu.user + cu.system) / 1e6;
      const acc = evaluateFloat(res.model, test).classification?.accuracy ?? 0;
      rows.push([cell, String(H), 'tinyrnn', wall.toFixed(2), ts.toFixed(2), (samples / ts).toFixed(0), '1.00', `${(100 * acc).toFixed(1)}%`]);
      log(
        `tinyrnn ${cell} ${H}: ${ts.toFixed(2)} cpu s (${wall.toFixed(2)} wall), ${(samples / ts).toFixed(0)} samples/s, test accuracy ${(100 * acc).toFixed(1)}%`,
      );
      const job: PeerJob = {
        cell,
        hidden: H,
        epochs,
        batch: 32,
        lr: 0.01,
        seed: 1,
        T,
        F: 3,
        K: 6,
        x: flat(train, mean, std),
        y: train.y as Int32Array,
        tx: flat(test, mean, std),
        ty: test.y as Int32Array,
      };
      for (const backend of skipCpu ? (['wasm'] as const) : (['cpu', 'wasm'] as const)) {
        const r: PeerResult = await trainTfjs(req, backend, job);
        rows.push([
          cell,
          String(H),
          `tfjs-${backend}`,
          r.seconds.toFixed(2),
          r.cpuSeconds.toFixed(2),
          (samples / r.cpuSeconds).toFixed(0),
          (r.cpuSeconds / ts).toFixed(2),
          `${(100 * r.accuracy).toFixed(1)}%`,
        ]);
        log(
          `tfjs ${backend} ${cell} ${H}: ${r.cpuSeconds.toFixed(2)} cpu s (${r.seconds.toFixed(2)} wall), ${(samples / r.cpuSeconds).toFixed(0)} samples/s, test accuracy ${(100 * r.accuracy).toFixed(1)}%; tinyrnn is ${(r.cpuSeconds / ts).toFixed(2)}x faster`,
        );
      }
    }
  }
  const w = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  log('');
  for (const r of rows) log(r.map((s, c) => (c < 3 ? s.padEnd(w[c]) : s.padStart(w[c]))).join('  '));
}

main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + '\n');
  process.exitCode = 1;
});
