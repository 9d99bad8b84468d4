#!/usr/bin/env node
'use strict';
let cli;
try {
  cli = require('../dist/bin/cli/main.js');
} catch (e) {
  if (e && e.code === 'MODULE_NOT_FOUND') {
    process.stderr.write('tinyrnn: the compiled code is missing (dist/). Run `npm ci` (or `npm run build`) in the tinyrnn folder first.\n');
    process.exit(70);
  }
  throw e;
}
cli.main(process.argv.slice(2), cli.processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write('tinyrnn: internal error: ' + ((err && err.stack) || err) + '\n');
    process.exitCode = 70;
  },
);
