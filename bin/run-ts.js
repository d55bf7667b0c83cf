#!/usr/bin/env node
// Runs one TypeScript file (benchmarks, scripts) through tsx: `node bin/run-ts.js bench/x.ts`.
require('tsx/cjs');
const path = require('node:path');
const [file, ...rest] = process.argv.slice(2);
process.argv = [process.argv[0], file, ...rest];
require(path.resolve(file));
