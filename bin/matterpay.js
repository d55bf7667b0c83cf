#!/usr/bin/env node
// The `matterpay` command. Runs the TypeScript sources through tsx so a fresh clone needs no build step.
require('tsx/cjs');
require('../worker/cli.ts');
