#!/usr/bin/env node
// The `matterpay` command. Runs from dist/, compiled ahead and kept fresh by bin/compiled.js (no manual build step:
// the first run after a change compiles); falls back to the TypeScript sources through tsx if dist/ cannot be built.
const compiled = require('./compiled').compiledEntry('worker/cli.js');
if (compiled) {
  require(compiled);
} else {
  require('tsx/cjs');
  require('../worker/cli.ts');
}
