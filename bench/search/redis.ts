// A redis-server of its own for the queue benchmark and test: on a free loopback port, no
// persistence, its files in a scratch folder; stopped with kill().
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

export const REDIS_SERVER = (process.env.PATH ?? '').split(path.delimiter).find((d) => d && fs.existsSync(path.join(d, 'redis-server')));

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/** Resolves once `pattern` has appeared in the process's output (rejects after `ms`). */
export function waitForOutput(p: ChildProcess, pattern: RegExp, log: string[], ms = 120_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}: ${log.join('')}`)), ms);
    const on = (d: Buffer) => {
      log.push(d.toString());
      if (pattern.test(log.join(''))) {
        clearTimeout(t);
        resolve();
      }
    };
    p.stdout?.on('data', on);
    p.stderr?.on('data', on);
  });
}

export async function startRedis(dir: string): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const p = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'pipe' });
  await waitForOutput(p, /Ready to accept connections/, []);
  return { url: `redis://127.0.0.1:${port}`, process: p };
}
