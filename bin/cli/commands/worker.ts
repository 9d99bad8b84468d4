// `tinyrnn worker --queue redis://HOST:PORT`: runs the trials `tinyrnn search --queue` puts on the
// queue, until stopped (Ctrl-C, SIGTERM). Start any number, on any machine that has the search's
// data (the same file at the same path, or a builtin: data set).
import * as os from 'node:os';
import { Command, num, requireStr } from '../command';

export const workerCommand: Command = {
  name: 'worker',
  summary: 'run search trials from a Redis-backed queue (for `tinyrnn search --queue`), until stopped',
  usage: 'tinyrnn worker --queue redis://HOST:PORT [--workers N]',
  description: [
    'Takes trials from the queue and runs them in worker processes of its own. A worker that dies (killed, powered off)',
    "loses its trial's lock; the trial goes back to the queue and another worker runs it.",
  ].join('\n'),
  options: {
    queue: { type: 'string', arg: 'redis://HOST:PORT', help: 'the Redis server the search uses' },
    workers: { type: 'string', arg: 'N', help: 'trials run at once (default: one per core)' },
  },
  positionals: [0, 0],
  examples: ['tinyrnn worker --queue redis://10.0.0.5:6379'],
  async run(values, _pos, io) {
    const url = requireStr(values, 'queue', 'redis://HOST:PORT');
    const threads = num(values, 'workers', { int: true, min: 1, max: 256 }) ?? Math.max(1, os.availableParallelism());
    const { serveQueue } = await import('../../../runtime/search/queue');
    io.err(`tinyrnn worker: taking trials from ${url} (${threads} at a time); Ctrl-C to stop`);
    await serveQueue(url, threads, (line) => io.err(line));
    return 0;
  },
};
