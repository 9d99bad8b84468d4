import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { saveFloatModel } from '../../../compiler/core/ir/format';
import { runFloat } from '../../../compiler/float/infer';
import { tinyModel } from '../../helpers/models';
import { runCli } from '../../helpers/cli';

const ROOT = path.resolve(__dirname, '..', '..', '..');

describe('tinyrnn CLI', () => {
  let dir: string;
  const model = tinyModel({ cell: 'lstm', hidden: 5 });
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-'));
    saveFloatModel(path.join(dir, 'm.tnn'), model);
    fs.writeFileSync(
      path.join(dir, 'in.json'),
      JSON.stringify({
        x: [
          [
            [0.1, 0.2, 0.3],
            [1, 2, 3],
          ],
          [[-1, 0, 1]],
        ],
      }),
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true }));

  test('--help lists the commands, --version prints the version', async () => {
    const h = await runCli(['--help']);
    expect(h.code).toBe(0);
    for (const c of ['inspect', 'run', 'compile', 'demo']) expect(h.out).toContain(c);
    const v = await runCli(['--version']);
    expect(v.out.trim()).toBe(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
  });
  test('<command> --help shows usage, options and examples', async () => {
    const r = await runCli(['inspect', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('usage: tinyrnn inspect');
    expect(r.out).toContain('--json');
    expect(r.out).toContain('examples:');
  });
  test('unknown command and unknown option: clear error, non-zero exit', async () => {
    const a = await runCli(['trian']);
    expect(a.code).toBe(2);
    expect(a.err).toContain('unknown command "trian"');
    const b = await runCli(['inspect', path.join(dir, 'm.tnn'), '--colour']);
    expect(b.code).toBe(2);
    expect(b.err).toContain("Unknown option '--colour'");
    const c = await runCli(['inspect']);
    expect(c.code).toBe(2);
    expect(c.err).toContain('missing argument');
  });
  test('inspect --json on a model saved by the API', async () => {
    const r = await runCli(['inspect', path.join(dir, 'm.tnn'), '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.layers.map((l: { kind: string }) => l.kind)).toEqual(['lstm', 'dense']);
    expect(j.params).toBe(4 * 5 * (3 + 5 + 2) + 5 * 2 + 2 + 6);
    expect(j.inputSize).toBe(3);
    const t = await runCli(['inspect', path.join(dir, 'm.tnn')]);
    expect(t.out).toContain('lstm');
    expect(t.out).toContain('parameters');
    // a relative path is resolved against the command's working folder, like every other command
    const rel = await runCli(['inspect', 'm.tnn', '--json'], dir);
    expect(rel.code).toBe(0);
    expect(JSON.parse(rel.out).params).toBe(j.params);
  });
  test('run --json gives the float reference outputs', async () => {
    const r = await runCli(['run', path.join(dir, 'm.tnn'), '--input', path.join(dir, 'in.json'), '--json', '--out', path.join(dir, 'o.json')]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    // data files are read as float32 samples
    const want = runFloat(model, [[0.1, 0.2, 0.3].map(Math.fround), [1, 2, 3]]).output[0];
    expect(j.results[0].outputs).toEqual(Array.from(want));
    expect(j.results).toHaveLength(2);
    expect(['c0', 'c1']).toContain(j.results[0].prediction);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'o.json'), 'utf8'))).toEqual(j);
    // relative paths (model, input and output) are resolved against the command's working folder
    const rel = await runCli(['run', 'm.tnn', '--input', 'in.json', '--json', '--out', 'o2.json'], dir);
    expect(rel.code).toBe(0);
    expect(JSON.parse(rel.out)).toEqual(j);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'o2.json'), 'utf8'))).toEqual(j);
  });
  test('bad files give TinyrnnErrors with exit 1', async () => {
    fs.writeFileSync(path.join(dir, 'junk.tnn'), 'hello');
    const r = await runCli(['inspect', path.join(dir, 'junk.tnn')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('error TNN002');
    const s = await runCli(['run', path.join(dir, 'm.tnn'), '--input', path.join(dir, 'nope.json')]);
    expect(s.code).toBe(1);
    expect(s.err).toContain('DATA011');
  });
  test('the installed bin runs (built dist)', () => {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'compiler', 'cli', 'main.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'tinyrnn.js'), 'inspect', path.join(dir, 'm.tnn'), '--json'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).name).toBe('tiny');
  });
});
