// Flashing end to end with the real `espruino` package (library mode, in its worker process)
// talking TCP to the test board, which runs what it receives in the Espruino sandbox. After the
// flash, inference on the board gives the reference's outputs. Then each refusal: no port, no
// answer, cannot connect, wrong board, not enough Storage; and a file that differs from its
// manifest.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as net from 'node:net';
import { TinyrnnError } from '../../../compiler/core/ir/errors';
import { buildEspruino, writeBuild } from '../../../targets/espruino/target';
import { BoardLink, flash, readBuildDir } from '../../../runtime/flash/flash';
import { main } from '../../../bin/cli/main';
import { TestBoard } from './testboard';
import { saveQuantModel } from '../../../compiler/core/ir/format';
import { createQuantState, rawSequence, stepQuant } from '../../../compiler/core/reference';
import { accelSequences, gestureQuantModel } from '../../../bench/espruino/models';
import { codeOfAsync } from '../../helpers/errors';

const model = gestureQuantModel('lstm', 8);
let dir: string;
let modelFile: string;
// The worker refuses and logs any connection that is not to this machine.
process.env.TINYRNN_NET_GUARD = '1';

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-flash-test-'));
  writeBuild(buildEspruino(model, { board: 'PUCKJS', weights: 'storage', name: 'gest' }), dir);
  modelFile = path.join(dir, 'gest.q.tnn');
  saveQuantModel(modelFile, model);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('tinyrnn flash through the espruino package', () => {
  test('writes, verifies, starts the app; inference on the board matches the reference', async () => {
    const board = new TestBoard({ board: 'PUCKJS' });
    await board.start();
    try {
      const lines: string[] = [];
      const report = await flash(readBuildDir(dir), { port: board.url, board: 'puck', progress: (l) => lines.push(l), throttle: false, boot: true });
      expect(report.boot).toBe(true);
      expect(Buffer.from(board.sandbox.storage.get('.bootcde')!).toString('latin1')).toBe('eval(require("Storage").read("gest.app.js"));\n');
      expect(report.firmwareBoard).toBe('PUCKJS');
      expect(report.files.map((f) => f.name)).toEqual(['tinyrnn_rt', 'gest.w0', 'gest', 'gest.app.js']);
      expect(report.files.every((f) => f.verified)).toBe(true);
      expect(report.started).toBe(true);
      // The package did not try to reach the network (board JSON, modules, version checks).
      expect(report.log.length).toBeGreaterThan(0);
      expect(report.log.filter((l) => l.startsWith('NETWORK'))).toEqual([]);
      expect(report.startOutput).toContain('tinyrnn: started gest on Puck.js');
      expect(lines.some((l) => /^\[4\/4\] writing gest.app.js/.test(l))).toBe(true);
      // What the package sent: Storage writes as require("Storage").write(name, atob(...), offset, total).
      expect(board.lines.some((l) => /require\("Storage"\)\.write\("gest\.w0",atob\("/.test(l))).toBe(true);
      // The files on the board are byte-identical to the build.
      for (const f of readBuildDir(dir).files) expect(Buffer.from(board.sandbox.storage.get(f.name)!).equals(Buffer.from(f.bytes))).toBe(true);
      // Inference on the board, through the package, for every golden sequence.
      const link = new BoardLink();
      try {
        await link.open(board.url, 10000, false);
        for (const seq of accelSequences(3, 12, 5)) {
          const raw = rawSequence(model, seq.flat());
          const st = createQuantState(model);
          const want = raw.map((r) => Array.from(stepQuant(model, st, r)));
          const expr = `(function(){var m=require("gest"),o=[],t;m.reset();var S=${JSON.stringify(raw)};for(t=0;t<S.length;t++)o.push([].slice.call(m.step(S[t])));return o;})()`;
          expect(JSON.parse(await link.expr(expr))).toEqual(want);
        }
      } finally {
        await link.close();
      }
    } finally {
      await board.stop();
    }
  });

  test('refusals: wrong board, no room, no answer, no connection, no port, changed file', async () => {
    const bangle = new TestBoard({ board: 'BANGLEJS2' });
    await bangle.start();
    try {
      expect(await codeOfAsync(flash(readBuildDir(dir), { port: bangle.url, board: 'PUCKJS' }))).toBe('ESP404');
      expect(bangle.lines.some((l) => /Storage"\)\.write/.test(l))).toBe(false);
    } finally {
      await bangle.stop();
    }
    const full = new TestBoard({ board: 'PUCKJS' });
    full.sandbox.storage.set('big', new Uint8Array(39000));
    await full.start();
    try {
      expect(await codeOfAsync(flash(readBuildDir(dir), { port: full.url, board: 'PUCKJS' }))).toBe('ESP405');
    } finally {
      await full.stop();
    }
    const silent = new TestBoard({ silent: true });
    await silent.start();
    try {
      expect(await codeOfAsync(flash(readBuildDir(dir), { port: silent.url, board: 'PUCKJS', timeoutMs: 3000 }))).toBe('ESP402');
    } finally {
      await silent.stop();
    }
    // A port nobody listens on.
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const closedPort = (srv.address() as net.AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    expect(await codeOfAsync(flash(readBuildDir(dir), { port: `tcp://127.0.0.1:${closedPort}`, board: 'PUCKJS', timeoutMs: 3000 }))).toBe('ESP403');
    expect(await codeOfAsync(flash(readBuildDir(dir), { port: '', board: 'PUCKJS' }))).toBe('ESP401');
    // The guard itself works: a connection to another machine is refused and logged.
    const probe = new BoardLink();
    try {
      await expect(probe.open('tcp://tinyrnn.invalid:23', 3000)).rejects.toThrow();
      expect(probe.log.some((l) => l.startsWith('NETWORK connect tinyrnn.invalid'))).toBe(true);
    } finally {
      await probe.close();
    }
    expect(await codeOfAsync(flash(readBuildDir(dir), { port: 'tcp://127.0.0.1:1', board: 'BANGLEJS2' }))).toBe('ESP404');
    // --interpreter names the layout of the Linux interpreter: the Bangle.js 2 one does not stand in for a Puck.js build (before connecting).
    expect(await codeOfAsync(flash(readBuildDir(dir), { port: 'tcp://127.0.0.1:1', interpreter: 'banglejs2' }))).toBe('ESP404');
    // nor can the interpreter start the sensor app at power-up.
    expect(await codeOfAsync(flash(readBuildDir(dir), { port: 'tcp://127.0.0.1:1', interpreter: 'puckjs', boot: true }))).toBe('ESP411');
    // and a real board (process.env.BOARD is not LINUX) is refused with it, before anything is written.
    const puck = new TestBoard({ board: 'PUCKJS' });
    await puck.start();
    try {
      const e = await flash(readBuildDir(dir), { port: puck.url, interpreter: 'puckjs' }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(TinyrnnError);
      expect((e as TinyrnnError).code).toBe('ESP404');
      expect((e as TinyrnnError).message).toMatch(/--interpreter is for the Espruino interpreter for Linux .*the board on .* is PUCKJS/);
      expect(puck.lines.some((l) => /Storage"\)\.write/.test(l))).toBe(false);
    } finally {
      await puck.stop();
    }
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-flash-copy-'));
    try {
      for (const f of fs.readdirSync(dir)) fs.copyFileSync(path.join(dir, f), path.join(copy, f));
      fs.appendFileSync(path.join(copy, 'gest.js'), '\n');
      expect(await codeOfAsync(Promise.resolve().then(() => readBuildDir(copy)))).toBe('ESP408');
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  test('the CLI: --dry-run and --json, compiling a model on the fly', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t), isTTY: false, cwd: process.cwd() };
    const code = await main(['flash', modelFile, '--board', 'PUCKJS', '--dry-run', '--json'], io);
    expect(err.join('\n')).toBe('');
    expect(code).toBe(0);
    const r = JSON.parse(out.join(''));
    expect(r.dryRun).toBe(true);
    expect(r.files.map((f: { name: string }) => f.name)).toContain('tinyrnn_rt');
    out.length = 0;
    expect(await main(['flash', dir, '--board', 'PUCKJS'], io)).toBe(1);
    expect(err.join('\n')).toMatch(/ESP401: --port: no port given/);
    // A folder without --board: the board of its manifest.
    err.length = 0;
    expect(await main(['flash', dir, '--dry-run', '--json'], io)).toBe(0);
    expect(JSON.parse(out.join('')).board).toBe('PUCKJS');
    // A model file needs --board (or --interpreter, whose layout names it).
    out.length = 0;
    expect(await main(['flash', modelFile, '--dry-run'], io)).toBe(2);
    expect(err.join('\n')).toMatch(/missing --board NAME/);
    expect(await main(['flash', modelFile, '--interpreter', 'banglejs2', '--dry-run', '--json'], io)).toBe(0);
    expect(JSON.parse(out.join('')).board).toBe('BANGLEJS2');
  });
});
