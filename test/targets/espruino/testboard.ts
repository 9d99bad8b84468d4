// A test board: a TCP server on 127.0.0.1 speaking the Espruino console protocol the `espruino`
// package uses, executing what it receives in the Espruino sandbox.
//   - a line ends with \n; a line starting with 0x10 is not echoed and its result not printed;
//   - an empty line answers with the prompt `>`; Ctrl-C (0x03) drops the pending input;
//   - print()/console.log write "text\r\n"; an uncaught error prints "Uncaught Error: ...";
//   - reset() re-creates the interpreter after the line (Storage is kept) and prints a banner.
// Bounded: one client at a time, lines up to 1 MB, the server closes idle clients after 30 s.
import * as net from 'node:net';
import { EspruinoSandbox } from '../../../targets/espruino/sandbox';

export interface TestBoardOptions {
  board?: string;
  /** Do not answer at all (to test "no answer"). */
  silent?: boolean;
}

export class TestBoard {
  private server: net.Server;
  private client: net.Socket | null = null;
  private storage = new Map<string, Uint8Array>();
  sandbox: EspruinoSandbox;
  /** Every line received (without the 0x10 prefix), for assertions. */
  readonly lines: string[] = [];
  port = 0;
  private pendingReset = false;

  constructor(private readonly opts: TestBoardOptions = {}) {
    this.sandbox = this.fresh();
    this.server = net.createServer((sock) => this.accept(sock));
    this.server.maxConnections = 1;
  }

  private fresh(): EspruinoSandbox {
    const sb = new EspruinoSandbox({ board: this.opts.board ?? 'PUCKJS' });
    // Storage survives reset(), as on the device.
    for (const [k, v] of this.storage) sb.storage.set(k, v);
    this.storage = sb.storage;
    (sb.context as Record<string, unknown>).reset = () => {
      this.pendingReset = true;
    };
    // The memory account covers one console line at a time: what a line allocated is released
    // after it (the garbage collector's job on the device), so long uploads do not accumulate.
    sb.markPersistent();
    return sb;
  }

  start(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.port = (this.server.address() as net.AddressInfo).port;
        resolve(this.port);
      });
    });
  }

  get url(): string {
    return `tcp://127.0.0.1:${this.port}`;
  }

  stop(): Promise<void> {
    this.client?.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(sock: net.Socket): void {
    if (this.client) {
      sock.destroy();
      return;
    }
    this.client = sock;
    sock.setTimeout(30000, () => sock.destroy());
    sock.on('close', () => {
      if (this.client === sock) this.client = null;
    });
    sock.on('error', () => undefined);
    let buf = '';
    sock.on('data', (data: Buffer) => {
      if (this.opts.silent) return;
      buf += data.toString('latin1');
      if (buf.length > 1 << 20) {
        sock.destroy();
        return;
      }
      let i: number;
      while ((i = buf.search(/[\n\x03]/)) >= 0) {
        const ch = buf[i];
        const line = buf.slice(0, i).replace(/\r$/, '');
        buf = buf.slice(i + 1);
        if (ch === '\x03') {
          sock.write('\r\n>');
          continue;
        }
        this.execute(line, sock);
      }
    });
  }

  private execute(raw: string, sock: net.Socket): void {
    const echoOff = raw.startsWith('\x10');
    const line = echoOff ? raw.slice(1) : raw;
    if (!echoOff) sock.write(line);
    if (line.trim() === '') {
      sock.write('\r\n>');
      return;
    }
    this.lines.push(line);
    const sb = this.sandbox;
    sb.output.length = 0;
    let result: unknown;
    let error: unknown;
    try {
      result = sb.run(line, 'console');
    } catch (e) {
      error = e;
    }
    sb.settle();
    let out = echoOff ? '' : '\r\n';
    for (const o of sb.output) out += `${o}\r\n`;
    sb.output.length = 0;
    if (error !== undefined) out += `Uncaught ${String(error)}\r\n`;
    else if (!echoOff) out += `=${JSON.stringify(result) ?? 'undefined'}\r\n`;
    if (this.pendingReset) {
      this.pendingReset = false;
      this.sandbox = this.fresh();
      out +=
        ' ____                 _\r\n|  __|___ ___ ___ _ _|_|___ ___\r\n|  __|_ -| . |  _| | | |   | . |\r\n|____|___|  _|_| |___|_|_|_|___|\r\n        |_| espruino.com (test board)\r\n';
    }
    sock.write(out + '>');
  }
}
