// `tinyrnn flash` to the real Espruino interpreter (2v29 for Linux, Puck.js and Bangle.js 2 memory
// layouts) serving its console on tcp://127.0.0.1:2323 (--telnet): the CLI writes each build
// through the `espruino` package, verifies every file on the interpreter (E.sum/E.convolve), loads
// the module; then each file is read back over the console and compared byte for byte, and every
// golden vector of the case is pushed through the console into the flashed module (streamed step
// by step, or run whole for the window models): the integers must equal the vectors. Both layouts,
// inline and Storage weights, loop and unrolled kernels, each flashing the window model and one of
// the streaming cases (the four configurations flash the four between them, dealt out afresh with
// the sweep seed: test/helpers/sweep.ts; all five in each with TINYRNN_TEST_FULL=1; every case's
// integers in every configuration are checked in golden.test.ts); and per layout a native build with the C
// step as an i386 blob (the Linux interpreter's E.nativeCall runs x86), loaded with its native
// kernel (the boards' Thumb blobs cannot run here). The port is fixed, so the tests run one
// after another and start one interpreter at a time. Refusals the real interpreter produces are
// here too (ESP404 without --interpreter or with the wrong layout, ESP606 port taken); the faults
// it cannot produce (dropped connection, full Storage) stay with the test board in
// test/targets/espruino/flash.test.ts. Without the interpreters one test says so (fails under CI).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VectorCase, loadVectorCases } from '../../../runtime/vectors/load';
import { Interpreters, LAYOUTS, LAYOUT_BOARD, Layout, interpreterStatus } from '../../../runtime/espruino-real/interpreter';
import { ConsoleInterpreter, TELNET_URL, startConsole } from '../../../runtime/espruino-real/telnet';
import { BoardLink } from '../../../runtime/flash/flash';
import { buildEspruino, writeBuild } from '../../../targets/espruino/target';
import { WeightsMode } from '../../../targets/espruino/generate';
import { buildEspruinoNative } from '../../../targets/espruino/native/target';
import { main } from '../../../bin/cli/main';
import { codeOfAsync } from '../../helpers/errors';
import { FULL_SWEEP, SWEEP_SEED, sweepOffset } from '../../helpers/sweep';

const VECTORS = path.resolve(__dirname, '..', '..', 'vectors');
const STATUS = interpreterStatus();
const LONG = 300000;
/** Streaming cases (LSTM, GRU+LSTM stack, Jordan, ESN) and a window model run whole (bidirectional). */
const CASES = ['lstm_h4', 'stacked_lstm_gru', 'jordan_tanh_head', 'esn_gestures_h12', 'bidir_lstm_h3'];
/** Cases also flashed as native builds (the i386 blob): a streamed LSTM and a window model. */
const NATIVE_CASES = ['lstm_h4', 'bidir_lstm_h3'];
/** Steps sent per console expression (each a short line, well within the Puck.js layout's pool). */
const STEPS_PER_LINE = 20;

interface FlashConfig {
  layout: Layout;
  weights: WeightsMode;
  kernel: 'loop' | 'unrolled';
}
const CONFIGS: FlashConfig[] = [
  { layout: 'puckjs', weights: 'storage', kernel: 'loop' },
  { layout: 'puckjs', weights: 'inline', kernel: 'unrolled' },
  { layout: 'banglejs2', weights: 'inline', kernel: 'loop' },
  { layout: 'banglejs2', weights: 'storage', kernel: 'unrolled' },
];
/** The window model, flashed in every configuration: the whole-run path. */
const WHOLE_CASE = 'bidir_lstm_h3';
/**
 * The cases each configuration flashes: the window model and one streaming case, dealt out so the
 * four configurations flash the four streaming cases between them, the deal rotating with the
 * sweep seed (every case in every configuration in the long run, TINYRNN_TEST_FULL=1).
 */
function casesOf(k: number): string[] {
  if (FULL_SWEEP) return CASES;
  const streamed = CASES.filter((c) => c !== WHOLE_CASE);
  return [streamed[(k + sweepOffset(streamed.length, 'flash cases')) % streamed.length], WHOLE_CASE];
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t), isTTY: false, cwd: process.cwd() });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** One expression: the outputs of `rows` fed to the flashed module, step by step (continuing its state) or run whole. */
function outputsExpr(module: string, rows: number[][], whole: boolean): string {
  // step() returns the same buffer every step: copy each output before the next.
  const out = whole ? 'r=m.run(S);for(t=0;t<r.length;t++)o.push([].slice.call(r[t]))' : 'for(t=0;t<S.length;t++)o.push([].slice.call(m.step(S[t])))';
  return `(function(){var m=require(${JSON.stringify(module)}),S=${JSON.stringify(rows)},r,o=[],t;${out};return o;})()`;
}

/** Every golden sequence of the case through the console into the flashed module; the integers it returned. */
async function pushVectors(link: BoardLink, module: string, c: VectorCase): Promise<number[][][]> {
  const got: number[][][] = [];
  for (const seq of c.vectors.sequences) {
    await link.expr(`require(${JSON.stringify(module)}).reset()`);
    if (!c.streaming) {
      got.push(JSON.parse(await link.expr(outputsExpr(module, seq.raw, true))));
      continue;
    }
    const outs: number[][] = [];
    for (let t = 0; t < seq.raw.length; t += STEPS_PER_LINE)
      outs.push(...JSON.parse(await link.expr(outputsExpr(module, seq.raw.slice(t, t + STEPS_PER_LINE), false))));
    got.push(outs);
  }
  return got;
}

/** Bytes read back per console expression (its base64 text, and the JSON of it, must fit the Puck.js layout's pool beside the module). */
const READ_BYTES = 2304;

/** Each flashed file read back over the console (base64 of Storage.read, piece by piece) and compared with the build's bytes. */
async function readBack(link: BoardLink, build: Build): Promise<string[]> {
  const differ: string[] = [];
  for (const f of build.files) {
    const name = JSON.stringify(f.name);
    const size = JSON.parse(await link.expr(`require("Storage").read(${name}).length`));
    const parts: Buffer[] = [];
    for (let o = 0; o < size; o += READ_BYTES)
      parts.push(Buffer.from(JSON.parse(await link.expr(`btoa(require("Storage").read(${name},${o},${Math.min(READ_BYTES, size - o)}))`)), 'base64'));
    if (!Buffer.concat(parts).equals(Buffer.from(f.bytes))) differ.push(f.name);
  }
  return differ;
}

type Build = ReturnType<typeof buildEspruino>;

if (!STATUS.ok) {
  test('tinyrnn flash to the real interpreter NOT run', () => {
    const msg = `tinyrnn flash: NOT run on the real Espruino interpreter: ${STATUS.why}`;
    if (process.env.CI) throw new Error(msg + ' (CI must install them: see .ci/run)');
    console.warn(msg);
  });
} else {
  const it: Interpreters = STATUS.interpreters;
  const cases = loadVectorCases(VECTORS).filter((c) => CASES.includes(c.name));
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-flash-real-'));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  describe(`tinyrnn flash --port ${TELNET_URL} to the real interpreter (${it.mode})`, () => {
    test('covers the chosen cases', () => {
      expect(cases.map((c) => c.name).sort()).toEqual([...CASES].sort());
      // every case is flashed in some configuration, the window model in each
      expect([...new Set(CONFIGS.flatMap((_, k) => casesOf(k)))].sort()).toEqual([...CASES].sort());
      for (const k of CONFIGS.keys()) expect(casesOf(k)).toContain(WHOLE_CASE);
    });

    for (const [n, cfg] of CONFIGS.entries()) {
      const picked = cases.filter((c) => casesOf(n).includes(c.name));
      test(
        `${cfg.layout}, ${cfg.weights} weights, ${cfg.kernel} kernel: flashed, verified, loaded; every golden vector exact through the console: ${picked.map((c) => c.name).join(', ')} (sweep seed ${SWEEP_SEED})`,
        async () => {
          const esp = await startConsole(it, cfg.layout);
          try {
            for (const [k, c] of picked.entries()) {
              const build = buildEspruino(c.model, { board: LAYOUT_BOARD[cfg.layout], weights: cfg.weights, kernel: cfg.kernel, name: `f${k}` });
              await flashAndCheck(esp, c, build, cfg.layout, root);
            }
          } finally {
            await esp.stop();
          }
        },
        LONG,
      );
    }

    for (const layout of LAYOUTS)
      test(
        `${layout}: a native build (the C step as an i386 blob, as the Linux interpreter runs it) flashed, loaded with its native kernel, golden vectors exact`,
        async () => {
          const esp = await startConsole(it, layout);
          try {
            for (const [k, c] of cases.filter((x) => NATIVE_CASES.includes(x.name)).entries()) {
              const build = await buildEspruinoNative(c.model, { board: LAYOUT_BOARD[layout], nativeCore: 'i386', countOnQemu: false, name: `n${k}` });
              expect(build.files.map((f) => f.name)).toContain(`n${k}.nat`);
              await flashAndCheck(esp, c, build, layout, root, 'native');
            }
          } finally {
            await esp.stop();
          }
        },
        LONG,
      );

    test('a program that exits without opening the port, or cannot be started: ESP603 with what it printed', async () => {
      // node rejects the --telnet option and exits; a missing file cannot be started.
      const exits: Interpreters = { ...it, mode: 'native', binary: { puckjs: process.execPath, banglejs2: process.execPath } };
      expect(await startConsole(exits, 'puckjs').catch((e: Error) => e.message)).toMatch(
        /ESP603: .*exited with \d+ before opening its console port; it printed: .*telnet/s,
      );
      const missing = path.join(root, 'no-such-interpreter');
      const absent: Interpreters = { ...it, mode: 'native', binary: { puckjs: missing, banglejs2: missing } };
      expect(await startConsole(absent, 'banglejs2').catch((e: Error) => e.message)).toMatch(/ESP603: .*could not be started \(spawn .*ENOENT\)/);
    });

    test(
      'refused: a real-board flash to the interpreter (ESP404, hint --interpreter), the wrong layout (ESP404 on its memory), a second interpreter on the port (ESP606)',
      async () => {
        const dir = path.join(root, 'refused');
        writeBuild(buildEspruino(cases[0].model, { board: 'PUCKJS', weights: 'storage', name: 'r0' }), dir);
        const esp = await startConsole(it, 'banglejs2');
        try {
          const plain = await cli(['flash', dir, '--port', esp.url, '--no-throttle']);
          expect(plain.code).toBe(1);
          expect(plain.err).toMatch(/ESP404: .*is LINUX, the build is for PUCKJS[^]*--interpreter puckjs\|banglejs2/);
          const wrong = await cli(['flash', dir, '--port', esp.url, '--interpreter', 'puckjs', '--no-throttle']);
          expect(wrong.code).toBe(1);
          expect(wrong.err).toMatch(/ESP404: .*has 12000 variables, the puckjs layout has 2630/);
          expect(await codeOfAsync(startConsole(it, 'puckjs'))).toBe('ESP606');
          expect(await startConsole(it, 'puckjs').catch((e: Error) => e.message)).toMatch(/ESP606: .*port 2323 is already taken/);
          // Nothing was written: the Storage holds none of the build's files.
          const link = new BoardLink();
          try {
            await link.open(esp.url, 10000, false);
            expect(JSON.parse(await link.expr('require("Storage").list(/^r0/)'))).toEqual([]);
          } finally {
            await link.close();
          }
        } finally {
          await esp.stop();
        }
      },
      LONG,
    );
  });
}

/** Flashes the build through the CLI, reads its files back, checks the kernel the module loaded, pushes the golden vectors. */
async function flashAndCheck(esp: ConsoleInterpreter, c: VectorCase, build: Build, layout: Layout, root: string, kernel = 'js'): Promise<void> {
  const module = build.gen.moduleName;
  writeBuild(build, path.join(root, module));
  // The board comes from the build's manifest (no --board); the interpreter names its layout.
  const r = await cli(['flash', path.join(root, module), '--port', esp.url, '--interpreter', layout, '--no-throttle', '--json']);
  expect({ case: c.name, code: r.code, err: r.err }).toEqual({ case: c.name, code: 0, err: '' });
  const report = JSON.parse(r.out);
  expect(report.firmwareBoard).toBe('LINUX');
  expect(report.board).toBe(LAYOUT_BOARD[layout]);
  expect(report.files.map((f: { name: string; verified: boolean }) => [f.name, f.verified])).toEqual(build.files.map((f) => [f.name, true]));
  expect(report.loaded).toBe(true);
  expect(report.startOutput).toMatch(new RegExp(`^tinyrnn: loaded ${module}, \\d+ blocks used`));
  const link = new BoardLink();
  try {
    await link.open(esp.url, 10000, false);
    expect({ case: c.name, differ: await readBack(link, build) }).toEqual({ case: c.name, differ: [] });
    expect(JSON.parse(await link.expr(`[require(${JSON.stringify(module)}).kernel||"js",require(${JSON.stringify(module)}).nativeError||""]`))).toEqual([
      kernel,
      '',
    ]);
    const got = await pushVectors(link, module, c);
    expect({ case: c.name, outputs: got }).toEqual({ case: c.name, outputs: c.vectors.sequences.map((s) => s.outputs) });
  } finally {
    await link.close();
  }
}
