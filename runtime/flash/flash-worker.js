'use strict';
// tinyrnn flash worker: drives the `espruino` npm package (EspruinoTools, library mode) for
// `tinyrnn flash`. It runs in a child process because the package patches globals (es6-shim,
// global.require, global.Espruino), prints to the console while loading, and some transports
// (node-ble) can take the process down; tinyrnn keeps its own process clean and talks to this
// worker over IPC:
//   parent -> worker  { id, op: 'open', port, timeoutMs } | { id, op: 'expr', expr, timeoutMs }
//                     | { id, op: 'statement', code } | { id, op: 'upload', name, base64 } | { id, op: 'close' }
//   worker -> parent  { id, ok: true, result } | { id, ok: false, error, code } | { log: text }
// Network: board JSON downloads and version checks are disabled (ENV_ON_CONNECT false, no
// code transformation that would fetch modules); only the given port is opened.
// Plain JavaScript (not compiled TypeScript) so that it runs as is with `node`.

const logs = [];
function log() {
  const text = Array.prototype.map.call(arguments, String).join(' ');
  logs.push(text);
  if (process.send) process.send({ log: text });
}
// The package logs a lot while loading ("Found ..."): route everything to the parent's log.
console.log = log;
console.info = log;
console.warn = log;
console.error = log;

// With TINYRNN_NET_GUARD=1 (the tests set it), any connection that is not to this machine is
// refused and reported as a "NETWORK ..." log line, so a test can prove the package stays off
// the network.
if (process.env.TINYRNN_NET_GUARD) {
  const local = function (h) {
    return !h || h === '127.0.0.1' || h === 'localhost' || h === '::1';
  };
  const net = require('net');
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function () {
    const a = arguments[0];
    const o = Array.isArray(a) ? a[0] : a;
    const host = o && typeof o === 'object' ? o.host : arguments[1];
    const isPath = o && typeof o === 'object' && o.path;
    if (!isPath && !local(host)) {
      log('NETWORK connect ' + host);
      throw new Error('tinyrnn: network access refused (' + host + ')');
    }
    return connect.apply(this, arguments);
  };
  ['http', 'https'].forEach(function (name) {
    const mod = require(name);
    ['request', 'get'].forEach(function (fn) {
      mod[fn] = function () {
        log('NETWORK ' + name + '.' + fn + ' ' + JSON.stringify(arguments[0]).slice(0, 120));
        throw new Error('tinyrnn: network access refused');
      };
    });
  });
  const dns = require('dns');
  const lookup = dns.lookup;
  dns.lookup = function (host) {
    if (!local(host)) log('NETWORK dns ' + host);
    return lookup.apply(this, arguments);
  };
}

let espruino;
let ready = false;
let connected = false;
let disconnectedWhy = null;

function init(cb) {
  if (ready) return cb();
  espruino = require('espruino');
  espruino.init(function () {
    const C = global.Espruino.Config;
    C.BLUETOOTH_LOW_ENERGY_DBUS = false; // node-ble would crash the process without D-Bus
    C.ENV_ON_CONNECT = false; // no process.env query -> no board JSON download
    C.RESET_BEFORE_SEND = false;
    C.SAVE_ON_SEND = 0;
    C.MODULE_URL = '';
    ready = true;
    cb();
  });
}

function reply(id, ok, payload) {
  if (process.send) process.send(Object.assign({ id: id, ok: ok }, payload));
}

function withTimeout(id, ms, what, start) {
  let done = false;
  const timer = setTimeout(function () {
    if (done) return;
    done = true;
    reply(id, false, { code: 'TIMEOUT', error: what + ': no answer within ' + ms + ' ms' });
  }, ms);
  start(function (ok, payload) {
    if (done) return;
    done = true;
    clearTimeout(timer);
    reply(id, ok, payload);
  });
}

function handle(msg) {
  const id = msg.id;
  if (msg.op === 'open') {
    init(function () {
      const E = global.Espruino;
      if (/^tcp:\/\//.test(msg.port)) E.Config.SERIAL_TCPIP = [msg.port];
      // 0 (default): pause 250 ms after each Storage.write line so the board can write its flash;
      // 1: no pause (a board with flow control, or the test board).
      E.Config.STORAGE_UPLOAD_METHOD = msg.throttle === false ? 1 : 0;
      withTimeout(id, msg.timeoutMs || 10000, 'connect to ' + msg.port, function (done) {
        E.Core.Serial.open(
          msg.port,
          function (status) {
            if (status === undefined) return done(false, { code: 'CONNECT', error: 'cannot connect to ' + msg.port });
            connected = true;
            done(true, { result: String(status) });
          },
          function () {
            connected = false;
            disconnectedWhy = 'the board closed the connection';
            if (process.send) process.send({ event: 'disconnected' });
          },
        );
      });
    });
    return;
  }
  if (!connected && msg.op !== 'close') {
    reply(id, false, { code: 'NOT_CONNECTED', error: disconnectedWhy || 'not connected' });
    return;
  }
  const U = connected ? global.Espruino.Core.Utils : null;
  if (msg.op === 'expr' || msg.op === 'statement') {
    withTimeout(id, msg.timeoutMs || 15000, msg.op, function (done) {
      const f = msg.op === 'expr' ? U.executeExpression : U.executeStatement;
      f(
        msg.op === 'expr' ? msg.expr : msg.code,
        function (result) {
          if (result === undefined) done(false, { code: 'NO_ANSWER', error: 'no answer to ' + (msg.expr || msg.code).slice(0, 60) });
          else done(true, { result: result });
        },
        { maxTimeout: Math.ceil((msg.timeoutMs || 15000) / 1000) },
      );
    });
    return;
  }
  if (msg.op === 'upload') {
    const contents = Buffer.from(msg.base64, 'base64').toString('latin1');
    withTimeout(id, msg.timeoutMs || 60000, 'upload ' + msg.name, function (done) {
      U.uploadFile(msg.name, contents, function (result) {
        done(true, { result: result === undefined ? '' : String(result) });
      });
    });
    return;
  }
  if (msg.op === 'close') {
    if (connected) {
      try {
        global.Espruino.Core.Serial.close();
      } catch (e) {
        log('close: ' + e);
      }
    }
    connected = false;
    reply(id, true, { result: 'closed' });
    setTimeout(function () {
      process.exit(0);
    }, 50);
    return;
  }
  reply(id, false, { code: 'BAD_OP', error: 'unknown op ' + msg.op });
}

process.on('message', function (msg) {
  try {
    handle(msg);
  } catch (e) {
    reply(msg && msg.id, false, { code: 'EXCEPTION', error: String((e && e.stack) || e) });
  }
});
process.on('disconnect', function () {
  process.exit(0);
});
