// Runs the tinyrnn command line in-process, as a user would type it in folder `cwd`: its exit code
// and what it printed on stdout and stderr (one line per write).
import { main } from '../../bin/cli/main';
import { Io } from '../../bin/cli/command';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export async function runCli(args: string[], cwd = process.cwd()): Promise<CliRun> {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n'), isTTY: false, cwd };
  const code = await main(args, io);
  return { code, out, err };
}
