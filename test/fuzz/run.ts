// The long fuzz run: `npm run fuzz -- --minutes N [--count N] [--seed S] [--formats tnn,onnx,json,csv]
// [--timeout-s 10] [--heap-mb 1024] [--save DIR]`.
// The inputs run in a child process, one after another; the parent counts the outcomes, and sees
// the two the child cannot report itself: a death (V8 fatal error, stack or heap exhaustion) and a
// hang (no answer within --timeout-s). The child is restarted after either. Inputs that end
// uncoded, bad, dead or hung are saved (a few per kind) to replay with --replay FILE.
// The child's heap is capped by --heap-mb; its peak RSS is reported.

import { ChildProcess, fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { EXTENSIONS, fuzzInput, loadSeeds } from './inputs';
import { FORMATS, Format, runInput } from './target';

interface Report {
  i: number;
  format: Format;
  kind: string;
  key: string;
  rss: number;
}

/** Sends a message and waits until it is written: IPC is asynchronous, and messages queued behind a
 * busy loop would reach the parent late, which it would take for a hang of an innocent input. */
function sent(msg: object): Promise<void> {
  return new Promise((resolve, reject) => process.send?.(msg, (e: Error | null) => (e ? reject(e) : resolve())) ?? resolve());
}

async function child(seed: number, start: number, end: number, formats: Format[]): Promise<void> {
  const seeds = loadSeeds();
  for (let i = start; i < end; i++) {
    await sent({ i, start: true });
    const { format, bytes } = fuzzInput(seeds, seed, i, formats);
    const o = runInput(format, bytes);
    await sent({ i, format, kind: o.kind, key: o.key, rss: process.memoryUsage().rss } satisfies Report);
  }
  process.disconnect?.();
}

class Tally {
  counts = new Map<string, number>();
  keys = new Map<string, number>();
  peakRss = 0;
  add(format: string, kind: string, key: string): number {
    const k = `${format} ${kind}`;
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
    if (kind !== 'accepted' && kind !== 'coded') this.keys.set(`${format} ${kind}: ${key}`, (this.keys.get(`${format} ${kind}: ${key}`) ?? 0) + 1);
    return this.keys.get(`${format} ${kind}: ${key}`) ?? 0;
  }
  print(done: number, seconds: number, formats: Format[]): void {
    console.log(`${done} inputs in ${seconds.toFixed(0)} s; child peak RSS ${(this.peakRss / 2 ** 20).toFixed(0)} MiB`);
    const kinds = ['accepted', 'coded', 'uncoded', 'bad', 'death', 'hang'];
    console.log(['format', ...kinds].map((s) => s.padStart(9)).join(''));
    for (const f of formats) console.log([f, ...kinds.map((k) => String(this.counts.get(`${f} ${k}`) ?? 0))].map((s) => s.padStart(9)).join(''));
    for (const [k, n] of [...this.keys].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(7)}  ${k}`);
  }
}

function parent(opts: { seed: number; count: number; minutes: number; formats: Format[]; timeoutS: number; heapMb: number; save: string }): void {
  const tally = new Tally();
  const seeds = loadSeeds();
  const t0 = Date.now();
  const deadline = t0 + opts.minutes * 60000;
  let next = 0;
  let done = 0;
  const save = (i: number, kind: string, key: string): void => {
    if (tally.add(fuzzInput(seeds, opts.seed, i, opts.formats).format, kind, key) > 3) return;
    const { format, bytes } = fuzzInput(seeds, opts.seed, i, opts.formats);
    fs.mkdirSync(opts.save, { recursive: true });
    fs.writeFileSync(path.join(opts.save, `${format}-${kind}-s${opts.seed}-i${i}.${EXTENSIONS[format]}`), bytes);
  };
  const spawn = (): void => {
    if (next >= opts.count || Date.now() > deadline) return finish();
    let current = -1;
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        save(current, 'hang', `over ${opts.timeoutS} s`);
        next = current + 1;
        done++;
        proc.kill('SIGKILL');
      }, opts.timeoutS * 1000);
    };
    const proc: ChildProcess = fork(__filename, ['--child', String(opts.seed), String(next), String(opts.count), opts.formats.join(',')], {
      execArgv: ['-r', path.join(__dirname, 'register.js'), `--max-old-space-size=${opts.heapMb}`],
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    proc.on('message', (m: Report & { start?: boolean }) => {
      if (m.start) {
        current = m.i;
        arm();
        return;
      }
      tally.peakRss = Math.max(tally.peakRss, m.rss);
      if (m.kind === 'accepted' || m.kind === 'coded') tally.add(m.format, m.kind, m.key);
      else save(m.i, m.kind, m.key);
      next = m.i + 1;
      done++;
      if (Date.now() > deadline) proc.kill('SIGKILL');
    });
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (current >= next && Date.now() <= deadline) {
        save(current, 'death', signal ?? `exit ${code}`);
        next = current + 1;
        done++;
      }
      spawn();
    });
  };
  const finish = (): void => tally.print(done, (Date.now() - t0) / 1000, opts.formats);
  spawn();
}

function main(argv: string[]): void {
  if (argv[0] === '--child') {
    void child(Number(argv[1]), Number(argv[2]), Number(argv[3]), argv[4].split(',') as Format[]);
    return;
  }
  const { values } = parseArgs({
    args: argv,
    options: {
      minutes: { type: 'string', default: '1' },
      count: { type: 'string', default: String(Number.MAX_SAFE_INTEGER) },
      seed: { type: 'string', default: '1' },
      formats: { type: 'string', default: FORMATS.join(',') },
      'timeout-s': { type: 'string', default: '10' },
      'heap-mb': { type: 'string', default: '1024' },
      save: { type: 'string', default: path.join('test', 'fuzz', 'found') },
      replay: { type: 'string' },
    },
  });
  if (values.replay) {
    const ext = path.extname(values.replay).slice(1) as Format;
    console.log(runInput(ext, new Uint8Array(fs.readFileSync(values.replay))));
    return;
  }
  const formats = values.formats.split(',') as Format[];
  if (formats.some((f) => !FORMATS.includes(f))) throw new Error(`--formats: one or more of ${FORMATS.join(', ')}`);
  parent({
    seed: Number(values.seed),
    count: Number(values.count),
    minutes: Number(values.minutes),
    formats,
    timeoutS: Number(values['timeout-s']),
    heapMb: Number(values['heap-mb']),
    save: values.save,
  });
}

main(process.argv.slice(2));
