#!/usr/bin/env node
// Bundles workflows/ for the Temporal worker (webpack, through the SDK's bundleWorkflowCode) into one file:
// `node bin/bundle-workflows.js <workflows/index.ts> <out.js> [<interceptor module>…]`. A process of its own, so the worker never loads
// webpack: the bundler's ~100 MiB would otherwise stay in the worker's resident memory for its whole life.
const fs = require('node:fs');
const path = require('node:path');
const { bundleWorkflowCode } = require('@temporalio/worker');

const [workflowsPath, outFile, ...workflowInterceptorModules] = process.argv.slice(2);
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
// A workflow's own failures keep their words encrypted too (shared/failureConverter.ts).
const failureConverterPath = path.join(__dirname, '..', 'shared', 'failureConverter.ts');
// The workflows and interceptors are loaded once and shared by every workflow the worker runs (the SDK's reusable V8
// context), instead of evaluated again for each new execution and each replay of one out of the cache: their module
// scope holds only constants, functions and a cache of Intl formatters, never a workflow's state.
const preloadModules = [workflowsPath, ...workflowInterceptorModules];
bundleWorkflowCode({
  workflowsPath,
  workflowInterceptorModules,
  failureConverterPath,
  preloadModules,
  logger: quiet,
}).then(
  ({ code }) => {
    fs.mkdirSync(path.dirname(outFile), { recursive: true });
    const temporary = `${outFile}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, code);
    fs.renameSync(temporary, outFile);
  },
  (err) => {
    process.stderr.write(`could not bundle the workflows: ${err.stack ?? err}\n`);
    process.exit(1);
  },
);
