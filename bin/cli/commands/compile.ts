import * as path from 'node:path';
import { Command, OptionSpec, UsageError, emit, flag, requireStr } from '../command';
import { TARGETS } from '../targets';

function targetOptions(): Record<string, OptionSpec> {
  const all: Record<string, OptionSpec> = {};
  // an option several targets take (--board) lists each target's meaning
  for (const t of TARGETS)
    for (const [k, o] of Object.entries(t.options)) {
      const help = `${o.help} (${t.name})`;
      all[k] = all[k] ? { ...all[k], help: `${all[k].help}; ${help}` } : { ...o, help };
    }
  return all;
}

export const compileCommand: Command = {
  name: 'compile',
  summary: 'generate device code (C or Espruino JS) from a quantised model, with a memory report',
  usage: 'tinyrnn compile MODEL.q.tnn --target c|espruino --out DIR [target options] [--json]',
  get description() {
    return `Targets: ${TARGETS.map((t) => `${t.name} (${t.summary})`).join('; ') || 'none built in'}.`;
  },
  get options() {
    return {
      target: { type: 'string', short: 't', arg: 'NAME', help: `code-generation target: ${TARGETS.map((t) => t.name).join(', ')}` },
      out: { type: 'string', short: 'o', arg: 'DIR', help: 'output folder (created; files in it are replaced)' },
      json: { type: 'boolean', help: 'machine-readable report' },
      ...targetOptions(),
    } as Record<string, OptionSpec>;
  },
  positionals: [1, 1],
  examples: ['tinyrnn compile gestures.q.tnn --target c --out build/c', 'tinyrnn compile gestures.q.tnn --target espruino --board PUCKJS --out build/puck'],
  async run(values, [file], io) {
    const name = requireStr(values, 'target', `NAME (one of ${TARGETS.map((t) => t.name).join(', ')})`);
    const target = TARGETS.find((t) => t.name === name);
    if (!target) throw new UsageError(`--target ${JSON.stringify(name)} is not one of ${TARGETS.map((t) => t.name).join(', ')}`);
    const allowed = new Set(['target', 'out', 'json', 'help', ...Object.keys(target.options)]);
    for (const k of Object.keys(values)) if (values[k] !== undefined && !allowed.has(k)) throw new UsageError(`--${k} does not apply to --target ${name}`);
    const out = path.resolve(io.cwd, requireStr(values, 'out', 'DIR (the output folder)'));
    const r = await target.compile(path.resolve(io.cwd, file), out, values, io);
    emit(
      io,
      flag(values, 'json'),
      { target: name, out, files: r.files, report: r.report },
      () => `${r.text}\nwrote ${r.files.length} files to ${path.relative(io.cwd, out) || '.'}`,
    );
    return 0;
  },
};
