// The published package works on its own: `npm pack` (the files list of package.json), unpacked
// into an empty folder as node_modules/tinyrnn with only its runtime dependencies beside it, trains,
// quantises and compiles for both targets through its own launcher. This catches a template, board
// profile, worker script or device runtime left out of the package when code moves.
// Needs the build (dist/), which `npm test` makes before jest runs.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';

const ROOT = path.resolve(__dirname, '..', '..');

function pack(into: string): string {
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', into], { cwd: ROOT, encoding: 'utf8' });
  const file = (JSON.parse(out) as { filename: string }[])[0].filename;
  return path.join(into, file);
}

/** An empty project folder holding the unpacked package and links to its runtime dependencies only. */
function install(tarball: string, dir: string): string {
  const pkgDir = path.join(dir, 'node_modules', 'tinyrnn');
  fs.mkdirSync(pkgDir, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', pkgDir, '--strip-components=1']);
  const deps = Object.keys((JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);
  for (const d of deps) {
    const link = path.join(dir, 'node_modules', d);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.join(ROOT, 'node_modules', d), link, 'dir');
  }
  return path.join(pkgDir, 'bin', 'tinyrnn.js');
}

describe('the packed package', () => {
  let dir: string;
  let bin: string;
  let files: string[];
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyrnn-pack-'));
    const tarball = pack(dir);
    files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
    bin = install(tarball, path.join(dir, 'app'));
  }, 120000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[]): string => execFileSync(process.execPath, [bin, ...args], { cwd: path.join(dir, 'app'), encoding: 'utf8', stdio: 'pipe' });

  test('ships no test, source map of tests, or development files', () => {
    expect(files.some((f) => f.startsWith('package/test/'))).toBe(false);
    expect(files).toContain('package/dist/bin/cli/main.js');
    expect(files).toContain('package/targets/c/templates/tinyrnn_kernels.h.hbs');
    for (const kind of ['cell', 'elman', 'lstm', 'gru', 'dense', 'jordan']) expect(files).toContain(`package/compiler/layers/${kind}/c-kernel.hbs`);
    // each kind's Espruino loop kernel (a partial the unrolled modules of the compile test below never read)
    for (const kind of ['cell', 'elman', 'lstm', 'gru', 'dense', 'jordan']) expect(files).toContain(`package/compiler/layers/${kind}/espruino-kernel.hbs`);
    expect(files).toContain('package/runtime/flash/flash-worker.js');
  });

  test('trains, quantises and compiles for C and Espruino from an empty folder', () => {
    run(['train', '--data', 'builtin:gestures?n=48', '--cell', 'gru', '--hidden', '4', '--epochs', '1', '--out', 'm.tnn']);
    run(['quantize', 'm.tnn', '--calib', 'builtin:gestures?n=16', '-o', 'm.q.tnn']);
    run(['compile', 'm.q.tnn', '--target', 'c', '--out', 'c']);
    run(['compile', 'm.q.tnn', '--target', 'espruino', '--out', 'esp']);
    const app = path.join(dir, 'app');
    expect(fs.readdirSync(path.join(app, 'c'))).toEqual(expect.arrayContaining(['tinyrnn_kernels.h']));
    expect(fs.readdirSync(path.join(app, 'esp'))).toEqual(expect.arrayContaining(['tinyrnn_rt.js', 'tinyrnn-espruino.json']));
  }, 300000);
});
