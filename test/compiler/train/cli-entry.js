// Runs the tinyrnn CLI from the TypeScript sources (no build needed), for subprocess tests.
const path = require('node:path');
const fs = require('node:fs');
const swc = require('@swc/core');
require.extensions['.ts'] = function (m, filename) {
  const out = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  m._compile(out.code, filename);
};
const cli = require(path.resolve(__dirname, '..', '..', '..', 'bin', 'cli', 'main.ts'));
cli.main(process.argv.slice(2), cli.processIo()).then((code) => {
  process.exitCode = code;
});
