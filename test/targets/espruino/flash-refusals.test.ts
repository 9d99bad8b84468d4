// The refusals of `flash` that need a board answering wrongly: too little RAM for the model
// (ESP406), a board that stores other bytes than it was sent (ESP407), an app that fails when
// started (ESP409), and a bad --timeout (ESP410). The test board is the Espruino sandbox on TCP.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TinyrnnError } from '../../../compiler/core/ir/errors';
import { buildEspruino, writeBuild } from '../../../targets/espruino/target';
import { flash, readBuildDir } from '../../../runtime/flash/flash';
import { main } from '../../../bin/cli/main';
import { TestBoard } from './testboard';
import { gestureQuantModel } from '../../../bench/espruino/models';

let dir: string;
process.env.TINYRNN_NET_GUARD = '1';

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-flash-refusals-'));
  writeBuild(buildEspruino(gestureQuantModel('gru', 8), { board: 'PUCKJS', weights: 'storage', name: 'gest' }), dir);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function refusal(board: TestBoard, plan = readBuildDir(dir)): Promise<TinyrnnError> {
  await board.start();
  try {
    const e = await flash(plan, { port: board.url, board: 'PUCKJS', throttle: false, timeoutMs: 5000 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TinyrnnError);
    return e as TinyrnnError;
  } finally {
    await board.stop();
  }
}

describe('flash refusals', () => {
  test('ESP406: the firmware has too few memory blocks for the model; nothing is written', async () => {
    const board = new TestBoard({ board: 'PUCKJS' });
    const ctx = board.sandbox.context as { process: { memory: () => Record<string, number> } };
    const real = ctx.process.memory;
    ctx.process.memory = () => ({ ...real(), total: 200 });
    const e = await refusal(board);
    expect(e.code).toBe('ESP406');
    expect(e.message).toMatch(/not enough RAM: the model needs about \d+ blocks, the board has 200/);
    expect(board.lines.some((l) => /Storage"\)\.write/.test(l))).toBe(false);
  });

  test('ESP407: the board stores other bytes than it was sent', async () => {
    const board = new TestBoard({ board: 'PUCKJS' });
    // A flash cell that does not hold its value: the weights file reads back with one bit flipped.
    // (The board object outlives the sandbox, which flash's reset() replaces.)
    const hooked = board as unknown as { execute: (line: string, sock: unknown) => void };
    const execute = hooked.execute.bind(board);
    hooked.execute = (line: string, sock: unknown) => {
      const f = board.sandbox.storage.get('gest.w0');
      if (/E\.sum/.test(line) && line.includes('"gest.w0"') && f) f[0] ^= 1;
      execute(line, sock);
    };
    const e = await refusal(board);
    expect(e.code).toBe('ESP407');
    expect(e.diagnostics[0].path).toBe('gest.w0');
  });

  test('ESP409: the app fails when it is started', async () => {
    const plan = readBuildDir(dir);
    const app = plan.files.find((f) => f.name === plan.manifest.app)!;
    app.bytes = new Uint8Array(Buffer.from('throw new Error("no sensor");\n', 'latin1'));
    const e = await refusal(new TestBoard({ board: 'PUCKJS' }), plan);
    expect(e.code).toBe('ESP409');
    expect(e.message).toMatch(/the app failed: .*no sensor/);
  });

  test('ESP410: flash --timeout must be an integer of at least 100 ms', async () => {
    const err: string[] = [];
    const io = { out: () => undefined, err: (t: string) => err.push(t), isTTY: false, cwd: process.cwd() };
    expect(await main(['flash', dir, '--port', 'tcp://127.0.0.1:1', '--timeout', '50'], io)).toBe(1);
    expect(err.join('\n')).toMatch(/ESP410: --timeout: timeout must be an integer >= 100 \(ms\)/);
  });
});
