#!/usr/bin/env node
// The `matterpay` command. Admin commands run from dist/, compiled ahead and kept fresh by bin/compiled.js (no manual
// build step); the long-running services (start, worker, ingress) run the TypeScript sources through tsx, because
// the worker bundles workflows/ from source and reads its templates and migrations beside the sources.
const services = new Set(['start', 'worker', 'ingress']);
const command = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
const compiled = services.has(command) ? null : require('./compiled').compiledEntry('worker/cli.js');
if (compiled) {
  require(compiled);
} else {
  require('tsx/cjs');
  require('../worker/cli.ts');
}
