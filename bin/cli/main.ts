// tinyrnn command-line entry: `tinyrnn <command> [options]`.
import { Command, Io, UsageError, commandHelp, parseCommandArgs } from './command';
import { TinyrnnError } from '../../compiler/core/ir/errors';
import { VERSION } from '../../compiler/core/util/version';
import { COMMANDS } from './commands';

export function mainHelp(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    `tinyrnn ${VERSION}: recurrent neural networks from data to microcontroller`,
    '',
    'usage: tinyrnn <command> [options]',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(w)}${c.summary}`),
    '',
    "Run 'tinyrnn <command> --help' for a command's options and examples.",
    'Options: --help, --version',
  ].join('\n');
}

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}

function suggest(name: string): string {
  const close = COMMANDS.map((c) => c.name).filter((n) => n.startsWith(name.slice(0, 2)) || name.startsWith(n.slice(0, 3)));
  return close.length ? ` (did you mean ${close.join(' or ')}?)` : '';
}

/** Runs the CLI with argv (without node and script) and returns the exit code. */
export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    if (name === 'help' && rest[0]) {
      const c = findCommand(rest[0]);
      if (c) {
        io.out(commandHelp(c));
        return 0;
      }
    }
    io.out(mainHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    io.out(VERSION);
    return 0;
  }
  const cmd = findCommand(name);
  if (!cmd) {
    io.err(`tinyrnn: unknown command ${JSON.stringify(name)}${suggest(name)}\nRun 'tinyrnn --help' for the list of commands.`);
    return 2;
  }
  try {
    const { values, positionals, help } = parseCommandArgs(cmd, rest);
    if (help) {
      io.out(commandHelp(cmd));
      return 0;
    }
    return await cmd.run(values, positionals, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`tinyrnn ${cmd.name}: ${e.message}\nRun 'tinyrnn ${cmd.name} --help' for usage.`);
      return 2;
    }
    if (e instanceof TinyrnnError) {
      io.err(e.message);
      return 1;
    }
    throw e;
  }
}

export function processIo(): Io {
  return {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
    isTTY: !!process.stdout.isTTY,
    cwd: process.cwd(),
  };
}
