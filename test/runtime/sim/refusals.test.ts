// The simulator's refusals not covered elsewhere: no sample rate from anywhere (SIM002), a bad
// device count (SIM012), and device code that stops part-way (SIM020, from an engine whose
// session throws, as a crashed device would).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TinyrnnError } from '../../../compiler/core/ir/errors';
import { loadQuantModel, saveQuantModel } from '../../../compiler/core/ir/format';
import { simulate } from '../../../runtime/sim/simulate';
import { ENGINES } from '../../../runtime/sim/engines';
import { randomModelFile, tmpDir } from './fixtures';

async function simErr(p: Promise<unknown>): Promise<TinyrnnError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(TinyrnnError);
  return e as TinyrnnError;
}

describe('simulate refusals', () => {
  const modelFile = randomModelFile('elman', 4);

  test('SIM002: neither the model, the data nor --rate give a sample rate', async () => {
    const m = loadQuantModel(modelFile);
    delete m.meta.sampleRate;
    const bare = path.join(tmpDir(), 'no-rate.q.tnn');
    saveQuantModel(bare, m);
    const data = path.join(tmpDir(), 'no-rate.json');
    fs.writeFileSync(data, JSON.stringify({ x: [Array.from({ length: 8 }, (_, t) => [t / 8, 0, -t / 8])] }));
    const e = await simErr(simulate({ modelFile: bare, board: 'NRF52840', engine: 'reference', data }));
    expect(e.diagnostics[0]).toMatchObject({ code: 'SIM002', path: '--rate', hint: 'give --rate HZ' });
    const r = await simulate({ modelFile: bare, board: 'NRF52840', engine: 'reference', data, rateHz: 25 });
    expect(r.devices[0].steps).toBe(8);
  });

  test('SIM012: the device count is a positive integer', async () => {
    for (const devices of [0, 1.5, -2]) {
      const e = await simErr(simulate({ modelFile, board: 'NRF52840', engine: 'reference', data: 'builtin:gestures?n=2&length=20', devices }));
      expect(e.diagnostics[0]).toMatchObject({ code: 'SIM012', path: '--devices', value: devices });
    }
  });

  test('SIM020: device code that stops part-way is reported with the device and the engine', async () => {
    const reference = ENGINES.reference!;
    const saved = ENGINES.c;
    ENGINES.c = {
      ...reference,
      name: 'c',
      unavailable: () => null,
      prepare: async (ctx) => ({ ...(await reference.prepare(ctx)), engine: 'c' }),
      async open(p, m, b) {
        const s = await reference.open(p, m, b);
        s.run = () => Promise.reject(new Error('HardFault at 0x0800_1234'));
        return s;
      },
    };
    try {
      const e = await simErr(simulate({ modelFile, board: 'NRF52840', engine: 'c', data: 'builtin:gestures?n=2&length=20', rateHz: 25, workers: 0 }));
      expect(e.diagnostics[0]).toMatchObject({ code: 'SIM020', path: 'device 0' });
      expect(e.message).toMatch(/device code stopped: HardFault at 0x0800_1234/);
    } finally {
      ENGINES.c = saved;
    }
  });
});
