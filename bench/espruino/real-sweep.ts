// The full sweep of the golden vectors on the real Espruino interpreter: every case in every
// configuration the sandbox tests cover (both layouts, Storage and inline weights, loop and
// unrolled kernels, plain and minified) plus the default ones, one table per configuration with
// memory (process.memory().usage, less the driver's own) beside the estimate. `npm test` runs the
// default configurations and a seeded sample (test/runtime/espruino-real); this runs the rest.
//
//   npm run bench:espruino-real [-- --json]
//
// Exit status 1 when any integer differs or the interpreters cannot run here.
import * as path from 'node:path';
import { packageRoot } from '../../compiler/core/util/version';
import { loadVectorCases } from '../../runtime/vectors/load';
import { requireInterpreters } from '../../runtime/espruino-real/interpreter';
import { DEFAULT_CONFIGS, RealCaseResult, allConfigs, configLabel, resultTable, runConfig } from '../../runtime/espruino-real/golden';

export interface SweepRow {
  config: string;
  cases: number;
  exact: number;
  ms: number;
  results: RealCaseResult[];
}

export async function sweep(say: (line: string) => void): Promise<SweepRow[]> {
  const it = requireInterpreters();
  const cases = loadVectorCases(path.join(packageRoot(), 'test', 'vectors'));
  say(`interpreters: ${it.dir} (${it.mode}); ${cases.length} golden-vector cases`);
  const rows: SweepRow[] = [];
  for (const cfg of [...DEFAULT_CONFIGS, ...allConfigs()]) {
    const r = await runConfig(it, cfg, cases);
    const exact = r.results.filter((x) => x.failures.length === 0).length;
    rows.push({ config: configLabel(cfg), cases: cases.length, exact, ms: r.ms, results: r.results });
    say(`\n${configLabel(cfg)}: ${exact} of ${cases.length} cases exact, ${r.ms} ms on the interpreter`);
    say(resultTable(r.results));
    for (const x of r.results) for (const f of x.failures) say(`  FAIL ${f}`);
  }
  const total = rows.reduce((s, x) => s + x.cases, 0);
  const exact = rows.reduce((s, x) => s + x.exact, 0);
  say(`\n${exact} of ${total} runs exact in ${rows.length} configurations, ${rows.reduce((s, x) => s + x.ms, 0)} ms on the interpreter`);
  return rows;
}

if (require.main === module) {
  const json = process.argv.includes('--json');
  sweep(json ? () => undefined : (l) => process.stdout.write(l + '\n'))
    .then((rows) => {
      if (json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
      process.exitCode = rows.every((r) => r.exact === r.cases) ? 0 : 1;
    })
    .catch((e: Error) => {
      process.stderr.write(`${e.message}\n`);
      process.exitCode = 1;
    });
}
