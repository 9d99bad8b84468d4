// The benchmark's peers: TensorFlow.js (pure-JS CPU backend and WebAssembly backend), installed
// by the benchmark itself into a scratch folder at run time. They are not tinyrnn dependencies.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

export const TFJS_VERSION = '4.22.0';
export const PEER_DIR = process.env.TINYRNN_BENCH_PEERS ?? path.join(os.tmpdir(), 'tinyrnn-bench-peers');

/** Installs @tensorflow/tfjs and its wasm backend into PEER_DIR unless present; returns a require for them. */
export function peerRequire(log: (s: string) => void): NodeRequire {
  const marker = path.join(PEER_DIR, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'package.json');
  const ok = fs.existsSync(marker) && JSON.parse(fs.readFileSync(marker, 'utf8')).version === TFJS_VERSION;
  if (!ok) {
    log(`installing @tensorflow/tfjs@${TFJS_VERSION} and @tensorflow/tfjs-backend-wasm@${TFJS_VERSION} into ${PEER_DIR} ...`);
    fs.mkdirSync(PEER_DIR, { recursive: true });
    execFileSync(
      'npm',
      [
        'install',
        '--prefix',
        PEER_DIR,
        '--no-save',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        `@tensorflow/tfjs@${TFJS_VERSION}`,
        `@tensorflow/tfjs-backend-wasm@${TFJS_VERSION}`,
      ],
      { stdio: 'inherit' },
    );
  }
  return createRequire(path.join(PEER_DIR, 'package.json'));
}

export interface PeerJob {
  cell: 'lstm' | 'gru';
  hidden: number;
  epochs: number;
  batch: number;
  lr: number;
  seed: number;
  T: number;
  F: number;
  K: number;
  /** Normalised training inputs (N, T, F) and labels (N). */
  x: Float32Array;
  y: Int32Array;
  /** Normalised test inputs and labels. */
  tx: Float32Array;
  ty: Int32Array;
}

export interface PeerResult {
  /** Wall-clock seconds of the training call. */
  seconds: number;
  /** CPU seconds this process spent in it (all threads). */
  cpuSeconds: number;
  accuracy: number;
  finalLoss: number;
}

/** Trains the same architecture (cell -> dense softmax) with tfjs-layers on the given backend. tfjs's GRU is the reset-before variant. */
export async function trainTfjs(req: NodeRequire, backend: 'cpu' | 'wasm', job: PeerJob): Promise<PeerResult> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const tf: any = req('@tensorflow/tfjs');
  if (backend === 'wasm') req('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend(backend);
  await tf.ready();
  const N = job.y.length;
  const xs = tf.tensor3d(job.x, [N, job.T, job.F]);
  const ys = tf.oneHot(tf.tensor1d(job.y, 'int32'), job.K);
  const model = tf.sequential();
  const layerOpts = {
    units: job.hidden,
    inputShape: [job.T, job.F],
    kernelInitializer: tf.initializers.glorotUniform({ seed: job.seed }),
    recurrentInitializer: tf.initializers.orthogonal({ seed: job.seed }),
  };
  model.add(job.cell === 'lstm' ? tf.layers.lstm({ ...layerOpts, unitForgetBias: true }) : tf.layers.gru(layerOpts));
  model.add(tf.layers.dense({ units: job.K, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: job.seed + 1 }) }));
  model.compile({ optimizer: tf.train.adam(job.lr), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const h = await model.fit(xs, ys, { epochs: job.epochs, batchSize: job.batch, shuffle: true, verbose: 0 });
  const cu = process.cpuUsage(c0);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpuSeconds = (cu.user + cu.system) / 1e6;
  const tx = tf.tensor3d(job.tx, [job.ty.length, job.T, job.F]);
  const pred = model.predict(tx).argMax(-1).dataSync() as Int32Array;
  let correct = 0;
  for (let i = 0; i < job.ty.length; i++) if (pred[i] === job.ty[i]) correct++;
  const losses = h.history.loss as number[];
  tf.dispose([xs, ys, tx]);
  model.dispose();
  return { seconds, cpuSeconds, accuracy: correct / job.ty.length, finalLoss: losses[losses.length - 1] };
}
